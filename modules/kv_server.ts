// Lesson 2: a server whose state survives a reload. The state travels in the loop's
// argument, and every turn of the loop goes through the module handle, so `c(kv_server)`
// upgrades the running server without losing a key.
//
//   1> Kv = kv_server:start().
//   2> kv_server:put(Kv, 'lang', 'TypeScript').
//   3> kv_server:get(Kv, 'lang').
//   ... add a `size` request to loop() below, then:
//   4> c(kv_server).
//   5> kv_server:get(Kv, 'lang').        % still there; answered by the old code, whose
//                                        % M.loop(...) call moves the server to the new one
//   6> Kv ! ['size', self()].            % the new request works, with the old state
import { spawn, receive, send, self, after, _, type Pid, type Receive } from 'eshell-ts';
import { moduleHandle } from 'eshell-ts';

const M = moduleHandle<typeof import('./kv_server')>('kv_server');

type Store = Record<string, unknown>;

/** Starts an empty store. */
export function start(): Pid {
  return spawn(M, 'loop', [{}]);
}

/** The server: answers `['put', from, key, value]`, `['get', from, key]`, `['keys', from]`. */
export function loop(store: Store): Receive {
  return receive(
    [['put', _, _, _], ([, from, key, value]) => {
      send(from as Pid, ['ok', key]);
      return M.loop({ ...store, [key as string]: value });
    }],
    [['get', _, _], ([, from, key]) => {
      send(from as Pid, key as string in store ? ['ok', store[key as string]] : ['error', 'not_found']);
      return M.loop(store);
    }],
    [['keys', _], ([, from]) => {
      send(from as Pid, ['ok', Object.keys(store)]);
      return M.loop(store);
    }],
    [_, () => M.loop(store)],
  );
}

/** Client side of put: sends the request, then waits (in the shell) for the reply. */
export function put(server: Pid, key: string, value: unknown) {
  send(server, ['put', self(), key, value]);
  return reply();
}

/** Client side of get. */
export function get(server: Pid, key: string) {
  send(server, ['get', self(), key]);
  return reply();
}

/** Client side of keys. */
export function keys(server: Pid) {
  send(server, ['keys', self()]);
  return reply();
}

function reply() {
  return receive(
    [['ok', _], (answer) => answer],
    [['error', _], (answer) => answer],
    after(1000, () => ['error', 'timeout']),
  );
}
