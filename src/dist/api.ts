// Distribution as programs and the shell see it: node(), nodes(), is_alive(), net_kernel and
// net_adm. Cheap to import: the implementation (sockets, handshake, term codec) is loaded the
// first time the node comes alive, so a shell started without -sname/-name never loads it.
import { localNodeName } from '../runtime/node';
import { badarg } from '../runtime/errors';
import { Pid, Ref } from '../runtime/pid';
import { self, send } from '../runtime/api';
import { after, receive, _, type Receive } from '../runtime/receive';
import { writeOutput } from '../runtime/output';
import type { DistNode } from './node';
import { fullNodeName } from './nodeName';

type Implementation = typeof import('./node') & typeof import('./cookie') & typeof import('./epmd');

/**
 * The sockets, handshake and term codec. A require inside a function: the bundler evaluates
 * these modules only on this first call.
 */
function implementation(): Implementation {
  return { ...require('./node'), ...require('./cookie'), ...require('./epmd') } as Implementation;
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

export const net_kernel = {
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
