// Who floods the output. A process printing in a loop that yields is no runaway (Ctrl-C's
// SIGINT finds nothing running), yet it buries the prompt; BREAK's (k)ill then stops the
// process that printed the most in the last couple of seconds, as long as that is a flood.
import type { Process } from '../../runtime/process';
import { currentProcess } from '../../runtime/scheduler';
import { exitProcess } from '../../runtime/exits';
import { plural } from '../../io/plural';

/** Output counted per process over two windows of this length (the last one to two seconds). */
const WINDOW_MS = 1000;
/** Less than this in the windows is ordinary printing, not a flood. */
const FLOOD_CHARS = 16 * 1024;

let windowStart = 0;
let current = new Map<Process, number>();
let previous = new Map<Process, number>();

/** Called for every piece of output: charges it to the process whose code printed it. */
export function countOutput(length: number): void {
  const proc = currentProcess();
  if (proc === undefined) return;
  const now = performance.now();
  if (now - windowStart >= WINDOW_MS) {
    previous = now - windowStart >= 2 * WINDOW_MS ? new Map() : current;
    current = new Map();
    windowStart = now;
  }
  current.set(proc, (current.get(proc) ?? 0) + length);
}

/** Kills the process that printed the most lately, if it floods; says what it did ('' if nothing). */
export function stopTopPrinter(): string {
  const totals = new Map(previous);
  for (const [proc, chars] of current) totals.set(proc, (totals.get(proc) ?? 0) + chars);
  let top: Process | undefined;
  let most = 0;
  for (const [proc, chars] of totals) {
    if (chars > most && proc.pid.proc !== undefined) {
      top = proc;
      most = chars;
    }
  }
  if (top === undefined || most < FLOOD_CHARS) return '';
  exitProcess(top, 'kill');
  current.delete(top);
  previous.delete(top);
  return `*** process ${top.pid} killed: it flooded the output (${plural(most, 'character')} in the last ${2 * WINDOW_MS / 1000} s)\n`;
}
