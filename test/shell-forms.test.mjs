// The language at the real prompt, typed in a pseudo-terminal: Eshell's forms (single
// assignment, patterns, sequences, `!`, `mod:fun`) on top of TypeScript (declarations that
// persist, type annotations, top-level await), continuation and syntax errors, and printing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openShell as shell, enter } from './helpers/prompt.mjs';
import { tempDir } from './helpers/tempDir.mjs';

const moduleDir = (t, files) => tempDir(t, 'eshell-shell-forms-', files);

test('single assignment binds, then checks; a sequence runs in order; patterns bind', async (t) => {
  const sh = await shell(t);
  assert.deepEqual(await enter(sh, 'X = 1, Y = X + 1.', 2), ['2']);
  assert.deepEqual(await enter(sh, 'Y.', 3), ['2']);
  assert.deepEqual(await enter(sh, 'X = 1.', 4), ['1'], 'a bound variable matches an equal value');
  assert.deepEqual(await enter(sh, 'X = 2.', 5), ['** exception error: no match of right hand side value 2']);
  assert.deepEqual(await enter(sh, 'X.', 6), ['1'], 'the binding made before the failing line survives');
  const [matched] = await enter(sh, "['ok', Pid] = ['ok', self()].", 7);
  const pid = /^\['ok', (<0\.\d+\.0>)\]$/.exec(matched)?.[1];
  assert.ok(pid, matched);
  assert.deepEqual(await enter(sh, 'Pid === self().', 8), ['true']);
  assert.deepEqual(await enter(sh, "{name: Name, tags: [First, ...Rest]} = {name: 'ann', tags: ['a', 'b', 'c']}.", 9),
    ["{ name: 'ann', tags: ['a', 'b', 'c'] }"]);
  assert.deepEqual(await enter(sh, '[Name, First, Rest].', 10), ["['ann', 'a', ['b', 'c']]"]);
  assert.deepEqual(await enter(sh, "[_, Second, Second] = [0, 'two', 'two'].", 11), ["[0, 'two', 'two']"]);
  assert.deepEqual(await enter(sh, "['ok', Z] = ['error', 'enoent'].", 12),
    ["** exception error: no match of right hand side value ['error', 'enoent']"]);
  assert.deepEqual(await enter(sh, 'b().', 13), [
    "First = 'a'", "Name = 'ann'", `Pid = ${pid}`,
    "Rest = ['b', 'c']", "Second = 'two'", 'X = 1', 'Y = 2', "'ok'",
  ], 'Z was never bound: its line failed');
});

test('const, let, functions and classes persist between lines; types are accepted; top-level await', async (t) => {
  const sh = await shell(t);
  assert.deepEqual(await enter(sh, 'const k: number = 21.', 2), ['undefined']);
  assert.deepEqual(await enter(sh, 'let counter = 0', 3), ['undefined']);
  assert.deepEqual(await enter(sh, 'function double(n: number): number { return n * 2 }', 4), ['undefined']);
  assert.deepEqual(await enter(sh, 'class Point { constructor(public x: number, public y: number) {} }', 5), ['undefined']);
  assert.deepEqual(await enter(sh, 'interface Named { name: string }', 6), ['undefined']);
  assert.deepEqual(await enter(sh, 'counter += double(k).', 7), ['42']);
  assert.deepEqual(await enter(sh, 'counter.', 8), ['42']);
  assert.deepEqual(await enter(sh, 'new Point(1, 2).', 9), ['Point { x: 1, y: 2 }']);
  assert.deepEqual(await enter(sh, "const who: Named = { name: 'ann' }; who.name.", 10), ["'ann'"]);
  assert.deepEqual(await enter(sh, "await new Promise((r) => setTimeout(() => r('later'), 20)).", 11), ["'later'"]);
  await enter(sh, 'const fetched = await Promise.resolve(6).', 12);
  assert.deepEqual(await enter(sh, 'fetched * 7.', 13), ['42'], 'a const declared with await persists');
});

test('an unfinished form continues on a continuation prompt; a line that does not parse keeps its number', async (t) => {
  const sh = await shell(t);
  assert.deepEqual(await enter(sh, 'L = [1,\n2,\n3].', 2), ['[1, 2, 3]']);
  assert.deepEqual(await enter(sh, 'function add(a: number,\nb: number) {\nreturn a + b\n}', 3), ['undefined']);
  assert.deepEqual(await enter(sh, 'add(1, 2).', 4), ['3']);
  assert.deepEqual(await enter(sh, ')(.', 4), ["* 1:1: syntax error before: ')'"]);
  assert.deepEqual(await enter(sh, 'foo(.', 4), ["* 1:5: syntax error before: '.'"], 'a terminator inside brackets is an error, not a continuation');
  assert.deepEqual(await enter(sh, '1 +\n2.', 5), ['3']);
  const screen = sh.allLines();
  assert.deepEqual(screen.slice(1, 4), ['1> L = [1,', '.. 2,', '.. 3].']);
  assert.deepEqual(screen.slice(-6), ['4> foo(.', "* 1:5: syntax error before: '.'", '4> 1 +', '.. 2.', '3', '5>']);
});

