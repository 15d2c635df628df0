// Links, monitors and exit signals between this node's processes and other nodes' ones, as
// erts's "Distribution Protocol" control messages (LINK, UNLINK_ID, EXIT, EXIT2, MONITOR_P,
// DEMONITOR_P, MONITOR_P_EXIT and their _TT / PAYLOAD_ forms), and what happens when a
// connection is lost: every link to that node gets 'noconnection', every monitor a 'DOWN'
// with 'noconnection', once. The runtime keeps local links and monitors on its processes; the
// ones that cross nodes are kept here, installed in the runtime as its remote-signal hooks.
import { onProcessExit, sendExitSignal } from '../runtime/exits';
import { currentProcess, deliver, markFreshRef } from '../runtime/scheduler';
import { spawn, spawn_link, spawn_monitor } from '../runtime/api';
import { badarg } from '../runtime/errors';
import { receive, _, type Receive } from '../runtime/receive';
import { processOf } from '../runtime/table';
import { lookupName } from '../runtime/registry';
import { Pid, Ref, RemotePid } from '../runtime/pid';
import { EXITED, type Process } from '../runtime/process';
import { List } from '../runtime/terms';
import { erlangReason } from './reasons';
import { spawnTarget, takeErpcResult } from './rpc';
import { setRemoteSignals, type RemoteTarget } from '../runtime/remoteSignals';
import { CTRL, DFLAG } from './protocol';
import type { DistNode } from './node';

/** The capability flags this layer implements, offered in the handshake. */
export const SIGNAL_FLAGS = DFLAG.DIST_MONITOR | DFLAG.DIST_MONITOR_NAME | DFLAG.UNLINK_ID | DFLAG.EXIT_PAYLOAD | DFLAG.SPAWN;

/** 'call': an rpc made as erpc makes it (a spawned, monitored erpc:execute_call). */
type SpawnHow = 'spawn' | 'spawn_link' | 'spawn_monitor' | 'call';

/** SPAWN_REPLY flags: the spawned process linked to / is monitored by the requester. */
const SPAWN_FLAG_LINK = 1;
const SPAWN_FLAG_MONITOR = 2;

/** Tags the answer to a spawn request in the requester's mailbox (it never leaves the node). */
const SPAWNED = Symbol('eshell-ts.spawned');

/** A monitor a local process holds on a process of another node. */
interface Watching {
  watcher: Process;
  /** As the monitor call named it: the 'DOWN' names it the same way. */
  target: RemoteTarget;
  node: string;
  ref: Ref;
}

/** A monitor a process of another node holds on a local process. */
interface WatchedBy {
  watcher: Pid;
  ref: Ref;
  /** Set when it was made by name: MONITOR_P_EXIT then names the process by it. */
  name: string | undefined;
}

const pidKey = (pid: Pid): string => `${pid.node}/${pid.creation}/${pid.id}/${pid.serial}`;
const refKey = (ref: Ref): string => `${ref.node}/${ref.creation}/${ref.words.join('.')}`;

export class ProcessSignals {
  /** Links of local processes to other nodes' processes (by the remote pid's key). */
  private readonly links = new Map<Process, Map<string, Pid>>();
  /** Monitors local processes hold on other nodes, by the ref's id (the ref is ours). */
  private readonly watching = new Map<number, Watching>();
  /** Monitors other nodes hold on local processes, by the remote ref's key. */
  private readonly watchedBy = new Map<Process, Map<string, WatchedBy>>();
  /** monitor_node(Node, true): node → process → how many times it asked. */
  private readonly nodeWatchers = new Map<string, Map<Process, number>>();
  /** net_kernel.monitor_nodes(true). */
  private readonly nodesWatchers = new Set<Process>();
  /** Spawn requests sent, waiting for their SPAWN_REPLY, by the request ref's id. */
  private readonly spawning = new Map<number, { caller: Process; node: string; how: SpawnHow; ref: Ref }>();
  private unlinkId = 0;
  private readonly stopListening: () => void;

