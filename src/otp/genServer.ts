// OTP's gen_server: a process that keeps a state and calls a callback module for every
// message. Callbacks are called through the module handle (remote calls), so a newly loaded
// version takes over at the next message, exactly as in OTP; sys.change_code converts the
// state when its shape changes.
//
// The loop is one receive that takes any message (one pre-built clause per server: nothing
// is allocated per message but the Receive), and dispatches on the OTP wire shapes:
// `['$gen_call', [pid, tag], request]`, `['$gen_cast', msg]`, `['system', from, request]`,
// the parent's `['EXIT', parent, reason]`, and anything else for handle_info.
import { classify, ErlangException, badarg, describeArgument as describe, exitReasonOf, isNormalExit } from '../runtime/errors';
import { Pid, Ref } from '../runtime/pid';
import type { Process } from '../runtime/process';
import { after, continueReceive, matches, receive, Receive, releasesCode, _ } from '../runtime/receive';
import { send } from '../runtime/api';
import { callingProcess } from '../runtime/caller';
import { monitor, demonitor } from '../runtime/links';
import { allProcesses } from '../runtime/table';
import { writeOutput } from '../runtime/output';
import { formatTerm } from '../io/print';
import { reportHeader } from '../io/exception';
import { codeServer } from '../code/codeServer';
import { moduleHandle } from '../code/moduleHandle';
import { handleModuleName } from '../runtime/process';
import { genCall, isLocalName, moduleName, remoteServer, reply, whereServer, type CallTimeout, type From, type ServerRef } from './gen';
import { node, nodes } from '../dist/api';
import { exitWith, setCrashClass, startProcess, type StartResult } from './procLib';
import { Debug, dbg, handleDebug, handleSystemMessage, show, type SystemHost } from './sys';

export type { From, ServerRef, CallTimeout, StartResult };

/** What may follow the state in a callback's answer: ms, 'infinity', 'hibernate', or `['continue', c]`. */
export type Timeout = number | 'infinity' | 'hibernate' | readonly ['continue', unknown];

export type InitResult<S> = readonly ['ok', S] | readonly ['ok', S, Timeout] | readonly ['stop', unknown] | 'ignore';
export type CallResult<S, R = unknown> =
  | readonly ['reply', R, S]
  | readonly ['reply', R, S, Timeout]
  | readonly ['noreply', S]
  | readonly ['noreply', S, Timeout]
  | readonly ['stop', unknown, R, S]
  | readonly ['stop', unknown, S];
export type CastResult<S> = readonly ['noreply', S] | readonly ['noreply', S, Timeout] | readonly ['stop', unknown, S];
export type CodeChangeResult<S> = readonly ['ok', S] | readonly ['error', unknown];

/**
 * A gen_server callback module. Type a module against it with a handle:
 * `moduleHandle<typeof import('./kv')>('kv') satisfies GenServerBehaviour<State>`.
 * Callbacks may also return a Receive (a call to another server): the server waits in it
 * and takes the handler's result as the callback's answer.
 */
export interface GenServerBehaviour<S = any, Args = any> {
  init(args: Args): InitResult<S> | Receive;
  handle_call?(request: any, from: From, state: S): CallResult<S> | Receive;
  handle_cast?(message: any, state: S): CastResult<S> | Receive;
  handle_info?(message: any, state: S): CastResult<S> | Receive;
  handle_continue?(info: any, state: S): CastResult<S> | Receive;
  terminate?(reason: unknown, state: S): unknown;
  code_change?(oldVsn: unknown, state: any, extra: unknown): CodeChangeResult<S>;
}

/** Start options: `debug` takes sys's options ('trace', 'log', 'statistics'). */
export interface StartOptions {
  debug?: readonly ('trace' | 'log' | 'statistics' | readonly ['log', number])[];
}

type ModuleArgument = GenServerBehaviour | string | object;

const servers = new WeakMap<Process, GenServerProcess>();

/** Pids of the live gen_servers whose callback module is `module`. */
export function serversRunning(module: string): Pid[] {
  const pids: Pid[] = [];
  for (const proc of allProcesses()) {
    if (servers.get(proc)?.moduleName === module) pids.push(proc.pid);
  }
  return pids;
}

