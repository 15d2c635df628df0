// Remote procedure calls, as Erlang's rpc module makes them: a registered `rex` server on every
// node that answers `{'$gen_call', {From, Tag}, {call, M, F, Args, GroupLeader}}` by applying
// M:F(Args) in a new process (so a slow call holds up nobody) and replying `{Tag, Result}`,
// with failures shaped as erl's rex shapes them (`{badrpc, {'EXIT', Reason}}`). M is a module
// on the code path (loaded on first call, as erl's interactive mode does), or `erlang` for the
// built-ins a node answers about itself. The caller's side is `rpc.call` in api.ts.
//
// A group leader goes with every call: output a BEAM function writes with io:format comes
// back to the caller's node as io requests, which `ioServer` prints here, as erl's rpc does.
import { ErlangException, classify, exitReasonOf } from '../runtime/errors';
import { erlang, exit, processes, register, registered, self, send, spawn, whereis } from '../runtime/api';
import { receive, _, type Receive } from '../runtime/receive';
import { writeOutput } from '../runtime/output';
import { localNodeName } from '../runtime/node';
import { currentProcess, isThenable, runQueueLength } from '../runtime/scheduler';
import type { Process } from '../runtime/process';
import { Pid } from '../runtime/pid';
import { lookupProcess, processMemory, PROCESS_INFO_ITEMS } from '../runtime/introspection';
import { allProcesses, liveProcessCount } from '../runtime/table';
import { List, ImproperList } from '../runtime/terms';
import { moduleHandle } from '../code/moduleHandle';
import { codeServer } from '../code/codeServer';
import { readFileSync } from 'node:fs';
import { formatToString } from '../io/format';
import { erlangReason } from './reasons';

/** What `rpc:call(thisNode, erlang, F, A)` reaches: the built-ins a node answers about itself. */
const ERLANG_BUILTINS: Record<string, (...args: any[]) => unknown> = {
  ...(erlang as unknown as Record<string, (...args: any[]) => unknown>),
  node: () => localNodeName(),
  self: () => self(),
  processes: () => new List(processes()),
  registered: () => new List(registered()),
  whereis: (name: string) => whereis(name) ?? 'undefined',
  exit: (...args: unknown[]) => (exit as (...a: unknown[]) => unknown)(...args),
  process_info: (pid: unknown, items?: unknown) => processInfo(pid, items),
  system_info: (item: unknown) => systemInfo(item),
  statistics: (item: unknown) => statistics(item),
  memory: (type?: unknown) => memory(type),
};

/** erlang:process_info/2's items beyond the runtime's process_info (PROCESS_INFO_ITEMS). */
const PROCESS_INFO_EXTRAS: Record<string, (proc: Process) => unknown> = {
  monitored_by: (proc) => [...(proc.ext?.monitoredBy?.values() ?? [])].map((m) => m.watcher.pid),
  memory: processMemory,
};

function isProcessInfoItem(item: unknown): item is string {
  return typeof item === 'string' && (Object.hasOwn(PROCESS_INFO_ITEMS, item) || Object.hasOwn(PROCESS_INFO_EXTRAS, item));
}

/** One item as erl gives it: lists as Erlang lists, `[]` as the name of an unregistered process. */
function processInfoItem(proc: Process, name: string): [string, unknown] {
  const read = Object.hasOwn(PROCESS_INFO_EXTRAS, name) ? PROCESS_INFO_EXTRAS[name] : PROCESS_INFO_ITEMS[name as keyof typeof PROCESS_INFO_ITEMS];
  const value = read(proc);
  if (value === undefined) return [name, new List([])];
  return [name, Array.isArray(value) ? new List(value) : value];
}

/** What erlang:process_info/1 lists (registered_name first, when the process has one). */
const PROCESS_INFO_DEFAULT = ['current_function', 'initial_call', 'status', 'message_queue_len', 'links', 'trap_exit', 'reductions'];

/**
 * erlang:process_info(Pid) as a list of `{Item, Value}` (for i(Pid) on another node),
 * process_info(Pid, Item) as `{Item, Value}`, process_info(Pid, [Item]) as a list of them
 * (what the observer of another node asks); 'undefined' for a process that is not alive,
 * badarg for a pid of another node or an item this node does not know.
 */
