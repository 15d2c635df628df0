// OTP's sys module: the system messages every behaviour answers (`['system', from, request]`
// on the wire, as BEAM sends them), the debug options (trace, log, statistics), and the
// client functions (sys.get_state, sys.suspend, sys.change_code ...). A behaviour describes
// itself to this module through a SystemHost; sys never knows what a gen_server is.
import { badarg, ErlangException } from '../runtime/errors';
import type { Pid } from '../runtime/pid';
import type { Process } from '../runtime/process';
import { receive, _, type Receive } from '../runtime/receive';
import { writeOutput } from '../runtime/output';
import { formatTerm } from '../io/print';
import { ancestors } from './procLib';
import { genCall, moduleName, reply, type CallTimeout, type From, type ServerRef } from './gen';

/** What the sys module needs from a behaviour's process to answer system messages. */
export interface SystemHost {
  readonly proc: Process;
  readonly parent: Pid;
  debug: Debug | null;
  /** The behaviour's state as sys.get_state returns it. */
  getState(): unknown;
  /** Applies `fn` to the state; returns the new state (throws if `fn` does). */
  replaceState(fn: (state: unknown) => unknown): unknown;
  /** Calls the module's code_change; returns `['ok']` or the error to give the caller. */
  codeChange(module: string, oldVsn: unknown, extra: unknown): ['ok'] | ['error', unknown];
  /** The behaviour-specific part of get_status (OTP's format_status result). */
  statusData(mode: 'running' | 'suspended'): unknown;
  /** Back to the behaviour's loop (OTP's system_continue). */
  resume(): unknown;
  /** Ends the process with `reason` (OTP's system_terminate). */
  systemTerminate(reason: unknown): unknown;
  /** `*DBG*` text for one of the behaviour's events. */
  formatEvent(event: unknown): string;
}

interface Statistics {
  startTime: DateTuple;
  reductions: number;
  messagesIn: number;
  messagesOut: number;
}

type DateTuple = [[number, number, number], [number, number, number]];

/** A process's debug options: what sys.trace, sys.log and sys.statistics turned on. */
export class Debug {
  trace = false;
  log: { limit: number; events: unknown[] } | null = null;
  statistics: Statistics | null = null;

  get empty(): boolean {
    return !this.trace && this.log === null && this.statistics === null;
  }

  /** sys's debug options at start: `['trace', 'log', 'statistics', ['log', n]]`. */
  static fromOptions(options: readonly unknown[] | undefined, proc: Process): Debug | null {
    if (options === undefined || options.length === 0) return null;
    const debug = new Debug();
    for (const option of options) {
      if (option === 'trace') debug.trace = true;
      else if (option === 'log') debug.log = { limit: 10, events: [] };
      else if (Array.isArray(option) && option[0] === 'log' && Number.isInteger(option[1])) debug.log = { limit: option[1], events: [] };
      else if (option === 'statistics') debug.statistics = newStatistics(proc);
    }
    return debug.empty ? null : debug;
  }
}

/** Records one event: prints it when tracing, keeps it in the log, counts it. */
export function handleDebug(host: SystemHost, event: unknown): void {
  const debug = host.debug;
  if (debug === null) return;
  if (debug.trace) writeOutput(`${host.formatEvent(event)}\n`);
  if (debug.log !== null) {
    debug.log.events.push(event);
    if (debug.log.events.length > debug.log.limit) debug.log.events.shift();
  }
  if (debug.statistics !== null && Array.isArray(event)) {
    if (event[0] === 'in') debug.statistics.messagesIn++;
    else if (event[0] === 'out') debug.statistics.messagesOut++;
  }
}

/**
 * Answers one system message. Returns what the process does next: its loop, the suspended
 * loop (only system messages and its parent's EXIT are taken), or its end.
 */
