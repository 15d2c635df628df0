// An eshell-ts node and real BEAM nodes (`erl -sname`) on 127.0.0.1: ping both ways, messages
// by pid and by registered name both ways, thousands of random BEAM terms echoed back =:=,
// a wrong cookie refused on both sides, and a dead or frozen peer noticed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { HOST, ROOT, erlAtom, startCluster, waitUntil } from './helpers/distPeers.mjs';

const FIXTURE = path.join(ROOT, 'test', 'fixtures', 'dist_peer.erl');

test('ping both ways: pong from a live node, pang from a missing one; nodes() lists the peer', async (t) => {
  const cluster = await startCluster(t);
  const ts = await cluster.eshell('ping');
  const erl = await cluster.erl('pong');
  assert.equal(await ts.eval(`net_adm.ping('pong@${HOST}')`), "'pong'");
  assert.equal(await ts.eval('nodes()'), `['pong@${HOST}']`);
  assert.equal(await erl.eval('nodes()'), `[${erlAtom(`ping@${HOST}`)}]`);
  assert.equal(await ts.eval(`net_adm.ping('nobody@${HOST}')`), "'pang'");
  assert.equal(await ts.eval('node()'), `'ping@${HOST}'`);
  assert.equal(await ts.eval('is_alive()'), 'true');

  // From BEAM, with a fresh connection: net_kernel:disconnect first.
  assert.equal(await erl.eval(`net_kernel:disconnect('ping@${HOST}')`), 'true');
  await waitUntil(async () => (await ts.eval('nodes()')) === '[]', 'the disconnect to reach eshell-ts');
  assert.equal(await erl.eval(`net_adm:ping('ping@${HOST}')`), 'pong');
  assert.equal(await ts.eval('nodes()'), `['pong@${HOST}']`);
});

test('messages both ways, by registered name and by pid; remote pids print as erl prints them', async (t) => {
  const cluster = await startCluster(t);
  const ts = await cluster.eshell('ping');
  const erl = await cluster.erl('pong');
  // The user story: {pong, 'pong@host'} ! {ping, self()} and the answer in flush().
  await erl.eval('register(pong, spawn(fun L() -> receive {ping, P} -> P ! pong, L() end end))');
  await ts.eval(`['pong', 'pong@${HOST}'] ! ['ping', self()]`);
  await waitUntil(async () => (await ts.eval('flush()')).includes("Shell got 'pong'"), 'the pong');

  // BEAM sends to a name registered in eshell-ts, then to the pid it was given.
  await ts.eval("register('shell_proc', self())");
  await erl.eval(`{shell_proc, 'ping@${HOST}'} ! {hello, self()}`);
  const got = await waitUntil(async () => {
    const text = await ts.eval('flush()');
    return text.includes('hello') && text;
  }, 'the hello');
  assert.match(got, /Shell got \['hello', <\d+\.\d+\.\d+>\]/);
  const remote = /<(\d+)\.\d+\.\d+>/.exec(got);
  assert.notEqual(remote[1], '0', 'a pid of another node prints with its node number');

  // eshell-ts answers the pid it received; BEAM gets it in its shell's mailbox.
  await ts.eval(`receive([_, (m) => m], after(0, () => 'none'))`);
  await erl.eval(`{shell_proc, 'ping@${HOST}'} ! {reply_to, self()}`);
  assert.equal(await ts.eval("receive([['reply_to', _], ([, from]) => (send(from, ['from_ts', self(), node(from)]), 'sent')])"), "'sent'");
  const flushed = await waitUntil(async () => {
    const text = await erl.eval('flush()');
    return text.includes('from_ts') && text;
  }, 'BEAM to receive');
  assert.match(flushed, new RegExp(`Shell got \\{from_ts,<\\d+\\.\\d+\\.0>,${erlAtom(`pong@${HOST}`).replace(/\./g, '\\.')}\\}`));

  // BEAM sends to the pid eshell-ts gave it: a pid survives the round trip.
  await erl.eval('receive {from_ts, P, _} -> put(ts_pid, P) after 0 -> ok end');
  await erl.eval(`{shell_proc, 'ping@${HOST}'} ! {pid, self()}`);
  await ts.eval("receive([['pid', _], ([, p]) => send(p, ['your_pid', self()])])");
  await erl.eval('receive {your_pid, P} -> P ! by_pid after 5000 -> timeout end');
  assert.match(await ts.eval('flush()'), /Shell got 'by_pid'/);
});