  constructor(private readonly node: DistNode) {
    node.extraFlags |= SIGNAL_FLAGS;
    setRemoteSignals({
      link: (from, to) => this.link(from, to),
      unlink: (from, to) => this.unlink(from, to),
      exit: (from, to, reason) => this.exit(from, to, reason),
      monitor: (watcher, target, ref) => this.monitor(watcher, target, ref),
      demonitor: (watcher, ref) => this.demonitor(watcher, ref),
      spawn: (caller, node, module, fn, args, how) => this.spawn(caller, node, module, fn, args, how),
    });
    this.stopListening = onProcessExit((proc, reason) => this.processExited(proc, reason));
    node.nodeListeners.add((event, name) => (event === 'nodeup' ? this.nodeUp(name) : this.lost(name)));
    const handle = (op: number, fn: (ctrl: unknown[], message: unknown) => void): void => {
      node.controlHandlers.set(op, (_n, _c, ctrl, message) => fn(ctrl, message));
    };
    handle(CTRL.LINK, ([, from, to]) => this.linkIn(from, to));
    handle(CTRL.UNLINK, ([, from, to]) => this.unlinkIn(from, to));
    handle(CTRL.UNLINK_ID, ([, id, from, to]) => {
      this.unlinkIn(from, to);
      if (from instanceof Pid && to instanceof Pid) this.send(from.node, [CTRL.UNLINK_ID_ACK, id, to, from]);
    });
    handle(CTRL.EXIT, ([, from, to, reason]) => this.linkExitIn(from, to, reason));
    handle(CTRL.EXIT_TT, ([, from, to, , reason]) => this.linkExitIn(from, to, reason));
    handle(CTRL.PAYLOAD_EXIT, ([, from, to], reason) => this.linkExitIn(from, to, reason));
    handle(CTRL.PAYLOAD_EXIT_TT, ([, from, to], reason) => this.linkExitIn(from, to, reason));
    handle(CTRL.EXIT2, ([, from, to, reason]) => this.exitIn(from, to, reason));
    handle(CTRL.EXIT2_TT, ([, from, to, , reason]) => this.exitIn(from, to, reason));
    handle(CTRL.PAYLOAD_EXIT2, ([, from, to], reason) => this.exitIn(from, to, reason));
    handle(CTRL.PAYLOAD_EXIT2_TT, ([, from, to], reason) => this.exitIn(from, to, reason));
    handle(CTRL.MONITOR_P, ([, from, target, ref]) => this.monitorIn(from, target, ref));
    handle(CTRL.DEMONITOR_P, ([, , target, ref]) => this.demonitorIn(target, ref));
    handle(CTRL.MONITOR_P_EXIT, ([, , , ref, reason]) => this.downIn(ref, reason));
    handle(CTRL.PAYLOAD_MONITOR_P_EXIT, ([, , , ref], reason) => this.downIn(ref, reason));
    handle(CTRL.SPAWN_REQUEST, (ctrl, args) => this.spawnRequestIn(ctrl, args));
    handle(CTRL.SPAWN_REQUEST_TT, (ctrl, args) => this.spawnRequestIn(ctrl, args));
    handle(CTRL.SPAWN_REPLY, ([, ref, , flags, result]) => this.spawnReplyIn(ref, flags, result));
    handle(CTRL.SPAWN_REPLY_TT, ([, ref, , flags, result]) => this.spawnReplyIn(ref, flags, result));
  }

  stop(): void {
    setRemoteSignals(undefined);
    this.stopListening();
  }

  // ---- from local processes ----

  private link(from: Process, to: Pid): void {
    if (to.node === this.node.name) return sendExitSignal(from, to, 'noproc', true);
    let linked = this.links.get(from);
    if (linked === undefined) this.links.set(from, (linked = new Map()));
    linked.set(pidKey(to), to);
    this.send(to.node, [CTRL.LINK, from.pid, to]);
    this.reach(to.node);
  }

  private unlink(from: Process, to: Pid): void {
    const linked = this.links.get(from);
    if (linked === undefined || !linked.delete(pidKey(to))) return;
    if (linked.size === 0) this.links.delete(from);
    const conn = this.node.connection(to.node);
    if (conn === undefined) return;
    if (conn.peer.flags & DFLAG.UNLINK_ID) this.send(to.node, [CTRL.UNLINK_ID, ++this.unlinkId, from.pid, to]);
    else this.send(to.node, [CTRL.UNLINK, from.pid, to]);
  }

