// Receive timeouts share one timer: they fire in deadline order, a receive that matched in
// time never runs its after clause, and a cancelled timeout does not keep Node running.
// The deadline-order test runs on a simulated clock: time moves when the test says so.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { spawn, send, self, receive, after, _, process_info, setReceiveClock, SimulatedClock } from '../dist/internal.js';
import { inProcess } from './helpers/runtime.mjs';
import { until } from './helpers/env.mjs';

test('timeouts fire in deadline order, whatever order they started in', async (t) => {
  const clock = new SimulatedClock();
  const previous = setReceiveClock(clock);
  t.after(() => setReceiveClock(previous));
  const waiters = [];
  const got = inProcess(async () => {
    const me = self();
    for (const ms of [40, 10, 30, 20]) waiters.push(spawn(() => receive(after(ms, () => send(me, ms)))));
    const order = [];
    for (let i = 0; i < 4; i++) order.push(await receive([_, (m) => m]));
    return order;
  });
  await until(() => waiters.length === 4 && waiters.every((pid) => process_info(pid)?.status === 'waiting'), 'four waiting');
  clock.advance(39);
  await until(() => waiters.slice(1).every((pid) => process_info(pid) === undefined), 'the 10, 20 and 30 ms waiters ended');
  assert.equal(process_info(waiters[0])?.status, 'waiting', 'at 39 ms the 40 ms timeout is still pending');
  clock.advance(1);
  await until(() => process_info(waiters[0]) === undefined, 'the 40 ms waiter ended', 5000);
  assert.deepEqual(await got, [10, 20, 30, 40]);
});

test('a receive that matches before its timeout never runs the after clause', async () => {
  const got = await inProcess(async () => {
    const me = self();
    const waiters = [15, 5, 25].map((ms) => spawn(() => receive([['go'], () => send(me, ['matched', ms])], after(ms, () => send(me, ['timed out', ms])))));
    send(waiters[2], ['go']);
    const seen = [];
    for (let i = 0; i < 3; i++) seen.push(await receive([_, (m) => m]));
    return seen;
  });
  assert.deepEqual(got, [['matched', 25], ['timed out', 5], ['timed out', 15]]);
});

test('a cancelled 30 s timeout does not keep Node running', { timeout: 20000 }, () => {
  const bundle = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'internal.js');
  const script = `
    const { spawn, send, self, receive, after } = require(${JSON.stringify(bundle)});
    spawn(() => {
      const me = self();
      spawn(() => send(me, 'answer'));
      return receive(['answer', () => console.log('answered')], after(30000, () => console.log('timed out')));
    });`;
  const result = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 15000 });
  assert.equal(result.status, 0, result.stderr);
  assert.equal(result.stdout, 'answered\n');
});
