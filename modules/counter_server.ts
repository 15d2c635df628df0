// Lesson 5: the counter as a gen_server, upgraded in place with code_change.
//
// Version 1 keeps a plain number. Version 2 (modules/v2/counter_server.ts) keeps
// `{ count, lastFrom }`. Upgrading a running server the way OTP does it:
//
//   1> c(counter_server).
//   2> ['ok', C] = counter_server:start().
//   3> counter_server:bump(C).            % 1
//   4> counter_server:bump(C).            % 2
//      ... copy modules/v2/counter_server.ts over this file, then:
//   5> sys:suspend(C).                    % C takes only system messages now
//   6> c(counter_server).                 % version 2 is loaded; C still holds 2
//   7> sys:change_code(C, counter_server, 1, []).   % v2's code_change turns 2 into { count: 2, ... }
//   8> sys:resume(C).
//   9> counter_server:bump(C).            % 3: same pid, nothing lost
//
// Or all at once: `upgrade(counter_server).`
import { gen_server, moduleHandle, type CallResult, type CastResult, type GenServerBehaviour, type From, type Pid } from 'eshell-ts';

const M = moduleHandle<typeof import('./counter_server')>('counter_server');
// The compiler checks every callback against OTP's contract.
M satisfies GenServerBehaviour<State>;

/** The version code_change is told it upgrades from. */
export const vsn = 1;

type State = number;

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

export function init(start: number): ['ok', State] {
  return ['ok', start];
}

export function handle_call(request: 'bump' | 'read', _from: From, count: State): CallResult<State, number> {
  if (request === 'bump') return ['reply', count + 1, count + 1];
  return ['reply', count, count];
}

export function handle_cast(_message: unknown, count: State): CastResult<State> {
  return ['noreply', count];
}

export function code_change(_oldVsn: unknown, state: State): ['ok', State] {
  return ['ok', state];
}
