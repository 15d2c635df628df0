// The driver. Ready processes wait in a run queue; a batch runs them one step at a time,
// each step being "try the mailbox against the receive the process waits in, run the
// handler, adopt the Receive it returns" — in a loop, so a process looping through its
// handlers never grows the stack or the heap. A process gets a reduction budget per turn and
// a batch a time budget, then the batch yields to the event loop with setImmediate.
import { createHook, executionAsyncResource } from 'node:async_hooks';
import { performance } from 'node:perf_hooks';
import { writeOutput } from './output';
import { BUSY_SLOTS } from './busySlots';
import { die, exitSignalled, terminate } from './exits';
import { matches, patternNeedsRef } from './patterns';
import type { Ref } from './pid';
import { type Process, type ProcessExtras, ASYNC, EMPTY_MAILBOX, EXITED, EXITING, RUNNABLE, RUNNING, WAITING } from './process';
import { type AnyClause, type Settle, After, Receive, discardedReceive } from './receive';
import { armAfterTimer, clearAfterTimer, timeoutDue } from './receiveTimer';
import { installRejectionTracking } from './rejections';
import { RunQueue } from './runQueue';
import { runGuarded } from './interrupt';
import { repairIntrinsics } from './intrinsics';


/** Handler calls a process may make before the others get a turn. */
const REDUCTIONS_PER_TURN = 2000;
/** How long a batch runs before it lets timers, I/O and worker messages in. */
const BATCH_MILLISECONDS = 5;
/**
 * Work between two looks at the clock (reading it costs as much as a short step): a step
 * counts one, and one per handler it ran.
 */
const WORK_PER_CLOCK_CHECK = 64;

const queue = new RunQueue<Process>();
/**
 * Processes that go before the run queue: the shell's own, so that the prompt answers at once
 * even with millions of freshly spawned processes queued for their first step (behind them,
 * `1 + 1.` waited for every one of those steps, and their garbage, seconds).
 */
const urgentQueue = new RunQueue<Process>();

let current: Process | null = null;
let batchPending = false;
let inBatch = false;
let guarded = false;
let flags: Int32Array | null = null;
/** When the code running now last yielded, roughly: for the runaway report. */
let runningSince = 0;
/** Set by requestYield: the running process gives up its turn and the batch ends. */
let yieldRequested = false;

/**
 * Ends the running process's turn and the batch at the next step boundary, so the event loop
 * turns: called when printing had to wait for the terminal, so that a process flooding the
 * output cannot keep the shell's input waiting for a whole batch of such waits.
 */
export function requestYield(): void {
  yieldRequested = true;
}

/**
 * The process whose code is running: the scheduler's current process during a step or a
 * runAs callback, and in an async continuation (after an `await`, in a timer or promise
 * callback) the process whose code created it.
 */
export function currentProcess(): Process | undefined {
  return current ?? (executionAsyncResource() as Owned)[OWNER];
}

// Who owns an async continuation. Every async resource (promise, timer, immediate...) is
// stamped, when it is created, with the process whose code created it: `current` during a
// step, else the owner of the continuation that is running. Stamping in the creation hook
// costs a step nothing; AsyncLocalStorage would need an enterWith() per step in case the step
// creates something, about 15% of a message hop. (Measured on Node 20, where
// AsyncLocalStorage runs on these same hooks; Node 24's does not, so re-measure there.)
const OWNER = Symbol('eshell-ts.owner');
type Owned = { [OWNER]?: Process };
let trackingOwners = false;

/** Turned on before the first process code runs; async hooks cost nothing until then. */
function trackAsyncOwners(): void {
  trackingOwners = true;
  createHook({
    init(_asyncId: number, _type: string, _triggerId: number, resource: object) {
      const owner = currentProcess();
      if (owner !== undefined) (resource as Owned)[OWNER] = owner;
    },
  }).enable();
}

/** The process in a step or runAs callback right now (not an async continuation). */
export function runningProcess(): Process | null {
  return current;
}

export interface SchedulerOptions {
  /** Enter batches through a breakOnSigint script so Ctrl-C can stop runaway code. */
  interruptible?: boolean;
  /** The BUSY_SLOTS: busy while a batch runs, and the running pid number. */
  shared?: Int32Array;
}

export function configureScheduler(options: SchedulerOptions): void {
  if (options.interruptible !== undefined) {
    guarded = options.interruptible;
    if (guarded) installRejectionTracking();
  }
  if (options.shared !== undefined) flags = options.shared;
}

