// Recorded sessions in a real terminal: the hot-swap demo recorded with --record (an asciinema
// v2 file, with the edit that fixes the bug), then replayed into a fresh shell — at the
// recorded pace, and a step per key press with the shipped docs/demo.cast — producing the
// demo's counts again: 0: while the bug is there, then 1:, 2: after the fix.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync, copyFileSync } from 'node:fs';
import path from 'node:path';
import { startShell, stripAnsi, ROOT } from './helpers/pty.mjs';
import { openShell, enter } from './helpers/prompt.mjs';
import { tempDir } from './helpers/tempDir.mjs';
import { until } from './helpers/env.mjs';
import { runPiped } from './helpers/piped.mjs';

const BUG = 'return M.server_loop(count);';
const FIX = 'return M.server_loop(count + 1);';
const SERVER_LINE = /^(\d+): Server <0\.\d+\.0> received message/;

/** The counts the server printed, in order, from everything the shell wrote (a line is what
 *  follows its last carriage return: the prompt is cleared before output is written above it). */
const counts = (sh) =>
  stripAnsi(sh.rawOutput())
    .split('\n')
    .map((line) => SERVER_LINE.exec(line.replace(/\r+$/, '').split('\r').pop()))
    .filter(Boolean)
    .map((m) => Number(m[1]));

/** The demo's counts: 0 while the bug runs, then (after the fix) counting up from 0 or 1. */
function assertDemoCounts(seen) {
  const firstOne = seen.indexOf(1);
  assert.ok(firstOne > 0, `the count moves after the fix: ${seen}`);
  assert.ok(seen.slice(0, firstOne).every((n) => n === 0), `the bug: 0 until the fix: ${seen}`);
  assert.deepEqual(seen.slice(firstOne, firstOne + 2), [1, 2], `then 1, 2: ${seen}`);
}

test('--record writes an asciinema v2 file; --replay plays it into a fresh shell', { timeout: 120000 }, async (t) => {
  const dir = tempDir(t, 'eshell-ts-record-');
  mkdirSync(path.join(dir, 'modules'));
  const file = path.join(dir, 'modules', 'code_reload.ts');
  copyFileSync(path.join(ROOT, 'modules', 'code_reload.ts'), file);
  const cast = path.join(dir, 'talk.cast');

  const sh = await openShell(t, { cwd: dir, cols: 100, rows: 40, args: ['--record', cast] });
  await enter(sh, 'c(code_reload).', 2);
  sh.resize(110, 40);
  await until(() => readFileSync(cast, 'utf8').includes(',"r","110x40"]'), 'the resize in the recording');
  await enter(sh, 'ServerPid = code_reload:start_server().', 3);
  await enter(sh, 'ClientPid = code_reload:start_client(ServerPid).', 4);
  await until(() => counts(sh).length >= 2, 'two 0: lines');
  writeFileSync(file, readFileSync(file, 'utf8').replace(BUG, FIX));
  await until(() => readFileSync(cast, 'utf8').includes(',"f",'), 'the edit in the recording');
  await enter(sh, 'c(code_reload).', 5);
  await until(() => counts(sh).includes(4), 'the count to reach 4', 30000);
  await enter(sh, "ClientPid ! [self(), 'quit'].", 6);
  await enter(sh, "ServerPid ! [self(), 'quit'].", 7);
  await enter(sh, 'q().');
  assert.equal(await sh.exited(), 0);

  const [headerLine, ...eventLines] = readFileSync(cast, 'utf8').trimEnd().split('\n');
  const header = JSON.parse(headerLine);
  assert.equal(header.version, 2);
  assert.equal(header.width, 100);
  assert.equal(header.height, 40);
  assert.ok(Number.isInteger(header.timestamp) && typeof header.env === 'object');
  const events = eventLines.map((line) => JSON.parse(line));
  for (let i = 1; i < events.length; i++) assert.ok(events[i][0] >= events[i - 1][0], 'times never go back');
  const typed = events.filter(([, code]) => code === 'i').map(([, , data]) => data).join('');
  assert.ok(typed.startsWith('c(code_reload).\r'), typed);
  const shown = events.filter(([, code]) => code === 'o').map(([, , data]) => data).join('');
  assert.match(stripAnsi(shown), /0: Server <0\.\d+\.0> received message/);
  assert.ok(!/[^\r]\n/.test(shown), 'output lines end as a terminal shows them (\\r\\n)');
  const edits = events.filter(([, code]) => code === 'f').map(([, , data]) => JSON.parse(data));
  assert.equal(edits.length, 1);
  assert.equal(edits[0].path, 'modules/code_reload.ts');
  assert.ok(edits[0].before.includes(BUG) && edits[0].content.includes(FIX));
  assert.ok(events.some(([, code, data]) => code === 'm' && data === 'edit modules/code_reload.ts'));

  // The directory has moved on since: the replay starts from the recording's state and
  // leaves the file as it found it.
  const mine = readFileSync(file, 'utf8') + '// my own change\n';
  writeFileSync(file, mine);
  const replay = startShell({ t, cwd: dir, cols: 100, rows: 40, args: ['--replay', cast] });
  await replay.waitFor('replay: modules/code_reload.ts set as it was when the recording started', { timeout: 10000 });
  await replay.waitFor('replay: modules/code_reload.ts saved', { timeout: 60000 });
  assert.match(replay.output(), /- +return M\.server_loop\(count\);.*\r\n\+ +return M\.server_loop\(count \+ 1\);/);
  assert.equal(await replay.exited(), 0, 'the recorded q() ends the replayed shell');
  assertDemoCounts(counts(replay));
  assert.equal(readFileSync(file, 'utf8'), mine, 'the file is restored after the replay');
});

