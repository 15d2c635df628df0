// The `after(ms, ...)` clause of the receive a process waits in. One deadline per waiting
// process at most: it starts when the process first finds nothing to match and keeps running
// while non-matching messages wake the process up, as Erlang's receive timeout does.
//
// Deadlines live in one min-heap under a single Node timer, armed for the earliest. Most
// receive timeouts never fire (a gen_server call's 5 s wait ends with the reply within
// microseconds), so starting and cancelling one must cost next to nothing: a heap push and
// remove, where a Node timer each time cost a quarter of a call round trip. The Node timer
// keeps the event loop alive only while some deadline is pending, as a timer per receive did.
// Time comes from a replaceable clock (clock.ts), so tests can move it instead of waiting.
import type { Process, ProcessExtras } from './process';
import { WAITING } from './process';
import type { Receive } from './receive';
import { makeRunnable } from './scheduler';
import { realClock, type Clock, type ClockTimer } from './clock';

/** setTimeout's largest delay; longer timeouts are treated as never. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** One pending receive timeout; `index` is its place in the heap (-1 once out of it). */
export class Deadline {
  /** When it is due, on the receive clock (rebased when the clock is replaced). */
  declare at: number;
  declare readonly proc: Process;
  declare readonly receive: Receive;
  declare index: number;

  constructor(at: number, proc: Process, receive: Receive) {
    this.at = at;
    this.proc = proc;
    this.receive = receive;
    this.index = -1;
  }
}

const heap: Deadline[] = [];
let clock: Clock = realClock;
let timer: ClockTimer | null = null;
/** When the Node timer fires (ms, on the clock); Infinity when none is armed. */
let timerAt = Infinity;
let timerReferenced = false;

export function armAfterTimer(proc: Process, r: Receive): void {
  const ext = proc.extras();
  if (ext.afterTimerFor === r) return;
  clearAfterTimer(ext);
  const ms = r.after!.ms;
  if (ms > MAX_TIMER_MS) return;
  ext.afterTimerFor = r;
  const deadline = new Deadline(clock.now() + ms, proc, r);
  ext.afterTimer = deadline;
  push(deadline);
  if (deadline.at < timerAt) armTimer(deadline.at);
  else if (!timerReferenced) reference(true);
}

export function clearAfterTimer(ext: ProcessExtras): void {
  if (ext.afterTimerFor === null) return;
  const deadline = ext.afterTimer;
  if (deadline !== null) {
    remove(deadline);
    // Nothing pending: the armed timer may fire for nothing, but must not keep Node running.
    if (heap.length === 0 && timerReferenced) reference(false);
  }
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

/**
 * Makes `next` the clock receive timeouts run on and returns the one it replaces. Pending
 * deadlines keep the time they had left, counted on the new clock from now.
 */
export function setReceiveClock(next: Clock): Clock {
  const previous = clock;
  const shift = next.now() - previous.now();
  if (timer !== null) previous.clearTimeout(timer);
  timer = null;
  timerAt = Infinity;
  timerReferenced = false;
  clock = next;
  for (const deadline of heap) deadline.at += shift; // one shift for all: the heap order holds
  if (heap.length !== 0) armTimer(heap[0].at);
  return previous;
}

function armTimer(at: number): void {
  if (timer !== null) clock.clearTimeout(timer);
  timerAt = at;
  timer = clock.setTimeout(fire, Math.max(0, Math.ceil(at - clock.now())));
  timerReferenced = true;
}

function reference(on: boolean): void {
  timerReferenced = on;
  if (timer === null) return;
  if (on) timer.ref?.();
  else timer.unref?.();
}

function fire(): void {
  timer = null;
  timerAt = Infinity;
  timerReferenced = false;
  const now = clock.now();
  while (heap.length !== 0 && heap[0].at <= now) {
    const deadline = heap[0];
    remove(deadline);
    const ext = deadline.proc.extras();
    if (ext.afterTimer !== deadline) continue;
    ext.afterTimer = null;
    ext.timedOut = true;
    if (deadline.proc.state === WAITING && deadline.proc.receive === deadline.receive) makeRunnable(deadline.proc);
  }
  if (heap.length !== 0) armTimer(heap[0].at);
}

// ---- the binary min-heap on `at` ----

function push(deadline: Deadline): void {
  deadline.index = heap.length;
  heap.push(deadline);
  up(deadline.index);
}

function remove(deadline: Deadline): void {
  const index = deadline.index;
  if (index < 0) return;
  deadline.index = -1;
  const last = heap.pop()!;
  if (last === deadline) return;
  heap[index] = last;
  last.index = index;
  up(index);
  down(last.index);
}

function up(index: number): void {
  const item = heap[index];
  while (index > 0) {
    const parentIndex = (index - 1) >> 1;
    const parent = heap[parentIndex];
    if (parent.at <= item.at) break;
    heap[index] = parent;
    parent.index = index;
    index = parentIndex;
  }
  heap[index] = item;
  item.index = index;
}

function down(index: number): void {
  const item = heap[index];
  const length = heap.length;
  for (;;) {
    const left = 2 * index + 1;
    if (left >= length) break;
    const right = left + 1;
    const child = right < length && heap[right].at < heap[left].at ? right : left;
    if (heap[child].at >= item.at) break;
    heap[index] = heap[child];
    heap[index].index = index;
    index = child;
  }
  heap[index] = item;
  item.index = index;
}
