// Lesson 6, the worker: a gen_server with a name, supervised by tree_sup. `crash` makes it
// fail on purpose so the supervisor can show what its strategy restarts.
import { gen_server, erlang, self, moduleHandle, type CallResult, type CastResult, type GenServerBehaviour, type From } from 'eshell-ts';

const M = moduleHandle<typeof import('./tree_worker')>('tree_worker');
M satisfies GenServerBehaviour<State>;

interface State {
  name: string;
  pings: number;
}

/** Started by the supervisor: a worker registered under `name`. */
export function start_link(name: string) {
  return gen_server.start_link(['local', name], M, name);
}

export function init(name: string): ['ok', State] {
  return ['ok', { name, pings: 0 }];
}

/** 'ping' answers `['pong', name, pid]`. */
export function handle_call(_request: 'ping', _from: From, state: State): CallResult<State> {
  const next = { ...state, pings: state.pings + 1 };
  return ['reply', ['pong', state.name, self()], next];
}

/** 'crash' fails with the error 'boom', as a bug would. */
export function handle_cast(message: 'crash', state: State): CastResult<State> {
  if (message === 'crash') erlang.error('boom');
  return ['noreply', state];
}
