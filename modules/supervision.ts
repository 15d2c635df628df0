// Lesson 4: links and a crash. A worker dies; its linked partner dies with it; a supervisor
// that traps exits gets an `['EXIT', pid, reason]` message instead, and starts a new worker.
//
//   1> S = supervision:start().
//   2> supervision:crash_worker(S).     % the worker and its partner die; S restarts both
//   3> i().
import { spawn, spawn_link, receive, send, self, io, process_flag, exit, _, type Pid } from 'eshell-ts';

/** Starts a supervisor that keeps one worker (with a linked partner) running. */
export function start(): Pid {
  return spawn(supervisor);
}

/** Asks the supervisor which worker runs now, and tells that worker to crash. */
export function crash_worker(supervisorPid: Pid) {
  send(supervisorPid, ['which_worker', self()]);
  return receive([['worker', _], ([, worker]) => {
    send(worker as Pid, 'crash');
    return worker;
  }]);
}

/** Traps exits, starts a worker, and restarts it whenever it dies. */
export function supervisor() {
  process_flag('trap_exit', true);
  return supervise(start_worker(), 0);
}

function supervise(worker: Pid, restarts: number): unknown {
  return receive(
    [['which_worker', _], ([, from]) => {
      send(from as Pid, ['worker', worker]);
      return supervise(worker, restarts);
    }],
    [['EXIT', worker, _], ([, , reason]) => {
      io.format('supervisor: worker ~p died (~p), restart #~b~n', [worker, reason, restarts + 1]);
      return supervise(start_worker(), restarts + 1);
    }],
    [['EXIT', _, _], () => supervise(worker, restarts)],
  );
}

function start_worker(): Pid {
  return spawn_link(() => {
    spawn_link(partner); // dies with the worker: linked, not trapping exits
    return work();
  });
}

/** Waits for 'crash', then crashes with a bad match. */
export function work() {
  return receive(['crash', () => {
    io.format('worker ~p: crashing~n', [self()]);
    exit(['badmatch', 'crash']);
  }]);
}

/** A partner process that lives as long as the worker it is linked to. */
export function partner() {
  return receive([_, () => partner()]);
}
