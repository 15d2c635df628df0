// OTP's supervisor, written as OTP writes it: a gen_server (trapping exits) whose callbacks
// start children from their specs, restart them by strategy when they exit, give up with
// `shutdown` after too many restarts, and stop them in reverse start order. Waiting for a
// child to stop is a receive: the callbacks return it and the gen_server loop waits in it.
import { ErlangException, badarg, describeArgument as describe, isNormalExit } from '../runtime/errors';
import { Pid } from '../runtime/pid';
import { after, matches, receive, type Receive, _ } from '../runtime/receive';
import { exit, process_flag, self } from '../runtime/api';
import { monitor, unlink } from '../runtime/links';
import { currentProcess } from '../runtime/scheduler';
import { writeOutput } from '../runtime/output';
import { formatTerm } from '../io/print';
import { reportHeader } from '../io/exception';
import { genCall, moduleName, type CallTimeout, type ServerRef } from './gen';
import { callbackModule, startServer } from './genServer';
import type { StartResult } from './procLib';

export type Strategy = 'one_for_one' | 'one_for_all' | 'rest_for_one' | 'simple_one_for_one';
export type RestartType = 'permanent' | 'transient' | 'temporary';
export type Shutdown = number | 'brutal_kill' | 'infinity';

export interface SupFlags {
  strategy?: Strategy;
  /** Restarts allowed within `period` seconds before the supervisor gives up. */
  intensity?: number;
  period?: number;
}

export interface ChildSpec {
  id: unknown;
  /** `[module, functionName, args]`: the function returns `['ok', pid]`, 'ignore' or `['error', r]`. */
  start: readonly [module: unknown, fn: string, args: readonly unknown[]];
  restart?: RestartType;
  shutdown?: Shutdown;
  type?: 'worker' | 'supervisor';
  modules?: readonly string[] | 'dynamic';
}

/** What a supervisor module's init returns. */
export type SupervisorInitResult = readonly ['ok', readonly [SupFlags, readonly ChildSpec[]]] | 'ignore';

export interface SupervisorBehaviour<Args = any> {
  init(args: Args): SupervisorInitResult;
}

/** A child spec with its defaults filled in, and the child's pid while it runs. */
interface Child {
  readonly id: unknown;
  readonly start: readonly [unknown, string, readonly unknown[]];
  readonly restart: RestartType;
  readonly shutdown: Shutdown;
  readonly type: 'worker' | 'supervisor';
  readonly modules: readonly string[] | 'dynamic';
  pid: Pid | undefined;
}

interface State {
  readonly name: unknown;
  readonly module: string;
  readonly strategy: Strategy;
  readonly intensity: number;
  readonly period: number;
  /** In start order. For simple_one_for_one: the one template. */
  children: Child[];
  /** simple_one_for_one: running children, in start order. */
  readonly dynamic: Child[];
  /** When the recent restarts happened (ms). */
  restarts: number[];
}

const STRATEGIES = new Set<Strategy>(['one_for_one', 'one_for_all', 'rest_for_one', 'simple_one_for_one']);

