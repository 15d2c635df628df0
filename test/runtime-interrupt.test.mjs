// Runaway code: in a worker whose scheduler is interruptible, a SIGINT stops only the process
// that was running (reason 'killed', with a report line); every other process keeps its state.
// A sigint anchor thread keeps Node's SIGINT watchdog registered, as in the shell.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Worker } from 'node:worker_threads';
import { fileURLToPath } from 'node:url';
import { startSigintAnchor } from '../dist/internal.js';
import { until } from './helpers/env.mjs';

const bundle = fileURLToPath(new URL('../dist/internal.js', import.meta.url));
const anchorEntry = fileURLToPath(new URL('../dist/sigint-anchor.js', import.meta.url));

// The evaluator-like worker: a counter process, and on request a process that never yields.
const workerSource = `
const { parentPort, workerData } = require('node:worker_threads');
const rt = require(workerData.bundle);
const shared = new Int32Array(workerData.shared);
rt.setOutputSink((text) => parentPort.postMessage({ t: 'output', text }));
rt.configureScheduler({ interruptible: true, shared });
const counter = rt.spawn(() => {
  const loop = (n) => rt.receive(
    [['inc'], () => loop(n + 1)],
    [['get'], () => { parentPort.postMessage({ t: 'count', n }); return loop(n); }],
  );
  return loop(0);
});
let runaway;
parentPort.on('message', (m) => {
  if (m === 'inc') rt.send(counter, ['inc']);
  if (m === 'get') rt.send(counter, ['get']);
  if (m === 'spin') {
    runaway = rt.spawn(function spin() { for (;;) {} });
    parentPort.postMessage({ t: 'runaway', id: runaway.id });
  }
  if (m === 'status') parentPort.postMessage({ t: 'status', runawayAlive: rt.is_process_alive(runaway), counterAlive: rt.is_process_alive(counter) });
});
parentPort.postMessage({ t: 'ready' });
`;

function nextMessage(worker, type) {
  return new Promise((resolve) => {
    const listener = (m) => {
      if (m.t === type) {
        worker.off('message', listener);
        resolve(m);
      }
    };
    worker.on('message', listener);
  });
}


test('SIGINT kills only the runaway process; the others keep their state', { timeout: 60_000 }, async () => {
  const anchor = startSigintAnchor(anchorEntry);
  await anchor.ready;
  const shared = new Int32Array(new SharedArrayBuffer(16));
  const worker = new Worker(workerSource, { eval: true, workerData: { bundle, shared: shared.buffer } });
  const output = [];
  worker.on('message', (m) => m.t === 'output' && output.push(m.text));
  try {
    await nextMessage(worker, 'ready');
    for (let i = 0; i < 3; i++) worker.postMessage('inc');
    worker.postMessage('get');
    assert.equal((await nextMessage(worker, 'count')).n, 3);

    const runawayStarted = nextMessage(worker, 'runaway');
    worker.postMessage('spin');
    const { id } = await runawayStarted;
    // The worker is inside a batch, running the runaway process.
    await until(() => Atomics.load(shared, 0) === 1 && Atomics.load(shared, 1) === id, 'the runaway batch');
    await new Promise((r) => setTimeout(r, 30));
    // As the shell does on Ctrl-C: SIGINT, and again if nothing stopped (under heavy load the
    // signal can land on the anchor's watchdog instead of the batch's).
    const stopped = () => output.join('').includes('stopped by the user');
    for (let attempt = 0; attempt < 5 && !stopped(); attempt++) {
      process.kill(process.pid, 'SIGINT');
      await until(stopped, 'the runaway report', 2000).catch(() => {});
    }
    assert.ok(stopped(), 'the runaway process was stopped');
    assert.match(output.join(''), new RegExp(`process <0\\.${id}\\.0> was stopped by the user: it ran \\d+ ms without yielding\\n`));
    worker.postMessage('status');
    assert.deepEqual(await nextMessage(worker, 'status'), { t: 'status', runawayAlive: false, counterAlive: true });
    worker.postMessage('inc');
    worker.postMessage('get');
    assert.equal((await nextMessage(worker, 'count')).n, 4);
    // The count reply is posted from inside a batch: the flag clears when that batch ends.
    await until(() => Atomics.load(shared, 0) === 0, 'the busy flag to clear once the worker is idle', 2000);
  } finally {
    await worker.terminate();
    await anchor.stop();
  }
});
