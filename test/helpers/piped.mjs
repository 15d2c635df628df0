// Runs bin/eshell-ts with its standard input piped, as `erl < file` would be run: the whole
// input is evaluated form by form and the shell exits at the end of it.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT, BIN } from './pty.mjs';
import { shellEnv } from './env.mjs';

export { ROOT };

/** Returns { status, stdout, stderr }; stdout holds the prompts, results and process output. */
export function runPiped(input, { cwd = ROOT, env = {}, args = [], timeout = 20000 } = {}) {
  const home = mkdtempSync(path.join(os.tmpdir(), 'eshell-ts-piped-'));
  try {
    const result = spawnSync(process.execPath, [BIN, ...args], {
      cwd,
      input,
      encoding: 'utf8',
      timeout,
      env: shellEnv({ NO_COLOR: '1', ESHELL_TS_HISTORY: '/dev/null', ...env }, { home }),
    });
    return { status: result.status, stdout: result.stdout, stderr: result.stderr };
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}