/** The gen_server callbacks of every supervisor. */
const callbacks = {
  init([module, args, name]: [unknown, unknown, unknown]): unknown {
    process_flag('trap_exit', true);
    const mod = callbackModule(module, 'supervisor.start_link');
    const modName = moduleName(module);
    const result = mod.init(args);
    if (result === 'ignore') return 'ignore';
    const parsed = parseInit(result);
    if (typeof parsed === 'string') return ['stop', ['supervisor_data', parsed]];
    const [flags, specs] = parsed;
    const state: State = {
      name: name ?? self(),
      module: modName,
      strategy: flags.strategy ?? 'one_for_one',
      intensity: flags.intensity ?? 1,
      period: flags.period ?? 5,
      children: [],
      dynamic: [],
      restarts: [],
    };
    const children: Child[] = [];
    for (const spec of specs) {
      const child = normalise(spec);
      if (typeof child === 'string') return ['stop', ['start_spec', child]];
      if (children.some((c) => sameId(c.id, child.id))) return ['stop', ['start_spec', ['duplicate_child_name', child.id]]];
      children.push(child);
    }
    if (state.strategy === 'simple_one_for_one') {
      if (children.length !== 1) return ['stop', ['bad_start_spec', children.length === 0 ? 'no_child_spec' : 'more_than_one_child_spec']];
      state.children = children;
      return ['ok', state];
    }
    for (const child of children) {
      const started = startChild(child, []);
      if (started[0] === 'error') {
        report(state, 'start_error', started[1], child);
        return ['stop', ['shutdown', ['failed_to_start_child', child.id, started[1]]]];
      }
      if (started[0] === 'ok' || child.restart !== 'temporary') state.children.push(child);
    }
    return ['ok', state];
  },

  handle_call(request: unknown, _from: unknown, state: State): unknown {
    if (request === 'which_children') return ['reply', whichChildren(state), state];
    if (request === 'count_children') return ['reply', countChildren(state), state];
    if (Array.isArray(request) && request.length === 2) {
      const [what, arg] = request;
      if (what === 'start_child') return ['reply', startChildRequest(state, arg), state];
      if (what === 'terminate_child') return terminateChildRequest(state, arg, (answer) => ['reply', answer, state]);
      if (what === 'restart_child') return ['reply', restartChildRequest(state, arg), state];
      if (what === 'delete_child') return ['reply', deleteChildRequest(state, arg), state];
      if (what === 'get_childspec') {
        const child = findById(state, arg);
        return ['reply', child ? ['ok', specOf(child)] : ['error', 'not_found'], state];
      }
    }
    return ['reply', ['error', ['unknown_call', request]], state];
  },

  handle_cast(_message: unknown, state: State): unknown {
    return ['noreply', state];
  },

  handle_info(message: unknown, state: State): unknown {
    if (Array.isArray(message) && message.length === 3 && message[0] === 'EXIT' && message[1] instanceof Pid) {
      return childExited(state, message[1], message[2]);
    }
    return ['noreply', state];
  },

  terminate(_reason: unknown, state: State): unknown {
    if (state.strategy === 'simple_one_for_one') return stopAll(state, [...state.dynamic].reverse(), () => 'ok');
    return stopAll(state, [...state.children].reverse(), () => 'ok');
  },

  code_change(_oldVsn: unknown, state: State): unknown {
    return ['ok', state];
  },
};

function parseInit(result: unknown): [SupFlags, readonly ChildSpec[]] | string {
  if (!Array.isArray(result) || result.length !== 2 || result[0] !== 'ok' || !Array.isArray(result[1]) || result[1].length !== 2) {
    return `init must return ['ok', [supFlags, childSpecs]] or 'ignore', got ${formatTerm(result)}`;
  }
  const [flags, specs] = result[1] as [SupFlags, ChildSpec[]];
  if (typeof flags !== 'object' || flags === null || Array.isArray(flags)) return 'supFlags must be an object { strategy, intensity, period }';
  if (flags.strategy !== undefined && !STRATEGIES.has(flags.strategy)) return `invalid strategy ${formatTerm(flags.strategy)}`;
  if (flags.intensity !== undefined && !(Number.isInteger(flags.intensity) && flags.intensity >= 0)) return `invalid intensity ${formatTerm(flags.intensity)}`;
  if (flags.period !== undefined && !(Number.isInteger(flags.period) && flags.period > 0)) return `invalid period ${formatTerm(flags.period)}`;
  if (!Array.isArray(specs)) return 'childSpecs must be an array';
  return [flags, specs];
}

