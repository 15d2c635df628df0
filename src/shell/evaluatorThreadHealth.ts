// What the terminal thread must know about the evaluator thread even when that thread cannot
// answer a message: how much of its output is still on the way (so a process printing in a
// tight loop is slowed to the terminal's pace instead of queueing without bound), whether its
// event loop still takes in messages (code after an `await` can hold it where no SIGINT
// reaches), and what would be lost if the thread had to be replaced.
//
// One SharedArrayBuffer, written with Atomics: Int32 slots, then the loss summary as UTF-8.

export const HEALTH_SLOTS = {
  /** Characters of `output` posted by the evaluator and not yet written by the terminal. */
  outputInFlight: 0,
  /** Messages from the terminal the evaluator's event loop has taken in (this worker). */
  messagesHandled: 1,
  /** Length in bytes of the loss summary that follows the slots. */
  summaryBytes: 2,
  /** 1 while the evaluator waits for the terminal to catch up with its output. */
  waitingForTerminal: 3,
  /** Set to 1 by an evaluator that keeps these slots (a stand-in used by tests may not). */
  kept: 4,
} as const;

const SLOT_BYTES = 8 * 4;
const SUMMARY_MAX_BYTES = 8 * 1024;
export const HEALTH_BYTES = SLOT_BYTES + SUMMARY_MAX_BYTES;

/**
 * The evaluator blocks the process printing once this much output is in flight, and lets it
 * go on when the terminal has written all but OUTPUT_RESUME_AT of it (Erlang's io:format
 * waits for the group leader the same way). Small, because the shell's answer queues behind
 * what is in flight: at a terminal's pace (a few hundred KB/s through a pseudo-terminal and
 * its emulator) 256 KB held the prompt's answer for most of a second; 16 KB keeps it under
 * 100 ms (bench/printing.mjs).
 */
export const OUTPUT_PAUSE_AT = 16 * 1024;
export const OUTPUT_RESUME_AT = 4 * 1024;

export function healthSlots(buffer: SharedArrayBuffer): Int32Array {
  return new Int32Array(buffer, 0, SLOT_BYTES / 4);
}

/** Stores `text` (cut to fit) as what a restart of the evaluator thread would lose. */
export function writeLossSummary(buffer: SharedArrayBuffer, text: string): void {
  let bytes = new TextEncoder().encode(text);
  if (bytes.length > SUMMARY_MAX_BYTES) bytes = bytes.subarray(0, SUMMARY_MAX_BYTES);
  new Uint8Array(buffer, SLOT_BYTES, SUMMARY_MAX_BYTES).set(bytes);
  Atomics.store(healthSlots(buffer), HEALTH_SLOTS.summaryBytes, bytes.length);
}

export function readLossSummary(buffer: SharedArrayBuffer): string {
  const length = Atomics.load(healthSlots(buffer), HEALTH_SLOTS.summaryBytes);
  // Copied out first: TextDecoder does not read shared memory.
  const bytes = new Uint8Array(buffer, SLOT_BYTES, length).slice();
  // `fatal: false`: a summary cut inside a character still reads.
  return new TextDecoder().decode(bytes);
}
