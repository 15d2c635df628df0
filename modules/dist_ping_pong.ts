// Lesson: ping-pong between two nodes (Erlang's "Getting Started", distributed programming).
// pong is registered under a name on its node; ping, on another node, reaches it as
// `['pong', pongNode]` and sends its own pid, to which pong answers. The messages are the
// same as those of modules/dist_ping_pong.erl, so either side can be a real Erlang node:
//
//   $ eshell-ts -sname pong -setcookie demo     $ erl -sname ping -setcookie demo
//   (pong@host)1> dist_ping_pong:start_pong().  (ping@host)1> dist_ping_pong:start_ping('pong@host').
import { spawn, register, receive, send, self, io, _, type Pid } from 'eshell-ts';

/** Registers pong on this node. */
export function start_pong(): true {
  return register('pong', spawn(pong));
}

/** Starts ping here, playing three rounds against the pong on `pongNode`. */
export function start_ping(pongNode: string): Pid {
  return spawn(ping, [3, pongNode]);
}

export function ping(rounds: number, pongNode: string) {
  if (rounds === 0) {
    send(['pong', pongNode], 'finished');
    io.format('ping finished~n');
    return 'ok';
  }
  send(['pong', pongNode], ['ping', self()]);
  return receive([
    'pong',
    () => {
      io.format('Ping received pong~n');
      return ping(rounds - 1, pongNode);
    },
  ]);
}

export function pong() {
  return receive(
    ['finished', () => {
      io.format('Pong finished~n');
      return 'ok';
    }],
    [['ping', _], ([, from]: [string, Pid]) => {
      io.format('Pong received ping~n');
      send(from, 'pong');
      return pong();
    }],
  );
}
