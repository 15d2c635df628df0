// The startup file in a real terminal: ./.eshell-ts.ts (else ~/.eshell-ts.ts) runs before the
// first input — bindings, helper functions, c(mod) — without taking prompt numbers. A form
// that fails is reported with its line, and the rest of the file and the shell go on.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openShell, enter } from './helpers/prompt.mjs';
import { tempDir } from './helpers/tempDir.mjs';

const COUNTER = `export function version(): number { return 1; }\n`;

const STARTUP = `// set up for the session
Greeting = 'hello'.
const double = (x: number) => x * 2;

X = 1, X = 2.
c(counter).
Later = double(21).
`;

test('the startup file: an error is shown with its line, the shell starts, later bindings work', { timeout: 30000 }, async (t) => {
  const dir = tempDir(t, 'eshell-ts-rc-', { '.eshell-ts.ts': STARTUP, 'counter.ts': COUNTER });
  const sh = await openShell(t, { cwd: dir });
  await sh.waitFor('.eshell-ts.ts:5: ** exception error: no match of right hand side value 2', { timeout: 15000 });
  assert.deepEqual(await enter(sh, 'Later.', 2), ['42']);
  assert.deepEqual(await enter(sh, 'Greeting.', 3), ["'hello'"]);
  assert.deepEqual(await enter(sh, 'double(4).', 4), ['8']);
  assert.deepEqual(await enter(sh, 'counter:version().', 5), ['1']);
  // The variable the failing form bound is dropped, as after any failing input.
  assert.deepEqual(await enter(sh, 'X.', 6), ["* variable 'X' is unbound"]);
  // The startup file is not part of the numbered history.
  assert.match((await enter(sh, 'h().', 7)).join('\n'), /^1: Later/);
});

test('the home directory startup file applies when the directory has none; --no-rc skips it', { timeout: 30000 }, async (t) => {
  const home = tempDir(t, 'eshell-ts-rc-home-', { '.eshell-ts.ts': "FromHome = 'yes'.\n" });
  const dir = tempDir(t, 'eshell-ts-rc-cwd-');
  const sh = await openShell(t, { cwd: dir, env: { HOME: home } });
  assert.deepEqual(await enter(sh, 'FromHome.', 2), ["'yes'"]);

  const skipped = await openShell(t, { cwd: dir, env: { HOME: home }, args: ['--no-rc'] });
  assert.deepEqual(await enter(skipped, 'FromHome.', 2), ["* variable 'FromHome' is unbound"]);
});
