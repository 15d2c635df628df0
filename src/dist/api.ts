// Distribution as programs and the shell see it: node(), nodes(), is_alive(), net_kernel and
// net_adm. Cheap to import: the implementation (sockets, handshake, term codec) is loaded the
// first time the node comes alive, so a shell started without -sname/-name never loads it.
import { localNodeName } from '../runtime/node';
import { badarg } from '../runtime/errors';
import { Pid, Ref } from '../runtime/pid';
import { self, send, spawn } from '../runtime/api';
import { after, receive, _, type Receive } from '../runtime/receive';
import { writeOutput } from '../runtime/output';
import { callingProcess } from '../runtime/caller';
import { deliver, markFreshRef } from '../runtime/scheduler';
import type { DistNode } from './node';
import { fullNodeName } from './nodeName';
import { List } from '../runtime/terms';

type Implementation = typeof import('./node') & typeof import('./cookie') & typeof import('./epmd') & typeof import('./rpc');

/**
 * The sockets, handshake and term codec. A require inside a function: the bundler evaluates
 * these modules only on this first call.
 */
function implementation(): Implementation {
  return { ...require('./node'), ...require('./cookie'), ...require('./epmd'), ...require('./rpc') } as Implementation;
}

/** receive() with clauses built at run time (its overloads are for literal clauses). */
const receiveClauses = receive as (...clauses: unknown[]) => Receive;

/** How the node is started: from the command line, then changed by net_kernel calls. */
export interface DistributionSettings {
  /** -setcookie; else ~/.erlang.cookie. */
  cookie?: string;
  /** net_ticktime in seconds (-kernel net_ticktime N); erl's default is 60. */
  tickTime: number;
}

const settings: DistributionSettings = { tickTime: 60 };
let current: DistNode | undefined;
let starting: Promise<Pid> | undefined;

/** Called in the started node's first moments, however it was started (-sname or net_kernel.start). */
const startListeners = new Set<() => void>();

/** For the layers above that serve other nodes (the shell's -remsh server). */
export function onDistributionStarted(listener: () => void): void {
  startListeners.add(listener);
}

export function configureDistribution(next: Partial<DistributionSettings>): void {
  Object.assign(settings, next);
}

/** The running node, for the layers built on it; undefined while not alive. */
export function distNode(): DistNode | undefined {
  return current;
}

/**
 * Starts distribution as `name` (already full, `ping@host`). Rejects with erl's reason when
 * the name is taken or no cookie can be had.
 */
export function startDistribution(name: string): Promise<Pid> {
  if (current) return Promise.reject(new Error('already_started'));
  if (starting) return starting;
  const run = async (): Promise<Pid> => {
    const { DistNode, readOrCreateCookie } = implementation();
    const cookie = settings.cookie ?? readOrCreateCookie();
    const node = new DistNode({ name, cookie, tickTime: settings.tickTime });
    const pid = await node.start();
    current = node;
    for (const listener of startListeners) listener();
    return pid;
  };
  starting = run().finally(() => {
    starting = undefined;
  });
  return starting;
}

export function stopDistribution(): boolean {
  if (!current) return false;
  current.stop();
  current = undefined;
  return true;
}

/** `node()`: this node's name ('nonode@nohost' when not alive); `node(pid)`: the pid's node. */
export function node(of?: Pid | Ref): string {
  if (of === undefined) return localNodeName();
  if (of instanceof Pid || of instanceof Ref) return of.node;
  throw badarg(`node(Pid): expected a pid or a reference, got ${typeof of}`);
}

/**
 * The nodes this node is connected to (Erlang's nodes/0); `nodes('this')`, `nodes('hidden')`,
 * `nodes('connected')`, `nodes('known')`, or a list of these, as erlang:nodes/1.
 */
export function nodes(kinds: NodeKind | readonly NodeKind[] = 'visible'): string[] {
  const wanted = typeof kinds === 'string' ? [kinds] : kinds;
  if (!Array.isArray(wanted) || wanted.some((k) => !NODE_KINDS.includes(k))) {
    throw badarg(`nodes(Arg): Arg is one of ${NODE_KINDS.map((k) => `'${k}'`).join(', ')}, or a list of them`);
  }
  const out: string[] = [];
  const connected = current?.nodes() ?? [];
  for (const kind of wanted) {
    // This node has no hidden connections: visible, connected and known are the same nodes.
    if (kind === 'this') out.push(localNodeName());
    else if (kind === 'known') out.push(localNodeName(), ...connected);
    else if (kind !== 'hidden') out.push(...connected);
  }
  return [...new Set(out)];
}

const NODE_KINDS = ['visible', 'hidden', 'connected', 'this', 'known'] as const;
type NodeKind = (typeof NODE_KINDS)[number];

export function is_alive(): boolean {
  return current !== undefined;
}