/**
 * Shows one delivered message in `every` to `sample`, while an observer watches; the count of
 * delivered messages comes from the same countdown (tappedMessages). Installed by the observer
 * layer, which lives above this one. Counting happens here rather than in a callback per
 * message: a call per message would cost a busy ring several percent.
 */
export interface MessageTap {
  every: number;
  sample(to: Process, message: unknown): void;
}
let messageTap: MessageTap | null = null;
/**
 * Messages left until deliver calls sampleMessage. Counted down on every delivery, observer
 * or not: one decrement costs what the null check it replaces cost, and deliver keeps the same
 * shape either way (with the count and the tap's call inside it, V8 stopped inlining deliver
 * into senders while a page was open, and a ring lost 8%). With no tap it starts at the
 * largest small integer, so it reaches zero once in a billion messages, to be set back.
 */
const NO_SAMPLE = 2 ** 30 - 1;
let untilSample = NO_SAMPLE;
/** Messages delivered in the tap's completed countdowns, and the length of the current one. */
let tappedBefore = 0;
let countdown = NO_SAMPLE;

export function setMessageTap(tap: MessageTap | null): void {
  messageTap = tap;
  tappedBefore = 0;
  countdown = untilSample = tap === null ? NO_SAMPLE : 1;
}

/** Messages delivered since the tap was installed. */
export function tappedMessages(): number {
  return messageTap === null ? 0 : tappedBefore + (countdown - untilSample);
}

/** A countdown ended: the tap sees this message and sets the next countdown. */
function sampleMessage(proc: Process, message: unknown): void {
  const tap = messageTap;
  if (tap === null) {
    countdown = untilSample = NO_SAMPLE;
    return;
  }
  tappedBefore += countdown;
  countdown = untilSample = Math.max(1, tap.every);
  tap.sample(proc, message);
}

/** Processes queued to run, for the observer's run queue chart. */
export function runQueueLength(): number {
  return queue.length;
}

/**
 * Called when process `proc` makes a ref (make_ref, monitor): no message already in its
 * mailbox can hold it, so a receive that only takes messages holding it may start after them
 * (see ProcessExtras.freshRef).
 */
export function markFreshRef(proc: Process, ref: Ref): void {
  const ext = proc.extras();
  ext.freshRef = ref;
  ext.freshRefAt = proc.mailbox.length;
}

/** Where receive `r` starts its first scan of `proc`'s mailbox. */
function scanStart(proc: Process, r: Receive): number {
  const ext = proc.ext;
  if (ext === null || ext.freshRef === null) return 0;
  return receiveNeedsRef(r, ext.freshRef) ? ext.freshRefAt : 0;
}

function receiveNeedsRef(r: Receive, ref: Ref): boolean {
  if (r.handler !== null) return patternNeedsRef(r.pattern, ref);
  const clauses = r.pattern as readonly unknown[];
  const patterns = r.after === null ? clauses.length : clauses.length - 1;
  for (let c = 0; c < patterns; c++) {
    if (!patternNeedsRef((clauses[c] as AnyClause)[0], ref)) return false;
  }
  return true;
}

/**
 * Takes every message out of `proc`'s mailbox at once (the shell's flush()), leaving the
 * process and any receive it waits in consistent with the empty mailbox.
 */
export function takeAllMessages(proc: Process): unknown[] {
  const messages = proc.mailbox;
  proc.mailbox = EMPTY_MAILBOX;
  if (proc.receive !== null) proc.receive.scanned = 0;
  if (proc.ext !== null) proc.ext.freshRefAt = 0;
  return messages === EMPTY_MAILBOX ? [] : messages;
}

/** Puts a message in a mailbox and wakes the process if it waits in a receive. */
export function deliver(proc: Process, message: unknown): void {
  const state = proc.state;
  if (state === EXITED) return;
  if (--untilSample === 0) sampleMessage(proc, message);
  const mailbox = proc.mailbox;
  // Array.of, not a literal: a literal's allocation site learns that mailboxes live long and
  // switches to old-space allocation mid-run, which throws away the optimised code of every
  // sender that inlined deliver (a visible stall in a ring of 1000 processes).
  if (mailbox === EMPTY_MAILBOX) proc.mailbox = Array.of(message);
  else mailbox.push(message);
  if (state === WAITING) makeRunnable(proc);
}

/** Queues `proc` for the next batch: a new process, a woken receiver, a receive timeout. */
export function makeRunnable(proc: Process): void {
  proc.state = RUNNABLE;
  enqueue(proc);
  if (!inBatch && !batchPending && !deliveringInput) scheduleBatch();
}

