// isComplete: does Enter evaluate the input, or show a continuation prompt?
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bundleForTest } from './helpers/bundle.mjs';

const { isComplete } = bundleForTest('src/shell/forms.ts');

const complete = [
  ['empty input', ''],
  ['white space only', '   \n\t'],
  ['a comment only', '// nothing'],
  ['a match with the terminator', "X = 'ok'."],
  ['a number ending in a dot', 'X = 1.'],
  ['a fraction ending in a dot', 'X = 2.5.'],
  ['a name with the terminator', 'foo.'],
  ['a lone terminator', '.'],
  ['an expression without terminator', '1 + 2'],
  ['a call', "code_reload:start_server()"],
  ['a send', "ClientPid ! [self(), 'quit']."],
  ['a non-null assertion before a dot', 'x!.y'],
  ['balanced brackets over lines', 'foo(\n  1,\n  2\n)'],
  ['a closed template', '`a${b}c`'],
  ['a closed block comment', 'a /* b */'],
  ['a closing bracket in excess (syntax error for the evaluator)', 'foo())'],
  ['crossed brackets (syntax error)', '(]'],
  ['an unterminated string (syntax error)', "'abc"],
  ['an unterminated string followed by a line', "'abc\nx"],
  ['an escaped backslash at the end of a string', "'abc\\\\"],
  ['an unterminated regex (syntax error)', 'x = /abc'],
  ['a generic type closing the line', 'let m: Map<string, Array<number>>'],
  ['postfix increment', 'x++'],
  ['do-while', 'do { x++ } while (x < 3)'],
  ['a property named like an operator', 'map.delete'],
  ['a statement with semicolon', 'let x = 1;'],
  ['a block', 'if (x) { y() }'],
  ["Erlang's catch of a parenthesised expression", 'catch (f())'],
  ['a trailing operator inside a comment', 'x // +'],
  ['a string holding an operator', "'a +'"],
];

const incomplete = [
  ['an open paren', 'foo('],
  ['an open bracket', '[1, 2'],
  ['an open brace', 'function f() {'],
  ['nested open brackets', '{ a: [ (1'],
  ['an open template', '`abc'],
  ['an open template substitution', '`a${b'],
  ['a nested template still open', '`a${`b${c}`'],
  ['an open block comment', 'a /* b'],
  ['a trailing match operator', 'X ='],
  ['a trailing send', 'Pid !'],
  ['a trailing comma (Eshell sequence)', 'X = 1,'],
  ['a trailing arrow', 'x =>'],
  ['a trailing plus', '1 +'],
  ['a trailing logical operator', 'a &&'],
  ['a trailing conditional', 'a ?'],
  ['a trailing colon', 'a ? b :'],
  ['a trailing remote-call colon', 'code_reload:'],
  ['a trailing optional chain', 'a?.'],
  ['a trailing less-than', 'a <'],
  ['a trailing compound assignment', 'x +='],
  ['a trailing operator before a comment', '1 + // more to come'],
  ['a string continued by a backslash', "'abc\\"],
  ['a string continued by a backslash and line break', "'abc\\\n"],
  ['an if head without body', 'if (x)'],
  ['a for head without body', 'for (const x of xs)'],
  ['a while head without body', 'while (x)'],
  ['a catch head after a try block, without body', 'try { f() } catch (e)'],
  ['a trailing else', 'if (x) a(); else'],
  ['a trailing keyword operator', 'x instanceof'],
  ['a trailing new', 'new'],
];

for (const [name, source] of complete) {
  test(`isComplete: ${name} → complete`, () => assert.equal(isComplete(source), true, JSON.stringify(source)));
}
for (const [name, source] of incomplete) {
  test(`isComplete: ${name} → continuation`, () => assert.equal(isComplete(source), false, JSON.stringify(source)));
}

test('isComplete: line after line, as the terminal accumulates them', () => {
  const lines = ['X = foo(1,', '  2', '),', 'Y = X + 1.'];
  const verdicts = lines.map((_, index) => isComplete(lines.slice(0, index + 1).join('\n')));
  assert.deepEqual(verdicts, [false, false, false, true]);
});