/** Waits, in the calling process, for the `[token, result]` that `work` sends when done. */
function awaitResult<T>(work: () => Promise<T>): Receive {
  const me = self();
  const token = Symbol('dist-result');
  work().then(
    (result) => send(me, [token, result]),
    (err) => send(me, [token, ['error', String(err?.message ?? err)]]),
  );
  const clause = [[token, _], (message: [symbol, T]) => message[1]];
  return receiveClauses(clause);
}

/**
 * `monitor_node(Node, true)`: the caller gets `['nodedown', Node]` when the connection to
 * Node goes down, or at once when it cannot be made; each call asks for one message.
 * `monitor_node(Node, false)` takes one back.
 */
export function monitor_node(target: unknown, flag: unknown): true {
  const proc = callingProcess('monitor_node()');
  if (typeof target !== 'string' || typeof flag !== 'boolean') throw badarg('monitor_node(Node, Flag): a node name and true or false');
  if (current?.signals !== undefined) current.signals.monitorNode(proc, target, flag);
  else if (flag) deliver(proc, ['nodedown', target]);
  return true;
}

export const net_kernel = {
  /** Subscribes the caller to `['nodeup', Node]` and `['nodedown', Node]` (false: stops). */
  monitor_nodes(flag: unknown): 'ok' | ['error', 'error'] {
    const proc = callingProcess('net_kernel.monitor_nodes()');
    if (typeof flag !== 'boolean') throw badarg('net_kernel.monitor_nodes(Flag): true or false');
    if (current?.signals === undefined) return ['error', 'error'];
    current.signals.monitorNodes(proc, flag);
    return 'ok';
  },
  /**
   * `net_kernel.start(['ping', 'shortnames'])` (or 'longnames', the default as in erl):
   * `['ok', pid]`, or `['error', reason]` with the reason printed as erl prints it.
   */
  start(args: unknown): Receive {
    const list = Array.isArray(args) ? args : [args];
    const [name, type = 'longnames'] = list;
    if (typeof name !== 'string' || (type !== 'shortnames' && type !== 'longnames')) {
      throw badarg("net_kernel.start([name, 'shortnames' | 'longnames'])");
    }
    return awaitResult(async () => {
      if (current) return ['error', ['already_started', current.netKernelPid]];
      let full: string;
      try {
        full = fullNodeName(name, type === 'longnames');
        return ['ok', await startDistribution(full)];
      } catch (err) {
        writeOutput(`Protocol 'inet_tcp': ${(err as Error).message}\n`);
        return ['error', 'nodistribution'];
      }
    });
  },
  /** Stops distribution: every connection closes, the node is 'nonode@nohost' again. */
  stop(): 'ok' | ['error', 'not_allowed' | 'not_found'] {
    return stopDistribution() ? 'ok' : ['error', 'not_found'];
  },
  get_net_ticktime(): number {
    return current?.netTickTime ?? settings.tickTime;
  },
  /** Sets net_ticktime (seconds) for this node and its connections. */
  set_net_ticktime(seconds: unknown): 'unchanged' | 'change_initiated' {
    if (typeof seconds !== 'number' || !Number.isInteger(seconds) || seconds <= 0) {
      throw badarg('net_kernel.set_net_ticktime(Seconds): a positive integer');
    }
    const before = net_kernel.get_net_ticktime();
    settings.tickTime = seconds;
    current?.setTickTime(seconds);
    return before === seconds ? 'unchanged' : 'change_initiated';
  },
  /** Closes the connection to `node` (erlang:disconnect_node/1). */
  disconnect(target: unknown): boolean | 'ignored' {
    if (typeof target !== 'string') throw badarg('net_kernel.disconnect(Node): a node name');
    return current ? current.disconnect(target) : 'ignored';
  },
  /** Sets up the connection to `node`: true, or false when it cannot be reached. */
  connect_node(target: unknown): Receive | boolean | 'ignored' {
    if (typeof target !== 'string') throw badarg('net_kernel.connect_node(Node): a node name');
    const node = current;
    if (!node) return 'ignored';
    return awaitResult(async () => (await node.connect(target)) !== undefined);
  },
};

/** How long net_adm.ping waits for the peer's net_kernel to answer. */
const PING_TIMEOUT_MS = 7000;

