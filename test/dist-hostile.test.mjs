// Hostile bytes at an eshell-ts node: connections that never finish the handshake, malformed
// handshakes, and (from a peer that knows the cookie) a frame claiming 2 GB, a truncated term,
// a nesting bomb and an unknown tag. Each closes that one connection with a logged reason;
// the node's processes and its other connections go on.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import net from 'node:net';
import { HOST, startCluster, waitUntil } from './helpers/distPeers.mjs';

const MANDATORY = 0x4n | 0x10n | 0x80n | 0x100n | 0x200n | 0x400n | 0x800n | 0x10000n | 0x20000n | 0x40000n | 0x1000000n;

async function distPort(node) {
  const names = await node.eval('net_adm.names()');
  const alive = node.name.split('@')[0];
  return Number(new RegExp(`\\['${alive}', (\\d+)\\]`).exec(names)[1]);
}

/** A raw TCP connection with a reader of exact byte counts. */
function rawSocket(port) {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    let buffered = Buffer.alloc(0);
    let wake = () => {};
    socket.gone = new Promise((r) => socket.once('close', r));
    socket.on('data', (chunk) => {
      buffered = Buffer.concat([buffered, chunk]);
      wake();
    });
    socket.on('close', () => wake());
    socket.on('error', () => {});
    socket.readExactly = async (n) => {
      while (buffered.length < n) {
        if (socket.destroyed) throw new Error('closed');
        await new Promise((r) => (wake = r));
      }
      const out = buffered.subarray(0, n);
      buffered = buffered.subarray(n);
      return out;
    };
    socket.readFrame16 = async () => socket.readExactly((await socket.readExactly(2)).readUInt16BE(0));
    socket.once('connect', () => resolve(socket));
    socket.once('error', reject);
  });
}

function frame16(body) {
  const head = Buffer.alloc(2);
  head.writeUInt16BE(body.length);
  return Buffer.concat([head, body]);
}

/** Connects as node `name` with `cookie` through the version-6 handshake. */
async function handshake(port, name, cookie) {
  const socket = await rawSocket(port);
  const nameBytes = Buffer.from(name);
  const send = Buffer.alloc(15 + nameBytes.length);
  send[0] = 0x4e;
  send.writeBigUInt64BE(MANDATORY, 1);
  send.writeUInt32BE(1234, 9);
  send.writeUInt16BE(nameBytes.length, 13);
  nameBytes.copy(send, 15);
  socket.write(frame16(send));
  assert.equal((await socket.readFrame16()).toString(), 'sok');
  const challenge = await socket.readFrame16();
  const theirs = challenge.readUInt32BE(9);
  const reply = Buffer.alloc(21);
  reply[0] = 0x72;
  reply.writeUInt32BE(randomBytes(4).readUInt32BE(0), 1);
  createHash('md5').update(cookie + String(theirs)).digest().copy(reply, 5);
  socket.write(frame16(reply));
  assert.equal((await socket.readFrame16())[0], 0x61);
  return socket;
}

function frame32(body) {
  const head = Buffer.alloc(4);
  head.writeUInt32BE(body.length);
  return Buffer.concat([head, body]);
}

test('connections that never finish the handshake, or garble it, are closed; peers still connect meanwhile', async (t) => {
  const cluster = await startCluster(t);
  const ts = await cluster.eshell('target', { args: ['-kernel', 'net_ticktime', '60'] });
  const port = await distPort(ts);
  const idle = await Promise.all(Array.from({ length: 100 }, () => rawSocket(port)));

  const garbled = await rawSocket(port);
  garbled.write(frame16(Buffer.from('Xnonsense')));
  await garbled.gone;
  const lying = await rawSocket(port);
  lying.write(Buffer.from([0xff, 0xff, 0x4e])); // claims 65535 bytes, sends one
  const erl = await cluster.erl('friend');
  assert.equal(await erl.eval(`net_adm:ping('target@${HOST}')`), 'pong');
  assert.equal(await ts.eval('1 + 1'), '2');

  // The handshake timeout (7 s, erl's net_setuptime) closes every one of them.
  await Promise.all([...idle, lying].map((socket) => socket.gone));
  await ts.waitFor('handshake timed out');
  assert.match(ts.output, /closed: malformed name message|closed: peer uses|closed: .*Xnonsense|closed: /);
  assert.equal(await erl.eval(`net_adm:ping('target@${HOST}')`), 'pong');
});

test('after a good handshake: 2 GB length, truncated term, nesting bomb, unknown tag each close only their connection', async (t) => {
  const cluster = await startCluster(t);
  const ts = await cluster.eshell('target');
  const erl = await cluster.erl('friend');
  await ts.eval("register('keeper', spawn(function loop(): any { return receive([_, () => loop()]); }))");
  assert.equal(await erl.eval(`net_adm:ping('target@${HOST}')`), 'pong');
  const port = await distPort(ts);

  const toKeeper = Buffer.from([131, 104, 4, 97, 6, 100, 0, 0, 100, 0, 0, 100, 0, 6, ...Buffer.from('keeper')]);
  const cases = [
    ['a 2 GB length', Buffer.from([0x80, 0, 0, 0, 131])],
    ['a truncated term', frame32(Buffer.from([112, ...toKeeper, 131, 104, 3, 97, 1]))],
    ['a nesting bomb', frame32(Buffer.concat([Buffer.from([112]), toKeeper, Buffer.from([131]), Buffer.alloc(500_000, Buffer.from([104, 1]))]))],
    ['an unknown tag', frame32(Buffer.from([112, ...toKeeper, 131, 255, 1, 2, 3]))],
    ['a control message that is not a tuple', frame32(Buffer.from([112, 131, 97, 1]))],
    ['a fragment of a message never started', frame32(Buffer.from([131, 70, 0, 0, 0, 0, 0, 0, 0, 9, 0, 0, 0, 0, 0, 0, 0, 1, 104, 0]))],
  ];
  for (const [what, bytes] of cases) {
    const from = ts.output.length;
    const socket = await handshake(port, `evil@${HOST}`, 'demo');
    await waitUntil(async () => (await ts.eval('nodes()')).includes('evil'), 'the evil node to be connected');
    socket.write(bytes);
    await socket.gone;
    await ts.waitFor(`** Connection to node evil@${HOST} closed:`, 5000, from);
    await waitUntil(async () => !(await ts.eval('nodes()')).includes('evil'), `${what}: the evil node gone`);
    assert.equal(await ts.eval("is_process_alive(whereis('keeper'))"), 'true', what);
    assert.equal(await erl.eval(`net_adm:ping('target@${HOST}')`), 'pong', what);
    assert.equal(await ts.eval('nodes()'), `['friend@${HOST}']`, what);
  }
  assert.match(ts.output, /exceeds the limit/);
  assert.match(ts.output, /closed: truncated/);
  assert.match(ts.output, /too_deep/);
  assert.match(ts.output, /unknown_tag/);
  assert.match(ts.output, /fragment out of sequence/);
});
