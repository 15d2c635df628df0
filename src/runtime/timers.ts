// Timers for module code, attributed to the process that started them: the callback runs as
// that process (runAs), so an exception in it ends that process (crash report, links), and a
// process's timers are cancelled when it exits. The code server hands these to module code.
import type { Process } from './process';
import { EXITED } from './process';
import { currentProcess, runAs } from './scheduler';

type Callback = (...args: any[]) => void;

export interface ProcessTimers {
  setTimeout: typeof globalThis.setTimeout;
  setInterval: typeof globalThis.setInterval;
  setImmediate: typeof globalThis.setImmediate;
  clearTimeout: typeof globalThis.clearTimeout;
  clearInterval: typeof globalThis.clearInterval;
  clearImmediate: typeof globalThis.clearImmediate;
  queueMicrotask: typeof globalThis.queueMicrotask;
}

/** Which process a pending timer belongs to, so clearing it can forget it there. */
const owners = new WeakMap<object, Process>();

export function wrapTimers(): ProcessTimers {
  const wrapped = {
    setTimeout(callback: Callback, ms?: number, ...args: unknown[]) {
      const owner = currentProcess();
      if (owner === undefined) return setTimeout(callback, ms, ...args);
      const handle: NodeJS.Timeout = setTimeout(() => {
        forget(handle);
        runAs(owner, () => callback(...args));
      }, ms);
      return track(owner, handle, () => clearTimeout(handle));
    },
    setInterval(callback: Callback, ms?: number, ...args: unknown[]) {
      const owner = currentProcess();
      if (owner === undefined) return setInterval(callback, ms, ...args);
      const handle: NodeJS.Timeout = setInterval(() => runAs(owner, () => callback(...args)), ms);
      return track(owner, handle, () => clearInterval(handle));
    },
    setImmediate(callback: Callback, ...args: unknown[]) {
      const owner = currentProcess();
      if (owner === undefined) return setImmediate(callback, ...args);
      const handle: NodeJS.Immediate = setImmediate(() => {
        forget(handle);
        runAs(owner, () => callback(...args));
      });
      return track(owner, handle, () => clearImmediate(handle));
    },
    clearTimeout(handle?: NodeJS.Timeout | string | number) {
      clearTimeout(handle);
      if (typeof handle === 'object') forget(handle);
    },
    clearInterval(handle?: NodeJS.Timeout | string | number) {
      clearInterval(handle);
      if (typeof handle === 'object') forget(handle);
    },
    clearImmediate(handle?: NodeJS.Immediate) {
      clearImmediate(handle);
      if (handle !== undefined) forget(handle);
    },
    queueMicrotask(callback: () => void) {
      const owner = currentProcess();
      if (owner === undefined) return queueMicrotask(callback);
      queueMicrotask(() => runAs(owner, callback));
    },
  };
  return wrapped as unknown as ProcessTimers;
}

function track<H extends object>(owner: Process, handle: H, cancel: () => void): H {
  if (owner.state === EXITED) {
    cancel(); // a dead process's callbacks are dropped
    return handle;
  }
  (owner.extras().timers ??= new Map()).set(handle, cancel);
  owners.set(handle, owner);
  return handle;
}

function forget(handle: object): void {
  const owner = owners.get(handle);
  if (owner === undefined) return;
  owners.delete(handle);
  owner.ext?.timers?.delete(handle);
}