/** One running server: its state, its callbacks, its debug options. */
export class GenServerProcess implements SystemHost {
  state: unknown = undefined;
  debug: Debug | null;
  /** The receive timeout the last callback asked for. */
  private timeout = Infinity;
  private readonly clause: readonly [typeof _, (message: unknown) => unknown];
  private readonly afterTimeout = (): unknown => this.handleInfo('timeout', 'timeout');

  constructor(
    readonly proc: Process,
    readonly parent: Pid,
    readonly callbacks: Record<string, (...args: any[]) => any>,
    readonly moduleName: string,
    debug: Debug | null,
  ) {
    this.debug = debug;
    this.clause = [_, (message) => this.dispatch(message)];
  }

  /** How reports and traces name the server: its registered name, else its pid. */
  get name(): string | Pid {
    return this.proc.registeredName ?? this.proc.pid;
  }

  loop(): Receive {
    if (this.timeout === Infinity) return receive(this.clause);
    return (receive as (...c: unknown[]) => Receive)(this.clause, after(this.timeout, this.afterTimeout as () => void));
  }

  private dispatch(message: unknown): unknown {
    if (Array.isArray(message)) {
      const tag = message[0];
      if (tag === '$gen_call') {
        if (message.length === 3 && isFrom(message[1])) return this.handleCall(message);
      } else if (tag === '$gen_cast') {
        if (message.length === 2) return this.handleCast(message);
      } else if (tag === 'system') {
        if (message.length === 3 && isFrom(message[1])) return handleSystemMessage(this, message[1], message[2], false);
      } else if (tag === 'EXIT' && message.length === 3 && this.isParent(message[1]) && this.proc.trapExit) {
        return this.terminate(message[2], this.state, message);
      }
    }
    return this.handleInfo(message, message);
  }

  private isParent(pid: unknown): boolean {
    return pid instanceof Pid && pid.id === this.parent.id && pid.id !== this.proc.pid.id;
  }

  private handleCall(message: unknown[]): unknown {
    const from = message[1] as From;
    const request = message[2];
    if (this.debug !== null) handleDebug(this, ['in', message]);
    const fn = this.callbacks.handle_call;
    return this.invoke(request, () => fn(request, from, this.state), (result) => this.afterCall(result, from, request));
  }

  private handleCast(message: unknown[]): unknown {
    if (this.debug !== null) handleDebug(this, ['in', message]);
    const fn = this.callbacks.handle_cast;
    return this.invoke(message, () => fn(message[1], this.state), (result) => this.afterNoReply(result, message));
  }

  private handleInfo(info: unknown, lastIn: unknown): unknown {
    if (this.debug !== null) handleDebug(this, ['in', info]);
    if (!this.exports('handle_info')) {
      writeOutput(
        `${reportHeader('WARNING REPORT')}** Undefined handle_info in ${this.moduleName}\n** Unhandled message: ${formatTerm(info)}\n\n`,
      );
      return this.loop();
    }
    const fn = this.callbacks.handle_info;
    return this.invoke(lastIn, () => fn(info, this.state), (result) => this.afterNoReply(result, lastIn));
  }

  /**
   * Runs a callback. A throw of a plain value is the callback's answer (as OTP's catch of
   * `throw`); an error or exit stops the server with its reason. An answer that is a
   * Receive is waited for, and what its handler returns is the answer.
   */
  private invoke(lastIn: unknown, callback: () => unknown, then: (result: unknown) => unknown): unknown {
    let result: unknown;
    try {
      result = callback();
    } catch (thrown) {
      const { kind, reason } = classify(thrown);
      // An error ends the server with [reason, stack], as OTP's {Reason, Stacktrace}.
      if (kind !== 'throw') return this.crash(kind, exitReasonOf(thrown), lastIn);
      result = reason;
    }
    if (result instanceof Receive) return continueReceive(result, (produce) => this.invoke(lastIn, produce, then));
    return then(result);
  }

  private crash(kind: 'error' | 'exit', reason: unknown, lastIn: unknown): unknown {
    setCrashClass(this.proc, kind);
    return this.terminate(reason, this.state, lastIn);
  }

