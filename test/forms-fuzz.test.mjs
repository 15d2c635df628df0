// The syntax layer runs on every Enter and every Tab: whatever the user (or a paste, or a cat
// walking on the keyboard) puts in, it must answer, never throw, and answer in the documented
// shape. 10,000 generated inputs plus a few monsters.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { transformSync } from 'esbuild';
import { bundleForTest } from './helpers/bundle.mjs';
import { random } from './helpers/random.mjs';

// Which arguments are bare atoms or variable names: in the shell, its table of built-ins
// (test/shell-builtins.test.mjs checks the real one); here a few entries of the same shape.
const BARE = { c: ['atom'], h: ['atom', 'atom'], f: ['variable'], 'code.which': ['atom'] };
const bareArguments = (callee) => BARE[callee];

const { tokenize, isComplete, transformInput, splitForms, lastIdentifierChain } = bundleForTest('src/shell/forms.ts');

const context = { isVariable: (name) => name !== 'Math', isModule: (name) => name === 'lists' || name === 'code_reload', bareArguments };


const VOCABULARY = [
  'X', 'Pid', '_', 'x', 'lists', 'code_reload', 'c', 'f', 'h', 'await', 'async', 'const', 'if', 'function',
  'class', 'type', 'return', 'case', '1', '1.', '.5', '0x1F', '10n', "'s'", '"d"', "'open", '`t`', '`a${', '${',
  '}', '`', '(', ')', '[', ']', '{', '}', '.', ',', ';', ':', '?', '!', '=', '==', '=>', '...', '+', '-', '/',
  '/re/', '//c\n', '/*', '*/', '<', '>', '#', '@', '\\', 'mod:fun(', 'Pid !', 'X =', '! m', 'a:b', 'x!.y',
  '\u0000', '\u0007', '\uD800', '\uDFFF', '\u2028', '\u00A0', '\u{1F600}',
];

function generate(next) {
  const pick = (list) => list[Math.floor(next() * list.length)];
  const length = Math.floor(next() * 40);
  switch (Math.floor(next() * 4)) {
    case 0: // any UTF-16 code units, lone surrogates included
      return Array.from({ length }, () => String.fromCharCode(Math.floor(next() * 0x10000))).join('');
    case 1: // bytes
      return Array.from({ length }, () => String.fromCharCode(Math.floor(next() * 256))).join('');
    case 2: // printable ASCII and line breaks
      return Array.from({ length }, () => (next() < 0.1 ? '\n' : String.fromCharCode(32 + Math.floor(next() * 95)))).join('');
    default: // shell-shaped token soup
      return Array.from({ length: Math.floor(length / 2) }, () => pick(VOCABULARY) + pick(['', ' ', ' ', '\n'])).join('');
  }
}

function assertWellFormed(source) {
  const where = `input ${JSON.stringify(source.length > 200 ? `${source.slice(0, 200)}…` : source)}`;

  const tokens = tokenize(source);
  let previousEnd = 0;
  for (const token of tokens) {
    assert.ok(token.start >= previousEnd && token.end > token.start && token.end <= source.length, where);
    assert.equal(token.text, source.slice(token.start, token.end), where);
    previousEnd = token.end;
  }

  assert.equal(typeof isComplete(source), 'boolean', where);

  const result = transformInput(source, context);
  switch (result.kind) {
    case 'empty':
      assert.deepEqual(Object.keys(result), ['kind'], where);
      break;
    case 'code':
      assert.equal(typeof result.code, 'string', where);
      assert.equal(typeof result.usesAwait, 'boolean', where);
      assert.ok(Array.isArray(result.freeModules), where);
      assert.equal(new Set(result.freeModules).size, result.freeModules.length, where);
      for (const name of result.freeModules) assert.ok(context.isModule(name), where);
      break;
    case 'syntax-error':
      assert.match(result.message, /^\d+:\d+: [^\n]+$/, where);
      break;
    default:
      assert.fail(`unknown kind ${result.kind} for ${where}`);
  }

  assert.equal(splitForms(source).join(''), source, where);

  const target = lastIdentifierChain(source);
  assert.ok(['remote', 'property', 'name', 'none'].includes(target.kind), where);
  if (target.kind !== 'none') {
    assert.ok(Number.isInteger(target.replaceFrom) && target.replaceFrom >= 0 && target.replaceFrom <= source.length, where);
    assert.equal(source.slice(target.replaceFrom), target.prefix, where);
  }
}

test('fuzz: 10,000 generated inputs never throw and always answer in shape', () => {
  const next = random(20261124);
  for (let i = 0; i < 10_000; i++) assertWellFormed(generate(next));
});