test('thousands of random BEAM terms come back =:= through an echo process in eshell-ts', async (t) => {
  const beams = mkdtempSync(path.join(os.tmpdir(), 'eshell-ts-erlc-'));
  t.after(() => rmSync(beams, { recursive: true, force: true }));
  const compiled = spawnSync('erlc', ['-o', beams, FIXTURE], { encoding: 'utf8' });
  assert.equal(compiled.status, 0, compiled.stderr + compiled.stdout);
  const cluster = await startCluster(t);
  const ts = await cluster.eshell('echoer');
  const erl = await cluster.erl('gen', { args: ['-pa', beams] });
  await ts.eval("register('echo', spawn(function loop(): any { return receive([_, ([from, term]: any) => { send(from, ['echo', term]); return loop(); }]); }))");
  const result = await erl.eval(`dist_peer:echo_check({echo, 'echoer@${HOST}'}, 3000, {7, 11, 13})`, 60000);
  assert.equal(result, '{3000,0,[]}');
});

test('a wrong cookie is refused on both sides with erl\'s message, and the good connection goes on', async (t) => {
  const cluster = await startCluster(t);
  const ts = await cluster.eshell('ping');
  const good = await cluster.erl('good');
  const bad = await cluster.erl('bad', { cookie: 'wrong' });
  assert.equal(await good.eval(`net_adm:ping('ping@${HOST}')`), 'pong');

  // BEAM with the wrong cookie connects to eshell-ts: eshell-ts refuses it.
  assert.equal(await bad.eval(`net_adm:ping('ping@${HOST}')`), 'pang');
  await ts.waitFor(`** Connection attempt from node ${erlAtom(`bad@${HOST}`)} rejected. Invalid challenge reply. **`);
  // eshell-ts connects to BEAM with the wrong cookie: BEAM refuses it.
  assert.equal(await ts.eval(`net_adm.ping('bad@${HOST}')`), "'pang'");
  await bad.waitFor(`** Connection attempt from node ${erlAtom(`ping@${HOST}`)} rejected. Invalid challenge reply. **`);

  assert.equal(await ts.eval('nodes()'), `['good@${HOST}']`);
  assert.equal(await good.eval(`net_adm:ping('ping@${HOST}')`), 'pong');
});

test('a peer killed with SIGKILL or frozen is noticed: at once when its socket closes, within the tick time when it goes silent', async (t) => {
  const cluster = await startCluster(t);
  const ts = await cluster.eshell('watcher', { args: ['-kernel', 'net_ticktime', '4'] });
  const killed = await cluster.erl('killed');
  const frozen = await cluster.erl('frozen');
  assert.equal(await ts.eval(`net_adm.ping('killed@${HOST}')`), "'pong'");
  assert.equal(await ts.eval(`net_adm.ping('frozen@${HOST}')`), "'pong'");

  killed.kill('SIGKILL');
  await waitUntil(async () => (await ts.eval('nodes()')) === `['frozen@${HOST}']`, 'the killed node to leave nodes()', 5000);

  const frozenAt = Date.now();
  frozen.kill('SIGSTOP');
  t.after(() => frozen.kill('SIGKILL'));
  await ts.waitFor(`** Node frozen@${HOST} not responding **`, 10000);
  const noticedAfter = (Date.now() - frozenAt) / 1000;
  assert.ok(noticedAfter <= 4 * 1.25 + 1, `noticed after ${noticedAfter} s with net_ticktime 4`);
  assert.equal(await ts.eval('nodes()'), '[]');
});

