// self() in async continuations: every promise, timer or callback a process's code creates
// belongs to that process, whether the process is an async function from the start or a
// receive loop that only later starts async work, and however many processes share a batch.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, self, send, receive, _ } from '../dist/internal.js';
import { inProcess, sleep } from './helpers/runtime.mjs';

test('a receive loop that starts an async function from a handler keeps its self() after awaits', async () => {
  const pids = [];
  const seen = await inProcess(async () => {
    const me = self();
    // Several synchronous loops stepping in the same batches; each turns async on 'go'.
    for (let i = 0; i < 4; i++) {
      pids.push(spawn(function loop() {
        return receive(
          ['tick', () => loop()],
          ['go', async () => {
            const before = self();
            await null;
            const afterMicrotask = self();
            await sleep(5);
            send(me, [before, afterMicrotask, self()]);
          }],
        );
      }));
    }
    for (let round = 0; round < 50; round++) for (const pid of pids) send(pid, 'tick');
    for (const pid of pids) send(pid, 'go');
    const replies = [];
    for (let i = 0; i < pids.length; i++) replies.push(await receive([[_, _, _], (m) => m]));
    return replies;
  });
  assert.equal(seen.length, 4);
  for (const [before, afterMicrotask, afterTimer] of seen) {
    assert.equal(afterMicrotask, before);
    assert.equal(afterTimer, before);
  }
  assert.deepEqual(new Set(seen.map(([p]) => p.id)), new Set(pids.map((p) => p.id)));
});

test('callbacks a synchronous step registers run as the process that registered them', async () => {
  const seen = await inProcess(async () => {
    const me = self();
    const workers = [];
    for (let i = 0; i < 3; i++) {
      workers.push(spawn(() => {
        const report = (how) => () => send(me, [how, self()]);
        setTimeout(report('timeout'), 1);
        setImmediate(report('immediate'));
        Promise.resolve().then(report('then'));
        queueMicrotask(report('microtask'));
        process.nextTick(report('nextTick'));
        return receive(['never', () => {}]);
      }));
    }
    const got = [];
    for (let i = 0; i < 15; i++) got.push(await receive([[_, _], (m) => m]));
    return { got, workers };
  });
  const { got, workers } = seen;
  const byPid = new Map(workers.map((p) => [p.id, []]));
  for (const [how, pid] of got) {
    assert.ok(byPid.has(pid.id), `${how} callback saw ${pid}, not one of the workers`);
    byPid.get(pid.id).push(how);
  }
  for (const hows of byPid.values()) {
    assert.deepEqual(hows.sort(), ['immediate', 'microtask', 'nextTick', 'then', 'timeout']);
  }
});

test('after await receive(...) and inside its handler, self() is the awaiting process', async () => {
  const [me, inHandler, afterAwait, nested] = await inProcess(async () => {
    const me = self();
    const child = spawn(async () => {
      const parent = await receive([_, (from) => from]);
      send(parent, ['child', self()]);
    });
    send(child, me);
    const inHandler = await receive([['child', _], () => self()]);
    const afterAwait = self();
    const nested = await new Promise((resolve) => setTimeout(() => Promise.resolve().then(() => resolve(self())), 1));
    return [me, inHandler, afterAwait, nested];
  });
  assert.equal(inHandler, me);
  assert.equal(afterAwait, me);
  assert.equal(nested, me);
});