  private exit(from: Pid | undefined, to: Pid, reason: unknown): void {
    if (to.node === this.node.name) return;
    const sender = from ?? this.node.netKernelPid;
    // Encoded here, in the caller: a reason with no Erlang term raises badarg in exit().
    this.node.sendControl(to.node, [CTRL.EXIT2, sender, to, reason]);
  }

  private monitor(watcher: Process, target: RemoteTarget, ref: Ref): void {
    const node = target instanceof Pid ? target.node : target[1];
    if (node === this.node.name) return void deliver(watcher, ['DOWN', ref, 'process', target, 'noproc']);
    this.watching.set(ref.id, { watcher, target, node, ref });
    this.send(node, [CTRL.MONITOR_P, watcher.pid, target instanceof Pid ? target : target[0], ref]);
    this.reach(node);
  }

  private demonitor(watcher: Process, ref: Ref): boolean {
    if (ref.remote) return false;
    const record = this.watching.get(ref.id);
    if (record === undefined || record.watcher !== watcher) return false;
    this.watching.delete(ref.id);
    this.sendDemonitor(record);
    return true;
  }

  private sendDemonitor({ watcher, target, node, ref }: Watching): void {
    if (this.node.connection(node) === undefined) return;
    this.send(node, [CTRL.DEMONITOR_P, watcher.pid, target instanceof Pid ? target : target[0], ref]);
  }

  /**
   * spawn(Node, M, F, A) and its _link/_monitor forms. On this node, at once; on another, a
   * SPAWN_REQUEST (OTP 23+), and the caller waits for the SPAWN_REPLY with the pid.
   */
  private spawn(caller: Process | undefined, node: string, module: string, fn: string, args: readonly unknown[], how: SpawnHow): Receive | Pid | [Pid, Ref] {
    if (node === this.node.name) {
      const [object, name] = spawnTarget(module, fn);
      const start = how === 'spawn' ? spawn : how === 'spawn_link' ? spawn_link : spawn_monitor;
      return (start as (m: object, f: string, a: readonly unknown[]) => Pid | [Pid, Ref])(object, name, args);
    }
    const waiter = caller ?? currentProcess();
    if (waiter === undefined) throw badarg(`${how}(Node, Module, Function, Args) on another node waits for the pid: call it in a process`);
    const ref = new Ref();
    markFreshRef(waiter, ref);
    const options = how === 'spawn_link' ? ['link'] : how === 'spawn_monitor' ? ['monitor'] : [];
    const groupLeader = this.node.rpcGroupLeader ?? waiter.pid;
    this.node.sendControlMessage(node, [CTRL.SPAWN_REQUEST, ref, waiter.pid, groupLeader, [module, fn, args.length], new List(options)], new List([...args]));
    this.spawning.set(ref.id, { caller: waiter, node, how, ref });
    this.reach(node);
    return (receive as (...c: unknown[]) => Receive)([[SPAWNED, ref, _], ([, , result]: unknown[]) => result]);
  }

  private spawnReplyIn(ref: unknown, flags: unknown, result: unknown): void {
    if (!(ref instanceof Ref) || ref.remote) return;
    const pending = this.spawning.get(ref.id);
    if (pending === undefined) return;
    this.spawning.delete(ref.id);
    if (!(result instanceof Pid)) return this.spawnFailed(pending, result);
    const { caller, how, node } = pending;
    if (typeof flags === 'number' && flags & SPAWN_FLAG_LINK) {
      let linked = this.links.get(caller);
      if (linked === undefined) this.links.set(caller, (linked = new Map()));
      linked.set(pidKey(result), result);
    }
    if (typeof flags === 'number' && flags & SPAWN_FLAG_MONITOR) this.watching.set(ref.id, { watcher: caller, target: result, node, ref });
    if (how !== 'call') deliver(caller, [SPAWNED, ref, how === 'spawn_monitor' ? [result, ref] : result]);
  }

