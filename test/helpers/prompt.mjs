// Typing at the real prompt, for the tests that drive bin/eshell-ts in a pseudo-terminal.
import { startShell, stripAnsi } from './pty.mjs';
import { tempDir } from './tempDir.mjs';

/** Starts the shell and waits for its first prompt. */
export async function openShell(t, options = {}) {
  const sh = startShell({ t, ...options });
  await sh.waitFor('1> ', { timeout: 10000 });
  return sh;
}

/**
 * Types `input` as a person would (a line at a time, each `\n` answered by the `..`
 * continuation prompt) and presses Enter. With `next`, waits for the prompt `next> ` and
 * returns the lines printed before it; without, returns where the output stood at Enter.
 */
export async function enter(sh, input, next) {
  const lines = input.split('\n');
  let mark = 0;
  for (const [i, line] of lines.entries()) {
    await sh.type(line);
    await sh.waitForScreen(() => sh.cursorLine().endsWith(line.trimEnd()));
    mark = sh.rawOutput().length;
    sh.key('enter');
    if (i < lines.length - 1) await sh.waitFor('\n.. ', { since: mark });
  }
  if (next === undefined) return mark;
  return printedBefore(sh, mark, next);
}

/** Waits for the prompt `next> ` after `mark`; returns the lines printed in between. */
export async function printedBefore(sh, mark, next) {
  await sh.waitFor(`\n${next}> `, { since: mark, timeout: 10000 });
  const text = stripAnsi(sh.rawOutput().slice(mark)).replace(/\r/g, '');
  return text.slice(text.indexOf('\n') + 1, text.lastIndexOf(`\n${next}> `) + 1).split('\n').slice(0, -1);
}

/**
 * A shell in a fresh directory holding `files`, on a wide terminal, after its first prompt:
 * `evaluate(form)` types a form and returns what it printed before the next prompt, and
 * `nextPrompt()` counts a prompt the test waits for itself.
 */
export async function promptSession(t, { files = {}, env = {}, rows = 40, cols = 250 } = {}) {
  const dir = tempDir(t, 'eshell-ts-session-', files);
  const sh = startShell({ t, cwd: dir, env: { NO_COLOR: '1', ...env }, rows, cols });
  await sh.waitFor('1> ', { timeout: 10000 });
  let prompt = 1;
  const evaluate = async (form) => (await enter(sh, form, ++prompt)).join('\n');
  return { sh, dir, evaluate, nextPrompt: () => ++prompt };
}