test('fuzz: edge inputs', () => {
  const edges = [
    '', '.', '..', '...', ' . ', '!', '! ', 'Pid !', 'Pid ! ', 'Pid !.', 'X = Pid !', '! m', '!.', '=', 'X =',
    '= 1', ':', 'a:', ':b', 'a:b', '(', ')', ')(', '[}', '{]', '`', '`${', '`${`', '${}', '}', '`}`', "'", '"',
    '\\', '\\u', '\\u{', '/', '//', '/*', '*/', '/[/', '#', '#!', '@', '\u0000', '\uD800', '\uDFFF\uD800',
    '1.e', '0x', '0b2', '1__0', '1n.', 'X = 1. 2. 3.', 'a ? b', 'a ? b : c : d', 'c(', 'c()', 'c(,)', 'f(,X)',
    'h(x,)', '[...]', '[..., X] = y', '{...X} = y', '{ : } = 1', '[X, ...] = y', 'X = Y = ', 'mod:fun:g()',
    'case', 'default:', '=> =>', '() =>', 'a!!', 'a ! ! b', 'P ! -', 'P ! +', 'x\n!', '\n\n\n',
  ];
  for (const source of edges) assertWellFormed(source);
});

test('fuzz: monsters — a 1 MB line, deep nesting, long chains', () => {
  const next = random(7);
  let soup = '';
  while (soup.length < 1 << 20) soup += VOCABULARY[Math.floor(next() * VOCABULARY.length)] + ' ';
  const monsters = [
    soup,
    'x'.repeat(1 << 20),
    '('.repeat(100_000),
    ')'.repeat(100_000),
    '`${'.repeat(10_000),
    '['.repeat(150) + ']'.repeat(150),
    'a ? '.repeat(20_000) + 'b' + ' : c'.repeat(20_000),
    'P ! '.repeat(50_000) + 'm',
    'X = '.repeat(50_000) + '1',
    'X = 1, '.repeat(20_000) + 'Y = 2.',
    "'" + 'a'.repeat(100_000),
    '/*' + ' '.repeat(100_000),
  ];
  for (const source of monsters) assertWellFormed(source);
});

/** Random Eshell-flavoured expressions, valid by construction (compound operands are
 *  parenthesised where TypeScript needs it). */
function expression(next, depth) {
  const pick = (list) => list[Math.floor(next() * list.length)];
  const space = () => pick([' ', ' ', '', '\n  ']);
  const operand = (d) => {
    const text = expression(next, d);
    return /^[\w.]+$/.test(text) ? text : `(${text})`;
  };
  if (depth <= 0) {
    return pick(['X', 'Pid', 'x', '1', "'a'", '`t`', 'true', 'self()', 'lists.seq(1, 2)', '-1', 'x!.y', '1.5', 'Math.max(1, 2)']);
  }
  const d = depth - 1;
  switch (Math.floor(next() * 16)) {
    case 0: return `f(${expression(next, d)}, ${expression(next, d)})`;
    case 1: return `mod:fun(${expression(next, d)})`;
    case 2: return `(${expression(next, d)}) + (${expression(next, d)})`;
    case 3: return `${operand(d)}${space()}!${space()}${expression(next, d)}`;
    case 4: return `${operand(d)} ? ${operand(d)} : ${operand(d)}`;
    case 5: return `((a) => ${expression(next, d)})`;
    case 6: return `((a: number): number => ${operand(d)})`;
    case 7: return `(async () => await ${operand(d)})`;
    case 8: return `[${expression(next, d)}, ${expression(next, d)}]`;
    case 9: return `({ k: ${expression(next, d)}, m: ${expression(next, d)} })`;
    case 10: return `(${expression(next, d)})`;
    case 11: return `!${operand(d)}`;
    case 12: return `\`a\${${expression(next, d)}}b\``;
    case 13: return `c(${pick(['code_reload', 'x', "'y'"])})`;
    case 14: return `(x = ${expression(next, d)})`;
    default: return `(function g(p: string) { return ${expression(next, d)} })`;
  }
}

test('fuzz: generated Eshell sequences become valid TypeScript', () => {
  const next = random(42);
  const patterns = ['X', 'Y', "[A, _, 'ok']", '{ a: B, c: 1 }', '[H, ...T]', '_Z'];
  for (let i = 0; i < 1500; i++) {
    const parts = Array.from({ length: 1 + Math.floor(next() * 3) }, () =>
      (next() < 0.5 ? `${patterns[Math.floor(next() * patterns.length)]} = ${expression(next, 3)}` : expression(next, 3)));
    const source = parts.join(next() < 0.5 ? ', ' : ',\n  ') + (next() < 0.5 ? '.' : '');
    const result = transformInput(source, context);
    assert.equal(result.kind, 'code', source);
    const code = result.usesAwait ? `(async () => {\n${result.code}\n})` : result.code;
    assert.doesNotThrow(() => transformSync(code, { loader: 'ts' }), `${source}\n=> ${result.code}`);
  }
});