function processInfo(pid: unknown, items?: unknown): unknown {
  if (!(pid instanceof Pid) || pid.remote) throw new ErlangException('error', 'badarg');
  const asked = items === undefined ? undefined : items instanceof List ? items.items : [items];
  if (asked !== undefined && !asked.every(isProcessInfoItem)) throw new ErlangException('error', 'badarg');
  const proc = lookupProcess(pid);
  if (proc === undefined) return 'undefined';
  const item = (name: string): [string, unknown] => processInfoItem(proc, name);
  if (asked === undefined) {
    return new List([...(proc.registeredName === undefined ? [] : [item('registered_name')]), ...PROCESS_INFO_DEFAULT.map(item)]);
  }
  return items instanceof List ? new List((asked as string[]).map(item)) : item(asked[0] as string);
}

/** erlang:system_info/1, for the items this node can answer. */
function systemInfo(item: unknown): unknown {
  if (item === 'process_count') return liveProcessCount();
  throw new ErlangException('error', 'badarg');
}

/** erlang:statistics/1: the run queue (processes ready to run). */
function statistics(item: unknown): unknown {
  if (item === 'run_queue') return runQueueLength();
  throw new ErlangException('error', 'badarg');
}

/**
 * erlang:memory/0,1 in bytes: total (the resident set), processes (the estimates
 * process_info(Pid, memory) gives, summed), system (the rest), binary (array buffers).
 */
function memory(type?: unknown): unknown {
  const usage = process.memoryUsage();
  let processBytes = 0;
  for (const proc of allProcesses()) processBytes += processMemory(proc);
  const figures: [string, number][] = [
    ['total', usage.rss],
    ['processes', processBytes],
    ['system', Math.max(0, usage.rss - processBytes)],
    ['binary', usage.arrayBuffers],
  ];
  if (type === undefined) return new List(figures);
  const found = figures.find(([name]) => name === type);
  if (found === undefined) throw new ErlangException('error', 'badarg');
  return found[1];
}

/**
 * What BEAM's erpc (and rpc, built on it since OTP 23) asks a node to spawn: `execute_call(Ref,
 * M, F, A)` ends its process with `{Ref, return, Value}` (or throw/exit/error and the reason),
 * which the caller reads from the DOWN of the monitor it spawned it with.
 */
const ERPC_BUILTINS: Record<string, (...args: any[]) => unknown> = {
  /**
   * A function that answers at once ends its process in the same step (the 'DOWN' goes out
   * with the SPAWN_REPLY); one that answers with a promise or a receive is waited for.
   */
  execute_call(...args: unknown[]): unknown {
    if (args.length === 3) {
      const value = call(args[0], args[1], args[2]);
      return isThenable(value) ? Promise.resolve(value).then((v) => ['return', v]) : ['return', value];
    }
    const [ref, module, fn, list] = args;
    const proc = currentProcess();
    const done = (reply: unknown): 'ok' => {
      if (proc !== undefined) erpcResults.set(proc, reply);
      return 'ok';
    };
    const failed = (thrown: unknown): 'ok' => done(erpcFailure(ref, thrown, module, fn, list));
    let value: unknown;
    try {
      value = call(module, fn, list);
    } catch (thrown) {
      return failed(thrown);
    }
    if (!isThenable(value)) return done([ref, 'return', value]);
    return Promise.resolve(value).then((v) => done([ref, 'return', v]), failed);
  },
  execute_cast(module: unknown, fn: unknown, list: unknown): unknown {
    return call(module, fn, list);
  },
};

/** The exit reason an erpc call's process ends with, instead of 'normal' (see processExited). */
const erpcResults = new WeakMap<Process, unknown>();

export function takeErpcResult(proc: Process): unknown {
  const result = erpcResults.get(proc);
  erpcResults.delete(proc);
  return result;
}

function erpcFailure(ref: unknown, thrown: unknown, module: unknown, fn: unknown, list: unknown): unknown {
  const { kind, reason } = classify(thrown);
  if (kind === 'throw') return [ref, 'throw', reason];
  if (kind === 'exit') return [ref, 'exit', erlangReason(reason)];
  const mapped = erlangReason(exitReasonOf(thrown)) as [unknown, List];
  if (Array.isArray(reason) && reason[0] === 'undef') return [ref, 'error', 'undef', new List([[module, fn, list, new List([])]])];
  return [ref, 'error', mapped[0], mapped[1]];
}