  /**
   * An rpc call made as OTP 23+'s erpc makes it: a spawn request for
   * `erpc:execute_call(Tag, M, F, A)` on `node`, monitored with `ref`; the answer is the
   * reason in the 'DOWN' (`{Tag, return, Value}` and so on), which the caller waits for.
   */
  callBySpawn(caller: Process, node: string, tag: Ref, ref: Ref, module: string, fn: string, args: List): void {
    const groupLeader = this.node.rpcGroupLeader ?? caller.pid;
    this.node.sendControlMessage(node, [CTRL.SPAWN_REQUEST, ref, caller.pid, groupLeader, ['erpc', 'execute_call', 4], new List(['monitor'])], new List([tag, module, fn, args]));
    this.spawning.set(ref.id, { caller, node, how: 'call', ref });
    this.reach(node);
  }

  /** Gives up an erpc-style call (a timeout): no 'DOWN' for it will arrive. */
  forgetCall(caller: Process, ref: Ref): void {
    this.spawning.delete(ref.id);
    this.demonitor(caller, ref);
  }

  /**
   * A spawn that could not happen (the node cannot be reached, or refused): as in erl, the
   * caller still gets a pid, of a process that is gone, and its link or monitor fires.
   */
  private spawnFailed({ caller, node, how, ref }: { caller: Process; node: string; how: SpawnHow; ref: Ref }, reason: unknown): void {
    const gone = new RemotePid(node, 0, 0, 0);
    if (how === 'call') return void deliver(caller, ['DOWN', ref, 'process', gone, reason]);
    deliver(caller, [SPAWNED, ref, how === 'spawn_monitor' ? [gone, ref] : gone]);
    if (how === 'spawn_monitor') deliver(caller, ['DOWN', ref, 'process', gone, reason]);
    if (how === 'spawn_link') sendExitSignal(caller, gone, reason, true);
  }

  /** A spawn request from another node: the process starts here, linked or monitored as asked. */
  private spawnRequestIn(ctrl: unknown[], args: unknown): void {
    const [, ref, from, , mfa, options] = ctrl;
    if (!(ref instanceof Ref) || !(from instanceof Pid) || !Array.isArray(mfa)) return;
    const [module, fn] = mfa as unknown[];
    const reply = (flags: number, result: unknown): void => this.send(from.node, [CTRL.SPAWN_REPLY, ref, from, flags, result]);
    if (typeof module !== 'string' || typeof fn !== 'string' || !(args instanceof List)) return reply(0, 'badarg');
    const [object, name] = spawnTarget(module, fn);
    let pid: Pid;
    try {
      pid = (spawn as (m: object, f: string, a: readonly unknown[]) => Pid)(object, name, args.items);
    } catch {
      return reply(0, 'badarg');
    }
    const proc = localProcess(pid)!;
    let flags = 0;
    for (const option of options instanceof List ? options.items : []) {
      if (option === 'link') {
        let linked = this.links.get(proc);
        if (linked === undefined) this.links.set(proc, (linked = new Map()));
        linked.set(pidKey(from), from);
        flags |= SPAWN_FLAG_LINK;
      } else if (option === 'monitor' || (Array.isArray(option) && option[0] === 'monitor')) {
        let watchers = this.watchedBy.get(proc);
        if (watchers === undefined) this.watchedBy.set(proc, (watchers = new Map()));
        watchers.set(refKey(ref), { watcher: from, ref, name: undefined });
        flags |= SPAWN_FLAG_MONITOR;
      }
    }
    // Sent before the new process runs (it starts in the next batch): the requester learns
    // its pid before any signal from it.
    reply(flags, pid);
  }

