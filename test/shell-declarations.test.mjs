// Declarations typed at the prompt (const, let, var, function, class) belong to the job that
// ran them (docs/DESIGN.md "Declarations at the prompt"). Here, with piped input, one job: what
// a person sees of them — constants stay constant, patterns declare every name they bind, a
// function may use a name declared after it, a failed input leaves nothing declared, and a
// name declared twice is refused as in the Node REPL. The jobs themselves are in
// shell-jobs.test.mjs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runPiped } from './helpers/piped.mjs';

/** The lines the shell printed for `forms` (one per line of input), prompts removed. */
function answers(forms) {
  const { status, stdout } = runPiped(forms.map((form) => `${form}\n`).join(''));
  assert.equal(status, 0, stdout);
  return stdout.split('\n').map((line) => line.replace(/^\d+> /, '')).filter((line) => line !== '' && !line.startsWith('Eshell-TS'));
}

test('a constant declared at the prompt stays constant, in later inputs and in functions', () => {
  assert.deepEqual(answers([
    'const limit = 10.',
    'limit = 11.',
    'limit += 1.',
    'limit++.',
    'function raise() { limit = 12 }',
    'raise().',
    'limit.',
    'let count = 0.',
    'const bump = () => ++count.',
    'bump(), bump().',
    'count.',
  ]).filter((line) => !line.startsWith('     at ')), [
    'undefined',
    '** exception error: TypeError: Assignment to constant variable.',
    '** exception error: TypeError: Assignment to constant variable.',
    '** exception error: TypeError: Assignment to constant variable.',
    'undefined',
    '** exception error: TypeError: Assignment to constant variable.',
    '10',
    'undefined',
    'undefined',
    '2',
    '2',
  ]);
});

test('patterns declare every name they bind; TypeScript declarations too', () => {
  assert.deepEqual(answers([
    'const { a, b: [c, d = 4], ...others } = { a: 1, b: [3], e: 5 }.',
    '[a, c, d, others].',
    'let [first, , third = 30, ...tail] = [10, 20, undefined, 40, 50].',
    '[first, third, tail].',
    'const typed: Map<string, number> = new Map([["k", 1]]), other: number = 2.',
    '[typed.get("k"), other].',
    'enum Colour { Red, Green }',
    'Colour.Green.',
    'class Point { constructor(readonly x: number) {} }',
    'new Point(7).x.',
  ]), [
    'undefined',
    '[1, 3, 4, { e: 5 }]',
    'undefined',
    '[10, 30, [40, 50]]',
    'undefined',
    '[1, 2]',
    'undefined',
    '1',
    'undefined',
    '7',
  ]);
});

test('a function may call one declared after it; a failed input declares nothing; no name is declared twice', () => {
  assert.deepEqual(answers([
    'function isEven(n: number): boolean { return n === 0 || isOdd(n - 1) }',
    'function isOdd(n: number): boolean { return n !== 0 && isEven(n - 1) }',
    'isEven(10).',
    'const doomed = 1; erlang.error("boom").',
    'doomed.',
    'const doomed = 2.',
    'doomed.',
    "const doomed = 3.",
    'var again = 1.',
    'var again = 2.',
    'again.',
  ]).filter((line) => !line.startsWith('     at ')), [
    'undefined',
    'undefined',
    'true',
    '** exception error: boom',
    "'doomed'",
    'undefined',
    '2',
    "** exception error: SyntaxError: Identifier 'doomed' has already been declared",
    'undefined',
    'undefined',
    '2',
  ]);
});
