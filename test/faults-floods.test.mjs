// Faults, floods, in a pseudo-terminal against the real evaluator: a million messages
// queued to a process that never receives them, and a process printing as fast as it can.
// The shell stays responsive through both and Ctrl-C still works.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startShell } from './helpers/pty.mjs';
import { tempDir } from './helpers/tempDir.mjs';

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function shellIn(t) {
  const sh = startShell({ t, cwd: tempDir(t, 'eshell-ts-flood-'), env: { NO_COLOR: '1' } });
  await sh.waitFor('1> ');
  return sh;
}

/** Types a form and waits for its answer, `expected` (a regex on what follows the form). */
async function answer(sh, form, expected, timeout = 5000) {
  const since = sh.rawOutput().length;
  const started = Date.now();
  await sh.type(`${form}\r`);
  await sh.waitFor(expected, { since, timeout });
  return Date.now() - started;
}

test('1,000,000 messages queued to a process that never receives: the shell answers, i() shows the queue', { timeout: 30000 }, async (t) => {
  const sh = await shellIn(t);
  await answer(sh, 'P = spawn(() => receive(["never", () => 1])).', /<0\.\d+\.0>[^]*2> /);
  await answer(sh, 'for (let i = 0; i < 1000000; i++) P ! ["msg", i]; "sent".', /'sent'[^]*3> /, 15000);
  const ms = await answer(sh, '1 + 1.', /\n2\r*\n4> /);
  assert.ok(ms < 1000, `1 + 1 took ${ms} ms with a million messages queued`);
  await answer(sh, 'process_info(P, "message_queue_len").', /\['message_queue_len', 1000000\][^]*5> /);
  await answer(sh, 'i().', /Total: \d+ processes, 1000000 messages queued[^]*6> /);
  assert.match(sh.output(), /<0\.\d+\.0> +anonymous\/0 +0 1000000/);
});

test('a process printing in a tight loop: the prompt stays usable, and Ctrl-C still stops a busy loop', { timeout: 30000 }, async (t) => {
  const sh = await shellIn(t);
  await answer(sh, 'X = 42.', /42[^]*2> /);
  // Yields between lines: slowed to the terminal's pace, never buries the shell's answers.
  await answer(sh, 'P = spawn(function loop(n = 0) { io.format("spam ~p~n", [n]); return receive(after(0, () => loop(n + 1))); }).', /<0\.\d+\.0>/);
  await sleep(1000);
  let ms = await answer(sh, 'X + 1.', /X \+ 1\.\r*\n(spam \d+\r*\n)*43\r*\n/);
  assert.ok(ms < 1500, `X + 1 answered after ${ms} ms`);
  await answer(sh, 'exit(P, "kill").', /\ntrue\r*\n/);
  // Prints without ever yielding (so even the spawn's answer waits): Ctrl-C stops it like
  // any runaway.
  await sh.type('Q = spawn(() => { for (let i = 0; ; i++) io.format("tight ~p~n", [i]); }).\r');
  await sh.waitFor('tight 1000');
  const since = sh.rawOutput().length;
  const started = Date.now();
  sh.key('ctrl-c');
  await sh.waitFor(/was stopped by the user/, { since, timeout: 3000 });
  ms = Date.now() - started;
  assert.ok(ms < 1500, `Ctrl-C took ${ms} ms`);
  await sleep(300);
  await answer(sh, 'is_process_alive(Q).', /\nfalse\r*\n/);
  const printedBefore = sh.output().length;
  await sleep(300);
  assert.doesNotMatch(sh.output().slice(printedBefore), /tight/, 'nothing printed after the stop');
});
