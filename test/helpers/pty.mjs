// Runs bin/eshell-ts in a real pseudo-terminal (node-pty) and feeds what it prints into a
// headless xterm, so a test can look at the screen a person would see.
//
//   const sh = await startShell({ t, fake: true });   // t: the test context, kills the pty after
//   await sh.waitFor('1> ');
//   await sh.type('1+1.'); sh.key('enter');
//   await sh.waitForScreen((lines) => lines.includes('2'));
import { after } from 'node:test';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { shellEnv, sleep } from './env.mjs';

const require = createRequire(import.meta.url);
const pty = require('node-pty');
const { Terminal } = require('@xterm/headless');

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const BIN = path.join(ROOT, 'bin', 'eshell-ts');
/** A protocol-speaking stand-in for dist/evaluator.js: see the file for what it understands. */
export const FAKE_EVALUATOR = path.join(ROOT, 'test', 'fixtures', 'fakeEvaluator.cjs');

export const KEYS = {
  enter: '\r', tab: '\t', backspace: '\x7f', delete: '\x1b[3~', escape: '\x1b',
  up: '\x1b[A', down: '\x1b[B', right: '\x1b[C', left: '\x1b[D', home: '\x1b[H', end: '\x1b[F',
  'ctrl-left': '\x1b[1;5D', 'ctrl-right': '\x1b[1;5C',
  'alt-b': '\x1bb', 'alt-f': '\x1bf', 'alt-d': '\x1bd', 'alt-backspace': '\x1b\x7f',
};
for (let c = 0; c < 26; c++) KEYS[`ctrl-${String.fromCharCode(97 + c)}`] = String.fromCharCode(c + 1);

const ANSI = /\x1b\[[0-9;?]*[ -\/]*[@-~]|\x1b[@-Z\\-_]|\x1b\][^\x07]*\x07/g;
export const stripAnsi = (s) => s.replace(ANSI, '');

const live = new Set();
after(() => {
  for (const sh of live) sh.dispose();
});

/**
 * Starts the shell. Options: cwd, env (merged over process.env), args, cols (80), rows (24),
 * fake (use test/fixtures/fakeEvaluator.cjs), t (test context: the pty is killed after it).
 * HOME and ESHELL_TS_HISTORY point into a fresh temporary directory unless given in env.
 */
export function startShell({ cwd = ROOT, env = {}, args = [], cols = 80, rows = 24, fake = false, t } = {}) {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'eshell-ts-pty-'));
  const fullEnv = shellEnv({ TERM: 'xterm-256color', ...(fake ? { ESHELL_TS_EVALUATOR: FAKE_EVALUATOR } : {}), ...env }, { home: tmp });

  const term = new Terminal({ cols, rows, allowProposedApi: true, scrollback: 1000 });
  // node-pty sets TERM from `name`: a test's TERM (dumb, say) must reach the shell.
  const proc = pty.spawn(process.execPath, [BIN, ...args], { name: fullEnv.TERM, cols, rows, cwd, env: fullEnv });
  let raw = '';
  let writes = Promise.resolve();
  let exitCode;
  const exited = new Promise((resolve) => {
    proc.onExit(({ exitCode: code, signal }) => {
      exitCode = code;
      resolve(signal ? 128 + signal : code);
    });
  });
  proc.onData((data) => {
    raw += data;
    writes = writes.then(() => new Promise((resolve) => term.write(data, resolve)));
  });

  const sh = {
    proc,
    term,
    home: tmp,
    historyFile: fullEnv.ESHELL_TS_HISTORY,
    /** Everything printed so far, ANSI sequences removed. */
    output: () => stripAnsi(raw),
    /** Everything printed so far, as bytes went out (escape sequences included). */
    rawOutput: () => raw,
    /** Waits until the output (ANSI stripped) contains the text or matches the regex. */
    async waitFor(what, { timeout = 5000, since = 0 } = {}) {
      const seen = () => {
        const text = stripAnsi(raw.slice(since));
        return typeof what === 'string' ? text.includes(what) : what.test(text);
      };
      const deadline = Date.now() + timeout;
      let exitSeenAt;
      while (!seen()) {
        // after exit, give the last bytes a moment to arrive before giving up
        if (exitCode !== undefined) exitSeenAt ??= Date.now();
        if (Date.now() > deadline || (exitSeenAt && Date.now() - exitSeenAt > 200)) {
          throw new Error(`timed out waiting for ${what}\n--- output ---\n${stripAnsi(raw)}\n--- screen ---\n${sh.screenLines().join('\n')}`);
        }
        await sleep(10);
      }
    },
    /** Resolves once xterm has taken in everything received so far. */
    settle: () => writes,
    /** Waits until predicate(screenLines, sh) is true on the rendered screen. */
    async waitForScreen(predicate, { timeout = 5000 } = {}) {
      const deadline = Date.now() + timeout;
      for (;;) {
        await writes;
        if (predicate(sh.screenLines(), sh)) return;
        if (Date.now() > deadline) {
          throw new Error(`timed out waiting for the screen\n--- screen ---\n${sh.screenLines().join('\n')}`);
        }
        await sleep(10);
      }
    },
    /** The visible rows, right-trimmed, trailing empty rows removed. */
    screenLines() {
      const buffer = term.buffer.active;
      const lines = [];
      for (let y = 0; y < term.rows; y++) lines.push((buffer.getLine(buffer.viewportY + y)?.translateToString(true) ?? '').trimEnd());
      while (lines.length && !lines[lines.length - 1]) lines.pop();
      return lines;
    },
    /** Every row including scrollback, right-trimmed. */
    allLines() {
      const buffer = term.buffer.active;
      const lines = [];
      for (let y = 0; y < buffer.length; y++) lines.push((buffer.getLine(y)?.translateToString(true) ?? '').trimEnd());
      while (lines.length && !lines[lines.length - 1]) lines.pop();
      return lines;
    },
    /** The cursor on the visible screen: { x, y } (y counts from the top row shown). */
    cursor() {
      const buffer = term.buffer.active;
      return { x: buffer.cursorX, y: buffer.cursorY };
    },
    /** The row the cursor is on, right-trimmed. */
    cursorLine() {
      const buffer = term.buffer.active;
      return (buffer.getLine(buffer.baseY + buffer.cursorY)?.translateToString(true) ?? '').trimEnd();
    },
    /** Types text; with delay > 0, one character at a time, as a person would. */
    async type(text, { delay = 0 } = {}) {
      if (!delay) return void proc.write(text);
      for (const ch of text) {
        proc.write(ch);
        await sleep(delay);
      }
    },
    /** Presses a named key: enter, up, ctrl-c, alt-b, ... (see KEYS). */
    key(name) {
      const seq = KEYS[name];
      if (seq === undefined) throw new Error(`unknown key ${name}`);
      proc.write(seq);
    },
    /** Resizes the terminal (the shell gets SIGWINCH), as dragging the window would. */
    resize(newCols, newRows = term.rows) {
      term.resize(newCols, newRows);
      proc.resize(newCols, newRows);
    },
    /** Resolves with the exit code (128 + signal when killed by a signal). */
    exited: () => exited,
    kill(signal) {
      if (exitCode === undefined) {
        try {
          proc.kill(signal);
        } catch {
          // already gone
        }
      }
    },
    /** Kills the shell and removes its temporary HOME. */
    dispose() {
      sh.kill();
      rmSync(tmp, { recursive: true, force: true });
    },
  };
  live.add(sh);
  t?.after(() => sh.dispose());
  return sh;
}