test('--replay --step: the shipped demo, one key per step', { timeout: 120000 }, async (t) => {
  const dir = tempDir(t, 'eshell-ts-replay-step-');
  const sh = startShell({ t, cwd: dir, cols: 100, rows: 40, args: ['--replay', path.join(ROOT, 'docs', 'demo.cast'), '--step'] });
  await sh.waitFor('press a key for each', { timeout: 10000 });
  const step = async (expect) => {
    const mark = sh.rawOutput().length;
    await sh.type(' ');
    await sh.waitFor(expect, { since: mark, timeout: 20000 });
  };
  await step("['ok', 'code_reload']\r\n2> ");
  await step(/<0\.\d+\.0>\r\n3> /);
  await step(/<0\.\d+\.0>\r\n4> /);
  await until(() => counts(sh).length >= 2, 'two 0: lines');
  await step('replay: modules/code_reload.ts saved');
  await step("['ok', 'code_reload']\r\n5> ");
  await until(() => counts(sh).includes(2), 'the count to reach 2', 30000);
  await step(/'quit'\]\r\n6> /);
  await step(/'quit'\]\r\n7> /);
  assertDemoCounts(counts(sh));
  // From here the keyboard is the presenter's.
  assert.deepEqual(await enter(sh, '1 + 1.', 8), ['2']);
  await enter(sh, 'q().');
  assert.equal(await sh.exited(), 0);
  assert.ok(!existsSync(path.join(dir, 'modules', 'code_reload.ts')), 'the file the replay wrote is removed again');
});

test('--record and --replay need a terminal; a file that is not a recording is refused', { timeout: 30000 }, async (t) => {
  const piped = runPiped('1.\n', { args: ['--replay', path.join(ROOT, 'docs', 'demo.cast')] });
  assert.equal(piped.status, 2);
  assert.match(piped.stderr, /--replay needs an interactive terminal/);

  const dir = tempDir(t, 'eshell-ts-replay-bad-', { 'notes.cast': '{"version": 1}\n' });
  const sh = startShell({ t, cwd: dir, args: ['--replay', 'notes.cast'] });
  assert.equal(await sh.exited(), 2);
  await sh.settle();
  assert.match(sh.output(), /cannot replay: .*notes\.cast: not an asciinema v2 recording/);
});
