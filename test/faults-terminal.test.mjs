// The terminal side of reliability: a process flooding the output can be stopped and does not
// hold the prompt's answers; output printed inside a long step shows at once; Ctrl-Z suspends
// and `fg` gives back a working prompt; TERM=dumb gets no escape sequences; a 1 MB line is
// drawn once, not once per chunk; a replaced evaluator thread leaves no zombie behind. Real
// binary in a real pseudo-terminal; each test checks what survived and that the shell answers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { execFileSync } from 'node:child_process';
import { enter, promptSession } from './helpers/prompt.mjs';
import { sleep } from './helpers/env.mjs';

const session = (t, options = {}) => promptSession(t, options);

/** The process's state letter from /proc (R, S, T for stopped...). */
function processState(pid) {
  return fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1][0];
}

async function waitUntil(predicate, what, timeout = 5000) {
  const deadline = Date.now() + timeout;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

test('a process flooding the output: the prompt still answers, and BREAK k kills that process', { timeout: 60000 }, async (t) => {
  const s = await session(t);
  await s.evaluate('X = 5.');
  await s.evaluate('Q = spawn(() => receive([_, () => 1])).');
  await s.evaluate('F = spawn(function flood(n = 0): any { io.format("flood ~p~n", [n]); return receive(after(0, () => flood(n + 1))); }).');
  await s.sh.waitFor(/flood \d+\r\n[^]*flood \d+\r\n/);
  // Answers arrive while the flood goes on.
  for (let i = 0; i < 3; i++) {
    // Typed without looking at the screen: the flood keeps it scrolling.
    const mark = s.sh.rawOutput().length;
    await s.sh.type(`${i} + 1000.\r`);
    await s.sh.waitFor(`\n${1000 + i}\r\n`, { since: mark, timeout: 10000 });
  }
  s.sh.key('ctrl-u');
  s.sh.key('ctrl-c');
  await s.sh.waitFor('BREAK: (a)bort', { since: s.sh.rawOutput().length - 200 });
  await s.sh.type('k');
  await s.sh.waitFor(/\*\*\* process <0\.\d+\.0> killed: it flooded the output \(\d+ characters in the last 2 s\)/, { timeout: 10000 });
  await sleep(300);
  const mark = await enter(s.sh, 'is_process_alive(F).');
  await s.sh.waitFor(/\nfalse\r\n/, { since: mark, timeout: 10000 });
  const mark2 = await enter(s.sh, '[X, is_process_alive(Q)].');
  await s.sh.waitFor(/\n\[5, true\]\r\n/, { since: mark2, timeout: 10000 });
  assert.doesNotMatch(s.sh.output(), /evaluator thread|lost/);
});

test('output printed inside one long step shows at once, not when the step ends', { timeout: 60000 }, async (t) => {
  const s = await session(t);
  await s.evaluate('X = 5.');
  // The step starts once the prompt is back (its turn would otherwise come before the answer).
  await s.evaluate('spawn(() => receive(after(200, () => { io.format("first line~n"); const end = Date.now() + 2500; while (Date.now() < end) {} io.format("last line~n"); }))).');
  await s.sh.waitFor('first line\r\n', { timeout: 10000 });
  assert.doesNotMatch(s.sh.output(), /last line\r\n/, 'the first line came while the step still ran');
  await s.sh.waitFor('last line\r\n', { timeout: 10000 });
  assert.equal(await s.evaluate('X.'), '5');
});

test('Ctrl-Z and SIGTSTP suspend the shell; after SIGCONT raw mode and the prompt are back', { timeout: 60000 }, async (t) => {
  const s = await session(t);
  await s.evaluate('X = 7.');
  await s.evaluate('P = spawn(() => receive([_, () => 1])).');
  const pid = s.sh.proc.pid;
  // Should an assertion fail while the shell is stopped, the hang-up that ends it must land.
  t.after(() => {
    try {
      process.kill(pid, 'SIGCONT');
    } catch {
      // already gone
    }
  });
  await s.sh.type('draft');
  s.sh.key('ctrl-z');
  await waitUntil(() => processState(pid) === 'T', 'the shell to stop');
  let mark = s.sh.rawOutput().length;
  process.kill(pid, 'SIGCONT');
  // Redrawn with what was typed (keys typed before the redraw would meet a cooked terminal).
  await s.sh.waitFor('3> draft', { since: mark });
  await s.sh.waitForScreen(() => s.sh.cursorLine() === '3> draft');
  // Keys are read raw again: Up recalls history (a cooked terminal would echo "^[[A").

  s.sh.key('up');
  await s.sh.waitForScreen(() => s.sh.cursorLine() === '3> P = spawn(() => receive([_, () => 1])).');
  process.kill(pid, 'SIGTSTP');
  await waitUntil(() => processState(pid) === 'T', 'the shell to stop on SIGTSTP');
  mark = s.sh.rawOutput().length;
  process.kill(pid, 'SIGCONT');
  await s.sh.waitFor('3> P = spawn', { since: mark });
  s.sh.key('ctrl-u');
  assert.equal(await s.evaluate('[X, is_process_alive(P)].'), '[7, true]');
  assert.doesNotMatch(s.sh.output(), /\^\[\[A/);
});

test('TERM=dumb: no escape sequence at all, yet editing, continuation lines and output work', { timeout: 60000 }, async (t) => {
  const s = await session(t, { env: { TERM: 'dumb', NO_COLOR: undefined } });
  await s.sh.type('X = 1 +');
  s.sh.key('enter');
  await s.sh.waitFor('.. ');
  await s.sh.type(' 2.');
  s.sh.key('enter');
  await s.sh.waitFor('2> ');
  await s.sh.type('spawn(() => receive(after(200, () => io.format("hello ~p~n", [[1, 2]])))).');
  s.sh.key('enter');
  await s.sh.waitFor('3> ');
  await s.sh.type('Y = X + 12');
  s.sh.key('backspace');
  s.sh.key('left');
  await s.sh.type('9');
  await s.sh.waitFor('hello [1, 2]');
  s.sh.key('end');
  await s.sh.type('.');
  s.sh.key('enter');
  await s.sh.waitFor('\r\n94\r\n4> ');
  assert.doesNotMatch(s.sh.rawOutput(), /\x1b/);
});

test('a 1 MB line typed in chunks is drawn once, not once per chunk', { timeout: 120000 }, async (t) => {
  const s = await session(t);
  const text = `S = "${'a'.repeat(1_000_000)}".`;
  const before = s.sh.rawOutput().length;
  for (let i = 0; i < text.length; i += 4096) {
    await s.sh.type(text.slice(i, i + 4096));
    await sleep(2);
  }
  await s.sh.waitFor('a".', { since: before + text.length - 100, timeout: 60000 });
  const written = s.sh.rawOutput().length - before;
  assert.ok(written < 2 * text.length, `${written} bytes written for a ${text.length}-character line`);
  s.sh.key('enter');
  await s.sh.waitFor(`\n${s.nextPrompt()}> `, { since: before + text.length, timeout: 60000 });
  assert.equal(await s.evaluate('S.length.'), '1000000');
});

test('replacing the evaluator thread leaves no esbuild zombie, and c() works after', { timeout: 60000 }, async (t) => {
  const s = await session(t, { files: { 'greeter.ts': "export function hello() { return 'hi'; }\n" } });
  assert.match(await s.evaluate('c(greeter).'), /\['ok', 'greeter'\]/);
  await s.evaluate('spawn(async () => { await new Promise((r) => setTimeout(r, 50)); while (true) {} }).');
  await sleep(300);
  await s.sh.type('1.\r');
  await sleep(300);
  s.sh.key('ctrl-c');
  await s.sh.waitFor(/started a new evaluator thread[^]*1> /, { timeout: 10000 });
  await sleep(1000);
  const children = execFileSync('ps', ['-o', 'stat=,comm=', '--ppid', String(s.sh.proc.pid)], { encoding: 'utf8' });
  assert.doesNotMatch(children, /^Z/m, `children of the shell:\n${children}`);
  const mark = await enter(s.sh, 'c(greeter), greeter:hello().');
  await s.sh.waitFor(/\n'hi'\r\n2> /, { since: mark, timeout: 10000 });
});