/** `module:fn(...list)`: its value, or the promise or receive it answers with; throws as it throws. */
function call(module: unknown, fn: unknown, list: unknown): unknown {
  const args = argumentList(list);
  if (typeof module !== 'string' || typeof fn !== 'string' || args === undefined) throw new ErlangException('error', 'badarg');
  return target(module, fn)(...args);
}

/**
 * The object and function name a process runs for `module:fn` (spawn by name): the built-ins
 * for erlang and erpc, else a module handle, which loads the module from the code path on
 * its first call and raises undef there when it has no such function, as erl does.
 */
export function spawnTarget(module: string, fn: string): [object, string] {
  if (module === 'erlang' && ERLANG_BUILTINS[fn] !== undefined) return [ERLANG_BUILTINS, fn];
  if (module === 'erpc' && ERPC_BUILTINS[fn] !== undefined) return [ERPC_BUILTINS, fn];
  return [moduleHandle(module), fn];
}

/** The function `module:fn`, or a function that raises undef as erl does. */
function target(module: string, fn: string): (...args: unknown[]) => unknown {
  const [object, name] = spawnTarget(module, fn);
  return (...args) => (object as Record<string, (...a: unknown[]) => unknown>)[name]!(...args);
}

/**
 * M:F(Args) as the caller sees it through rpc: the value; a throw's value; for an error or an
 * exit, `{badrpc, {'EXIT', Reason}}`, with undef's reason naming the call as erl does
 * (`{undef, [{M, F, Args, []}]}`).
 */
export async function applyForRpc(module: unknown, fn: unknown, args: unknown): Promise<unknown> {
  const list = argumentList(args);
  if (typeof module !== 'string' || typeof fn !== 'string' || list === undefined) return BADARG;
  try {
    return await target(module, fn)(...list);
  } catch (thrown) {
    return rpcFailure(thrown, module, fn, list);
  }
}

/** The same in the calling process (erl's rpc:call to its own node): a receive is waited in. */
export function callForRpc(module: unknown, fn: unknown, args: unknown): unknown {
  const list = argumentList(args);
  if (typeof module !== 'string' || typeof fn !== 'string' || list === undefined) return BADARG;
  try {
    return target(module, fn)(...list);
  } catch (thrown) {
    return rpcFailure(thrown, module, fn, list);
  }
}

const BADARG = ['badrpc', ['EXIT', ['badarg', new List([])]]];

function argumentList(args: unknown): unknown[] | undefined {
  return args instanceof List ? args.items : Array.isArray(args) ? args : undefined;
}

function rpcFailure(thrown: unknown, module: string, fn: string, list: unknown[]): unknown {
  const { kind, reason } = classify(thrown);
  if (kind === 'throw') return reason;
  if (kind === 'error' && isUndef(reason, module, fn, list.length)) {
    return ['badrpc', ['EXIT', ['undef', new List([[module, fn, new List(list), new List([])]])]]];
  }
  return ['badrpc', ['EXIT', erlangReason(kind === 'exit' ? reason : exitReasonOf(thrown))]];
}

function isUndef(reason: unknown, module: string, fn: string, arity: number): boolean {
  return Array.isArray(reason) && reason[0] === 'undef' && Array.isArray(reason[1]) &&
    reason[1][0] === module && reason[1][1] === fn && reason[1][2] === arity;
}

/** The `rex` server: each call runs in a process of its own, which replies. */
function rexLoop(): Receive {
  return receive([
    _,
    (message: unknown) => {
      if (!Array.isArray(message)) return rexLoop();
      if (message[0] === '$gen_call' && Array.isArray(message[1]) && message[1].length === 2 && Array.isArray(message[2])) {
        const [from, tag] = message[1] as [Pid, unknown];
        const [op, module, fn, args] = message[2] as unknown[];
        if (op === 'call' || op === 'block_call') {
          spawn(async () => replyTo(from, tag, await applyForRpc(module, fn, args)));
        } else {
          send(from, [tag, ['error', ['unknown_call', message[2]]]]);
        }
      } else if (message[0] === '$gen_cast' && Array.isArray(message[1]) && message[1][0] === 'cast') {
        const [, module, fn, args] = message[1] as unknown[];
        spawn(async () => void (await applyForRpc(module, fn, args)));
      }
      return rexLoop();
    },
  ]);
}

