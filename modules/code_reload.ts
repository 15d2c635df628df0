// The classic Erlang hot code loading demo, in TypeScript.
//
// A server counts the messages a client sends it once a second. It ships with a bug: the
// counter never moves. Fix the line marked below while both processes run, type
// `c(code_reload).` in the shell, and watch the same server (same pid) start counting.
import { spawn, receive, after, self, send, io, erlang, moduleHandle, _, type Pid } from 'eshell-ts';

// Calls through M are remote calls: they always enter the newest loaded version of this
// module. That is where a running process picks up new code.
const M = moduleHandle<typeof import('./code_reload')>('code_reload');

/** Starts the server process, counting from 0. */
export function start_server(): Pid {
  return spawn(M, 'server_loop', [0]);
}

/** The server: prints every `[from, message]` it gets, stops on `[from, 'quit']`. */
export function server_loop(count: number) {
  return receive(
    [[_, 'quit'], ([from]) => {
      io.fwrite('Received quit command from ~p~n', [from]);
      return 'ok';
    }],
    [[_, _], ([from, message]) => {
      io.fwrite('~p: Server ~p received message ~p from ~p~n', [count, self(), message, from]);
      return M.server_loop(count); // BUG: the count never moves; fix it to count + 1
    }],
    [_, () => {
      throw 'unexpected_message';
    }],
  );
}

/** Starts a client that sends the server a timestamp every second. */
export function start_client(serverPid: Pid): Pid {
  return spawn(M, 'client_loop', [serverPid]);
}

/** The client: waits a second for `[from, 'quit']`, otherwise sends `[self(), now()]`. */
export function client_loop(serverPid: Pid) {
  return receive(
    [[_, 'quit'], ([from]) => {
      io.fwrite('Received quit command from ~p~n', [from]);
      return 'ok';
    }],
    after(1000, () => {
      send(serverPid, [self(), erlang.now()]);
      return M.client_loop(serverPid);
    }),
  );
}
