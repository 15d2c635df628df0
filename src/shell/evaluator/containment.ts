// What keeps code typed at the prompt (or loaded with c/1) inside the process that runs it:
// nothing it does may end the evaluator thread, which holds every process, binding and loaded
// module. Installed once, by the evaluator thread, before any user code runs.
//
// - Timers and microtasks user code starts run as the process that started them (as module
//   code's already do): a throw in a `setTimeout` callback ends that process, not the thread.
// - `process.exit`, `process.abort`, `process.reallyExit` and `process.kill` of this process
//   end the calling process with a reason that says so (at a module's top level: the load
//   fails). `halt()` / `q()` end the shell.
// - Anything still thrown to the top of the event loop is charged to the process whose code
//   scheduled the callback, or reported when no process owns it.
// - The thread's message port is taken away from user code (`require('worker_threads')
//   .parentPort` reads null).
// - The built-ins the runtime relies on are recorded, so that replacing them can be undone
//   (src/runtime/intrinsics.ts).

import workerThreads, { type MessagePort } from 'node:worker_threads';
import { wrapTimers } from '../../runtime/timers';
import { currentProcess } from '../../runtime/scheduler';
import { die } from '../../runtime/exits';
import { ErlangException } from '../../runtime/errors';
import { EXITED } from '../../runtime/process';
import { reportError } from '../../runtime/crashReport';
import { recordIntrinsics, repairIntrinsics } from '../../runtime/intrinsics';

const TIMER_NAMES = [
  'setTimeout', 'setInterval', 'setImmediate',
  'clearTimeout', 'clearInterval', 'clearImmediate', 'queueMicrotask',
] as const;

export interface Contained {
  /** The thread's own port to the terminal; user code cannot reach it any more. */
  readonly port: MessagePort;
  /** The real process.exit, for an orderly shutdown. */
  readonly exitThread: (code: number) => never;
}

export function containUserCode(): Contained {
  const port = workerThreads.parentPort!;
  Object.defineProperty(workerThreads, 'parentPort', { value: null, configurable: false, writable: false });

  const timers = wrapTimers();
  for (const name of TIMER_NAMES) {
    Object.defineProperty(globalThis, name, { value: timers[name], configurable: true, writable: true, enumerable: true });
  }

  // process.exit ends a thread through process.reallyExit, which user code is denied below:
  // the orderly shutdown gives it back first (without it the thread threw instead of ending,
  // and every exit waited out the terminal's grace period before terminate()).
  const realExit = process.exit.bind(process);
  const realReallyExit = (process as unknown as { reallyExit: unknown }).reallyExit;
  const exitThread = ((code: number) => {
    Object.defineProperty(process, 'reallyExit', { value: realReallyExit, configurable: true, writable: true, enumerable: false });
    return realExit(code);
  }) as (code: number) => never;
  const realKill = process.kill.bind(process);
  const endCaller = (reason: unknown): never => {
    throw new ErlangException('exit', reason);
  };
  const replacements: Record<string, (...args: any[]) => unknown> = {
    exit: (code?: unknown) => endCaller(['process_exit', code ?? 0]),
    reallyExit: (code?: unknown) => endCaller(['process_exit', code ?? 0]),
    abort: () => endCaller('process_abort'),
    kill: (pid: number, signal?: string | number) => {
      // Signalling ourselves (or our whole group) would end every process and the terminal.
      if (pid === process.pid || pid === 0 || pid === -process.pid) return endCaller(['process_kill', signal ?? 'SIGTERM']);
      return realKill(pid, signal);
    },
  };
  for (const [name, fn] of Object.entries(replacements)) {
    Object.defineProperty(process, name, { value: fn, configurable: true, writable: true, enumerable: false });
  }

  process.on('uncaughtException', (error) => {
    repairIntrinsics();
    const owner = currentProcess();
    if (owner !== undefined && owner.state !== EXITED) die(owner, error);
    else reportError('Uncaught exception outside any process:', error);
  });

  recordIntrinsics(TIMER_NAMES);
  return { port, exitThread };
}
