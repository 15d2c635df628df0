// Worker entry: the sigint anchor (docs/DESIGN.md, "Runaway code"). It sits in Atomics.wait
// inside a breakOnSigint script for the whole session, so Node's SIGINT watchdog count never
// drops to zero: SIGINT never falls back to "exit the process", and a SIGINT that arrives
// while no batch runs lands here harmlessly.
//
// workerData: { buffer: SharedArrayBuffer } viewed as the Int32 slots of ./sigintAnchorSlots.ts,
// shared with ./sigintAnchorThread.ts, which starts and stops this worker.
import vm from 'node:vm';
import { workerData } from 'node:worker_threads';
import { isInterruption } from './interrupt';
import { ANCHOR_BYTES, ANCHOR_SLOTS } from './sigintAnchorSlots';

const cell = new Int32Array((workerData as { buffer?: SharedArrayBuffer } | null)?.buffer ?? new SharedArrayBuffer(ANCHOR_BYTES));
(globalThis as unknown as { __eshellTsAnchorCell: Int32Array }).__eshellTsAnchorCell = cell;

const wait = new vm.Script(
  `Atomics.add(globalThis.__eshellTsAnchorCell, ${ANCHOR_SLOTS.entered}, 1);` +
    `Atomics.notify(globalThis.__eshellTsAnchorCell, ${ANCHOR_SLOTS.entered});` +
    `Atomics.wait(globalThis.__eshellTsAnchorCell, ${ANCHOR_SLOTS.stop}, 0);`,
  { filename: 'eshell-ts:sigint-anchor' },
);

/** Runs `script` under the SIGINT watchdog again and again, until told to stop. */
function rerunUntilStopped(script: vm.Script): void {
  while (Atomics.load(cell, ANCHOR_SLOTS.stop) === 0) {
    try {
      script.runInThisContext({ breakOnSigint: true });
    } catch (error) {
      if (!isInterruption(error)) throw error;
    }
  }
}

/**
 * The waits run inside one more breakOnSigint script that stays entered: when a SIGINT lands
 * in a wait, that wait's watchdog unregisters before the next one registers, and without the
 * outer one the count would touch zero in between, resetting SIGINT to "exit the process".
 */
(globalThis as unknown as { __eshellTsAnchorLoop: () => void }).__eshellTsAnchorLoop = () => rerunUntilStopped(wait);
const outer = new vm.Script('globalThis.__eshellTsAnchorLoop()', { filename: 'eshell-ts:sigint-anchor-outer' });

rerunUntilStopped(outer);