/** A spec with its defaults, or what is wrong with it. */
function normalise(spec: unknown): Child | string {
  if (typeof spec !== 'object' || spec === null || Array.isArray(spec)) return `a child spec is an object { id, start, ... }, got ${formatTerm(spec)}`;
  const s = spec as Partial<ChildSpec>;
  if (!('id' in s)) return 'missing_id';
  const start = s.start;
  if (!Array.isArray(start) || start.length !== 3 || typeof start[1] !== 'string' || !Array.isArray(start[2])) {
    return `invalid_mfa: start must be [module, 'function', args], got ${formatTerm(start)}`;
  }
  const restart = s.restart ?? 'permanent';
  if (restart !== 'permanent' && restart !== 'transient' && restart !== 'temporary') return `invalid_restart_type ${formatTerm(restart)}`;
  const type = s.type ?? 'worker';
  if (type !== 'worker' && type !== 'supervisor') return `invalid_child_type ${formatTerm(type)}`;
  const shutdown = s.shutdown ?? (type === 'worker' ? 5000 : 'infinity');
  if (!(shutdown === 'brutal_kill' || shutdown === 'infinity' || (Number.isInteger(shutdown) && (shutdown as number) >= 0))) {
    return `invalid_shutdown ${formatTerm(shutdown)}`;
  }
  const modules = s.modules ?? [moduleName(start[0])];
  return { id: s.id, start: start as Child['start'], restart, shutdown, type, modules, pid: undefined };
}

function specOf(child: Child): ChildSpec {
  return { id: child.id, start: child.start, restart: child.restart, shutdown: child.shutdown, type: child.type, modules: child.modules };
}

/** Runs the child's start function: `['ok', pid]`, `['ignore']` or `['error', reason]`. */
function startChild(child: Child, extraArgs: readonly unknown[]): ['ok', Pid] | ['ignore'] | ['error', unknown] {
  const [module, fn, args] = child.start;
  let result: unknown;
  try {
    const mod = callbackModule(module, 'supervisor');
    if (typeof mod[fn] !== 'function' && moduleName(module) === 'anonymous') throw badarg(`no function ${fn}`);
    result = mod[fn](...args, ...extraArgs);
  } catch (thrown) {
    return ['error', thrown instanceof ErlangException ? thrown.reason : thrown];
  }
  if (Array.isArray(result) && result[0] === 'ok' && result[1] instanceof Pid && (result.length === 2 || result.length === 3)) {
    child.pid = result[1];
    return ['ok', result[1]];
  }
  if (result === 'ignore') {
    child.pid = undefined;
    return ['ignore'];
  }
  if (Array.isArray(result) && result[0] === 'error' && result.length === 2) return ['error', result[1]];
  return ['error', result];
}

/** Child ids are terms: equal by value, as Erlang compares them. */
function sameId(a: unknown, b: unknown): boolean {
  return matches(a, b);
}

function findById(state: State, id: unknown): Child | undefined {
  return state.children.find((c) => sameId(c.id, id));
}

function whichChildren(state: State): unknown[] {
  if (state.strategy === 'simple_one_for_one') {
    const template = state.children[0];
    return state.dynamic.map((c) => ['undefined', c.pid ?? 'restarting', template.type, template.modules]).reverse();
  }
  return state.children.map((c) => [c.id, c.pid ?? 'undefined', c.type, c.modules]).reverse();
}

function countChildren(state: State): unknown[] {
  const all = state.strategy === 'simple_one_for_one' ? state.dynamic : state.children;
  const type = (c: Child) => (state.strategy === 'simple_one_for_one' ? state.children[0].type : c.type);
  return [
    ['specs', state.strategy === 'simple_one_for_one' ? 1 : all.length],
    ['active', all.filter((c) => c.pid !== undefined).length],
    ['supervisors', all.filter((c) => type(c) === 'supervisor').length],
    ['workers', all.filter((c) => type(c) === 'worker').length],
  ];
}