  private afterCall(result: unknown, from: From, request: unknown): unknown {
    if (Array.isArray(result)) {
      const kind = result[0];
      const length = result.length;
      if (kind === 'reply' && (length === 3 || (length === 4 && isTimeout(result[3])))) {
        reply(from, result[1]);
        if (this.debug !== null) handleDebug(this, ['out', result[1], from, result[2]]);
        return this.continueWith(result[2], result[3], request);
      }
      if (kind === 'noreply' || (kind === 'stop' && length === 3)) return this.afterNoReply(result, request);
      if (kind === 'stop' && length === 4) {
        return this.terminate(result[1], result[3], request, () => reply(from, result[2]));
      }
    }
    return this.terminate(['bad_return_value', result], this.state, request);
  }

  private afterNoReply(result: unknown, lastIn: unknown): unknown {
    if (Array.isArray(result)) {
      const kind = result[0];
      const length = result.length;
      if (kind === 'noreply' && (length === 2 || (length === 3 && isTimeout(result[2])))) {
        if (this.debug !== null) handleDebug(this, ['noreply', result[1]]);
        return this.continueWith(result[1], result[2], lastIn);
      }
      if (kind === 'stop' && length === 3) return this.terminate(result[1], result[2], lastIn);
    }
    return this.terminate(['bad_return_value', result], this.state, lastIn);
  }

  /** Enters the loop with what init answered: the state, and maybe a timeout or a continue. */
  begin(state: unknown, next: unknown): unknown {
    return this.continueWith(state, next, undefined);
  }

  /** The new state, and what the callback asked for next: a timeout, hibernation, a continue. */
  private continueWith(state: unknown, next: unknown, lastIn: unknown): unknown {
    this.state = state;
    if (next === undefined || next === 'infinity' || next === 'hibernate') {
      this.timeout = Infinity;
      return this.loop();
    }
    if (typeof next === 'number') {
      this.timeout = next;
      return this.loop();
    }
    const info = (next as unknown[])[1];
    this.timeout = Infinity;
    if (this.debug !== null) handleDebug(this, ['continue', info]);
    const fn = this.callbacks.handle_continue;
    return this.invoke(lastIn, () => fn(info, this.state), (result) => this.afterNoReply(result, lastIn));
  }

  /**
   * OTP's terminate: the module's terminate callback, then (for `['stop', r, reply, s]`) the
   * reply, then an error report unless the reason is normal or shutdown, then the exit.
   */
  terminate(reason: unknown, state: unknown, lastIn: unknown, beforeExit?: () => void): unknown {
    this.state = state;
    const finish = (finalReason: unknown): never => {
      beforeExit?.();
      if (!isNormalExit(finalReason)) writeOutput(this.errorReport(finalReason, lastIn));
      return exitWith(finalReason);
    };
    if (!this.exports('terminate')) return finish(reason);
    return this.afterTerminate(() => this.callbacks.terminate(reason, state), reason, finish);
  }

  private afterTerminate(run: () => unknown, reason: unknown, finish: (reason: unknown) => never): unknown {
    let result: unknown;
    try {
      result = run();
    } catch (thrown) {
      const { kind, reason: failure } = classify(thrown);
      if (kind !== 'throw') {
        setCrashClass(this.proc, kind);
        return finish(kind === 'error' ? exitReasonOf(thrown) : failure);
      }
    }
    if (result instanceof Receive) return continueReceive(result, (produce) => this.afterTerminate(produce, reason, finish));
    return finish(reason);
  }

  private errorReport(reason: unknown, lastIn: unknown): string {
    const lines = [
      `** Generic server ${this.name} terminating `,
      `** Last message in was ${formatTerm(lastIn)}`,
      `** When Server state == ${formatTerm(this.state)}`,
      '** Reason for termination ==',
      `** ${formatTerm(reason)}`,
    ];
    if (this.debug?.log) lines.push('** Log ==', `** ${formatTerm(this.debug.log.events)}`);
    return `${reportHeader('ERROR REPORT')}${lines.join('\n')}\n\n`;
  }

  /** Whether the callback module (its current version, for a handle) exports `fn`. */
  private exports(fn: string): boolean {
    if (!isHandle(this.callbacks)) return typeof this.callbacks[fn] === 'function';
    const version = codeServer.current(this.moduleName) ?? codeServer.ensureLoaded(this.moduleName);
    return typeof version?.exports[fn] === 'function';
  }

  // ---- SystemHost: what sys needs ----

  getState(): unknown {
    return this.state;
  }

  replaceState(fn: (state: unknown) => unknown): unknown {
    this.state = fn(this.state);
    return this.state;
  }

