// Starting and stopping the sigint anchor worker (entry: dist/sigint-anchor.js).
import { Worker } from 'node:worker_threads';
import { ANCHOR_BYTES, ANCHOR_SLOTS } from './anchorSlots';

export interface SigintAnchor {
  /** Resolves once the anchor waits inside its breakOnSigint script. */
  readonly ready: Promise<void>;
  stop(): Promise<void>;
}

export function startSigintAnchor(entryFile: string | URL): SigintAnchor {
  const cell = new Int32Array(new SharedArrayBuffer(ANCHOR_BYTES));
  const worker = new Worker(entryFile, { workerData: { buffer: cell.buffer } });
  worker.unref(); // the anchor must never be what keeps the program running
  const ready = new Promise<void>((resolve, reject) => {
    worker.once('error', reject);
    const poll = () => (Atomics.load(cell, ANCHOR_SLOTS.entered) > 0 ? resolve() : setTimeout(poll, 1));
    poll();
  });
  return {
    ready,
    async stop() {
      Atomics.store(cell, ANCHOR_SLOTS.stop, 1);
      Atomics.notify(cell, ANCHOR_SLOTS.stop);
      await worker.terminate();
    },
  };
}
