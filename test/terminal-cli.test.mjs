// eshell-ts as a command: options, piped stdin, -e, leaving cleanly on Ctrl-D and on signals,
// and a smoke test against the real evaluator thread.
import { after, test } from 'node:test';
import os from 'node:os';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { BIN, FAKE_EVALUATOR, ROOT, startShell } from './helpers/pty.mjs';
import { shellEnv } from './helpers/env.mjs';

// One home for every launch in this file: history and cookies never touch the maintainer's.
const HOME = fs.mkdtempSync(path.join(os.tmpdir(), 'eshell-ts-cli-home-'));
after(() => fs.rmSync(HOME, { recursive: true, force: true }));

const run = (args, { input = '', fake = true, env = {} } = {}) =>
  spawnSync(process.execPath, [BIN, ...args], {
    input,
    encoding: 'utf8',
    cwd: ROOT,
    timeout: 15000,
    env: shellEnv({ ...(fake ? { ESHELL_TS_EVALUATOR: FAKE_EVALUATOR } : {}), ...env }, { home: HOME }),
  });

test('--version, --help and an unknown option', () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  const version = run(['--version']);
  assert.equal(version.status, 0);
  assert.equal(version.stdout, `eshell-ts ${pkg.version}\n`);
  const help = run(['--help']);
  assert.equal(help.status, 0);
  assert.match(help.stdout, /^Usage: eshell-ts/);
  assert.match(help.stdout, /-pa DIR/);
  const bad = run(['--frobnicate']);
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /unknown option '--frobnicate'/);
  assert.equal(bad.stdout, '');
});

test('piped stdin: forms are evaluated in order, printed like erl < file', () => {
  const r = run([], { input: 'first.\nX = [1,\n2].\nbad.\nlast.\n' });
  assert.equal(r.status, 0, r.stderr);
  const lines = r.stdout.split('\n');
  assert.match(lines[0], /^Eshell-TS V/);
  assert.deepEqual(lines.slice(1), ['1> first', '2> X = [1,', '2]', '3> * 1:1: syntax error before: bad', '3> last', '4> ', '']);
});

test('piped stdin: process output keeps its place; a dying evaluator exits 1', () => {
  const r = run([], { input: 'wait(10).\nlog.\ncrash.\nnever.\n' });
  assert.equal(r.status, 1);
  assert.match(r.stdout, /1> waited\n2> stray line\nok\n3> \n$/);
  assert.match(r.stderr, /\*\*\* evaluator thread died: exit code 3/);
});

test('-e evaluates one expression, without banner or prompt; status 1 when it fails', () => {
  const ok = run(['-e', 'hello(1)']);
  assert.equal(ok.status, 0, ok.stderr);
  assert.equal(ok.stdout, 'hello(1)\n');
  const bad = run(['-e', 'bad.']);
  assert.equal(bad.status, 1);
  assert.equal(bad.stdout, '* 1:1: syntax error before: bad\n');
});

test('Ctrl-D on an empty line exits 0 and puts the terminal back', async (t) => {
  const sh = startShell({ t, fake: true });
  await sh.waitFor('1> ');
  await sh.type('kept.');
  sh.key('enter');
  await sh.waitFor('2> ');
  sh.key('ctrl-d');
  assert.equal(await sh.exited(), 0);
  const raw = sh.rawOutput();
  assert.ok(raw.startsWith('\x1b[?2004h'), 'bracketed paste was turned on');
  assert.ok(raw.includes('\x1b[?2004l\x1b[?25h'), 'bracketed paste off and cursor shown on exit');
  assert.deepEqual(fs.readFileSync(sh.historyFile, 'utf8'), '"kept."\n');
});

for (const [signal, status] of [['SIGTERM', 143], ['SIGHUP', 129]]) {
  test(`${signal} leaves cleanly with the history saved`, async (t) => {
    const sh = startShell({ t, fake: true });
    await sh.waitFor('1> ');
    await sh.type('before.');
    sh.key('enter');
    await sh.waitFor('2> ');
    sh.kill(signal);
    assert.equal(await sh.exited(), status);
    assert.equal(fs.readFileSync(sh.historyFile, 'utf8'), '"before."\n');
    if (signal === 'SIGTERM') assert.ok(sh.rawOutput().includes('\x1b[?2004l\x1b[?25h'));
  });
}

test('a missing evaluator is reported and ends the shell', async (t) => {
  const sh = startShell({ t, env: { ESHELL_TS_EVALUATOR: path.join(ROOT, 'no-such-evaluator.js') } });
  await sh.waitFor('*** evaluator thread failed to start');
  assert.equal(await sh.exited(), 1);
});

const realEvaluator = fs.existsSync(path.join(ROOT, 'dist', 'evaluator.js'));

test('smoke test against the real evaluator: 1+1. gives 2', { skip: !realEvaluator && 'dist/evaluator.js not built' }, async (t) => {
  const sh = startShell({ t });
  await sh.waitFor('1> ');
  await sh.type('1+1.');
  sh.key('enter');
  await sh.waitForScreen((lines) => lines.slice(-3).join('|') === '1> 1+1.|2|2>', { timeout: 10000 });
  const e = run(['-e', '1+1', '--no-color'], { fake: false });
  assert.equal(e.stdout, '2\n');
  assert.equal(e.status, 0);
});
