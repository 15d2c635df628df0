// The shell's working directory. Worker threads cannot chdir, so cd/1 records the directory
// here at once (pwd/0, ls/0 and the code path follow it immediately) and asks the terminal
// thread to chdir the whole process, which user code's relative paths then follow.

import fs from 'node:fs';
import path from 'node:path';
import { ErlangException } from '../../runtime/errors';

let directory = process.cwd();

export function shellDirectory(): string {
  return directory;
}

/** Resolves `dir` against the shell's directory; throws a clear error when it is not one. */
export function changeShellDirectory(dir: string): string {
  const target = path.resolve(directory, dir);
  if (!fs.statSync(target, { throwIfNoEntry: false })?.isDirectory()) {
    throw new ErlangException('error', ['enoent', dir], `cd: ${dir}: no such directory`);
  }
  directory = target;
  return target;
}

export function initShellDirectory(dir: string): void {
  directory = path.resolve(dir);
}
