// `eshell-ts --init` in a real terminal: in an empty directory it writes a tsconfig.json and a
// first module; the repository's TypeScript (tsc --noEmit) then accepts that module, resolving
// 'eshell-ts' to this package, and reports a type error in a second one, as c/1 would. Run
// again, it keeps every file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { startShell, ROOT } from './helpers/pty.mjs';
import { openShell, enter } from './helpers/prompt.mjs';
import { tempDir } from './helpers/tempDir.mjs';

const TSC = path.join(ROOT, 'node_modules', '.bin', 'tsc');

async function runInit(t, cwd) {
  const sh = startShell({ t, cwd, args: ['--init'] });
  assert.equal(await sh.exited(), 0);
  await sh.settle();
  return sh.output();
}

test('--init: tsc passes on the first module and finds a type error in a second', { timeout: 60000 }, async (t) => {
  const dir = tempDir(t, 'eshell-ts-init-');
  const first = await runInit(t, dir);
  assert.match(first, /wrote tsconfig\.json/);
  assert.match(first, /wrote modules\/hello\.ts/);
  const config = JSON.parse(readFileSync(path.join(dir, 'tsconfig.json'), 'utf8'));
  assert.deepEqual(config.compilerOptions.paths['eshell-ts'], [path.join(ROOT, 'src', 'index.ts')]);

  const clean = spawnSync(TSC, ['--noEmit', '-p', dir], { encoding: 'utf8' });
  assert.equal(clean.status, 0, clean.stdout + clean.stderr);

  writeFileSync(
    path.join(dir, 'modules', 'wrong.ts'),
    "import { spawn } from 'eshell-ts';\nexport const pid: number = spawn(() => 'ok');\n",
  );
  const wrong = spawnSync(TSC, ['--noEmit', '-p', dir], { encoding: 'utf8' });
  assert.notEqual(wrong.status, 0);
  assert.match(wrong.stdout, /modules\/wrong\.ts\(2,14\): error TS2322: Type 'Pid' is not assignable to type 'number'/);
  assert.doesNotMatch(wrong.stdout, /hello\.ts/);

  // Run again: nothing is overwritten, and it says so.
  writeFileSync(path.join(dir, 'tsconfig.json'), '{ "mine": true }\n');
  const second = await runInit(t, dir);
  assert.match(second, /kept tsconfig\.json/);
  assert.match(second, /kept modules\//);
  assert.equal(readFileSync(path.join(dir, 'tsconfig.json'), 'utf8'), '{ "mine": true }\n');
});

test('--init: the first module runs in the shell', { timeout: 30000 }, async (t) => {
  const dir = tempDir(t, 'eshell-ts-init-run-');
  await runInit(t, dir);
  const sh = await openShell(t, { cwd: dir });
  assert.deepEqual(await enter(sh, 'c(hello).', 2), ["['ok', 'hello']"]);
  await enter(sh, 'P = hello:start().', 3);
  await enter(sh, "P ! ['greet', 'world'].", 4);
  await sh.waitFor('Hello, world! (1 greeted so far)');
});
