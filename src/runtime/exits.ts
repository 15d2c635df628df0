// How processes end and how their end travels: exit signals along links, DOWN messages to
// monitors, names freed, crash reports. Deaths caused by other deaths are handled from a work
// list rather than by recursion, so a long chain of linked processes cannot overflow the stack.
import { classify, exitReasonOf, isNormalExit } from './errors';
import type { Pid } from './pid';
import { type Process, EMPTY_MAILBOX, EXITED, EXITING } from './process';
import { reportProcessCrash, reportError } from './crashReport';
import { clearAfterTimer } from './receiveTimer';
import { forgetName } from './registry';
import { deliver, runningProcess } from './scheduler';
import { removeProcess } from './table';

/**
 * `own`: the process's code ended (returned, called exit/1); `crash`: its code let an error or
 * a throw escape (Erlang then prints an error report, linked or not); `signal`: it was killed.
 */
export type ExitCause = 'own' | 'crash' | 'signal';

type ExitListener = (proc: Process, reason: unknown) => void;
const exitListeners = new Set<ExitListener>();

const dying: { proc: Process; reason: unknown; cause: ExitCause; thrown: unknown }[] = [];
let draining = false;

/** Calls `listener` after every process exit; returns the function that stops it. */
export function onProcessExit(listener: ExitListener): () => void {
  exitListeners.add(listener);
  return () => exitListeners.delete(listener);
}

/** Ends `proc` now with `reason`. */
export function terminate(proc: Process, reason: unknown, cause: ExitCause, thrown?: unknown): void {
  if (proc.state === EXITED) return;
  proc.state = EXITED;
  dying.push({ proc, reason, cause, thrown });
  if (draining) return;
  draining = true;
  try {
    for (let next = dying.shift(); next !== undefined; next = dying.shift()) {
      cleanUp(next.proc, next.reason, next.cause, next.thrown);
    }
  } finally {
    draining = false;
  }
}

/** `proc`'s code let `thrown` escape. */
export function die(proc: Process, thrown: unknown): void {
  if (proc.state === EXITING) exitSignalled(proc);
  else terminate(proc, exitReasonOf(thrown), classify(thrown).kind === 'exit' ? 'own' : 'crash', thrown);
}

/** Ends a process an exit signal hit while it was running. */
export function exitSignalled(proc: Process): void {
  terminate(proc, proc.ext?.pendingExitReason, 'signal');
}

/**
 * Delivers an exit signal from `from` (undefined: from outside any process). Follows
 * Erlang: 'kill' sent directly cannot be trapped and becomes 'killed'; a trapping process
 * gets ['EXIT', from, reason] instead; 'normal' kills nobody but the sender itself.
 */
export function sendExitSignal(target: Process, from: Pid | undefined, reason: unknown, viaLink: boolean): void {
  if (target.state === EXITED) return;
  if (reason === 'kill' && !viaLink) return kill(target, 'killed');
  if (target.ext?.trapExit) return deliver(target, ['EXIT', from, reason]);
  if (reason === 'normal') {
    if (!viaLink && from !== undefined && target.pid.equals(from)) kill(target, 'normal');
    return;
  }
  kill(target, reason);
}

/** The internal exit(pid, reason): an exit signal from the current process (if any). */
export function exitProcess(proc: Process, reason: unknown): void {
  const sender = runningProcess();
  sendExitSignal(proc, sender?.pid, reason, false);
}

/**
 * A process cannot be torn down under its own running code: it is marked and ends when its
 * code returns control (the public API raises right away, see raiseIfExiting).
 */
function kill(target: Process, reason: unknown): void {
  if (target !== runningProcess()) return terminate(target, reason, 'signal');
  if (target.state === EXITING) return;
  target.extras().pendingExitReason = reason;
  target.state = EXITING;
}

function reportWith(reporter: (reason: unknown) => void, reason: unknown): void {
  try {
    reporter(reason);
  } catch (error) {
    reportError('A crash report failed:', error);
  }
}

function cleanUp(proc: Process, reason: unknown, cause: ExitCause, thrown: unknown): void {
  // A proc_lib-style process reports itself (OTP's CRASH REPORT), for any abnormal end of its
  // own code, as it was: before its mailbox and links are cleared.
  const reporter = proc.ext?.crashReporter;
  if (cause !== 'signal' && reporter != null && !isNormalExit(reason)) reportWith(reporter, reason);
  removeProcess(proc);
  proc.pid.proc = undefined;
  proc.mailbox = EMPTY_MAILBOX;
  proc.receive = null;
  const ext = proc.ext;
  if (ext !== null) {
    clearAfterTimer(ext);
    if (ext.timers !== null) for (const cancel of ext.timers.values()) cancel();
    ext.timers = null;
    forgetName(proc);
    if (ext.monitors !== null) {
      for (const monitor of ext.monitors.values()) monitor.target.ext?.monitoredBy?.delete(monitor.ref.id);
      ext.monitors = null;
    }
    if (ext.monitoredBy !== null) {
      const watchers = ext.monitoredBy;
      ext.monitoredBy = null;
      for (const { ref, watcher } of watchers.values()) {
        watcher.ext?.monitors?.delete(ref.id);
        deliver(watcher, ['DOWN', ref, 'process', proc.pid, reason]);
      }
    }
    if (ext.links !== null) {
      const links = ext.links;
      ext.links = null;
      for (const other of links) {
        other.ext?.links?.delete(proc);
        sendExitSignal(other, proc.pid, reason, true);
      }
    }
  }
  if (cause === 'crash' && reporter == null) reportProcessCrash(proc.pid, reason, thrown);
  for (const listener of exitListeners) {
    try {
      listener(proc, reason);
    } catch (error) {
      reportError('A process exit listener failed:', error);
    }
  }
}
