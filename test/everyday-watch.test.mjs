// Watch mode in a real terminal: a module whose file is saved loads again by itself, with
// c/1's messages above the prompt. Saved the way editors save: by renaming a temporary file
// over it, in a burst of writes (one load), and broken (nothing changes, the error is shown).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { openShell, enter, printedBefore } from './helpers/prompt.mjs';
import { tempDir } from './helpers/tempDir.mjs';
import { stripAnsi } from './helpers/pty.mjs';

const since = (sh, mark) => stripAnsi(sh.rawOutput().slice(mark));

const counter = (version, extra = '') => `import { receive, _ } from 'eshell-ts';
export function version(): number { return ${version}; }
/** Loops by a local call: it stays in the version that started it. */
export function stuck(): unknown { return receive([_, () => stuck()]); }
${extra}`;

const loadedLine = "watch: counter.ts changed, loaded: ['ok', 'counter']";

/** Waits for `text` to appear after `mark` and for the prompt to be drawn again below it. */
async function waitAbovePrompt(sh, text, mark, prompt) {
  await sh.waitFor(text, { since: mark, timeout: 15000 });
  await sh.waitForScreen((lines) => {
    const at = lines.findLastIndex((line) => line.includes(text));
    return at >= 0 && lines.at(-1) === `${prompt}>`;
  }, { timeout: 15000 });
}

test('watch(mod): a save by rename, a burst of writes and a broken save', { timeout: 90000 }, async (t) => {
  const dir = tempDir(t, 'eshell-ts-watch-', { 'counter.ts': counter(1) });
  const file = path.join(dir, 'counter.ts');
  const sh = await openShell(t, { cwd: dir, cols: 120, rows: 40 });
  await enter(sh, 'c(counter).', 2);
  await enter(sh, "P = spawn(counter, 'stuck').", 3);
  assert.deepEqual(await enter(sh, 'watch(counter).', 4), ["['ok', 'counter.ts']"]);

  // An editor's safe save: write a temporary file, rename it over the source.
  let mark = sh.rawOutput().length;
  writeFileSync(`${file}.tmp`, counter(2));
  renameSync(`${file}.tmp`, file);
  await waitAbovePrompt(sh, loadedLine, mark, 4);
  assert.deepEqual(await enter(sh, 'counter:version().', 5), ['2']);
  assert.deepEqual(await enter(sh, 'is_process_alive(P).', 6), ['true']);

  // A burst: truncate, half a file, the whole file, the whole file again. One load, of the
  // last content; it is the third version, so P, still in the first, is killed and named.
  mark = sh.rawOutput().length;
  const full = counter(3);
  writeFileSync(file, '');
  writeFileSync(file, full.slice(0, 40));
  writeFileSync(file, full);
  writeFileSync(file, full);
  await waitAbovePrompt(sh, loadedLine, mark, 6);
  const pid = /P = spawn[^\n]*\n(<0\.\d+\.0>)/.exec(sh.output().replace(/\r/g, ''))[1];
  assert.match(since(sh, mark), new RegExp(`counter: killed ${pid.replace(/[<>.]/g, '\\$&')}, it was still running old code`));
  assert.deepEqual(await enter(sh, 'counter:version().', 7), ['3']);

  // A save that does not compile: the error, and version 3 keeps running.
  mark = sh.rawOutput().length;
  writeFileSync(file, counter(4, 'export function broken( {\n'));
  await waitAbovePrompt(sh, "not loaded: ['error', 'compile_error']; version 3 keeps running", mark, 7);
  assert.match(since(sh, mark), /counter\.ts:\d+:\d+: error: Expected identifier/);
  assert.deepEqual(await enter(sh, 'counter:version().', 8), ['3']);
  const details = (await enter(sh, 'm(counter).', 9)).join('\n');
  assert.match(details, /Version: 3/, 'the burst loaded once: versions 1, 2 and 3, no more');

  // A save with a type error loads, and the checker's warning follows, as after c/1.
  mark = sh.rawOutput().length;
  writeFileSync(file, counter(5, "export const label: number = 'five';\n"));
  await waitAbovePrompt(sh, loadedLine, mark, 9);
  await waitAbovePrompt(sh, 'warning:', mark, 9);
  assert.match(since(sh, mark), /counter\.ts:5:\d+: warning: .*string.*number/);
  assert.deepEqual(await enter(sh, 'counter:version().', 10), ['5']);

  // unwatch: the next save is left alone until c/1.
  assert.deepEqual(await enter(sh, 'unwatch(counter).', 11), ["'ok'"]);
  assert.deepEqual(await enter(sh, 'watch().', 12), ["['counter']"]);
  assert.deepEqual(await enter(sh, 'unwatch().', 13), ["'ok'"]);
});

test('--watch follows every module loaded, including those loaded later', { timeout: 60000 }, async (t) => {
  const dir = tempDir(t, 'eshell-ts-watch-flag-', { 'counter.ts': counter(1) });
  const file = path.join(dir, 'counter.ts');
  const sh = await openShell(t, { cwd: dir, args: ['--watch'] });
  await enter(sh, 'counter:version().', 2);
  const mark = sh.rawOutput().length;
  writeFileSync(file, counter(2));
  await waitAbovePrompt(sh, loadedLine, mark, 2);
  assert.deepEqual(await enter(sh, 'counter:version().', 3), ['2']);
  // The same content saved again loads nothing: the next answer is still version 2.
  writeFileSync(file, counter(2));
  const details = (await enter(sh, 'm(counter).', 4)).join('\n');
  assert.match(details, /^Version: 2\b/m);
});
