// The shell's tokenizer (src/shell/forms/tokenizer.ts): what the completer and the Eshell
// forms see in a line of TypeScript.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bundleForTest } from './helpers/bundle.mjs';

const { tokenize } = bundleForTest('src/shell/forms.ts');

/** `kind:text` for each token, the compact form the tables below use. */
const shape = (source) => tokenize(source).map((token) => `${token.kind}:${token.text}`);

const cases = [
  ['identifiers and keywords', 'const ServerPid = $x_1', ['identifier:const', 'identifier:ServerPid', 'punctuator:=', 'identifier:$x_1']],
  ['unicode identifiers', 'café = ñ\u0041', ['identifier:café', 'punctuator:=', 'identifier:ñA']],
  ['escaped identifier', '\\u0041bc', ['identifier:\\u0041bc']],
  ['private name', 'this.#count', ['identifier:this', 'punctuator:.', 'private:#count']],
  ['integer and trailing dot', '1.', ['number:1.']],
  ['leading dot', '.5', ['number:.5']],
  ['exponent', '1e3 1.5E-3', ['number:1e3', 'number:1.5E-3']],
  ['hex, binary, octal', '0x1F 0b101 0o17', ['number:0x1F', 'number:0b101', 'number:0o17']],
  ['separators and bigint', '1_000 10n', ['number:1_000', 'number:10n']],
  ['number then terminator', '1.5.', ['number:1.5', 'punctuator:.']],
  ['member access on a number', '1..toString()', ['number:1.', 'punctuator:.', 'identifier:toString', 'punctuator:(', 'punctuator:)']],
  ['single-quoted string with escapes', "'it\\'s'", ["string:'it\\'s'"]],
  ['double-quoted string', '"a\\"b"', ['string:"a\\"b"']],
  ['string holding shell syntax', '"P ! m. X = a:b"', ['string:"P ! m. X = a:b"']],
  ['template without substitution', '`a \\${no} $ {}`', ['template:`a \\${no} $ {}`']],
  ['template with substitution', '`a${x}b`', ['template:`a${', 'identifier:x', 'template:}b`']],
  ['nested templates', '`a${`b${c}`}d`', ['template:`a${', 'template:`b${', 'identifier:c', 'template:}`', 'template:}d`']],
  ['braces inside a substitution', '`${ {a: 1}.a }`', ['template:`${', 'punctuator:{', 'identifier:a', 'punctuator::', 'number:1', 'punctuator:}', 'punctuator:.', 'identifier:a', 'template:}`']],
  ['regex at expression start', '/a\\/b[/]/g.test(s)', ['regex:/a\\/b[/]/g', 'punctuator:.', 'identifier:test', 'punctuator:(', 'identifier:s', 'punctuator:)']],
  ['division after an operand', 'a / b / c', ['identifier:a', 'punctuator:/', 'identifier:b', 'punctuator:/', 'identifier:c']],
  ['division after a closing paren', '(a) / 2', ['punctuator:(', 'identifier:a', 'punctuator:)', 'punctuator:/', 'number:2']],
  ['regex after return', 'return /x/', ['identifier:return', 'regex:/x/']],
  ['regex after an operator', 'x = /=+/', ['identifier:x', 'punctuator:=', 'regex:/=+/']],
  ['compound division', 'x /= 2', ['identifier:x', 'punctuator:/=', 'number:2']],
  ['line comment', 'a // b ! c', ['identifier:a', 'comment:// b ! c']],
  ['block comment', 'a /* b */ c', ['identifier:a', 'comment:/* b */', 'identifier:c']],
  ['multi-character punctuators', 'a === b !== c == d != e <= f >= g => h && i || j ?? k ?. l ... m ** n += o -= p',
    ['identifier:a', 'punctuator:===', 'identifier:b', 'punctuator:!==', 'identifier:c', 'punctuator:==', 'identifier:d',
      'punctuator:!=', 'identifier:e', 'punctuator:<=', 'identifier:f', 'punctuator:>=', 'identifier:g', 'punctuator:=>',
      'identifier:h', 'punctuator:&&', 'identifier:i', 'punctuator:||', 'identifier:j', 'punctuator:??', 'identifier:k',
      'punctuator:?.', 'identifier:l', 'punctuator:...', 'identifier:m', 'punctuator:**', 'identifier:n', 'punctuator:+=',
      'identifier:o', 'punctuator:-=', 'identifier:p']],
  ['longest punctuator wins', 'a >>>= b', ['identifier:a', 'punctuator:>>>=', 'identifier:b']],
  ['conditional with a decimal is not optional chaining', 'a?.5:1', ['identifier:a', 'punctuator:?', 'number:.5', 'punctuator::', 'number:1']],
  ['send and non-null', 'Pid ! x!.y', ['identifier:Pid', 'punctuator:!', 'identifier:x', 'punctuator:!', 'punctuator:.', 'identifier:y']],
  ['remote call', 'mod:fun(1)', ['identifier:mod', 'punctuator::', 'identifier:fun', 'punctuator:(', 'number:1', 'punctuator:)']],
  ['stray characters are invalid tokens', 'a \u0001\u0002 b', ['identifier:a', 'invalid:\u0001\u0002', 'identifier:b']],
  ['lone surrogate is an invalid token', 'a\uD800b', ['identifier:a', 'invalid:\uD800', 'identifier:b']],
  ['emoji stays whole', 'x\u{1F600}', ['identifier:x', 'invalid:\u{1F600}']],
  ['non-breaking space is white space', 'a\u00A0b', ['identifier:a', 'identifier:b']],
];

