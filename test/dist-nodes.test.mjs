// Two eshell-ts nodes on a machine without Erlang (no epmd on the PATH): the first node serves
// the EPMD protocol itself, and the two find each other through it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { statSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { HOST, NAME_FLAG, erlAtom, nameArgs, startCluster, waitUntil } from './helpers/distPeers.mjs';
import { runPiped } from './helpers/piped.mjs';
import { spawnSync } from 'node:child_process';

test('two eshell-ts nodes without Erlang: ping, names, messages by name and by pid both ways', async (t) => {
  const cluster = await startCluster(t, { epmd: false });
  const a = await cluster.eshell('alpha', { noEpmd: true });
  const b = await cluster.eshell('beta', { noEpmd: true });
  const names = await a.eval('net_adm.names()');
  assert.match(names, /\['ok', \[.*\['alpha', \d+\].*\]\]/s);
  assert.match(names, /\['beta', \d+\]/);

  assert.equal(await a.eval(`net_adm.ping('beta@${HOST}')`), "'pong'");
  assert.equal(await b.eval('nodes()'), `['alpha@${HOST}']`);
  assert.equal(await b.eval("nodes(['this', 'connected'])"), `['beta@${HOST}', 'alpha@${HOST}']`);
  assert.equal(await b.eval("nodes('hidden')"), '[]');
  assert.equal(await b.eval(`net_adm.ping('gamma@${HOST}')`), "'pang'");

  await b.eval("register('inbox', self())");
  await a.eval(`['inbox', 'beta@${HOST}'] ! ['hello', self(), 2n ** 70n, list(1, 2)]`);
  const got = await waitUntil(async () => {
    const text = await b.eval('flush()');
    return text.includes('hello') && text;
  }, 'the message on beta');
  assert.match(got, /Shell got \['hello', <[1-9]\d*\.\d+\.0>, 1180591620717411303424n, list\(1, 2\)\]/);

  // 2 MB goes in fragments of 64 KB and arrives whole.
  await a.eval(`['inbox', 'beta@${HOST}'] ! ['big', Buffer.alloc(2_000_000, 7)]`);
  assert.equal(await b.eval("receive([['big', _], ([, blob]) => blob.length + blob[1999999]], after(5000, () => 'timeout'))"), '2000007');

  await a.eval("register('inbox', self())");
  await b.eval(`['inbox', 'alpha@${HOST}'] ! ['who', self()]`);
  await a.eval("receive([['who', _], ([, from]) => send(from, ['it_is', node(), node(from)])])");
  assert.equal(await b.eval("receive([['it_is', _, _], (m) => m], after(5000, () => 'timeout'))"), `['it_is', 'alpha@${HOST}', 'beta@${HOST}']`);
});

