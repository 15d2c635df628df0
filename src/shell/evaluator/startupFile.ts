// The startup file, as erl reads `.erlang` and IEx `.iex.exs`: `.eshell-ts.ts` in the shell's
// directory, else in the home directory, is evaluated in the shell before anything typed —
// bindings, helper functions, `c(mod)`, `code.add_path(dir)`. Its forms are not numbered and
// not in the history; their values are not printed. A form that fails is reported with the
// file and the line it starts on, and the rest of the file still runs: the shell always starts.
//
// It runs in the evaluator thread after the first prompt is drawn, so it never delays it;
// input typed meanwhile waits for it.

import { readFileSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FormSplitter, isComplete } from '../forms';
import { writeOutput } from '../../runtime/output';
import type { Reply } from './job';

export const STARTUP_FILE_NAME = '.eshell-ts.ts';

/** The startup file that applies in `cwd`, if any. */
export function findStartupFile(cwd: string, home = os.homedir()): string | undefined {
  for (const dir of [cwd, home]) {
    const file = path.join(dir, STARTUP_FILE_NAME);
    if (statSync(file, { throwIfNoEntry: false })?.isFile()) return file;
  }
  return undefined;
}

/** Evaluates each form of `file` in turn with `evaluate`, reporting failures by line. */
export async function runStartupFile(
  file: string,
  cwd: string,
  /** `where`: the file and line, `.eshell-ts.ts:5`, for the form's stack frames. */
  evaluate: (source: string, where: string) => Promise<Reply>,
): Promise<void> {
  const shown = path.dirname(file) === path.resolve(cwd) ? STARTUP_FILE_NAME : file;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    writeOutput(`${shown}: not read: ${(e as Error).message}\n`);
    return;
  }
  const forms: { source: string; line: number }[] = [];
  const splitter = new FormSplitter(isComplete, (source, line) => forms.push({ source, line }));
  splitter.push(text);
  splitter.end();
  for (const { source, line } of forms) {
    const where = `${shown}:${line}`;
    const reply = await evaluate(source, where);
    if (!reply.ok) writeOutput(`${where}: ${reply.text}\n`);
  }
}
