// gen_server across nodes, on the wire as OTP puts it: an eshell-ts process calls a real BEAM
// gen_server by [name, node]; BEAM's gen_server:call({Name, Node}, ...) reaches an eshell-ts
// gen_server; multi_call and abcast gather every node's answer, the missing ones as bad nodes.
// All nodes on 127.0.0.1 (test/helpers/distPeers.mjs).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { erlAtom, startCluster } from './helpers/distPeers.mjs';

test("gen_server.call to BEAM's net_kernel by [name, node]; a name that is not there exits with noproc", async (t) => {
  const cluster = await startCluster(t);
  const ts = await cluster.eshell('ts');
  const erl = await cluster.erl('beam');
  const B = `'${erl.name}'`;
  // erl: gen_server:call({net_kernel, beam@host}, {is_auth, ts@host}).   yes
  assert.equal(await ts.eval(`gen_server.call(['net_kernel', ${B}], ['is_auth', node()])`), "'yes'");
  // erl: catch gen_server:call({nobody, beam@host}, hello).   {'EXIT',{noproc,{gen_server,call,[{nobody,beam@host},hello]}}}
  assert.equal(
    await ts.eval(`catch gen_server.call(['nobody', ${B}], 'hello')`),
    `['EXIT', ['noproc', ['gen_server', 'call', [['nobody', ${B}], 'hello']]]]`,
  );
});

test("BEAM's gen_server:call({Name, Node}, ...) reaches an eshell-ts gen_server; multi_call and abcast over both nodes", async (t) => {
  const cluster = await startCluster(t);
  const ts = await cluster.eshell('ts');
  const erl = await cluster.erl('beam');
  const T = erlAtom(ts.name);
  const B = `'${erl.name}'`;
  assert.match(await ts.eval("['ok', C] = gen_server.start(['local', 'counter'], counter_server, 0)"), /\['ok', <0\.\d+\.0>\]/);
  assert.equal(await erl.eval(`gen_server:call({counter, ${T}}, bump)`), '1');
  assert.equal(await erl.eval(`gen_server:call({counter, ${T}}, bump)`), '2');
  // this node's counter answers, BEAM has no 'counter': a bad node
  assert.equal(await ts.eval(`gen_server.multi_call([node(), ${B}], 'counter', 'read')`), `[[['${ts.name}', 2]], [${B}]]`);
  // erl: gen_server:multi_call([beam@host], net_kernel, {is_auth, ts@host}).   {[{beam@host,yes}],[]}
  assert.equal(await ts.eval(`gen_server.multi_call([${B}], 'net_kernel', ['is_auth', node()])`), `[[[${B}, 'yes']], []]`);
  // a cast everywhere reaches the counter here (its handle_cast keeps the count)
  assert.equal(await ts.eval(`gen_server.abcast([node(), ${B}], 'counter', 'ignored')`), "'abcast'");
  assert.equal(await erl.eval(`gen_server:call({counter, ${T}}, read)`), '2');
  // BEAM's multi_call over both nodes: eshell-ts answers, BEAM itself has no counter
  assert.equal(await erl.eval(`gen_server:multi_call([${T}, node()], counter, read)`), `{[{${T},2}],[${erlAtom(erl.name)}]}`);
});