test('net_kernel.start and stop at run time; the cookie file is created as erl creates it', async (t) => {
  const cluster = await startCluster(t, { epmd: false });
  const host = await cluster.eshell('host', { noEpmd: true });
  // A shell started without a name, and without -setcookie: ~/.erlang.cookie is used.
  const late = await cluster.eshell(null, { noEpmd: true, cookie: null });
  assert.equal(await late.eval('nodes()'), '[]');
  assert.equal(await late.eval('net_kernel.stop()'), "['error', 'not_found']");
  assert.equal(await late.eval('is_alive()'), 'false');
  assert.equal(await late.eval('node()'), "'nonode@nohost'");
  assert.match(await late.eval(`net_kernel.start(${NAME_FLAG === '-sname' ? "['late', 'shortnames']" : `['late@${HOST}', 'longnames']`})`), /\['ok', <0\.\d+\.0>\]/);
  assert.equal(await late.eval('node()'), `'late@${HOST}'`);
  const cookieFile = path.join(late.home, '.erlang.cookie');
  assert.equal(statSync(cookieFile).mode & 0o777, 0o400);
  assert.match(readFileSync(cookieFile, 'utf8'), /^[A-Z]{20}$/);
  // Its cookie is not the host's: refused; with the right one: accepted.
  assert.equal(await late.eval(`net_adm.ping('host@${HOST}')`), "'pang'");
  await host.waitFor(`** Connection attempt from node ${erlAtom(`late@${HOST}`)} rejected. Invalid challenge reply. **`);
  assert.equal(await late.eval('net_kernel.stop()'), "'ok'");
  assert.match(await late.eval(`net_kernel.start(${NAME_FLAG === '-sname' ? "['late', 'shortnames']" : `['late@${HOST}', 'longnames']`})`), /\['ok', /);
});

test('a shell started without -sname or -name opens no port', () => {
  const { stdout } = runPiped([
    "process._getActiveHandles().filter((h) => h instanceof require('net').Server || h instanceof require('net').Socket).length.",
    'is_alive().',
    'node().',
    'nodes().',
    `net_adm.ping('pong@${HOST}').`,
  ].join('\n'));
  assert.match(stdout, /1> 0\n2> false\n3> 'nonode@nohost'\n4> \[\]\n5> 'pang'\n/);
});

test('two nodes sending to each other at the same moment end up with one connection, nothing lost', async (t) => {
  const cluster = await startCluster(t, { epmd: false });
  const a = await cluster.eshell('alpha', { noEpmd: true });
  const b = await cluster.eshell('beta', { noEpmd: true });
  await a.eval("register('inbox', self())");
  await b.eval("register('inbox', self())");
  for (let round = 0; round < 3; round++) {
    await Promise.all([
      a.eval(`['inbox', 'beta@${HOST}'] ! ['from_a', ${round}]`),
      b.eval(`['inbox', 'alpha@${HOST}'] ! ['from_b', ${round}]`),
    ]);
    await waitUntil(async () => (await a.eval("receive([['from_b', _], (m) => m], after(100, () => 'none'))")).includes(`['from_b', ${round}]`), `alpha to get round ${round}`);
    await waitUntil(async () => (await b.eval("receive([['from_a', _], (m) => m], after(100, () => 'none'))")).includes(`['from_a', ${round}]`), `beta to get round ${round}`);
    assert.equal(await a.eval('nodes()'), `['beta@${HOST}']`);
    await a.eval(`net_kernel.disconnect('beta@${HOST}')`);
    await waitUntil(async () => (await b.eval('nodes()')) === '[]', 'the disconnect to reach beta');
  }
  assert.doesNotMatch(a.output + b.output, /ERROR REPORT/);
});

test('with no epmd running, the node starts `epmd -daemon` as erl does; it outlives the node', async (t) => {
  const cluster = await startCluster(t, { epmd: false });
  const env = { ...process.env, ERL_EPMD_PORT: String(cluster.epmdPort) };
  t.after(async () => {
    for (let i = 0; i < 50; i++) {
      const killed = spawnSync('epmd', ['-kill'], { env, encoding: 'utf8' });
      if (/Killed/.test(killed.stdout)) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  });
  const node = await cluster.eshell('starter');
  assert.match(spawnSync('epmd', ['-names'], { env, encoding: 'utf8' }).stdout, /name starter at port \d+/);
  node.kill();
  await node.exited;
  await waitUntil(() => !/name starter/.test(spawnSync('epmd', ['-names'], { env, encoding: 'utf8' }).stdout), 'epmd to forget the node');
  assert.match(spawnSync('epmd', ['-names'], { env, encoding: 'utf8' }).stdout, /up and running/);
});

test('bad distribution options are refused before anything starts', () => {
  for (const [args, message] of [
    [['-sname', 'no way'], /invalid node name/],
    [['-sname'], /-sname needs a node name/],
    [['-kernel', 'net_ticktime', 'soon'], /net_ticktime must be a positive integer/],
    [['-kernel', 'inet_dist_listen_min', '9100'], /-kernel takes net_ticktime N/],
  ]) {
    const { status, stderr } = runPiped('', { args });
    assert.equal(status, 2, args.join(' '));
    assert.match(stderr, message);
  }
});

test('a name already taken stops the second node with erl\'s message', async (t) => {
  const cluster = await startCluster(t, { epmd: false });
  await cluster.eshell('twin', { noEpmd: true });
  const { status, stdout } = runPiped("'never'.\n", { args: [...nameArgs('twin'), '-setcookie', 'demo'], env: cluster.env({}, true) });
  assert.equal(status, 1);
  assert.match(stdout, new RegExp(`Protocol 'inet_tcp': the name twin@${HOST.replace(/\./g, '\\.')} seems to be in use by another Erlang node`));
  assert.doesNotMatch(stdout, /never/);
});