/** A reply with no Erlang term (a JavaScript function in it) is a badarg, not silence. */
function replyTo(from: Pid, tag: unknown, answer: unknown): void {
  try {
    send(from, [tag, answer]);
  } catch (err) {
    send(from, [tag, ['badrpc', ['EXIT', ['badarg', new List([])]]]]);
  }
}

/** Starts and registers `rex` on this node; returns its pid. */
export function startRex(): Pid {
  const pid = spawn(rexLoop);
  register('rex', pid);
  return pid;
}

/**
 * A group leader for calls made from here: BEAM code run by rpc writes through it (Erlang's
 * I/O protocol, `{io_request, From, ReplyAs, Request}`), and the text is printed on this node.
 */
function ioServerLoop(): Receive {
  return receive([
    _,
    (message: unknown) => {
      if (Array.isArray(message) && message[0] === 'io_request' && message.length === 4) {
        const [, from, replyAs, request] = message as [string, Pid, unknown, unknown];
        send(from, ['io_reply', replyAs, ioRequest(request)]);
      }
      return ioServerLoop();
    },
  ]);
}

export function startIoServer(): Pid {
  return spawn(ioServerLoop);
}

function ioRequest(request: unknown): unknown {
  if (!Array.isArray(request)) return ['error', 'request'];
  if (request[0] === 'requests' && request[1] instanceof List) {
    let last: unknown = 'ok';
    for (const each of request[1].items) last = ioRequest(each);
    return last;
  }
  if (request[0] !== 'put_chars') return ['error', 'enotsup'];
  // {put_chars, Enc, Chars}, {put_chars, Chars}, {put_chars, Enc, io_lib, format, [F, A]}
  try {
    if (request.length === 5 && request[2] === 'io_lib' && request[3] === 'format' && request[4] instanceof List) {
      const [fmt, args] = request[4].items;
      writeOutput(formatToString(chardata(fmt), args instanceof List ? args.items : []));
      return 'ok';
    }
    writeOutput(chardata(request[request.length - 1]));
    return 'ok';
  } catch (err) {
    return ['error', err instanceof ErlangException ? err.reason : 'put_chars'];
  }
}

/** Erlang chardata (binaries, code points, nested lists) as a string. */
function chardata(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value instanceof Uint8Array) return Buffer.from(value).toString('utf8');
  if (typeof value === 'number') return String.fromCodePoint(value);
  if (value instanceof List) return value.items.map(chardata).join('');
  if (value instanceof ImproperList) return value.items.map(chardata).join('') + chardata(value.tail);
  throw new ErlangException('error', 'badarg');
}

/** Registered on every eshell-ts node: loads the modules other nodes send with nl/1. */
const CODE_LOADER = 'eshell_ts_code_loader';

function codeLoaderLoop(): Receive {
  return receive([
    _,
    (message: unknown) => {
      if (Array.isArray(message) && message[0] === 'load' && typeof message[1] === 'string' && typeof message[2] === 'string') {
        try {
          codeServer.loadSource(message[1], message[2], chardata(message[3]));
        } catch {
          // Not text: nothing to load.
        }
      }
      return codeLoaderLoop();
    },
  ]);
}

export function startCodeLoader(): Pid {
  const pid = spawn(codeLoaderLoop);
  register(CODE_LOADER, pid);
  return pid;
}

/**
 * Erlang's nl(Module): this node's version of `module` (its source, loaded on the code path
 * here) loaded on every connected eshell-ts node, replacing what runs there as c/1 does.
 * BEAM nodes have no loader by that name: the message to them is dropped, as erl drops a
 * message to a name nobody registered. 'abcast', as erl answers; 'error' when there is no
 * such module here.
 */
export function nl(module: string, nodes: readonly string[]): 'abcast' | 'error' {
  const file = codeServer.sourceFile(module);
  if (file === undefined) return 'error';
  let text: Buffer;
  try {
    text = readFileSync(file);
  } catch {
    return 'error';
  }
  if (codeServer.current(module) === undefined && codeServer.ensureLoaded(module) === undefined) return 'error';
  for (const node of nodes) send([CODE_LOADER, node], ['load', module, file, text]);
  return 'abcast';
}