function startChildRequest(state: State, arg: unknown): unknown {
  if (state.strategy === 'simple_one_for_one') {
    if (!Array.isArray(arg)) return ['error', ['badarg', 'simple_one_for_one: start_child takes the extra arguments as an array']];
    const child: Child = { ...state.children[0], pid: undefined, start: [state.children[0].start[0], state.children[0].start[1], [...state.children[0].start[2], ...arg]] };
    const started = startChild(child, []);
    if (started[0] === 'ok') state.dynamic.push(child);
    return started.length === 1 ? 'ignore' : started;
  }
  const child = normalise(arg);
  if (typeof child === 'string') return ['error', child];
  const existing = findById(state, child.id);
  if (existing !== undefined) return ['error', existing.pid ? ['already_started', existing.pid] : 'already_present'];
  const started = startChild(child, []);
  if (started[0] === 'error') return started;
  if (started[0] === 'ok' || child.restart !== 'temporary') state.children.push(child);
  return started.length === 1 ? ['ok', 'undefined'] : started;
}

function terminateChildRequest(state: State, arg: unknown, then: (answer: unknown) => unknown): unknown {
  if (state.strategy === 'simple_one_for_one') {
    const index = state.dynamic.findIndex((c) => arg instanceof Pid && c.pid?.id === arg.id);
    if (index < 0) return then(['error', 'not_found']);
    const [child] = state.dynamic.splice(index, 1);
    return stopChild(state, child, () => then('ok'));
  }
  const child = arg instanceof Pid ? state.children.find((c) => c.pid?.id === arg.id) : findById(state, arg);
  if (child === undefined) return then(['error', 'not_found']);
  return stopChild(state, child, () => {
    if (child.restart === 'temporary') state.children = state.children.filter((c) => c !== child);
    return then('ok');
  });
}

function restartChildRequest(state: State, id: unknown): unknown {
  if (state.strategy === 'simple_one_for_one') return ['error', 'simple_one_for_one'];
  const child = findById(state, id);
  if (child === undefined) return ['error', 'not_found'];
  if (child.pid !== undefined) return ['error', 'running'];
  const started = startChild(child, []);
  return started.length === 1 ? ['ok', 'undefined'] : started;
}

function deleteChildRequest(state: State, id: unknown): unknown {
  if (state.strategy === 'simple_one_for_one') return ['error', 'simple_one_for_one'];
  const child = findById(state, id);
  if (child === undefined) return ['error', 'not_found'];
  if (child.pid !== undefined) return ['error', 'running'];
  state.children = state.children.filter((c) => c !== child);
  return 'ok';
}

/** A child ended: report it, and restart it (and others) as the strategy says. */
function childExited(state: State, pid: Pid, reason: unknown): unknown {
  const dynamicIndex = state.dynamic.findIndex((c) => c.pid?.id === pid.id);
  const child = dynamicIndex >= 0 ? state.dynamic[dynamicIndex] : state.children.find((c) => c.pid?.id === pid.id);
  if (child === undefined) return ['noreply', state];
  if (!isNormalExit(reason)) report(state, 'child_terminated', reason, child);
  child.pid = undefined;
  const restart = child.restart === 'permanent' || (child.restart === 'transient' && !isNormalExit(reason));
  if (!restart) {
    if (dynamicIndex >= 0) state.dynamic.splice(dynamicIndex, 1);
    else if (child.restart === 'temporary') state.children = state.children.filter((c) => c !== child);
    return ['noreply', state];
  }
  return restartAfter(state, child, pid, (failed) => (failed === undefined ? ['noreply', state] : ['stop', 'shutdown', state]));
}

/**
 * Counts a restart and restarts as the strategy says. `then(undefined)` when the children
 * run again; `then(child)` when the restart intensity was exceeded (reported here).
 */
