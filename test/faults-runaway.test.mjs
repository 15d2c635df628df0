// Faults, runaway code, against the real evaluator in a pseudo-terminal: Ctrl-C gives the
// prompt back within a second whatever holds the evaluator thread, only the runaway pays,
// and when a stop must cost more (code after an await, which no SIGINT reaches) the shell
// says exactly what was lost.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startShell } from './helpers/pty.mjs';
import { tempDir } from './helpers/tempDir.mjs';

const COUNTER = 'C = spawn(function count(n = 0) { return receive([["get", _], ([, from]) => { from ! ["count", n]; return count(n); }], [_, () => count(n + 1)]); }).';

/** Starts a shell in a fresh directory (so no module of the project is in the way). */
async function shellIn(t, files = {}) {
  const sh = startShell({ t, cwd: tempDir(t, 'eshell-ts-faults-', files), env: { NO_COLOR: '1' } });
  await sh.waitFor('1> ');
  return sh;
}

/** Types a form, presses Enter and waits for the prompt numbered `next`. */
async function evaluate(sh, form, next, timeout = 5000) {
  const since = sh.rawOutput().length;
  await sh.type(`${form}\r`);
  await sh.waitFor(`${next}> `, { since, timeout });
  return sh.output().slice(sh.output().length - (sh.rawOutput().length - since) - 1);
}

/** Presses Ctrl-C and measures how long the prompt `next` takes to come back. */
async function interruptUntil(sh, next) {
  const since = sh.rawOutput().length;
  const started = Date.now();
  sh.key('ctrl-c');
  await sh.waitFor(new RegExp(`(^|\\n)${next}> `), { since, timeout: 3000 });
  return Date.now() - started;
}

async function counterState(sh, next) {
  const since = sh.rawOutput().length;
  await sh.type('C ! ["get", self()], receive([["count", _], ([, n]) => n]).\r');
  await sh.waitFor(`${next}> `, { since });
  return sh.output();
}

test('while (true) {} at the prompt: Ctrl-C answers within a second, bindings and processes survive', { timeout: 20000 }, async (t) => {
  const sh = await shellIn(t);
  await evaluate(sh, 'X = 5.', 2);
  await evaluate(sh, COUNTER, 3);
  await evaluate(sh, 'C ! 1, C ! 2, C ! 3.', 4);
  await sh.type('while (true) {}\r');
  await new Promise((resolve) => setTimeout(resolve, 300));
  const ms = await interruptUntil(sh, 5);
  assert.ok(ms < 1000, `prompt back after ${ms} ms`);
  assert.match(sh.output(), /\*\* exception exit: killed/);
  await evaluate(sh, 'X.', 6);
  assert.match(sh.output(), /5> X\.\r*\n5\r*\n6> /);
  assert.match(await counterState(sh, 7), /\n3\r*\n7> /);
});

test('a spawned process looping without awaiting: Ctrl-C stops only it', { timeout: 20000 }, async (t) => {
  const sh = await shellIn(t);
  await evaluate(sh, COUNTER, 2);
  await evaluate(sh, 'C ! 1.', 3);
  // The runaway starts after the prompt is back, as in a real session.
  await evaluate(sh, 'R = spawn(() => receive(after(100, () => { while (true) {} }))).', 4);
  await new Promise((resolve) => setTimeout(resolve, 300));
  await sh.type('Y = 7.\r');
  await new Promise((resolve) => setTimeout(resolve, 200));
  const ms = await interruptUntil(sh, 5);
  assert.ok(ms < 1000, `prompt back after ${ms} ms`);
  assert.match(sh.output(), /process <0\.\d+\.0> was stopped by the user: it ran \d+ ms without yielding/);
  await evaluate(sh, 'is_process_alive(R).', 6);
  assert.match(sh.output(), /5> is_process_alive\(R\)\.\r*\nfalse\r*\n6> /);
  assert.match(await counterState(sh, 7), /\n1\r*\n7> /);
});

test('a timer callback of module code that never returns is stopped like a process step', { timeout: 20000 }, async (t) => {
  const sh = await shellIn(t, {
    'spinner.ts': `import { receive, _ } from 'eshell-ts';
export function start() {
  setTimeout(() => { while (true) {} }, 100);
  return receive([_, () => 'ok']);
}
`,
  });
  await evaluate(sh, 'c(spinner).', 2, 10000);
  await evaluate(sh, 'X = 1.', 3);
  await evaluate(sh, 'S = spawn(() => spinner:start()).', 4);
  await new Promise((resolve) => setTimeout(resolve, 400));
  await sh.type('X.\r');
  await new Promise((resolve) => setTimeout(resolve, 200));
  const ms = await interruptUntil(sh, 5);
  assert.ok(ms < 1000, `prompt back after ${ms} ms`);
  assert.match(sh.output(), /process <0\.\d+\.0> was stopped by the user/);
  assert.doesNotMatch(sh.output(), /evaluator thread/);
  await evaluate(sh, '[X, is_process_alive(S)].', 6);
  assert.match(sh.output(), /\[1, false\]/);
});

test('a busy loop after an await holds the thread out of SIGINT\'s reach: the thread is replaced and the loss listed', { timeout: 20000 }, async (t) => {
  const sh = await shellIn(t);
  await evaluate(sh, 'X = 5.', 2);
  await evaluate(sh, 'const kept = 6.', 3);
  await evaluate(sh, 'spawn(async () => { await new Promise((r) => setTimeout(r, 50)); while (true) {} }).', 4);
  await new Promise((resolve) => setTimeout(resolve, 300));
  await sh.type('X.\r');
  await new Promise((resolve) => setTimeout(resolve, 200));
  const since = sh.rawOutput().length;
  const started = Date.now();
  sh.key('ctrl-c');
  await sh.waitFor(/started a new evaluator thread[^]*1> /, { since, timeout: 3000 });
  const ms = Date.now() - started;
  assert.ok(ms < 1000, `prompt back after ${ms} ms`);
  const said = sh.output().slice(-600);
  assert.match(said, /does not answer: code outside any process step \(after an await, or in a callback\) holds it/);
  assert.match(said, /1 process: <0\.3\.0> anonymous\/0/);
  assert.match(said, /variable bindings: X/);
  assert.match(said, /declarations: kept/);
  // A working shell again, honest about the bindings it lost.
  await evaluate(sh, '1 + 1.', 2);
  assert.match(sh.output(), /1> 1 \+ 1\.\r*\n2\r*\n2> /);
});

test('Ctrl-C then k in the BREAK menu stops a runaway that holds the thread while the prompt is idle', { timeout: 20000 }, async (t) => {
  const sh = await shellIn(t);
  await evaluate(sh, COUNTER, 2);
  await evaluate(sh, 'C ! 1.', 3);
  await evaluate(sh, 'spawn(() => receive(after(100, () => { while (true) {} }))).', 4);
  await new Promise((resolve) => setTimeout(resolve, 300));
  const since = sh.rawOutput().length;
  const started = Date.now();
  sh.key('ctrl-c');
  await sh.waitFor('BREAK:', { since });
  await sh.type('k');
  await sh.waitFor(/runaway process <0\.\d+\.0> stopped/, { since, timeout: 3000 });
  assert.ok(Date.now() - started < 1000);
  await sh.waitFor(/was stopped by the user[^]*4> /, { since, timeout: 3000 });
  assert.match(await counterState(sh, 5), /\n1\r*\n5> /);
});
