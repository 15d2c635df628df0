// Links (bidirectional: an abnormal exit kills the other side unless it traps exits) and
// monitors (one way: the watcher gets ['DOWN', ref, 'process', pid, reason]).
import { badarg } from './errors';
import { Pid, Ref } from './pid';
import { type Monitor, type Process, EXITED } from './process';
import { callingProcess, raiseIfExiting } from './caller';
import { deliver, markFreshRef } from './scheduler';
import { sendExitSignal } from './exits';
import { lookupProcess } from './introspection';
import { lookupName } from './registry';
import { processOf } from './table';
import { localNodeName } from './node';
import { remoteSignals, type RemoteTarget } from './remoteSignals';

export function link(pid: Pid): true {
  const self = callingProcess('link()');
  if (pid instanceof Pid && pid.remote) {
    const hooks = remoteSignals();
    if (hooks !== undefined) hooks.link(self, pid);
    else sendExitSignal(self, pid, 'noconnection', true);
    raiseIfExiting(self);
    return true;
  }
  const other = livePid(pid, 'link');
  if (other === undefined) {
    // Erlang: the caller gets an exit signal with reason noproc.
    sendExitSignal(self, pid, 'noproc', true);
    raiseIfExiting(self);
    return true;
  }
  if (other !== self) linkProcesses(self, other);
  return true;
}

export function unlink(pid: Pid): true {
  const self = callingProcess('unlink()');
  if (!(pid instanceof Pid)) throw badarg(`unlink: expected a pid, got ${typeof pid}`);
  if (pid.remote) {
    remoteSignals()?.unlink(self, pid);
    return true;
  }
  const other = processOf(pid);
  if (other !== undefined) {
    self.ext?.links?.delete(other);
    other.ext?.links?.delete(self);
  }
  return true;
}

export function linkProcesses(a: Process, b: Process): void {
  (a.extras().links ??= new Set()).add(b);
  (b.extras().links ??= new Set()).add(a);
}

/**
 * Erlang's monitor(process, Pid | Name | [Name, Node]). A dead target gives an immediate
 * 'noproc' DOWN; a process of another node is monitored through the distribution layer.
 */
export function monitor(type: 'process', target: Pid | string | readonly [string, string]): Ref {
  const watcher = callingProcess('monitor()');
  if (type !== 'process') throw badarg(`monitor: only 'process' monitors exist, got ${String(type)}`);
  const ref = new Ref();
  markFreshRef(watcher, ref);
  const remote = remoteTarget(target);
  if (remote !== undefined) {
    const hooks = remoteSignals();
    if (hooks !== undefined) hooks.monitor(watcher, remote, ref);
    else deliver(watcher, ['DOWN', ref, 'process', target, 'noconnection']);
    return ref;
  }
  const proc = typeof target === 'string' ? lookupName(target) : Array.isArray(target) ? lookupName(target[0]) : livePid(target as Pid, 'monitor');
  if (proc === undefined || proc.state === EXITED) {
    deliver(watcher, ['DOWN', ref, 'process', target, 'noproc']);
  } else {
    monitorProcess(watcher, proc, ref);
  }
  return ref;
}

export function monitorProcess(watcher: Process, target: Process, ref: Ref = new Ref()): Ref {
  const record: Monitor = { ref, watcher, target };
  (watcher.extras().monitors ??= new Map()).set(ref.id, record);
  (target.extras().monitoredBy ??= new Map()).set(ref.id, record);
  return ref;
}

/** Stops a monitor; with 'flush', also drops a DOWN message it already delivered. */
/**
 * Erlang's demonitor/2. With 'flush', a 'DOWN' already in the mailbox is removed. With
 * 'info', the answer says whether the monitor was still active: false when its 'DOWN' had
 * already been sent (or the monitor never existed); without 'info' it is always true.
 */
export function demonitor(ref: Ref, options?: readonly ('flush' | 'info')[]): true;
export function demonitor(ref: Ref, options: readonly ('flush' | 'info')[]): boolean;
export function demonitor(ref: Ref, options: readonly ('flush' | 'info')[] = []): boolean {
  const watcher = callingProcess('demonitor()');
  if (!(ref instanceof Ref)) throw badarg(`demonitor: expected a monitor reference, got ${typeof ref}`);
  if (!Array.isArray(options) || options.some((o) => o !== 'flush' && o !== 'info')) {
    throw badarg("demonitor: the options are a list of 'flush' and 'info'");
  }
  // A reference made on another node is never one of this node's monitors.
  const record = ref.remote ? undefined : watcher.ext?.monitors?.get(ref.id);
  if (record !== undefined) {
    watcher.ext!.monitors!.delete(ref.id);
    record.target.ext?.monitoredBy?.delete(ref.id);
  } else {
    remoteSignals()?.demonitor(watcher, ref);
  }
  if (options.includes('flush')) {
    const mailbox = watcher.mailbox;
    const kept = mailbox.filter((m) => !(Array.isArray(m) && m[0] === 'DOWN' && ref.equals(m[1])));
    if (kept.length !== mailbox.length) {
      watcher.mailbox = kept;
      if (watcher.receive !== null) watcher.receive.scanned = 0;
      // positions moved: forget where the fresh ref's messages begin
      if (watcher.ext !== null) watcher.ext.freshRefAt = 0;
    }
  }
  return options.includes('info') ? record !== undefined : true;
}

/** The target when it is on another node; a `[name, node]` of another node must be two atoms. */
function remoteTarget(target: unknown): RemoteTarget | undefined {
  if (target instanceof Pid) return target.remote ? target : undefined;
  if (Array.isArray(target)) {
    if (target.length !== 2 || typeof target[0] !== 'string' || typeof target[1] !== 'string') {
      throw badarg('monitor: expected a pid, a registered name or [name, node]');
    }
    return target[1] === localNodeName() ? undefined : (target as unknown as readonly [string, string]);
  }
  return undefined;
}

function livePid(pid: Pid, what: string): Process | undefined {
  if (!(pid instanceof Pid)) throw badarg(`${what}: expected a pid, got ${typeof pid}`);
  return lookupProcess(pid);
}