function restartAfter(state: State, child: Child, deadPid: Pid | undefined, then: (gaveUp: Child | undefined) => unknown): unknown {
  if (!countRestart(state)) {
    report(state, 'shutdown', 'reached_max_restart_intensity', { ...child, pid: deadPid });
    return then(child);
  }
  const retry = (failed: Child): unknown => restartAfter(state, failed, undefined, then);
  switch (state.strategy) {
    case 'one_for_one':
    case 'simple_one_for_one': {
      const started = startChild(child, []);
      if (started[0] === 'error') return startFailed(state, child, started[1], retry);
      if (started[0] === 'ignore' && state.strategy === 'simple_one_for_one') state.dynamic.splice(state.dynamic.indexOf(child), 1);
      return then(undefined);
    }
    case 'one_for_all':
      return restartGroup(state, state.children, child, retry, then);
    case 'rest_for_one':
      return restartGroup(state, state.children.slice(state.children.indexOf(child)), child, retry, then);
  }
}

/** Stops the running members of `group` (last started first), then starts them all in order. */
function restartGroup(state: State, group: Child[], _dead: Child, retry: (failed: Child) => unknown, then: (gaveUp: Child | undefined) => unknown): unknown {
  const running = group.filter((c) => c.pid !== undefined).reverse();
  return stopAll(state, running, () => {
    for (const member of group) {
      if (member.pid !== undefined) continue;
      const started = startChild(member, []);
      if (started[0] === 'error') return startFailed(state, member, started[1], retry);
    }
    return then(undefined);
  });
}

function startFailed(state: State, child: Child, reason: unknown, retry: (failed: Child) => unknown): unknown {
  report(state, 'start_error', reason, child);
  return retry(child);
}

/** Whether another restart fits within intensity restarts per period seconds. */
function countRestart(state: State): boolean {
  const now = Date.now();
  const since = now - state.period * 1000;
  state.restarts = state.restarts.filter((t) => t > since);
  state.restarts.push(now);
  return state.restarts.length <= state.intensity;
}

/** Stops `children` one after the other, in the order given; then `done()`. */
function stopAll(state: State, children: readonly Child[], done: () => unknown): unknown {
  const next = (i: number): unknown => (i === children.length ? done() : stopChild(state, children[i], () => next(i + 1)));
  return next(0);
}

/**
 * Stops one child as its shutdown says: 'brutal_kill' kills it; a number sends exit
 * 'shutdown' and kills it if it is not gone in that many ms; 'infinity' waits.
 */
function stopChild(state: State, child: Child, then: () => unknown): unknown {
  const pid = child.pid;
  if (pid === undefined) return then();
  child.pid = undefined;
  // Unlinked first, and its queued EXIT dropped, before the monitor marks the mailbox for the
  // DOWN it waits for (a receive for a fresh ref starts where the mark is).
  unlink(pid);
  dropExitMessages(pid);
  const ref = monitor('process', pid);
  const expected = child.shutdown === 'brutal_kill' ? 'killed' : 'shutdown';
  const gone = (reason: unknown): unknown => {
    if (reason !== expected && reason !== 'noproc') report(state, 'shutdown_error', reason, { ...child, pid });
    return then();
  };
  const down = [['DOWN', ref, _, _, _], ([, , , , reason]: unknown[]) => gone(reason)] as const;
  if (child.shutdown === 'brutal_kill') {
    exit(pid, 'kill');
    return receive(down);
  }
  exit(pid, 'shutdown');
  if (child.shutdown === 'infinity') return receive(down);
  return (receive as (...c: unknown[]) => Receive)(down, after(child.shutdown, () => {
    exit(pid, 'kill');
    return receive(down);
  }));
}

/** The child's EXIT may already be queued: it is about the child being stopped, not news. */
function dropExitMessages(pid: Pid): void {
  const proc = currentProcess()!;
  const kept = proc.mailbox.filter((m) => !(Array.isArray(m) && m[0] === 'EXIT' && m[1] instanceof Pid && m[1].id === pid.id));
  if (kept.length === proc.mailbox.length) return;
  proc.mailbox = kept;
  if (proc.ext !== null) proc.ext.freshRefAt = 0; // positions moved: scan from the start
}