  codeChange(_module: string, oldVsn: unknown, extra: unknown): ['ok'] | ['error', unknown] {
    let result: unknown;
    try {
      result = this.callbacks.code_change(oldVsn, this.state, extra);
    } catch (thrown) {
      const { kind, reason } = classify(thrown);
      return ['error', kind === 'throw' ? reason : ['EXIT', reason]];
    }
    if (Array.isArray(result) && result.length === 2 && result[0] === 'ok') {
      this.state = result[1];
      return ['ok'];
    }
    return ['error', result];
  }

  statusData(mode: 'running' | 'suspended'): unknown {
    return [
      ['header', `Status for generic server ${this.name}`],
      ['data', [['Status', mode], ['Parent', this.parent], ['Logged events', this.debug?.log?.events ?? []]]],
      ['data', [['State', this.state]]],
    ];
  }

  resume(): unknown {
    return this.loop();
  }

  systemTerminate(reason: unknown): unknown {
    return this.terminate(reason, this.state, undefined);
  }

  formatEvent(event: unknown): string {
    const name = this.name;
    if (Array.isArray(event)) {
      const [kind, a, b, c] = event;
      if (kind === 'in' && Array.isArray(a) && a[0] === '$gen_call') return dbg(name, `got call ${show(a[2])} from ${(a[1] as From)[0]}`);
      if (kind === 'in' && Array.isArray(a) && a[0] === '$gen_cast') return dbg(name, `got cast ${show(a[1])}`);
      if (kind === 'in') return dbg(name, `got ${show(a)}`);
      if (kind === 'out') return dbg(name, `sent ${show(a)} to ${(b as From)[0]}, new state ${show(c)}`);
      if (kind === 'noreply') return dbg(name, `new state ${show(a)}`);
      if (kind === 'continue') return dbg(name, `continue ${show(a)}`);
    }
    return dbg(name, `dbg ${show(event)}`);
  }
}

function isFrom(value: unknown): value is From {
  return Array.isArray(value) && value.length === 2 && value[0] instanceof Pid;
}

function isTimeout(value: unknown): boolean {
  if (typeof value === 'number') return value >= 0;
  if (value === 'infinity' || value === 'hibernate') return true;
  return Array.isArray(value) && value.length === 2 && value[0] === 'continue';
}

function isHandle(module: object): boolean {
  return handleModuleName(module) !== undefined;
}

/** A module name or handle → the handle (remote calls); a plain callback object as it is. */
export function callbackModule(module: unknown, what: string): Record<string, (...args: any[]) => any> {
  if (typeof module === 'string') return moduleHandle(module);
  if ((typeof module === 'object' || typeof module === 'function') && module !== null) {
    return module as Record<string, (...args: any[]) => any>;
  }
  throw badarg(`${what}: name the callback module (as in ${what}(kv, args)), got ${describe(module)}`);
}

/** Starts a gen_server; what init answered decides the result. */
export function startServer(
  link: boolean,
  name: string | undefined,
  module: unknown,
  args: unknown,
  options: StartOptions | undefined,
  what: string,
  initialCall?: string,
): StartResult {
  const callbacks = callbackModule(module, what);
  const modName = moduleName(module);
  return startProcess({
    link,
    name,
    initialCall: initialCall ?? `${modName}:init/1`,
    init: (parent, proc) => {
      const server = new GenServerProcess(proc, parent, callbacks, modName, Debug.fromOptions(options?.debug, proc));
      // Between messages the server sits in gen_server's loop, as erl's i() shows it.
      proc.extras().currentFunction = 'gen_server:loop/7';
      let result: unknown;
      try {
        result = callbacks.init(args);
      } catch (thrown) {
        // A thrown value is init's answer, as OTP catches `throw`; errors end the start.
        const { kind, reason } = classify(thrown);
        if (kind !== 'throw') throw thrown;
        result = reason;
      }
      if (Array.isArray(result) && result[0] === 'ok' && (result.length === 2 || (result.length === 3 && isTimeout(result[2])))) {
        servers.set(proc, server);
        return { run: () => server.begin(result[1], result[2]) };
      }
      if (Array.isArray(result) && result[0] === 'stop' && result.length === 2) {
        return { result: ['error', result[1]], exitReason: result[1] };
      }
      if (result === 'ignore') return { result: 'ignore', exitReason: 'normal' };
      const reason = ['bad_return_value', result];
      return { result: ['error', reason], exitReason: reason };
    },
  });
}

