// Lesson 1: two processes and their mailboxes. `ping_pong:start(3)` spawns pong, then ping,
// which sends `['ping', self()]` three times and waits for each `'pong'` reply.
import { spawn, receive, send, self, io, _, type Pid } from 'eshell-ts';

/** Starts pong, then ping with `rounds` exchanges. Returns ping's pid. */
export function start(rounds = 3): Pid {
  const pong = spawn(pong_loop);
  return spawn(ping_loop, [rounds, pong]);
}

/** Sends a ping, waits for the pong, `rounds` times; then tells pong to finish. */
export function ping_loop(rounds: number, pong: Pid) {
  if (rounds === 0) {
    send(pong, 'finished');
    io.format('ping finished~n');
    return 'ok';
  }
  send(pong, ['ping', self()]);
  return receive([
    'pong',
    () => {
      io.format('ping received pong~n');
      return ping_loop(rounds - 1, pong);
    },
  ]);
}

/** Answers every `['ping', from]` with `'pong'` until told `'finished'`. */
export function pong_loop() {
  return receive(
    ['finished', () => {
      io.format('pong finished~n');
      return 'ok';
    }],
    [['ping', _], ([, from]) => {
      io.format('pong received ping~n');
      send(from as Pid, 'pong');
      return pong_loop();
    }],
  );
}
