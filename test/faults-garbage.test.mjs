// Faults, garbage typed: 10,000 generated inputs (random bytes, unbalanced brackets, control
// characters, invalid UTF-8, half a `!` form, `.` alone, a 1 MB line) go through the real
// evaluator on piped stdin in a few big runs; every form gets an answer and the shell ends
// normally. A pseudo-terminal part types control characters and broken bytes at the prompt
// and checks the history file stays valid.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { BIN, startShell } from './helpers/pty.mjs';
import { bundleForTest } from './helpers/bundle.mjs';
import { tempDir } from './helpers/tempDir.mjs';
import { shellEnv, sleep } from './helpers/env.mjs';


const { FormSplitter, isComplete } = bundleForTest(['src/shell/terminal/batchSession.ts', 'src/shell/forms.ts']);

/** A small deterministic generator, so that a failure can be replayed. */
function random(seed) {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

function generator(seed) {
  const next = random(seed);
  const int = (n) => Math.floor(next() * n);
  const pick = (items) => items[int(items.length)];
  const kinds = [
    () => Buffer.from(Array.from({ length: 1 + int(40) }, () => int(256))),
    () => Buffer.from(Array.from({ length: 1 + int(12) }, () => pick(['(', ')', '[', ']', '{', '}', '`', '"', "'", '/*', '*/'])).join('') + '.'),
    () => Buffer.from(Array.from({ length: 1 + int(8) }, () => String.fromCharCode(int(32))).join('') + pick(['', '.', ' 1.'])),
    () => Buffer.from([0xff, 0xfe, 0xc3, 0x28, 0xe2, 0x82, 0xf0, 0x9f]).subarray(int(4), 4 + int(4)),
    () => Buffer.from(pick(['P !', 'self() !', '! 1.', 'X !', '!', 'self() ! .', 'P ! ["a",'])),
    () => Buffer.from('.'),
    () => Buffer.from(pick(['1 + 1.', 'X = 1.', 'X = 2.', 'f().', 'receive(after(0, () => 1)).', 'spawn(() => { throw 1 }).', 'h().', 'b().', 'v(-1).', 'e(1).', 'f(X).'])),
  ];
  return () => pick(kinds)();
}

/** How the shell will split `input` into forms (the same splitter, fed the same text). */
function countForms(input) {
  let forms = 0;
  const splitter = new FormSplitter(isComplete, () => forms++);
  splitter.push(new TextDecoder().decode(input));
  splitter.end();
  return forms;
}

function runPiped(input, cwd) {
  return spawnSync(process.execPath, [BIN], {
    input,
    cwd,
    timeout: 60000,
    maxBuffer: 64 * 1024 * 1024,
    env: shellEnv({ NO_COLOR: '1' }, { home: cwd }),
  });
}

test('10,000 generated inputs on piped stdin: every form is answered and the shell ends normally', { timeout: 120000 }, async (t) => {
  const dir = tempDir(t, 'eshell-ts-fuzz-');
  const RUNS = 4;
  const PER_RUN = 2500;
  for (let run = 0; run < RUNS; run++) {
    const next = generator(run + 1);
    const parts = [];
    for (let i = 0; i < PER_RUN; i++) parts.push(next(), Buffer.from('\n'));
    // Whatever is left open is closed, so that the 1 MB line stands as a form of its own.
    if (run === RUNS - 1) parts.push(Buffer.from('\n*/"\'`)]}.\nBig = "' + 'a'.repeat(1 << 20) + '".\nbyte_size(Big).\n'));
    const input = Buffer.concat(parts);
    const forms = countForms(input);
    const r = runPiped(input, dir);
    const out = r.stdout.toString();
    assert.equal(r.status, 0, `run ${run}: status ${r.status} ${r.signal ?? ''}\n${r.stderr}`);
    assert.doesNotMatch(out + r.stderr, /evaluator thread|internal error/, `run ${run}`);
    // One prompt before each form, and a last one once the input has ended.
    const prompts = out.match(/\d+> /g)?.length ?? 0;
    assert.ok(prompts >= forms + 1, `run ${run}: ${prompts} prompts for ${forms} forms`);
    assert.match(out, /\d+> \n$/, `run ${run}: ends at a prompt`);
  }
});

test('control characters, broken UTF-8 and half forms typed at the prompt: answered, and the history file stays valid', { timeout: 30000 }, async (t) => {
  const dir = tempDir(t, 'eshell-ts-fuzz-pty-');
  const sh = startShell({ t, cwd: dir, env: { NO_COLOR: '1' } });
  await sh.waitFor('1> ');
  /** Waits until the shell has gone quiet; then, unless at an empty prompt, Ctrl-C clears. */
  const answered = async () => {
    for (let clears = 0; ; clears++) {
      let length;
      do {
        length = sh.rawOutput().length;
        await sleep(60);
      } while (sh.rawOutput().length !== length);
      await sh.settle();
      const atPrompt = () => /^\d+> $/.test(sh.cursorLine() + ' ');
      // An answer may still be on its way on a loaded machine: a moment for it, unless the
      // form is plainly unfinished (a continuation line).
      for (let waited = 0; !atPrompt() && !sh.cursorLine().startsWith('..') && waited < 1500; waited += 50) {
        await sleep(50);
        await sh.settle();
      }
      if (atPrompt() || clears === 3) return;
      sh.key('ctrl-c'); // an unfinished form, or an evaluation still waiting: discarded
    }
  };
  // Every control character except the ones that leave the prompt on purpose (Ctrl-C opens
  // BREAK on an empty line, Ctrl-D ends the session, Ctrl-G opens the job menu, Ctrl-Z
  // suspends the shell, Escape starts a sequence), amid text, then Enter.
  const skip = new Set([3, 4, 7, 26, 27]);
  for (let code = 0; code < 32; code++) {
    if (skip.has(code)) continue;
    await sh.type(`a${String.fromCharCode(code)}b.\r`);
    await answered();
  }
  // Broken UTF-8 inside a string, half a send, a full stop alone, half an escape sequence.
  sh.proc.write(Buffer.from([0x58, 0x20, 0x3d, 0x20, 0x22, 0xff, 0xfe, 0xc3, 0x28, 0x22, 0x2e, 0x0d]).toString('latin1'));
  await answered();
  for (const input of ['P !\r', '.\r', '\x1b[\r', 'Y = "' + 'z'.repeat(20000) + '".\r']) {
    await sh.type(input);
    await answered();
  }
  await sh.type('1 + 1.\r');
  await sh.waitFor(/1 \+ 1\.\r*\n2\r*\n\d+> /, { timeout: 15000 });
  sh.key('ctrl-d');
  assert.equal(await sh.exited(), 0);
  const lines = fs.readFileSync(sh.historyFile, 'utf8').split('\n').filter(Boolean);
  assert.ok(lines.length >= 10, `${lines.length} history entries`);
  for (const line of lines) assert.equal(typeof JSON.parse(line), 'string');
  assert.ok(lines.some((line) => JSON.parse(line).startsWith('Y = "zzz')));
  assert.equal(fs.statSync(sh.historyFile).mode & 0o777, 0o600);
});