  /** A local process ended: its links and the monitors on it tell the other nodes. */
  private processExited(proc: Process, exitReason: unknown): void {
    if (this.links.size === 0 && this.watchedBy.size === 0 && this.watching.size === 0 && this.nodesWatchers.size === 0 && this.nodeWatchers.size === 0) return;
    const reason = takeErpcResult(proc) ?? exitReason;
    if (this.links.size !== 0) {
      const linked = this.links.get(proc);
      if (linked !== undefined) {
        this.links.delete(proc);
        for (const to of linked.values()) this.sendWithReason(to.node, [CTRL.EXIT, proc.pid, to], reason);
      }
    }
    if (this.watchedBy.size !== 0) {
      const watchers = this.watchedBy.get(proc);
      if (watchers !== undefined) {
        this.watchedBy.delete(proc);
        for (const { watcher, ref, name } of watchers.values()) {
          this.sendWithReason(watcher.node, [CTRL.MONITOR_P_EXIT, name ?? proc.pid, watcher, ref], reason);
        }
      }
    }
    if (this.watching.size !== 0) {
      for (const [id, record] of this.watching) {
        if (record.watcher !== proc) continue;
        this.watching.delete(id);
        this.sendDemonitor(record);
      }
    }
    if (this.nodesWatchers.size !== 0) this.nodesWatchers.delete(proc);
    if (this.nodeWatchers.size !== 0) for (const watchers of this.nodeWatchers.values()) watchers.delete(proc);
  }

  // ---- from other nodes ----

  private linkIn(from: unknown, to: unknown): void {
    if (!(from instanceof Pid) || !(to instanceof Pid)) return;
    const proc = localProcess(to);
    if (proc === undefined) return this.sendWithReason(from.node, [CTRL.EXIT, to, from], 'noproc');
    let linked = this.links.get(proc);
    if (linked === undefined) this.links.set(proc, (linked = new Map()));
    linked.set(pidKey(from), from);
  }

  private unlinkIn(from: unknown, to: unknown): void {
    if (!(from instanceof Pid) || !(to instanceof Pid)) return;
    const proc = localProcess(to);
    const linked = proc && this.links.get(proc);
    if (linked === undefined || !linked.delete(pidKey(from))) return;
    if (linked.size === 0) this.links.delete(proc!);
  }

  /** An exit signal along a link: only a process still linked to the sender gets it. */
  private linkExitIn(from: unknown, to: unknown, reason: unknown): void {
    if (!(from instanceof Pid) || !(to instanceof Pid)) return;
    const proc = localProcess(to);
    const linked = proc && this.links.get(proc);
    if (linked === undefined || !linked.delete(pidKey(from))) return;
    if (linked.size === 0) this.links.delete(proc!);
    sendExitSignal(proc!, from, reason, true);
  }

  /** exit(Pid, Reason) from another node. */
  private exitIn(from: unknown, to: unknown, reason: unknown): void {
    if (!(to instanceof Pid)) return;
    const proc = localProcess(to);
    if (proc !== undefined) sendExitSignal(proc, from instanceof Pid ? from : undefined, reason, false);
  }

  private monitorIn(from: unknown, target: unknown, ref: unknown): void {
    if (!(from instanceof Pid) || !(ref instanceof Ref)) return;
    const name = typeof target === 'string' ? target : undefined;
    const proc = name !== undefined ? lookupName(name) : target instanceof Pid ? localProcess(target) : undefined;
    if (proc === undefined || proc.state === EXITED) {
      return this.sendWithReason(from.node, [CTRL.MONITOR_P_EXIT, target, from, ref], 'noproc');
    }
    let watchers = this.watchedBy.get(proc);
    if (watchers === undefined) this.watchedBy.set(proc, (watchers = new Map()));
    watchers.set(refKey(ref), { watcher: from, ref, name });
  }

  private demonitorIn(target: unknown, ref: unknown): void {
    if (!(ref instanceof Ref)) return;
    const key = refKey(ref);
    const proc = typeof target === 'string' ? lookupName(target) : target instanceof Pid ? localProcess(target) : undefined;
    const found = proc !== undefined && this.watchedBy.get(proc)?.has(key) ? proc : [...this.watchedBy].find(([, w]) => w.has(key))?.[0];
    if (found === undefined) return;
    const watchers = this.watchedBy.get(found)!;
    watchers.delete(key);
    if (watchers.size === 0) this.watchedBy.delete(found);
  }