export function handleSystemMessage(host: SystemHost, from: From, request: unknown, suspended: boolean): unknown {
  let mode: 'running' | 'suspended' = suspended ? 'suspended' : 'running';
  let answer: unknown;
  if (request === 'suspend') {
    mode = 'suspended';
    answer = 'ok';
  } else if (request === 'resume') {
    mode = 'running';
    answer = 'ok';
  } else if (request === 'get_state') {
    answer = host.getState();
  } else if (request === 'get_status') {
    answer = status(host, mode);
  } else if (isRequest(request, 'replace_state', 2)) {
    try {
      answer = host.replaceState(request[1] as (state: unknown) => unknown);
    } catch (thrown) {
      answer = ['error', ['callback_failed', request[1], reasonOf(thrown)]];
    }
  } else if (isRequest(request, 'change_code', 4) && suspended) {
    const result = host.codeChange(String(request[1]), request[2], request[3]);
    answer = result.length === 1 ? 'ok' : result;
  } else if (isRequest(request, 'terminate', 2)) {
    reply(from, 'ok');
    return host.systemTerminate(request[1]);
  } else if (isRequest(request, 'debug', 2)) {
    answer = debugCommand(host, request[1]);
  } else {
    answer = ['error', ['unknown_system_msg', request]];
  }
  reply(from, answer);
  return mode === 'suspended' ? suspendedLoop(host) : host.resume();
}

/** While suspended, a process takes only system messages and its parent's exit. */
function suspendedLoop(host: SystemHost): Receive {
  return receive(
    [['system', _, _], ([, from, request]) => handleSystemMessage(host, from as unknown as From, request, true)],
    [['EXIT', host.parent, _], ([, , reason]) => host.systemTerminate(reason)],
  );
}

function status(host: SystemHost, mode: 'running' | 'suspended'): unknown {
  const debug = host.debug;
  const debugList: unknown[] = [];
  if (debug?.trace) debugList.push(['trace', true]);
  if (debug?.log) debugList.push(['log', debug.log.events]);
  if (debug?.statistics) debugList.push(['statistics', debug.statistics]);
  return ['status', host.proc.pid, ['module', 'gen_server'], [
    [['$initial_call', initialCallTuple(host.proc.initialCall)], ['$ancestors', ancestors(host.proc)]],
    mode,
    host.parent,
    debugList,
    host.statusData(mode),
  ]];
}

/** `kv:init/1` as proc_lib's `$initial_call` holds it: `['kv', 'init', 1]`. */
function initialCallTuple(label: string): unknown {
  const match = /^(.*):([^:/]+)\/(\d+)$/.exec(label);
  return match ? [match[1], match[2], Number(match[3])] : label;
}

function debugCommand(host: SystemHost, command: unknown): unknown {
  if (!Array.isArray(command) || command.length !== 2) return 'unknown_debug';
  const [what, flag] = command;
  const debug = (host.debug ??= new Debug());
  let answer: unknown = 'ok';
  if (what === 'trace' && typeof flag === 'boolean') debug.trace = flag;
  else if (what === 'log') {
    if (flag === true) debug.log ??= { limit: 10, events: [] };
    else if (Array.isArray(flag) && flag[0] === true && Number.isInteger(flag[1]) && flag[1] >= 1) {
      debug.log = { limit: flag[1], events: (debug.log?.events ?? []).slice(-flag[1]) };
    } else if (flag === false) debug.log = null;
    else if (flag === 'get') answer = ['ok', [...(debug.log?.events ?? [])]];
    else if (flag === 'print') {
      for (const event of debug.log?.events ?? []) writeOutput(`${host.formatEvent(event)}\n`);
    } else answer = 'unknown_debug';
  } else if (what === 'statistics') {
    if (flag === true) debug.statistics ??= newStatistics(host.proc);
    else if (flag === false) debug.statistics = null;
    else if (flag === 'get') answer = ['ok', statisticsList(debug.statistics, host.proc)];
    else answer = 'unknown_debug';
  } else answer = 'unknown_debug';
  if (debug.empty) host.debug = null;
  return answer;
}

function newStatistics(proc: Process): Statistics {
  return { startTime: localTime(), reductions: proc.reductions, messagesIn: 0, messagesOut: 0 };
}

function statisticsList(stats: Statistics | null, proc: Process): unknown {
  if (stats === null) return 'no_statistics';
  return [
    ['start_time', stats.startTime],
    ['current_time', localTime()],
    ['reductions', proc.reductions - stats.reductions],
    ['messages_in', stats.messagesIn],
    ['messages_out', stats.messagesOut],
  ];
}

/** Erlang's calendar:local_time(): `[[y, m, d], [h, min, s]]`. */
function localTime(): DateTuple {
  const now = new Date();
  return [[now.getFullYear(), now.getMonth() + 1, now.getDate()], [now.getHours(), now.getMinutes(), now.getSeconds()]];
}

function isRequest(request: unknown, tag: string, length: number): request is unknown[] {
  return Array.isArray(request) && request.length === length && request[0] === tag;
}

