// The hot-swap demo split over two eshell-ts nodes: the server on one, its client on another.
// The server's node fixes the bug with c(code_reload) while the client keeps sending across
// the connection: the same server pid starts counting, and every message arrives, in order.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT, startCluster, waitUntil } from './helpers/distPeers.mjs';

const SERVER_LINE = /^(\d+): Server (<0\.\d+\.0>) received message \[(\d+), (\d+), (\d+)\] from (<[1-9]\d*\.\d+\.0>)$/gm;

function serverLines(node) {
  return [...node.output.matchAll(SERVER_LINE)].map(([, count, server, mega, secs, micro, client]) => ({
    count: Number(count),
    server,
    client,
    micros: (Number(mega) * 1e6 + Number(secs)) * 1e6 + Number(micro),
  }));
}

test('the hot-swap demo across two nodes: c(code_reload) on the server\'s node, the remote client never misses a message', { timeout: 90000 }, async (t) => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'eshell-ts-hotdist-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'code_reload.ts');
  copyFileSync(path.join(ROOT, 'modules', 'code_reload.ts'), file);
  const cluster = await startCluster(t);
  const serverNode = await cluster.eshell('server', { args: ['-pa', dir] });
  const clientNode = await cluster.eshell('client', { args: ['-pa', dir] });

  const serverPid = await serverNode.eval("register('server', code_reload.start_server())");
  assert.equal(serverPid, 'true');
  await clientNode.eval("register('shell', self())");
  await serverNode.eval(`['shell', '${clientNode.name}'] ! ['server', whereis('server')]`);
  const client = await clientNode.eval("receive([['server', _], ([, s]) => (globalThis.client = code_reload.start_client(s))])");
  assert.match(client, /^<0\.\d+\.0>$/);

  await waitUntil(() => serverLines(serverNode).length >= 2, 'the server to get two messages from the other node', 15000);
  assert.ok(serverLines(serverNode).every((l) => l.count === 0), 'the shipped bug: the count is stuck at 0');

  const source = readFileSync(file, 'utf8');
  writeFileSync(file, source.replace('return M.server_loop(count);', 'return M.server_loop(count + 1);'));
  const before = serverLines(serverNode).length;
  assert.equal(await serverNode.eval('c(code_reload)'), "['ok', 'code_reload']");
  await waitUntil(() => serverLines(serverNode).some((l) => l.count === 3), 'the same server to count', 20000);

  const lines = serverLines(serverNode);
  const afterReload = lines.slice(before).map((l) => l.count);
  // As in the one-node demo, a message already awaited may run the old code once more (0),
  // and then the count goes up by one per message.
  const zeros = afterReload.indexOf(1);
  assert.ok(zeros >= 0 && zeros <= 2 && afterReload.slice(0, zeros).every((c) => c === 0), afterReload.join(','));
  assert.deepEqual(afterReload.slice(zeros), afterReload.slice(zeros).map((_, i) => i + 1));
  assert.equal(new Set(lines.map((l) => l.server)).size, 1, 'one server pid throughout');
  assert.equal(new Set(lines.map((l) => l.client)).size, 1, 'one client pid throughout');
  for (let i = 1; i < lines.length; i++) {
    const gap = lines[i].micros - lines[i - 1].micros;
    assert.ok(gap > 0, 'timestamps arrive in order, none twice');
    assert.ok(gap < 1.9e6, `no message missing between ${i - 1} and ${i} (gap ${gap} µs)`);
  }
  // Quit both across the connection.
  await clientNode.eval("send(client, [self(), 'quit'])");
  await clientNode.waitFor('Received quit command from');
  await clientNode.eval(`send(['server', '${serverNode.name}'], [self(), 'quit'])`);
  await serverNode.waitFor(/Received quit command from <[1-9]\d*\.\d+\.0>/);
});
