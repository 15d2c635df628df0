// The process API that is not about spawning or linking: self, send, exit, process flags.
import { ErlangException, badarg } from './errors';
import { Pid } from './pid';
import { callingProcess, raiseIfExiting } from './caller';
import { sendExitSignal } from './exits';
import { lookupName } from './registry';
import { currentProcess, deliver } from './scheduler';
import { processOf } from './table';
import { localNodeName } from './node';
import { remoteRouter } from './remoteSend';
import { remoteSignals } from './remoteSignals';

import { spawn, spawn_link, spawn_monitor } from './spawn';
import { link, unlink, monitor, demonitor } from './links';
import { register, unregister, whereis, registered } from './registry';
import { is_process_alive, process_info, processes } from './introspection';
import { clock, timer } from './erlang';

export { spawn, spawn_link, spawn_monitor, link, unlink, monitor, demonitor, register, unregister, whereis, registered };
export { is_process_alive, process_info, processes, timer };

export function self(): Pid {
  return callingProcess('self()').pid;
}

/**
 * Erlang's `dest ! message`: never blocks, and sending to a dead pid is not an error. A name
 * nobody registered is (badarg), as in Erlang. `[name, node]` names a registered process on a
 * node (Erlang's `{Name, Node}`); other nodes are reached through the distribution layer.
 */
export function send<T>(dest: Pid | string | readonly [string, string], message: T): T {
  if (dest instanceof Pid) {
    // The pid of a live local process links to it: the usual send is one field away.
    const linked = dest.proc;
    if (linked !== undefined) {
      deliver(linked, message);
      return message;
    }
    if (dest.remote) {
      remoteRouter()?.sendToPid(dest, message);
      return message;
    }
    const proc = processOf(dest);
    if (proc !== undefined) deliver(proc, message);
    return message;
  }
  if (Array.isArray(dest) && dest.length === 2 && typeof dest[0] === 'string' && typeof dest[1] === 'string') {
    const [name, node] = dest as readonly [string, string];
    if (node !== localNodeName()) {
      remoteRouter()?.sendToName(name, node, message);
      return message;
    }
    return send(name, message);
  }
  if (typeof dest === 'string') {
    const proc = lookupName(dest);
    if (proc === undefined) throw badarg(`send: no process is registered as '${dest}'`);
    deliver(proc, message);
    return message;
  }
  throw badarg(`send: the destination must be a pid, a registered name or [name, node], got ${dest === null ? 'null' : Array.isArray(dest) ? 'an array' : typeof dest}`);
}

/**
 * `exit(reason)` ends the calling process with `reason`; `exit(pid, reason)` sends `pid` an
 * exit signal ('kill' cannot be trapped; 'normal' is ignored by others unless they trap exits).
 */
export function exit(reason: unknown): never;
export function exit(pid: Pid, reason: unknown): true;
export function exit(...args: unknown[]): true {
  if (args.length === 1) throw new ErlangException('exit', args[0]);
  const [pid, reason] = args;
  if (args.length !== 2 || !(pid instanceof Pid)) {
    throw badarg('exit: call exit(reason) to end the calling process, or exit(pid, reason) to send an exit signal');
  }
  const sender = currentProcess();
  if (pid.remote) {
    remoteSignals()?.exit(sender?.pid, pid, reason);
    return true;
  }
  const target = processOf(pid);
  if (target !== undefined) sendExitSignal(target, sender?.pid, reason, false);
  if (sender !== undefined) raiseIfExiting(sender);
  return true;
}

/** process_flag('trap_exit', on): returns the previous value. */
export function process_flag(flag: 'trap_exit', value: boolean): boolean {
  const proc = callingProcess('process_flag()');
  if (flag !== 'trap_exit') throw badarg(`process_flag: unknown flag '${String(flag)}' (supported: 'trap_exit')`);
  if (typeof value !== 'boolean') throw badarg(`process_flag: 'trap_exit' takes true or false, got ${typeof value}`);
  const previous = proc.trapExit;
  if (value !== previous) proc.extras().trapExit = value;
  return previous;
}

/**
 * Erlang's `erlang` module: its time functions, and the BIFs that are also auto-imported
 * (`erlang.monitor(...)` is `monitor(...)`), so that `erlang:spawn(...)` and `erlang.self()`
 * work as in Erlang.
 */
export const erlang = {
  ...clock,
  spawn, spawn_link, spawn_monitor, self, send, exit,
  link, unlink, monitor, demonitor, process_flag,
  register, unregister, whereis, registered,
  is_process_alive, process_info, processes,
  /** `erlang:throw(Value)`: `throw` is a statement in TypeScript, this is the expression. */
  throw(value: unknown): never {
    throw new ErlangException('throw', value);
  },
};
