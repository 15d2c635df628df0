// Lesson 3: a ring of processes. `ring:start(1000, 100)` builds 1000 processes, each
// forwarding a token to the next, and sends the token round 100 times.
import { spawn, receive, send, self, io, erlang, _, type Pid } from 'eshell-ts';

/** Builds a ring of `size` processes and passes a token `rounds` times around it. */
export function start(size = 1000, rounds = 100) {
  const started = erlang.monotonic_time();
  const first = self();
  let next: Pid = first;
  for (let i = 1; i < size; i++) next = spawn(node, [next]);
  send(next, ['token', size * rounds - 1]);
  return receive([['token', _], ([, left]) => relay(next, left as number, started, size * rounds)]);
}

/** One link of the ring: forwards every token, stops after passing on the last one. */
export function node(next: Pid) {
  return receive([['token', _], ([, left]) => {
    send(next, ['token', (left as number) - 1]);
    return (left as number) > 0 ? node(next) : 'done';
  }]);
}

function relay(next: Pid, left: number, started: number, hops: number): unknown {
  if (left <= 0) {
    const ms = (erlang.monotonic_time() - started) / 1e6;
    io.format('~b hops in ~.1f ms (~.2f M hops/s)~n', [hops, ms, hops / ms / 1000]);
    return ['ok', hops];
  }
  send(next, ['token', left - 1]);
  return receive([['token', _], ([, rest]) => relay(next, rest as number, started, hops)]);
}
