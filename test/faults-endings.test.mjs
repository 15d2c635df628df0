// Faults, endings: Ctrl-D, q(), SIGTERM and SIGHUP save the history (created 0600 whatever
// the umask) and hand the terminal back sane (echo and line mode on); two shells share one
// history file without corrupting it. (`exit(self(), 'kill')`: see faults-crashes.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import fs from 'node:fs';
import path from 'node:path';
import { BIN, startShell, stripAnsi } from './helpers/pty.mjs';
import { tempDir } from './helpers/tempDir.mjs';
import { shellEnv } from './helpers/env.mjs';

const require = createRequire(import.meta.url);
const pty = require('node-pty');
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs eshell-ts under /bin/sh in a pseudo-terminal, with umask 000, and has the shell print
 * the exit status and the terminal settings once eshell-ts has gone.
 */
function shellUnderSh(t, dir) {
  const history = path.join(dir, 'history');
  const script = `umask 000; stty sane; "${process.execPath}" "${BIN}"; echo "EXIT:$?"; stty -a; echo DONE`;
  const proc = pty.spawn('/bin/sh', ['-c', script], {
    cols: 100, rows: 30, cwd: dir,
    env: shellEnv({ ESHELL_TS_HISTORY: history, NO_COLOR: '1', TERM: 'xterm-256color' }, { home: dir }),
  });
  let raw = '';
  proc.onData((data) => (raw += data));
  t.after(() => {
    try {
      proc.kill();
    } catch {
      // gone already
    }
  });
  const waitFor = async (what, timeout = 8000) => {
    const deadline = Date.now() + timeout;
    while (!stripAnsi(raw).includes(what)) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}\n${stripAnsi(raw)}`);
      await sleep(10);
    }
  };
  /** The eshell-ts process: the child of the /bin/sh running in the pty. */
  const eshellPid = () => Number(fs.readFileSync(`/proc/${proc.pid}/task/${proc.pid}/children`, 'utf8').trim().split(/\s+/)[0]);
  return { proc, history, waitFor, eshellPid, output: () => stripAnsi(raw) };
}

const endings = {
  'Ctrl-D': { end: (s) => s.proc.write('\x04'), status: 0 },
  'q()': { end: (s) => s.proc.write('q().\r'), status: 0 },
  SIGTERM: { end: (s) => process.kill(s.eshellPid(), 'SIGTERM'), status: 143 },
  SIGHUP: { end: (s) => process.kill(s.eshellPid(), 'SIGHUP'), status: 129 },
};

for (const [name, { end, status }] of Object.entries(endings)) {
  test(`${name}: history saved (0600 under umask 000), terminal back in echo and line mode`, { timeout: 20000 }, async (t) => {
    const s = shellUnderSh(t, tempDir(t, 'eshell-ts-end-'));
    await s.waitFor('1> ');
    s.proc.write(`Marker = "${name}".\r`);
    await s.waitFor('2> ');
    end(s);
    await s.waitFor('DONE');
    assert.match(s.output(), new RegExp(`EXIT:${status}\\b`));
    const settings = s.output().slice(s.output().indexOf('EXIT:'));
    assert.match(settings, /(^|\s)echo(\s|;)/, 'echo is on');
    assert.match(settings, /(^|\s)icanon(\s|;)/, 'line mode is on');
    const entries = fs.readFileSync(s.history, 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line));
    assert.ok(entries.includes(`Marker = "${name}".`), `history holds the entry: ${entries}`);
    assert.equal(fs.statSync(s.history).mode & 0o777, 0o600);
  });
}

test('two shells writing one history file at once leave every entry whole', { timeout: 30000 }, async (t) => {
  const dir = tempDir(t, 'eshell-ts-hist-');
  const history = path.join(dir, 'history');
  const shells = [0, 1].map(() => startShell({ t, cwd: dir, env: { ESHELL_TS_HISTORY: history, NO_COLOR: '1' } }));
  await Promise.all(shells.map((sh) => sh.waitFor('1> ')));
  const ENTRIES = 40;
  // Each types a burst of forms without waiting for answers: the writes interleave.
  await Promise.all(shells.map(async (sh, who) => {
    for (let i = 0; i < ENTRIES; i++) await sh.type(`shell${who}_${i} = ${i} + ${'1'.repeat(200)}.\r`);
    await sh.waitFor(`${ENTRIES + 1}> `, { timeout: 15000 });
    sh.key('ctrl-d');
    assert.equal(await sh.exited(), 0);
  }));
  const lines = fs.readFileSync(history, 'utf8').split('\n').filter(Boolean);
  const entries = lines.map((line) => JSON.parse(line));
  for (const who of [0, 1]) {
    for (let i = 0; i < ENTRIES; i++) assert.ok(entries.includes(`shell${who}_${i} = ${i} + ${'1'.repeat(200)}.`), `shell${who}_${i}`);
  }
  assert.equal(entries.length, 2 * ENTRIES);
});
