// Lesson 5, version 2 of modules/counter_server.ts: the state becomes `{ count, lastFrom }`,
// and code_change converts a running version-1 server's number into it.
import { gen_server, moduleHandle, type CallResult, type CastResult, type CodeChangeResult, type GenServerBehaviour, type From, type Pid } from 'eshell-ts';

const M = moduleHandle<typeof import('./counter_server')>('counter_server');
M satisfies GenServerBehaviour<State>;

/** The version code_change is told it upgrades from. */
export const vsn = 2;

interface State {
  count: number;
  /** Who bumped last ('undefined' until someone does after the upgrade). */
  lastFrom: Pid | 'undefined';
}

/** Starts the counter at 0: `['ok', pid]`. */
export function start() {
  return gen_server.start(M, 0);
}

/** Adds one and answers the new count. */
export function bump(server: Pid) {
  return gen_server.call<number>(server, 'bump');
}

/** The count. */
export function read(server: Pid) {
  return gen_server.call<number>(server, 'read');
}

/** Who bumped last. */
export function last(server: Pid) {
  return gen_server.call<Pid | 'undefined'>(server, 'last');
}

export function init(start: number): ['ok', State] {
  return ['ok', { count: start, lastFrom: 'undefined' }];
}

export function handle_call(request: 'bump' | 'read' | 'last', [caller]: From, state: State): CallResult<State> {
  if (request === 'bump') {
    const next = { count: state.count + 1, lastFrom: caller };
    return ['reply', next.count, next];
  }
  if (request === 'last') return ['reply', state.lastFrom, state];
  return ['reply', state.count, state];
}

export function handle_cast(_message: unknown, state: State): CastResult<State> {
  return ['noreply', state];
}

/** Version 1 kept a number: it becomes the count. */
export function code_change(oldVsn: unknown, state: number | State): CodeChangeResult<State> {
  if (oldVsn === 1 && typeof state === 'number') return ['ok', { count: state, lastFrom: 'undefined' }];
  if (typeof state === 'object') return ['ok', state];
  return ['error', ['unknown_version', oldVsn]];
}
