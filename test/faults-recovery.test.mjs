// Stopping what holds the evaluator costs that process only, even when the garbage collector
// makes the stop slow; a big c() is interrupted without loading anything; history files that
// are not the shell's are left alone; `-e` reports what the prompt would. Real binary, real
// pseudo-terminal (or real pipes for -e), and each test checks what survived.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { BIN } from './helpers/pty.mjs';
import { shellEnv } from './helpers/env.mjs';
import { enter, promptSession } from './helpers/prompt.mjs';
import { tempDir } from './helpers/tempDir.mjs';

const COUNTER = 'C = spawn(function count(n = 0): any { return receive([["get", _], ([, from]) => { from ! ["count", n]; return count(n); }], [_, () => count(n + 1)]); }).';

const session = (t, options = {}) => promptSession(t, { rows: 50, ...options });

/** Types `form`, lets it run `ms`, presses Ctrl-C and waits for the next prompt. */
async function interruptAfter(s, form, ms) {
  const mark = await enter(s.sh, form);
  await new Promise((resolve) => setTimeout(resolve, ms));
  s.sh.key('ctrl-c');
  await s.sh.waitFor(`\n${s.nextPrompt()}> `, { since: mark, timeout: 30000 });
}

test('Ctrl-C on a loop that allocates, or spawns without end, stops that evaluation only, every time', { timeout: 180000 }, async (t) => {
  const s = await session(t);
  await s.evaluate('X = 5.');
  await s.evaluate(COUNTER);
  await s.evaluate('C ! 1, C ! 2.');
  // Each stop lands among long garbage collections of a growing heap; none may cost the thread.
  for (let round = 0; round < 3; round++) {
    await interruptAfter(s, '{ const a: any[] = []; while (true) a.push({ x: a.length }); }', 2500);
  }
  await interruptAfter(s, 'for (let i = 0; ; i++) spawn(() => receive([_, () => 1]));', 2500);
  assert.doesNotMatch(s.sh.output(), /evaluator thread|lost/);
  assert.equal((s.sh.output().match(/\*\* exception exit: killed/g) ?? []).length, 4);
  assert.equal(await s.evaluate('X.'), '5');
  assert.match(await s.evaluate('C ! ["get", self()], receive([["count", _], ([, n]) => n]).'), /^2$/);
});

test('Ctrl-C during c() of a very large module interrupts that load only; processes run while it compiles', { timeout: 180000 }, async (t) => {
  let big = "import { receive, _ } from 'eshell-ts';\n";
  for (let i = 0; i < 40000; i++) big += `export function f${i}(x: number): number { const a: number[] = [x, ${i}]; return a.reduce((p, q) => p + q, 0); }\n`;
  const s = await session(t, { files: { 'big.ts': big, 'small.ts': "export function ok() { return 'ok'; }\n" } });
  await s.evaluate('X = 5.');
  await s.evaluate('c(small).');
  await s.evaluate('T = spawn(function tick(n = 0): any { return receive([["get", _], ([, from]) => { from ! ["ticks", n]; return tick(n); }], after(20, () => tick(n + 1))); }).');
  await interruptAfter(s, 'c(big).', 300);
  assert.match(s.sh.output(), /c\(big\)\.\r*\n\*\* exception exit: interrupted/);
  // Give the abandoned compile time to finish: it must load nothing.
  await new Promise((resolve) => setTimeout(resolve, 3000));
  const loaded = await s.evaluate('m().');
  assert.doesNotMatch(loaded, /big/);
  assert.match(loaded, /small/);
  assert.equal(await s.evaluate('X.'), '5');
  const ticks = Number(/(\d+)$/.exec(await s.evaluate('T ! ["get", self()], receive([["ticks", _], ([, n]) => n]).'))[1]);
  assert.ok(ticks > 10, `the ticking process ran ${ticks} times`);
  assert.equal(await s.evaluate('small:ok().'), "'ok'");
  assert.doesNotMatch(s.sh.output(), /evaluator thread|lost/);
});

test('a history path that is a directory is left alone: one warning, the shell runs without saving history', { timeout: 60000 }, async (t) => {
  const dir = tempDir(t, 'eshell-ts-histdir-', { 'project/notes.txt': 'mine' });
  const project = path.join(dir, 'project');
  fs.chmodSync(project, 0o755);
  const s = await session(t, { env: { ESHELL_TS_HISTORY: project } });
  await s.sh.waitFor(`*** history: ${project} is a directory; running without saving history`);
  assert.equal(await s.evaluate('1 + 1.'), '2');
  assert.equal(fs.statSync(project).mode & 0o777, 0o755, 'the directory keeps its mode');
  assert.deepEqual(fs.readdirSync(project), ['notes.txt']);
  assert.equal((s.sh.output().match(/\*\*\* history:/g) ?? []).length, 1);
});

test('a history file grown past its limit is compacted on start to its newest entries', { timeout: 60000 }, async (t) => {
  const dir = tempDir(t, 'eshell-ts-histbig-');
  const file = path.join(dir, 'history');
  const lines = [];
  for (let i = 0; i < 60000; i++) lines.push(JSON.stringify(`old_entry_${i} + ${'x'.repeat(40)}`));
  fs.writeFileSync(file, lines.join('\n') + '\n', { mode: 0o600 });
  const before = fs.statSync(file).size;
  const s = await session(t, { env: { ESHELL_TS_HISTORY: file } });
  assert.equal(await s.evaluate('1 + 1.'), '2');
  s.sh.key('up');
  s.sh.key('up');
  await s.sh.waitForScreen(() => s.sh.cursorLine().includes('old_entry_59999'));
  const after = fs.statSync(file).size;
  assert.ok(after < before / 10, `compacted from ${before} to ${after} bytes`);
  const kept = fs.readFileSync(file, 'utf8').trim().split('\n');
  assert.ok(kept.includes(JSON.stringify(`old_entry_59999 + ${'x'.repeat(40)}`)));
  assert.ok(!kept.includes(JSON.stringify(`old_entry_0 + ${'x'.repeat(40)}`)));
  assert.equal(kept.at(-1), JSON.stringify('1 + 1.'), 'the new entry is saved after compaction');
});

test('-e reports a rejected promise as an exception (status 1) and refuses an option as the expression', (t) => {
  const dir = tempDir(t, 'eshell-ts-e-');
  const run = (...args) => spawnSync(process.execPath, [BIN, ...args], { cwd: dir, encoding: 'utf8', timeout: 20000, env: shellEnv({ NO_COLOR: '1' }, { home: dir }) });
  const rejected = run('-e', 'Promise.reject(3)');
  assert.equal(rejected.status, 1, rejected.stdout + rejected.stderr);
  assert.match(rejected.stdout, /\*\* exception throw: 3/);
  const resolved = run('-e', 'Promise.resolve(3)');
  assert.equal(resolved.status, 0);
  assert.equal(resolved.stdout, '3\n');
  const option = run('-e', '--help');
  assert.equal(option.status, 2);
  assert.doesNotMatch(option.stdout, /NaN/);
  assert.match(option.stderr, /-e needs an expression, and '--help' is an option/);
});