export const net_adm = {
  /** 'pong' when `node` answers, 'pang' otherwise (also when this node is not alive). */
  ping(target: unknown): Receive | 'pang' | 'pong' {
    if (typeof target !== 'string') throw badarg('net_adm.ping(Node): a node name');
    const node = current;
    if (!node) return 'pang';
    if (target === node.name) return 'pong';
    const me = self();
    const tag = new Ref();
    void node.connect(target).then((conn) => {
      if (!conn) return send(me, [tag, 'pang']);
      // What BEAM's net_adm:ping does: an is_auth call to the peer's net_kernel.
      send(['net_kernel', target], ['$gen_call', [me, tag], ['is_auth', node.name]]);
    });
    return receiveClauses([[tag, _], ([, answer]: [Ref, unknown]) => (answer === 'yes' ? 'pong' : 'pang')], after(PING_TIMEOUT_MS, (() => 'pang') as () => void));
  },
  /** The names registered with epmd on `host` (default: this host): `['ok', [[name, port], ...]]`. */
  names(host: unknown = '127.0.0.1'): Receive {
    if (typeof host !== 'string') throw badarg('net_adm.names(Host): a host name');
    return awaitResult(async () => {
      const { names, epmdPort } = implementation();
      try {
        return ['ok', await names(host, epmdPort())];
      } catch {
        return ['error', 'address'];
      }
    });
  },
};

/**
 * rpc:call to another node, waited for in the calling process, `then` applied to the answer
 * (a value or erl's `['badrpc', ...]`). What gen_server:call does: a monitor on the server
 * whose ref tags the reply.
 */
export function rpcThen(target: string, module: string, fn: string, args: readonly unknown[] | List, then: (answer: unknown) => unknown, timeout: number | 'infinity' = 'infinity'): unknown {
  const node = current;
  const signals = node?.signals;
  if (!node || !signals) return then(['badrpc', 'nodedown']);
  const caller = callingProcess('rpc.call()');
  const tag = new Ref();
  const ref = new Ref();
  markFreshRef(caller, ref);
  signals.callBySpawn(caller, target, tag, ref, module, fn, args instanceof List ? args : new List([...args]));
  const down = [['DOWN', ref, _, _, _], ([, , , , reason]: unknown[]) => then(erpcAnswer(tag, reason))];
  if (timeout === 'infinity') return receiveClauses(down);
  return receiveClauses(down, after(timeout, (() => (signals.forgetCall(caller, ref), then(['badrpc', 'timeout']))) as () => void));
}

/** What rpc:call answers for the reason an erpc call's process ended with. */
function erpcAnswer(tag: Ref, reason: unknown): unknown {
  if (Array.isArray(reason) && tag.equals(reason[0])) {
    const [, kind, value, stack] = reason;
    if (kind === 'return' || kind === 'throw') return value;
    if (kind === 'exit') return ['badrpc', ['EXIT', value]];
    if (kind === 'error') return ['badrpc', ['EXIT', [value, stack ?? new List([])]]];
  }
  if (reason === 'noconnection') return ['badrpc', 'nodedown'];
  return ['badrpc', ['EXIT', reason]];
}

export const rpc = {
  /**
   * Erlang's rpc:call: `module.fn(...args)` on `target` (a BEAM node's rex, or an eshell-ts
   * node's), waited for in the calling process. Failures come back as erl's:
   * `['badrpc', ['EXIT', reason]]`, `['badrpc', 'nodedown']` when the node cannot be reached
   * or goes down, `['badrpc', 'timeout']` after `timeout` ms.
   */
  call(target: unknown, module: unknown, fn: unknown, args: unknown = [], timeout: unknown = 'infinity'): unknown {
    if (typeof target !== 'string' || typeof module !== 'string' || typeof fn !== 'string' || !(Array.isArray(args) || args instanceof List) ||
      !(timeout === 'infinity' || (typeof timeout === 'number' && Number.isInteger(timeout) && timeout >= 0))) {
      throw badarg('rpc.call(Node, Module, Function, Args[, Timeout]): atoms, an array of arguments and a timeout in ms');
    }
    if (target === localNodeName()) return implementation().callForRpc(module, fn, args);
    return rpcThen(target, module, fn, args, (value) => value, timeout as number | 'infinity');
  },
  /** Erlang's rpc:cast: runs `module.fn(...args)` on `target`, answering nothing; true. */
  cast(target: unknown, module: unknown, fn: unknown, args: unknown = []): true {
    if (typeof target !== 'string' || typeof module !== 'string' || typeof fn !== 'string' || !(Array.isArray(args) || args instanceof List)) {
      throw badarg('rpc.cast(Node, Module, Function, Args): atoms and an array of arguments');
    }
    const argList = args instanceof List ? args : new List([...args]);
    if (target === localNodeName()) {
      const { applyForRpc } = implementation();
      spawn(async () => void (await applyForRpc(module, fn, argList)));
      return true;
    }
    send(['rex', target], ['$gen_cast', ['cast', module, fn, argList, current?.rpcGroupLeader ?? self()]]);
    return true;
  },
};

/**
 * Erlang's nl(Module): loads this node's `module` on every connected eshell-ts node (c/1
 * loads only here). 'abcast', or 'error' when the module is not on this node's code path.
 */
export function nl(module: unknown): 'abcast' | 'error' {
  if (typeof module !== 'string') throw badarg('nl(Module): a module name');
  return implementation().nl(module, current?.nodes() ?? []);
}
