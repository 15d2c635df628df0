// What `npm pack` ships is enough for `npm install -g` to give a working eshell-ts: the
// built bundles, the launcher, the lessons, the sources the type checker resolves
// 'eshell-ts' to — and nothing of the development tree.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, copyFileSync, symlinkSync, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT } from './helpers/pty.mjs';
import { shellEnv } from './helpers/env.mjs';

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

test('the packed tarball holds what the binary needs, and runs from outside the checkout', { timeout: 60000 }, () => {
  const out = mkdtempSync(path.join(os.tmpdir(), 'eshell-ts-pack-'));
  const [{ filename, files }] = JSON.parse(
    execFileSync(npm, ['pack', '--json', '--pack-destination', out], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }),
  );
  const paths = new Set(files.map((f) => f.path));
  for (const needed of [
    'bin/eshell-ts', 'package.json', 'README.md',
    'dist/main.js', 'dist/evaluator.js', 'dist/sigint-anchor.js', 'dist/typecheck.js', 'dist/index.js',
    'modules/code_reload.ts', 'src/index.ts',
  ]) {
    assert.ok(paths.has(needed), `${needed} is in the tarball`);
  }
  for (const p of paths) assert.ok(!/^(test|bench|node_modules|\.ci)\//.test(p), `${p} is not shipped`);

  // Unpack it as npm would, somewhere else, with the dependencies npm would install.
  const unpacked = path.join(out, 'unpacked');
  mkdirSync(unpacked);
  execFileSync('tar', ['-xzf', path.join(out, filename), '-C', unpacked]);
  symlinkSync(path.join(ROOT, 'node_modules'), path.join(unpacked, 'package', 'node_modules'));
  const project = mkdtempSync(path.join(os.tmpdir(), 'eshell-ts-user-'));
  mkdirSync(path.join(project, 'modules'));
  copyFileSync(path.join(ROOT, 'modules', 'ping_pong.ts'), path.join(project, 'modules', 'ping_pong.ts'));
  copyFileSync(path.join(ROOT, 'modules', 'code_reload.ts'), path.join(project, 'code_reload.ts'));
  const run = spawnSync(process.execPath, [path.join(unpacked, 'package', 'bin', 'eshell-ts')], {
    cwd: project,
    input: 'c(code_reload).\nc(ping_pong).\nping_pong:start(1).\ntimer.sleep(50).\n',
    encoding: 'utf8',
    env: shellEnv({ NO_COLOR: '1', ESHELL_TS_HISTORY: '/dev/null' }, { home: project }),
    timeout: 20000,
  });
  assert.equal(run.status, 0, run.stderr);
  assert.match(run.stdout, /1> \['ok', 'code_reload'\]/, 'finds ./code_reload.ts');
  assert.match(run.stdout, /2> \['ok', 'ping_pong'\]/, 'finds ./modules/ping_pong.ts');
  assert.match(run.stdout, /ping finished/);
  assert.ok(readdirSync(out).includes(filename));
});