/** Set while an input callback delivers messages: the batch runs after it, not a turn later. */
let deliveringInput = false;

/**
 * Runs `deliverAll` (an input callback that delivers messages, a socket's data handler), then
 * in the same macrotask the processes it made ready: a message from another node is answered
 * without waiting for a setImmediate turn of the event loop.
 */
export function deliverThenRun(deliverAll: () => void): void {
  if (inBatch || deliveringInput) return deliverAll();
  deliveringInput = true;
  try {
    deliverAll();
  } finally {
    deliveringInput = false;
    if (queue.length !== 0 || urgentQueue.length !== 0) runQueued();
  }
}

function enqueue(proc: Process): void {
  // Until some process is urgent, a woken process's extras need not be read (a cache miss
  // per message in a ring of many processes).
  if (anyUrgent && proc.ext !== null && proc.ext.urgent) urgentQueue.push(proc);
  else queue.push(proc);
}

/** Whether runUrgently was ever called. */
let anyUrgent = false;

/** From its next turn on, `proc` runs before every ordinary runnable process. */
export function runUrgently(proc: Process): void {
  anyUrgent = true;
  proc.extras().urgent = true;
}

function scheduleBatch(): void {
  batchPending = true;
  setImmediate(enterBatch);
}

function enterBatch(): void {
  batchPending = false;
  // An input callback may have run the queue already (deliverThenRun).
  if (queue.length !== 0 || urgentQueue.length !== 0) runQueued();
}

function runQueued(): void {
  if (!guarded) return runBatch();
  if (!runGuarded(runBatch)) recoverFromInterrupt();
}

function runBatch(): void {
  if (!trackingOwners) trackAsyncOwners();
  inBatch = true;
  if (flags !== null) Atomics.store(flags, BUSY_SLOTS.busy, 1);
  runningSince = performance.now();
  const deadline = runningSince + BATCH_MILLISECONDS;
  let work = 0;
  yieldRequested = false;
  while (queue.length !== 0 || urgentQueue.length !== 0) {
    const proc = urgentQueue.length !== 0 ? urgentQueue.shift() : queue.shift();
    if (proc.state !== RUNNABLE) continue; // exited while queued
    const reductions = proc.reductions;
    step(proc);
    if (yieldRequested) break;
    // A step counts one, and one more per handler it ran: the clock is read after a few
    // long steps or many short ones (a ring's steps run one handler each).
    work += 1 + proc.reductions - reductions;
    if (work >= WORK_PER_CLOCK_CHECK) {
      work = 0;
      runningSince = performance.now();
      if (runningSince >= deadline) break;
    }
  }
  endBatch();
}

function endBatch(): void {
  inBatch = false;
  current = null;
  repairIntrinsics();
  if (flags !== null) {
    Atomics.store(flags, BUSY_SLOTS.runningPid, 0);
    Atomics.store(flags, BUSY_SLOTS.busy, 0);
  }
  if (queue.length !== 0 || urgentQueue.length !== 0) {
    if (!batchPending) scheduleBatch();
  } else {
    queue.compact();
  }
}

/** SIGINT stopped the batch mid-step: only the process that was running pays for it. */
function recoverFromInterrupt(): void {
  const victim = current;
  endBatch();
  if (victim !== null) stopRunaway(victim);
}

function stopRunaway(victim: Process): void {
  if (victim.state === EXITED) return;
  const ms = Math.round(performance.now() - runningSince);
  writeOutput(`process ${victim.pid} was stopped by the user: it ran ${ms} ms without yielding\n`);
  terminate(victim, 'killed', 'signal');
}