/** A SUPERVISOR REPORT in erl's layout, terms in TypeScript notation. */
function report(state: State, context: string, reason: unknown, child: Child): void {
  const offender: [string, unknown][] = [
    ['pid', child.pid ?? 'undefined'],
    ['id', child.id],
    ['mfargs', [moduleName(child.start[0]), child.start[1], child.start[2]]],
    ['restart_type', child.restart],
    ['significant', false],
    ['shutdown', child.shutdown],
    ['child_type', child.type],
  ];
  const indent = ' '.repeat('    offender: ['.length);
  const lines = [
    `    supervisor: ${formatTerm(state.name)}`,
    `    errorContext: ${context}`,
    `    reason: ${formatTerm(reason)}`,
    `    offender: [${offender.map((pair) => formatTerm(pair)).join(`,\n${indent}`)}]`,
  ];
  writeOutput(`${reportHeader('SUPERVISOR REPORT')}${lines.join('\n')}\n\n`);
}

function parseStartArgs(a: unknown[]): [string | undefined, unknown, unknown] {
  if (Array.isArray(a[0])) {
    if (a[0].length !== 2 || a[0][0] !== 'local' || typeof a[0][1] !== 'string') {
      throw badarg(`supervisor.start_link: a name is ['local', name], got ${describe(a[0])}`);
    }
    return [a[0][1], a[1], a[2]];
  }
  return [undefined, a[0], a[1]];
}

function start(link: boolean, a: unknown[]): StartResult {
  const [name, module, args] = parseStartArgs(a);
  callbackModule(module, link ? 'supervisor.start_link' : 'supervisor.start');
  const supName = name === undefined ? undefined : ['local', name];
  return startServer(link, name, callbacks, [module, args, supName], undefined, 'supervisor.start_link', `supervisor:${moduleName(module)}/1`);
}

/** Supervisor requests are gen_server calls without a timeout, as OTP's are. */
function supCall(sup: ServerRef, request: unknown, timeout: CallTimeout = 'infinity'): Receive {
  return genCall(sup, '$gen_call', request, timeout, ['gen_server', 'call', [sup, request, timeout]]);
}

type StartArgs = [module: unknown, args?: unknown] | [name: readonly ['local', string], module: unknown, args?: unknown];

/** Erlang's supervisor module. The functions that talk to a running supervisor are calls. */
export const supervisor = {
  start_link: (...a: StartArgs): StartResult => start(true, a),
  /** `[[id, pid | 'undefined' | 'restarting', type, modules], ...]`, newest first. */
  which_children: (sup: ServerRef) => supCall(sup, 'which_children'),
  /** `[['specs', n], ['active', n], ['supervisors', n], ['workers', n]]`. */
  count_children: (sup: ServerRef) => supCall(sup, 'count_children'),
  /** A child spec (or, for simple_one_for_one, the extra arguments): `['ok', pid]` or `['error', r]`. */
  start_child: (sup: ServerRef, specOrArgs: ChildSpec | readonly unknown[]) => supCall(sup, ['start_child', specOrArgs]),
  /** Stops the child (by id, or by pid for simple_one_for_one); its spec stays: 'ok'. */
  terminate_child: (sup: ServerRef, idOrPid: unknown) => supCall(sup, ['terminate_child', idOrPid]),
  /** Starts a stopped child again from its spec. */
  restart_child: (sup: ServerRef, id: unknown) => supCall(sup, ['restart_child', id]),
  /** Forgets a stopped child's spec. */
  delete_child: (sup: ServerRef, id: unknown) => supCall(sup, ['delete_child', id]),
  get_childspec: (sup: ServerRef, id: unknown) => supCall(sup, ['get_childspec', id]),
};
