// Records the hot-swap demo as docs/demo.cast: `node scripts/record-demo.mjs [out.cast]`.
// Runs `eshell-ts --record` in a pseudo-terminal (node-pty, a dev dependency) in a scratch
// directory holding the buggy modules/code_reload.ts, types the demo at a person's pace, fixes
// the bug on disk between two inputs, and ends by closing the terminal. Replay it with
// `eshell-ts --replay docs/demo.cast --step` (one key per step).
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const require = createRequire(import.meta.url);
const pty = require('node-pty');

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const out = path.resolve(process.argv[2] ?? path.join(ROOT, 'docs', 'demo.cast'));
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const ANSI = /\x1b\[[0-9;?]*[ -\/]*[@-~]|\x1b[@-Z\\-_]/g;

const dir = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'eshell-ts-demo-')));
mkdirSync(path.join(dir, 'modules'));
const file = path.join(dir, 'modules', 'code_reload.ts');
copyFileSync(path.join(ROOT, 'modules', 'code_reload.ts'), file);

const shell = pty.spawn(process.execPath, [path.join(ROOT, 'bin', 'eshell-ts'), '--no-rc', '--record', out], {
  name: 'xterm-256color',
  cols: 100,
  rows: 30,
  cwd: dir,
  env: { ...process.env, HOME: dir, ESHELL_TS_HISTORY: path.join(dir, 'history'), TERM: 'xterm-256color' },
});
let seen = '';
shell.onData((data) => {
  seen += data.replace(ANSI, '');
});
const exited = new Promise((resolve) => shell.onExit(resolve));

async function waitFor(pattern, timeout = 20000) {
  const deadline = Date.now() + timeout;
  while (!(typeof pattern === 'string' ? seen.includes(pattern) : pattern.test(seen))) {
    if (Date.now() > deadline) throw new Error(`demo: never saw ${pattern}\n${seen}`);
    await sleep(20);
  }
}

/** Types a line a key at a time, then Enter, and waits for the next prompt. */
async function typeLine(text, nextPrompt) {
  for (const ch of text) {
    shell.write(ch);
    await sleep(45);
  }
  await sleep(300);
  shell.write('\r');
  await waitFor(`${nextPrompt}> `);
  await sleep(700);
}

const count = (n) => (seen.match(new RegExp(`^${n}: Server`, 'gm')) ?? []).length;

try {
  await waitFor('1> ');
  await sleep(800);
  await typeLine('c(code_reload).', 2);
  await typeLine('ServerPid = code_reload:start_server().', 3);
  await typeLine('ClientPid = code_reload:start_client(ServerPid).', 4);
  while (count(0) < 3) await sleep(50);
  // The fix, made in an editor while both processes run.
  const source = readFileSync(file, 'utf8');
  writeFileSync(file, source.replace('return M.server_loop(count);', 'return M.server_loop(count + 1);'));
  await sleep(1500);
  await typeLine('c(code_reload).', 5);
  while (count(3) < 1) await sleep(50);
  await typeLine("ClientPid ! [self(), 'quit'].", 6);
  await typeLine("ServerPid ! [self(), 'quit'].", 7);
  await sleep(1000);
} finally {
  // Closing the terminal ends the session; the last step of a replay leaves the shell to the
  // presenter.
  shell.kill('SIGHUP');
  await exited;
  rmSync(dir, { recursive: true, force: true });
}
console.log(`recorded ${path.relative(process.cwd(), out)}`);