function step(proc: Process): void {
  current = proc;
  proc.state = RUNNING;
  // A plain store: the terminal only needs to see the pid eventually (an Int32 slot is never
  // torn), and Atomics.store, a locked exchange, cost a shell's ring several percent.
  if (flags !== null) flags[BUSY_SLOTS.runningPid] = proc.pid.id;
  try {
    let r = proc.receive;
    if (r === null) {
      const result = proc.callEntry();
      if (!(result instanceof Receive)) return finishStep(proc, result);
      r = adopt(proc, result);
      if (proc.state !== RUNNING) return exitSignalled(proc);
      if (waitsAtOnce(proc, r)) return;
    }
    let budget = REDUCTIONS_PER_TURN;
    // On entry, and after each handler that returned a receive, the process is RUNNING and
    // waits in `r`.
    for (;;) {
      const mailbox = proc.mailbox;
      const count = mailbox.length;
      let index = r.scanned;
      let handler: ((message?: unknown) => unknown) | undefined;
      let message: unknown;
      const single = r.handler;
      if (single !== null) {
        const pattern = r.pattern;
        for (; index < count; index++) {
          message = mailbox[index];
          if (matches(pattern, message)) {
            handler = single;
            break;
          }
        }
      } else {
        const clauses = r.pattern as readonly unknown[];
        const patterns = r.after === null ? clauses.length : clauses.length - 1;
        search: for (; index < count; index++) {
          message = mailbox[index];
          for (let c = 0; c < patterns; c++) {
            const clause = clauses[c] as AnyClause;
            if (matches(clause[0], message)) {
              handler = clause[1];
              break search;
            }
          }
        }
      }
      // Read once, after matching: a guard may have made it.
      const ext = proc.ext;
      if (handler === undefined) {
        r.scanned = count;
        if (!timeoutDue(proc, r)) return wait(proc, r);
        handler = r.after!.handler;
        message = undefined;
      } else {
        // the last message (the only one, or a reply behind older ones) is popped: cheapest
        if (index === count - 1) mailbox.pop();
        else if (index === 0) mailbox.shift();
        else mailbox.splice(index, 1);
        // the fresh ref's mark stays on the same message when one before it leaves
        if (ext !== null && index < ext.freshRefAt) ext.freshRefAt--;
      }
      proc.reductions++;
      proc.receive = null;
      if (ext !== null) {
        // only a receive with an after() arms a timer, and a receive is left only here or by exiting
        if (r.after !== null) clearAfterTimer(ext);
        if (ext.awaited === r) return settleAwait(proc, ext, handler, message);
      }
      const result = handler(message);
      if (!(result instanceof Receive)) return finishStep(proc, result);
      r = result;
      if (proc.state !== RUNNING) {
        adopt(proc, r);
        return exitSignalled(proc);
      }
      // The usual case: nothing more in the mailbox and no timeout to arm, so the process
      // waits at once, without another pass over the mailbox or a look for a fresh ref.
      if (proc.mailbox.length === 0 && r.after === null) {
        r.scanned = 0;
        proc.receive = r;
        proc.state = WAITING;
        return;
      }
      adopt(proc, r);
      if (--budget === 0 || yieldRequested) {
        proc.state = RUNNABLE;
        enqueue(proc);
        return;
      }
    }
  } catch (thrown) {
    // The throw may come from a built-in the code just broke: repair before anything else runs.
    repairIntrinsics();
    die(proc, thrown);
  } finally {
    current = null;
  }
}

/**
 * What a step may return to wait for a promise outside any receive and go on, in a step, when
 * it settles: `next(fulfilled, value)`'s result is then treated as a handler's (a Receive: wait
 * in it). Until then the process is ASYNC, so code behind the promise (an async function the
 * process called) may await receives as this process. The shell's evaluator waits for
 * promises typed at the prompt this way.
 */
export class AwaitThen {
  constructor(
    readonly awaited: PromiseLike<unknown>,
    readonly next: (fulfilled: boolean, value: unknown) => unknown,
  ) {}
}

function awaitThen(proc: Process, pending: AwaitThen): void {
  proc.state = ASYNC;
  pending.awaited.then(
    (value) => continueInStep(proc, () => pending.next(true, value)),
    (reason) => continueInStep(proc, () => pending.next(false, reason)),
  );
  if (proc.receive !== null) resumeAwaiting(proc, proc.receive);
}

/** Runs `fn` as `proc`'s next step, as if a receive with only `after(0, fn)` had timed out. */
function continueInStep(proc: Process, fn: () => unknown): void {
  if (proc.state === EXITED) return;
  if (proc.receive !== null) {
    // Code behind the promise still awaits a receive of its own (a promise that settled
    // before the code racing it): go on once that receive is done.
    setImmediate(() => continueInStep(proc, fn));
    return;
  }
  const now = new After(0, fn);
  const r = new Receive([now], null, now, proc);
  r.scanned = 0;
  proc.receive = r;
  makeRunnable(proc);
}

function adopt(proc: Process, r: Receive): Receive {
  r.scanned = scanStart(proc, r);
  proc.receive = r;
  return r;
}

/**
 * After the entry returned a receive: with nothing in the mailbox and no timeout to arm, the
 * process waits at once, without a pass over the mailbox.
 */
