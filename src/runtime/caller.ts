// The process calling into the API, for the functions that only make sense inside one.
import { ErlangException } from './errors';
import { type Process, EXITED, EXITING } from './process';
import { currentProcess } from './scheduler';

export function callingProcess(what: string): Process {
  const proc = currentProcess();
  if (proc === undefined) {
    throw new ErlangException('error', 'not_a_process', `${what} called outside a process`);
  }
  return proc;
}

/**
 * After an API call that may have killed its own caller (exit(self(), r), a link to a dead
 * process...): unwind the caller's code now, as Erlang would not run it any further.
 */
export function raiseIfExiting(caller: Process): void {
  if (caller.state === EXITING || caller.state === EXITED) {
    throw new ErlangException('exit', caller.ext?.pendingExitReason ?? 'killed');
  }
}