/** `start(module, args, opts)` or `start(['local', name], module, args, opts)`. */
function parseStart(what: string, a: unknown[]): [string | undefined, unknown, unknown, StartOptions | undefined] {
  if (isLocalName(a[0])) return [a[0][1], a[1], a[2], a[3] as StartOptions | undefined];
  if (Array.isArray(a[0])) throw badarg(`${what}: a name is ['local', name], got ${formatTerm(a[0])}`);
  return [undefined, a[0], a[1], a[2] as StartOptions | undefined];
}

const DEFAULT_CALL_TIMEOUT = 5000;

/** This node, then every connected one: OTP's default for abcast and multi_call. */
function allNodes(): string[] {
  return [node(), ...nodes()];
}

/** gen_server.multi_call: a call to each node's `name`, the answers gathered in one receive loop. */
function multiCall(nodeList: readonly string[], name: string, request: unknown, timeout: CallTimeout): Receive<[[string, unknown][], string[]]> {
  const caller = callingProcess('gen_server.multi_call()');
  const pending = new Map<number, { node: string; ref: Ref }>();
  const replies = new Map<string, unknown>();
  const bad = new Set<string>();
  for (const node of nodeList) {
    const target: readonly [string, string] = [name, node];
    if (remoteServer(target) === undefined && whereServer(name) === undefined) {
      bad.add(node);
      continue;
    }
    const ref = monitor('process', target);
    pending.set(ref.id, { node, ref });
    send(target, ['$gen_call', [caller.pid, ref], request]);
  }
  const isPending = (ref: unknown): boolean => ref instanceof Ref && !ref.remote && pending.has(ref.id);
  const settle = (ref: Ref, outcome: (node: string) => void): void => {
    const entry = pending.get(ref.id)!;
    pending.delete(ref.id);
    demonitor(ref, ['flush']);
    outcome(entry.node);
  };
  // In the order the nodes were given, as a list of [node, reply] and the bad nodes.
  const result = (): [[string, unknown][], string[]] => [
    nodeList.filter((n) => replies.has(n)).map((n) => [n, replies.get(n)] as [string, unknown]),
    nodeList.filter((n) => bad.has(n)),
  ];
  const collect = (): unknown => {
    if (pending.size === 0) return result();
    const clauses: unknown[] = [
      [[isPending, _], ([ref, value]: [Ref, unknown]) => (settle(ref, (n) => replies.set(n, value)), collect())],
      [['DOWN', isPending, _, _, _], ([, ref]: [unknown, Ref]) => (settle(ref, (n) => bad.add(n)), collect())],
    ];
    if (timeout !== 'infinity' && timeout !== Infinity) {
      clauses.push(after(Math.max(0, deadline - Date.now()), () => {
        for (const { ref, node } of [...pending.values()]) settle(ref, () => bad.add(node));
        return result();
      }));
    }
    return (receive as (...c: unknown[]) => Receive)(...clauses);
  };
  const deadline = typeof timeout === 'number' ? Date.now() + timeout : Infinity;
  if (pending.size === 0) return receive(after(0, () => result() as unknown as void)) as Receive<[[string, unknown][], string[]]>;
  return releasesCode(collect() as Receive) as Receive<[[string, unknown][], string[]]>;
}