function waitsAtOnce(proc: Process, r: Receive): boolean {
  if (proc.mailbox.length !== 0 || r.after !== null) return false;
  r.scanned = 0;
  proc.state = WAITING;
  return true;
}

function wait(proc: Process, r: Receive): void {
  proc.state = WAITING;
  if (r.after !== null && r.after.ms !== Infinity) armAfterTimer(proc, r);
}

/** The process's code returned something other than a Receive. */
function finishStep(proc: Process, result: unknown): void {
  if (proc.state === EXITING) return exitSignalled(proc);
  if (result instanceof AwaitThen) return awaitThen(proc, result);
  if (!isThenable(result)) {
    const discarded = discardedReceive(proc);
    if (discarded !== undefined) return die(proc, discarded);
    return terminate(proc, 'normal', 'own');
  }
  proc.state = ASYNC;
  result.then(
    () => terminate(proc, 'normal', 'own'),
    (reason) => die(proc, reason),
  );
  if (proc.receive !== null) resumeAwaiting(proc, proc.receive);
}

/** An awaited receive matched: its handler runs here, in the batch; the result settles the await. */
function settleAwait(proc: Process, ext: ProcessExtras, handler: (message?: unknown) => unknown, message: unknown): void {
  const settle = ext.awaitedSettle!;
  ext.awaited = null;
  ext.awaitedSettle = null;
  let result: unknown;
  try {
    result = handler(message);
  } catch (thrown) {
    if (proc.state === EXITING) return exitSignalled(proc);
    proc.state = ASYNC;
    settle.reject(thrown);
    return;
  }
  if (proc.state === EXITING) return exitSignalled(proc);
  proc.state = ASYNC;
  settle.resolve(result);
  if (proc.receive !== null) resumeAwaiting(proc, proc.receive);
}

/** Called from Receive#then: the owner now waits in `r` on behalf of an `await`. */
export function suspendAwaiting(r: Receive, settle: Settle): void {
  const proc = r.owner;
  if (proc.state === EXITED) return; // a dead process's await never settles
  if (proc.receive !== null && proc.receive !== r) {
    settle.reject(new Error(`process ${proc.pid} already waits in another receive`));
    return;
  }
  const ext = proc.extras();
  ext.awaited = r;
  ext.awaitedSettle = settle;
  r.scanned = scanStart(proc, r);
  proc.receive = r;
  if (proc.state === ASYNC) resumeAwaiting(proc, r);
}

function resumeAwaiting(proc: Process, r: Receive): void {
  if (proc.mailbox.length !== 0 || timeoutDue(proc, r)) makeRunnable(proc);
  else wait(proc, r);
}

/** A promise or anything awaitable like one (a Receive included). */
export function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    (typeof value === 'object' || typeof value === 'function') &&
    value !== null &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}

/**
 * Runs `fn` as process `proc` (a timer callback module code started, for example), where
 * Ctrl-C can stop it; if it throws, the process exits with what it threw.
 */
export function runAs<T>(proc: Process, fn: () => T): T | undefined {
  if (proc.state === EXITED) return undefined;
  if (!trackingOwners) trackAsyncOwners();
  const outer = current;
  let result: T | undefined;
  current = proc;
  try {
    if (!guarded) return callAs(proc, fn);
    const since = runningSince;
    runningSince = performance.now();
    // Outside a batch, say so in the shared slots too: the terminal only sends its SIGINT
    // to a thread it sees busy, and otherwise has to replace the whole thread.
    const flagged = flags !== null && !inBatch;
    if (flagged) markBusy(proc.pid.id);
    const completed = runGuarded(() => {
      result = callAs(proc, fn);
    });
    if (flagged) markBusy(0);
    if (!inBatch) repairIntrinsics();
    if (!completed) stopRunaway(proc);
    runningSince = since;
  } finally {
    current = outer;
  }
  return result;
}

function markBusy(pidId: number): void {
  Atomics.store(flags!, BUSY_SLOTS.runningPid, pidId);
  Atomics.store(flags!, BUSY_SLOTS.busy, pidId === 0 ? 0 : 1);
}

function callAs<T>(proc: Process, fn: () => T): T | undefined {
  let result: T;
  try {
    result = fn();
  } catch (thrown) {
    repairIntrinsics();
    die(proc, thrown);
    return undefined;
  }
  if (proc.state === EXITING) exitSignalled(proc);
  else if (isThenable(result)) result.then(undefined, (reason) => die(proc, reason));
  return result;
}
