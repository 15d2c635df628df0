// `eshell-ts -remsh node`: a shell whose input is evaluated on another eshell-ts node, with
// that node's prompt and bindings, and what the evaluation prints shown here.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { BIN } from './helpers/pty.mjs';
import { HOST, NAME_FLAG, startCluster } from './helpers/distPeers.mjs';

test('-remsh evaluates on the other node: node(), its bindings, its modules, output shown here', async (t) => {
  const cluster = await startCluster(t);
  const target = await cluster.eshell('target');
  await target.eval("register('here', self())");
  const remote = await cluster.eshell(null, { args: ['-remsh', target.name] });
  assert.match(remote.output, new RegExp(`\\(${target.name.replace(/\./g, '\\.')}\\)\\d+> `), "the prompt names the remote node");
  assert.equal(await remote.eval('node()'), `'${target.name}'`);
  assert.equal(await remote.eval('X = 41'), '41');
  assert.equal(await remote.eval('X + 1'), '42');
  assert.match(await remote.eval("whereis('here')"), /^<0\.\d+\.0>$/, "the other node's registered names");
  assert.match(await remote.eval("io.format('hello from ~p~n', [node()])"), new RegExp(`hello from '${target.name.replace(/\./g, '\\.')}'\\n'ok'`));
  assert.match(await remote.eval('oops('), /syntax error|\*/, 'errors come back as the remote shell prints them');
  assert.match(await remote.eval("exit('boom')"), /exception exit: boom/);
  assert.equal(await remote.eval('X'), '41', 'bindings survive an exception, as in Eshell');
  // The remote node goes away: the remote shell says so.
  target.kill('SIGKILL');
  await target.exited;
  const since = remote.output.length;
  remote.proc.stdin.write('node().\n');
  await remote.waitFor(/Shell process terminated! \(noconnection\)/, 15000, since);
});

test('-remsh to a node that is not there: erl\'s message, exit status 1', async (t) => {
  const cluster = await startCluster(t);
  const env = cluster.env({}, false);
  const result = spawnSync(process.execPath, [BIN, '-remsh', `nobody@${HOST}`, '-setcookie', 'demo'], { env, input: "'x'.\n", encoding: 'utf8', timeout: 30000 });
  assert.match(result.stdout + result.stderr, new RegExp(`Could not connect to "nobody@${HOST.replace(/\./g, '\\.')}"`));
  assert.equal(result.status, 1);
});

test('-remsh reaches a node that came alive at run time with net_kernel.start', async (t) => {
  const cluster = await startCluster(t);
  const target = await cluster.eshell(null);
  const args = NAME_FLAG === '-sname' ? "['late', 'shortnames']" : `['late@${HOST}', 'longnames']`;
  assert.match(await target.eval(`net_kernel.start(${args})`), /^\['ok', <0\.\d+\.0>\]$/);
  const name = (await target.eval('node()')).replace(/'/g, '');
  const remote = await cluster.eshell(null, { args: ['-remsh', name] });
  assert.equal(await remote.eval('node()'), `'${name}'`);
});