test('eshell-ts ticks: a BEAM peer with a short net_ticktime keeps an idle connection', async (t) => {
  const cluster = await startCluster(t);
  const ts = await cluster.eshell('quiet', { args: ['-kernel', 'net_ticktime', '4'] });
  const erl = await cluster.erl('strict', { args: ['-kernel', 'net_ticktime', '4'] });
  assert.equal(await erl.eval(`net_adm:ping('quiet@${HOST}')`), 'pong');
  await new Promise((resolve) => setTimeout(resolve, 7000));
  assert.equal(await erl.eval('nodes()'), `[${erlAtom(`quiet@${HOST}`)}]`);
  assert.doesNotMatch(erl.output, /not responding/);
  assert.equal(await ts.eval('net_kernel.get_net_ticktime()'), '4');
});

test('a 3 MB message arrives from BEAM in fragments and goes back =:=', async (t) => {
  const cluster = await startCluster(t);
  const ts = await cluster.eshell('echoer');
  const erl = await cluster.erl('big');
  await ts.eval("register('echo', spawn(function loop(): any { return receive([_, ([from, term]: any) => { send(from, ['echo', term]); return loop(); }]); }))");
  const result = await erl.eval(`B = {rand:bytes(3000000), lists:seq(1, 100000), self()}, {echo, 'echoer@${HOST}'} ! {self(), B}, receive {echo, R} -> R =:= B after 20000 -> timeout end`, 30000);
  assert.equal(result, 'true');
  assert.doesNotMatch(ts.output + erl.output, /ERROR REPORT/);
});

test('bursts keep their order both ways: 20,000 requests from BEAM answered in order, to the sender and to a name; a burst from eshell-ts with a 300 KB message in it arrives in order', async (t) => {
  const cluster = await startCluster(t);
  const ts = await cluster.eshell('burst');
  const erl = await cluster.erl('beam');
  const T = erlAtom(ts.name);
  const B = `beam@${HOST}`;
  const N = 20000;
  await erl.eval('register(collector, spawn(fun() -> C = fun L(Acc) -> receive {seen, I} -> L([I | Acc]); {get, P} -> P ! {seen_all, lists:reverse(Acc)} end end, C([]) end))');
  // Each request is answered twice: to the pid it came from, and to a name on the BEAM node.
  await ts.eval(`register('echo', spawn(function loop(): any { return receive([_, ([from, i]: any) => { send(from, ['echo', i]); send(['collector', '${B}'], ['seen', i]); return loop(); }]); }))`);
  const answered = await erl.eval(`Dest = {echo, ${T}}, [Dest ! {self(), I} || I <- lists:seq(1, ${N})], Got = [receive {echo, X} -> X after 5000 -> timeout end || _ <- lists:seq(1, ${N})], Got =:= lists:seq(1, ${N})`, 60000);
  assert.equal(answered, 'true');
  assert.equal(await erl.eval(`collector ! {get, self()}, receive {seen_all, S} -> S =:= lists:seq(1, ${N}) after 5000 -> timeout end`), 'true');

  // The other way: one send after another from the shell, a message of 300 KB (fragments) among them.
  await erl.eval("register(sink, spawn(fun() -> C = fun L(Acc) -> receive 'end' -> R = lists:reverse(Acc), receive {get, P} -> P ! {got, R} end; M -> L([M | Acc]) end end, C([]) end))");
  await ts.eval(`Array.from({ length: 5000 }, (_, k) => k + 1).forEach((i) => send(['sink', '${B}'], i === 2500 ? Buffer.alloc(300000, 7) : i)), send(['sink', '${B}'], 'end')`);
  const got = await erl.eval('sink ! {get, self()}, receive {got, G} -> {length(G), [X || {I, X} <- lists:zip(lists:seq(1, 5000), G), X =/= I, I =/= 2500], byte_size(lists:nth(2500, G))} after 10000 -> timeout end', 30000);
  assert.equal(got, '{5000,[],300000}');
  assert.match(ts.output, /started/, 'the eshell-ts node is still there');
});
