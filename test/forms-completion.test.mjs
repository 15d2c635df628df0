// lastIdentifierChain: what Tab completes, from the text before the cursor.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bundleForTest } from './helpers/bundle.mjs';

const { lastIdentifierChain } = bundleForTest('src/shell/forms.ts');

const cases = [
  ['a function of a module', 'code_reload:sta', { kind: 'remote', module: 'code_reload', prefix: 'sta', replaceFrom: 12 }],
  ['every function of a module', 'X = code_reload:', { kind: 'remote', module: 'code_reload', prefix: '', replaceFrom: 16 }],
  ['a property', 'foo.ba', { kind: 'property', object: 'foo', prefix: 'ba', replaceFrom: 4 }],
  ['a property of a chain', 'x = a.b.c', { kind: 'property', object: 'a.b', prefix: 'c', replaceFrom: 8 }],
  ['every property of a chain', 'a.b.', { kind: 'property', object: 'a.b', prefix: '', replaceFrom: 4 }],
  ['an optional chain', 'x?.y', { kind: 'property', object: 'x', prefix: 'y', replaceFrom: 3 }],
  ['a variable', 'Serv', { kind: 'name', prefix: 'Serv', replaceFrom: 0 }],
  ['a name in a call', 'c(code_r', { kind: 'name', prefix: 'code_r', replaceFrom: 2 }],
  ['a name after an operator', 'ClientPid ! Ser', { kind: 'name', prefix: 'Ser', replaceFrom: 12 }],
  ['nothing typed yet', '', { kind: 'name', prefix: '', replaceFrom: 0 }],
  ['after an open paren', 'foo(', { kind: 'name', prefix: '', replaceFrom: 4 }],
  ['after a space', 'f(x) ', { kind: 'name', prefix: '', replaceFrom: 5 }],
  ['a name in a template substitution', '`a${fo', { kind: 'name', prefix: 'fo', replaceFrom: 4 }],
  ['a conditional is not a remote call', 'c ? a:b', { kind: 'name', prefix: 'b', replaceFrom: 6 }],
  ['inside a string', "x = 'ab", { kind: 'none' }],
  ['inside a double-quoted string', 'io:format("~p', { kind: 'none' }],
  ['inside template text', '`abc', { kind: 'none' }],
  ['inside a line comment', 'x // hi', { kind: 'none' }],
  ['inside a block comment', 'x /* hi', { kind: 'none' }],
  ['right after a number', '12', { kind: 'none' }],
  ['right after a string', "'a'", { kind: 'none' }],
  ['a property of a call result', 'foo().b', { kind: 'none' }],
];

for (const [name, text, expected] of cases) {
  test(`lastIdentifierChain: ${name}`, () => assert.deepEqual(lastIdentifierChain(text), expected));
}
