// The `after(ms, ...)` clause of the receive a process waits in. One timer per waiting
// process at most: it starts when the process first finds nothing to match and keeps running
// while non-matching messages wake the process up, as Erlang's receive timeout does.
import type { Process, ProcessExtras } from './process';
import { WAITING } from './process';
import type { Receive } from './receive';
import { makeRunnable } from './scheduler';

/** setTimeout's largest delay; longer timeouts are treated as never. */
const MAX_TIMER_MS = 2 ** 31 - 1;

export function armAfterTimer(proc: Process, r: Receive): void {
  const ext = proc.extras();
  if (ext.afterTimerFor === r) return;
  clearAfterTimer(ext);
  const ms = r.after!.ms;
  if (ms > MAX_TIMER_MS) return;
  ext.afterTimerFor = r;
  ext.afterTimer = setTimeout(() => {
    if (ext.afterTimerFor !== r) return;
    ext.afterTimer = null;
    ext.timedOut = true;
    if (proc.state === WAITING && proc.receive === r) makeRunnable(proc);
  }, ms);
}

export function clearAfterTimer(ext: ProcessExtras): void {
  if (ext.afterTimerFor === null) return;
  if (ext.afterTimer !== null) clearTimeout(ext.afterTimer);
  ext.afterTimer = null;
  ext.afterTimerFor = null;
  ext.timedOut = false;
}

/** Whether the after clause of `r` should run now that nothing in the mailbox matched. */
export function timeoutDue(proc: Process, r: Receive): boolean {
  const after = r.after;
  if (after === null) return false;
  if (after.ms === 0) return true;
  const ext = proc.ext;
  return ext !== null && ext.timedOut && ext.afterTimerFor === r;
}