for (const [name, source, expected] of cases) {
  test(`tokenize: ${name}`, () => assert.deepEqual(shape(source), expected));
}

test('tokenize: unterminated literals are flagged, not thrown', () => {
  const flags = (source) => tokenize(source).map((token) => `${token.kind}:${token.terminated}`);
  assert.deepEqual(flags("'abc"), ['string:false']);
  assert.deepEqual(flags("'abc\nx"), ['string:false', 'identifier:true']);
  assert.deepEqual(flags('`abc'), ['template:false']);
  assert.deepEqual(flags('`a${b}c'), ['template:true', 'identifier:true', 'template:false']);
  assert.deepEqual(flags('/* abc'), ['comment:false']);
  assert.deepEqual(flags('x = /abc'), ['identifier:true', 'punctuator:true', 'regex:false']);
});

test('tokenize: a string continues over an escaped line break', () => {
  assert.deepEqual(shape("'a\\\nb'"), ["string:'a\\\nb'"]);
});

test('tokenize: offsets point into the source and line breaks are recorded', () => {
  const source = 'a +\n  b // c\n/* d\n */ e';
  const tokens = tokenize(source);
  for (const token of tokens) assert.equal(source.slice(token.start, token.end), token.text);
  assert.deepEqual(tokens.map((token) => token.newlineBefore), [false, false, true, false, true, true]);
});

test('tokenize: template pieces say which part they are', () => {
  assert.deepEqual(tokenize('`a${b}c${d}e`').filter((t) => t.kind === 'template').map((t) => t.templatePart),
    ['head', 'middle', 'tail']);
  assert.equal(tokenize('`x`')[0].templatePart, 'full');
});

test('tokenize: a 1 MB line of garbage is tokenized without throwing', () => {
  let source = '';
  const alphabet = 'aZ_$09 .,;:!?()[]{}<>=+-*/%&|^~@#\'"`\\\u0000\u0007\uD800\uDFFF\u00E9\u4E2D\n';
  for (let i = 0; source.length < 1 << 20; i++) source += alphabet[(i * 7919) % alphabet.length];
  const tokens = tokenize(source);
  let previousEnd = 0;
  for (const token of tokens) {
    assert.ok(token.start >= previousEnd && token.end > token.start);
    previousEnd = token.end;
  }
  assert.ok(previousEnd <= source.length);
});
