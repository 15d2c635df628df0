// Starting and stopping the sigint anchor worker (entry: dist/sigint-anchor.js).
import { Worker } from 'node:worker_threads';
import { ANCHOR_BYTES, ANCHOR_SLOTS } from './sigintAnchorSlots';

export interface SigintAnchor {
  /** Resolves once the anchor waits inside its breakOnSigint script. */
  readonly ready: Promise<void>;
  /** Its slots, for a thread that must wait for it without a message: see waitForAnchor. */
  readonly buffer: SharedArrayBuffer;
  stop(): Promise<void>;
}

/**
 * Blocks the calling thread until the anchor behind `buffer` is registered with Node's SIGINT
 * watchdog, or `limitMs` passed (an anchor that failed to start must not hold the caller for
 * good: the caller then runs as if there were none). A thread that runs user code calls this
 * before its first guarded batch, so it can start in parallel with the anchor and still never
 * register a watchdog before it (docs/DESIGN.md, "Runaway code").
 */
export function waitForAnchor(buffer: SharedArrayBuffer, limitMs = 2000): boolean {
  const cell = new Int32Array(buffer);
  const deadline = Date.now() + limitMs;
  while (Atomics.load(cell, ANCHOR_SLOTS.entered) === 0) {
    const left = deadline - Date.now();
    if (left <= 0) return false;
    Atomics.wait(cell, ANCHOR_SLOTS.entered, 0, Math.min(left, 50));
  }
  return true;
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
    buffer: cell.buffer as SharedArrayBuffer,
    async stop() {
      Atomics.store(cell, ANCHOR_SLOTS.stop, 1);
      Atomics.notify(cell, ANCHOR_SLOTS.stop);
      await worker.terminate();
    },
  };
}