function reasonOf(thrown: unknown): unknown {
  return thrown instanceof ErlangException ? [thrown.kind, thrown.reason] : ['error', thrown];
}

/** `*DBG* <0.40.0> ...`: the prefix of every trace line, with the server's name if it has one. */
export function dbg(name: unknown, text: string): string {
  return `*DBG* ${typeof name === 'string' ? name : String(name)} ${text}`;
}

export const show = (value: unknown): string => formatTerm(value);

// ---- the client side ----

const DEFAULT_TIMEOUT = 5000;

function sysCall(fn: string, server: ServerRef, request: unknown, timeout: CallTimeout, args: unknown[], then?: (reply: unknown) => unknown): Receive {
  return genCall(server, 'system', request, timeout, ['sys', fn, args], then);
}

/** sys raises the error a callback failure came back as. */
function raiseError(answer: unknown): unknown {
  if (Array.isArray(answer) && answer[0] === 'error' && Array.isArray(answer[1]) && answer[1][0] === 'callback_failed') {
    throw new ErlangException('error', answer[1]);
  }
  return answer;
}

/** Erlang's sys module. Each function is a call: `await` it, or return it from the shell. */
export const sys = {
  /** The server's state. */
  get_state: (server: ServerRef, timeout: CallTimeout = DEFAULT_TIMEOUT) =>
    sysCall('get_state', server, 'get_state', timeout, [server], raiseError),
  /** Replaces the state with `fn(state)`; returns the new state. */
  replace_state: (server: ServerRef, fn: (state: any) => unknown, timeout: CallTimeout = DEFAULT_TIMEOUT) => {
    if (typeof fn !== 'function') throw badarg('sys.replace_state(server, fn): fn must be a function of the state');
    return sysCall('replace_state', server, ['replace_state', fn], timeout, [server, fn], raiseError);
  },
  /** `['status', pid, ['module', 'gen_server'], [pdict, mode, parent, debug, data]]`. */
  get_status: (server: ServerRef, timeout: CallTimeout = DEFAULT_TIMEOUT) =>
    sysCall('get_status', server, 'get_status', timeout, [server]),
  /** Stops the server taking anything but system messages until sys.resume. */
  suspend: (server: ServerRef, timeout: CallTimeout = DEFAULT_TIMEOUT) =>
    sysCall('suspend', server, 'suspend', timeout, [server]),
  resume: (server: ServerRef, timeout: CallTimeout = DEFAULT_TIMEOUT) =>
    sysCall('resume', server, 'resume', timeout, [server]),
  /**
   * Calls the module's (newly loaded) code_change(oldVsn, state, extra) on a suspended
   * server: 'ok', or `['error', reason]` with the server left on its old state.
   */
  change_code: (server: ServerRef, module: unknown, oldVsn: unknown, extra: unknown, timeout: CallTimeout = DEFAULT_TIMEOUT) =>
    sysCall('change_code', server, ['change_code', moduleArgument(module), oldVsn, extra], timeout, [server, module, oldVsn, extra]),
  /** Prints each event (`*DBG* ...`) as sys:trace does. */
  trace: (server: ServerRef, flag: boolean, timeout: CallTimeout = DEFAULT_TIMEOUT) =>
    sysCall('trace', server, ['debug', ['trace', flag]], timeout, [server, flag]),
  /** `true`, `['true', n]`, `false`, `'get'` (`['ok', events]`) or `'print'`. */
  log: (server: ServerRef, flag: boolean | 'get' | 'print' | [true, number], timeout: CallTimeout = DEFAULT_TIMEOUT) =>
    sysCall('log', server, ['debug', ['log', flag]], timeout, [server, flag]),
  /** `true`, `false`, or `'get'`: `['ok', [['start_time', ...], ['messages_in', n], ...]]`. */
  statistics: (server: ServerRef, flag: boolean | 'get', timeout: CallTimeout = DEFAULT_TIMEOUT) =>
    sysCall('statistics', server, ['debug', ['statistics', flag]], timeout, [server, flag]),
  /** Ends the server with `reason`, as sys:terminate does. */
  terminate: (server: ServerRef, reason: unknown, timeout: CallTimeout = 'infinity') =>
    sysCall('terminate', server, ['terminate', reason], timeout, [server, reason]),
};

function moduleArgument(module: unknown): string {
  const name = moduleName(module);
  if (name !== 'anonymous') return name;
  throw badarg('sys.change_code(server, module, oldVsn, extra): name the module, as in sys.change_code(P, kv, 1, [])');
}
