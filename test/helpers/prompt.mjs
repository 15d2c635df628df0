// Typing at the real prompt, for the tests that drive bin/eshell-ts in a pseudo-terminal.
import { startShell, stripAnsi } from './pty.mjs';

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
