// The distributed ping-pong lesson (modules/dist_ping_pong.ts and .erl), both ways round
// between `eshell-ts -sname` and `erl -sname`, as the README's walk-through tells it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { HOST, ROOT, startCluster } from './helpers/distPeers.mjs';

function compileErlang(t) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'eshell-ts-lesson-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const result = spawnSync('erlc', ['-o', dir, path.join(ROOT, 'modules', 'dist_ping_pong.erl')], { encoding: 'utf8' });
  assert.equal(result.status, 0, result.stderr);
  return dir;
}

test('pong in eshell-ts, ping in erl; then pong in erl, ping in eshell-ts', async (t) => {
  const beams = compileErlang(t);
  const cluster = await startCluster(t);
  const ts = await cluster.eshell('ts');
  const erl = await cluster.erl('beam', { args: ['-pa', beams] });

  assert.equal(await ts.eval('dist_ping_pong:start_pong()'), 'true');
  await erl.eval(`dist_ping_pong:start_ping('ts@${HOST}')`);
  await erl.waitFor('ping finished');
  await ts.waitFor('Pong finished');
  assert.equal(erl.output.match(/Ping received pong/g)?.length, 3);
  assert.equal(ts.output.match(/Pong received ping/g)?.length, 3);

  await erl.eval('dist_ping_pong:start_pong()');
  await ts.eval(`dist_ping_pong:start_ping('beam@${HOST}')`);
  await ts.waitFor('ping finished');
  await erl.waitFor('Pong finished');
  assert.equal(ts.output.match(/Ping received pong/g)?.length, 3);
  assert.equal(erl.output.match(/Pong received ping/g)?.length, 3);
});
