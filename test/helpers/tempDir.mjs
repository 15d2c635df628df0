// A temporary directory for one test, removed after it: a place to start a shell away from the
// project's modules, with the files the test needs.
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * Creates the directory (its real path, the one the shell prints), writes `files` (name →
 * text; a name may hold subdirectories) and removes it all after the test `t`.
 */
export function tempDir(t, prefix, files = {}) {
  const dir = realpathSync(mkdtempSync(path.join(os.tmpdir(), prefix)));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), text);
  }
  return dir;
}