export const gen_server = {
  /** Starts a server (not linked): `['ok', pid]`, `'ignore'` or `['error', reason]`. */
  start(...a: [module: ModuleArgument, args?: unknown, options?: StartOptions] | [name: readonly ['local', string], module: ModuleArgument, args?: unknown, options?: StartOptions]): StartResult {
    const [name, module, args, options] = parseStart('gen_server.start', a);
    return startServer(false, name, module, args, options, 'gen_server.start');
  },
  /** Starts a server linked to the caller. */
  start_link(...a: [module: ModuleArgument, args?: unknown, options?: StartOptions] | [name: readonly ['local', string], module: ModuleArgument, args?: unknown, options?: StartOptions]): StartResult {
    const [name, module, args, options] = parseStart('gen_server.start_link', a);
    return startServer(true, name, module, args, options, 'gen_server.start_link');
  },
  /**
   * Sends `request` and waits for the reply (a Receive: `await` it, or return it). The caller
   * exits with `['timeout', ['gen_server', 'call', [server, request, timeout]]]` after
   * `timeout` ms, and with `['noproc', ...]` when the server does not exist.
   */
  call<R = any>(server: ServerRef, request: unknown, timeout?: CallTimeout): Receive<R> {
    const args = timeout === undefined ? [server, request] : [server, request, timeout];
    return genCall(server, '$gen_call', request, timeout ?? DEFAULT_CALL_TIMEOUT, ['gen_server', 'call', args]) as Receive<R>;
  },
  /** Sends `['$gen_cast', message]`; 'ok' even if there is no such server, as in OTP. */
  cast(server: ServerRef, message: unknown): 'ok' {
    const remote = remoteServer(server);
    if (remote !== undefined) {
      send(remote as Pid, ['$gen_cast', message]);
      return 'ok';
    }
    const proc = whereServer(server);
    if (proc !== undefined) send(proc.pid, ['$gen_cast', message]);
    return 'ok';
  },
  /**
   * Casts `message` to the server registered as `name` on each of `nodes` (this node and the
   * connected ones by default), as OTP's abcast: 'abcast', whoever is there.
   */
  abcast(...a: [name: string, message: unknown] | [nodes: readonly string[], name: string, message: unknown]): 'abcast' {
    const [nodeList, name, message] = a.length === 2 ? [allNodes(), a[0], a[1]] : a;
    if (!Array.isArray(nodeList) || typeof name !== 'string') throw badarg(`gen_server.abcast: expected ([nodes,] name, message), got ${formatTerm(a)}`);
    for (const node of nodeList) gen_server.cast([name, node], message);
    return 'abcast';
  },
  /**
   * Calls the server registered as `name` on each of `nodes` (this node and the connected ones
   * by default) at once, as OTP's multi_call: `[[[node, reply], ...], badNodes]`, where a bad
   * node has no such server, is not reachable, or did not answer within `timeout`.
   */
  multi_call(...a: [name: string, request: unknown] | [nodes: readonly string[], name: string, request: unknown, timeout?: CallTimeout]): Receive<[[string, unknown][], string[]]> {
    const [nodeList, name, request, timeout = 'infinity'] = a.length === 2 ? [allNodes(), a[0], a[1]] : a;
    if (!Array.isArray(nodeList) || typeof name !== 'string') throw badarg(`gen_server.multi_call: expected ([nodes,] name, request[, timeout]), got ${formatTerm(a)}`);
    return multiCall(nodeList, name, request, timeout);
  },
  /** Answers a call from a callback that returned 'noreply'. */
  reply(from: From, value: unknown): 'ok' {
    return reply(from, value);
  },
  /** Stops the server with `reason` and waits until it is gone: 'ok'. */
  stop(server: ServerRef, reason: unknown = 'normal', timeout: CallTimeout = 'infinity'): Receive<'ok'> {
    const caller = callingProcess('gen_server.stop()');
    const label = ['gen_server', 'stop', [server, reason, timeout]];
    const proc = whereServer(server);
    if (proc === undefined) throw new ErlangException('exit', ['noproc', label]);
    if (proc === caller) throw new ErlangException('exit', ['calling_self', label]);
    const ref = monitor('process', proc.pid);
    send(proc.pid, ['system', [caller.pid, ref], ['terminate', reason]]);
    const gone = ([, , , , exitReason]: unknown[]): unknown => {
      // The 'ok' the server answered before it ended is still in the mailbox: take it too.
      return receive([[ref, _], () => stopped(exitReason)], after(0, (() => stopped(exitReason)) as () => void));
    };
    const stopped = (exitReason: unknown): 'ok' => {
      if (matches(reason, exitReason)) return 'ok';
      throw new ErlangException('exit', exitReason);
    };
    const clauses: unknown[] = [[['DOWN', ref, _, _, _], gone]];
    if (timeout !== 'infinity' && timeout !== Infinity) {
      clauses.push(after(timeout, () => {
        demonitor(ref, ['flush']);
        throw new ErlangException('exit', ['timeout', label]);
      }));
    }
    return releasesCode((receive as (...c: unknown[]) => Receive)(...clauses)) as Receive<'ok'>;
  },
};