  private downIn(ref: unknown, reason: unknown): void {
    if (!(ref instanceof Ref) || ref.remote) return;
    const record = this.watching.get(ref.id);
    if (record === undefined) return;
    this.watching.delete(ref.id);
    deliver(record.watcher, ['DOWN', record.ref, 'process', record.target, reason]);
  }

  // ---- nodes ----

  /** monitor_node(Node, Flag). */
  monitorNode(proc: Process, node: string, on: boolean): void {
    let watchers = this.nodeWatchers.get(node);
    if (!on) {
      const count = watchers?.get(proc) ?? 0;
      if (count <= 1) watchers?.delete(proc);
      else watchers!.set(proc, count - 1);
      return;
    }
    if (node === this.node.name) return;
    if (watchers === undefined) this.nodeWatchers.set(node, (watchers = new Map()));
    watchers.set(proc, (watchers.get(proc) ?? 0) + 1);
    this.reach(node);
  }

  /** net_kernel:monitor_nodes(Flag). */
  monitorNodes(proc: Process, on: boolean): void {
    if (on) this.nodesWatchers.add(proc);
    else this.nodesWatchers.delete(proc);
  }

  private nodeUp(node: string): void {
    for (const proc of this.nodesWatchers) deliver(proc, ['nodeup', node]);
  }

  /**
   * The connection to `node` is gone (or could not be made): every link to it gets
   * 'noconnection', every monitor on it a 'DOWN' with 'noconnection', each once.
   */
  private lost(node: string): void {
    const exits: [Process, Pid][] = [];
    for (const [proc, linked] of this.links) {
      for (const [key, pid] of linked) {
        if (pid.node !== node) continue;
        linked.delete(key);
        exits.push([proc, pid]);
      }
      if (linked.size === 0) this.links.delete(proc);
    }
    const downs: Watching[] = [];
    for (const [id, record] of this.watching) {
      if (record.node !== node) continue;
      this.watching.delete(id);
      downs.push(record);
    }
    for (const [proc, watchers] of this.watchedBy) {
      for (const [key, { watcher }] of watchers) if (watcher.node === node) watchers.delete(key);
      if (watchers.size === 0) this.watchedBy.delete(proc);
    }
    const nodeWatchers = this.nodeWatchers.get(node);
    this.nodeWatchers.delete(node);
    const spawns = [...this.spawning.values()].filter((pending) => pending.node === node);
    for (const pending of spawns) this.spawning.delete(pending.ref.id);
    for (const pending of spawns) this.spawnFailed(pending, 'noconnection');
    for (const { watcher, ref, target } of downs) deliver(watcher, ['DOWN', ref, 'process', target, 'noconnection']);
    for (const [proc, count] of nodeWatchers ?? []) for (let i = 0; i < count; i++) deliver(proc, ['nodedown', node]);
    for (const proc of this.nodesWatchers) deliver(proc, ['nodedown', node]);
    for (const [proc, pid] of exits) sendExitSignal(proc, pid, 'noconnection', true);
  }

  /** Connects to `node` if needed; when it cannot be reached, what depends on it is told at once. */
  private reach(node: string): void {
    if (this.node.connection(node) !== undefined) return;
    void this.node.connect(node).then((conn) => {
      if (conn === undefined) this.lost(node);
    });
  }

  // ---- sending ----

  private send(node: string, ctrl: unknown[]): void {
    this.node.sendControl(node, ctrl);
  }

  /** Sends a control message ending in an exit reason, which may be a JavaScript value. */
  private sendWithReason(node: string, ctrl: unknown[], reason: unknown): void {
    if (this.node.connection(node) === undefined && !this.node.isConnecting(node)) return;
    try {
      this.send(node, [...ctrl, erlangReason(reason)]);
    } catch {
      // A reason with no Erlang term (a function, a symbol): its printed form, as a binary.
      this.send(node, [...ctrl, Buffer.from(String(reason))]);
    }
  }
}

/** The live local process a pid from the wire names, if any. */
function localProcess(pid: Pid): Process | undefined {
  if (pid.remote) return undefined;
  const proc = processOf(pid);
  return proc === undefined || proc.state === EXITED ? undefined : proc;
}