test('Pid ! Msg sends and is worth Msg; A ! B ! m sends to both; a registered name is a target', async (t) => {
  const sh = await shell(t);
  await enter(sh, "const echo = (label: string) =>\nspawn(() => receive([_, (m) => io.format('~s got ~p~n', [label, m])]))", 2);
  await enter(sh, "A = echo('a'), B = echo('b').", 3);
  assert.deepEqual(await enter(sh, "A ! B ! ['hello', 1].", 4), ["b got ['hello', 1]", "a got ['hello', 1]", "['hello', 1]"]);
  assert.deepEqual(await enter(sh, "register('echo', echo('echo')).", 5), ['true']);
  assert.deepEqual(await enter(sh, "'echo' ! 'hi'.", 6), ["echo got 'hi'", "'hi'"]);
  assert.deepEqual(await enter(sh, "self() ! 'for me', flush().", 7), ["Shell got 'for me'", "'ok'"]);
  assert.deepEqual(await enter(sh, "'nobody' ! 'hi'.", 8), ["** exception error: send: no process is registered as 'nobody'"]);
});

test('mod:fun(args) and mod.fun(args) load a module from the code path on first use', async (t) => {
  const cwd = moduleDir(t, {
    'greeter.ts': "export function hello(name: string): string { return `hello, ${name}`; }\n",
    'counter.ts': 'let n = 0;\nexport function next(): number { return ++n; }\n',
  });
  const sh = await shell(t, { cwd });
  assert.deepEqual(await enter(sh, "greeter:hello('ann').", 2), ["'hello, ann'"]);
  assert.deepEqual(await enter(sh, "greeter.hello('bob').", 3), ["'hello, bob'"]);
  assert.deepEqual(await enter(sh, 'counter.next() + counter:next().', 4), ['3'], 'one loaded version, shared by both spellings');
  assert.deepEqual(await enter(sh, 'm().', 5), [
    'Module                  Version   File', `counter                 1         ${cwd}/counter.ts`,
    `greeter                 1         ${cwd}/greeter.ts`, "'ok'",
  ]);
  assert.deepEqual(await enter(sh, 'greeter:nope().', 6), ['** exception error: undefined function greeter:nope/0']);
});

test('results print in TypeScript notation, coloured on a terminal, long values wrapped to its width', async (t) => {
  const sh = await shell(t);
  const [me] = await enter(sh, 'self().', 2);
  assert.match(me, /^<0\.\d+\.0>$/);
  assert.deepEqual(await enter(sh, "[1, 'two', { three: [3n, null, undefined] }, true, self()].", 3),
    [`[1, 'two', { three: [3n, null, undefined] }, true, ${me}]`]);
  const mark = sh.rawOutput().length;
  assert.deepEqual(await enter(sh, "['ok', 42].", 4), ["['ok', 42]"]);
  assert.match(sh.rawOutput().slice(mark), /\x1b\[32m'ok'\x1b\[39m, \x1b\[33m42\x1b\[39m/, 'strings green, numbers yellow');
  const long = await enter(sh, "Array.from({ length: 12 }, (_, i) => ({ id: i, name: 'n' + i })).", 5);
  assert.ok(long.length > 1, 'a value wider than the terminal is printed over several lines');
  assert.ok(long.every((line) => line.length <= 80), long.join('\n'));
  assert.equal(long.join('').replace(/\s+/g, ''), `[${Array.from({ length: 12 }, (_, i) => `{id:${i},name:'n${i}'},`).join('')}]`);
});

for (const [how, options] of [['NO_COLOR', { env: { NO_COLOR: '1' } }], ['--no-color', { args: ['--no-color'] }]]) {
  test(`with ${how} results and errors print plain`, async (t) => {
    const sh = await shell(t, options);
    await enter(sh, "['ok', 42, self()].", 2);
    await enter(sh, "throw 'x'.", 3);
    assert.doesNotMatch(sh.rawOutput().replace(/\x1b\[\?[0-9;]*[hl]|\x1b\[[0-9]*[A-DJKC]/g, ''), /\x1b\[[0-9;]*m/);
  });
}
