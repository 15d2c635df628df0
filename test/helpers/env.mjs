// One environment for every launch of bin/eshell-ts in the tests, so that a maintainer's own
// settings (a code path, a colour preference, a fake evaluator, their home and history) can
// neither break a test nor be touched by one.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** The variables eshell-ts reads; none of them leaks in from the environment the tests run in. */
const SHELL_VARIABLES = ['ESHELL_TS_PATH', 'ESHELL_TS_EVALUATOR', 'ESHELL_TS_HISTORY', 'NO_COLOR', 'FORCE_COLOR', 'ERL_EPMD_PORT'];

/**
 * The environment for one launch: process.env without eshell-ts's own variables, HOME and the
 * history file inside `home` (a fresh temporary directory when not given, removed after the
 * test `t` when there is one), then `overrides` (a value of undefined removes a variable).
 */
export function shellEnv(overrides = {}, { home, t } = {}) {
  if (home === undefined) {
    home = mkdtempSync(path.join(os.tmpdir(), 'eshell-ts-home-'));
    if (t) t.after(() => rmSync(home, { recursive: true, force: true }));
  }
  const env = { ...process.env };
  for (const name of SHELL_VARIABLES) delete env[name];
  Object.assign(env, { HOME: home, ESHELL_TS_HISTORY: path.join(home, 'history') }, overrides);
  for (const [name, value] of Object.entries(env)) if (value === undefined) delete env[name];
  return env;
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `condition` every 10 ms until it holds; fails naming `what` after `ms`. */
export async function until(condition, what, ms = 15_000) {
  const deadline = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

/** The last of the screen's lines. */
export const lastLine = (lines) => lines[lines.length - 1];
