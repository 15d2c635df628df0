// Lesson: errors and processes, after "Learn You Some Erlang", chapter "Errors and Processes"
// (its linkmon.erl). Links spread a death, trap_exit turns it into a message, monitors watch
// without dying, and a restarter keeps a named server alive.
//
//   1> link(spawn(linkmon, 'chain', [3])).           % true; 2 s later the chain dies, and the
//   ** exception error: 'chain dies here'            % link takes the shell's evaluator with it
//   2> process_flag('trap_exit', true).              % now an exit is a message
//   3> spawn_link(linkmon, 'myproc').                % exits with 'reason' after 5 s
//   4> erlang:monitor('process', spawn(() => timer.sleep(500))).
//   5> linkmon:start_critic2().                      % a critic registered as 'critic'
//   6> linkmon:judge2('Johnny Crash', 'The Token Ring of Fire').
//   7> exit(whereis('critic'), 'kill').              % the restarter starts a new critic
//   8> linkmon:judge2('Johnny Crash', 'The Token Ring of Fire').
//   9> flush().                                      % the 'DOWN' and the 'EXIT' messages
import {
  spawn, spawn_link, spawn_monitor, link, receive, after, send, self, exit, register, whereis,
  process_flag, erlang, timer, moduleHandle, _, type Pid, type Ref,
} from 'eshell-ts';

const M = moduleHandle<typeof import('./linkmon')>('linkmon');

/** Lives five seconds, then exits with the reason 'reason': link to it and watch. */
export function myproc() {
  return receive(after(5000, () => exit('reason')));
}

/**
 * Builds a chain of n + 1 processes, each linked to the next; the last one dies after two
 * seconds ("chain dies here") and the links take every other one, and the caller, with it.
 */
export function chain(n: number): unknown {
  if (n === 0) {
    return receive(
      [_, () => 'ok'],
      after(2000, () => exit('chain dies here')),
    );
  }
  const next = spawn(() => chain(n - 1));
  link(next);
  return receive([_, () => 'ok']);
}

/**
 * A monitor instead of a link: the watcher does not die, it gets
 * ['DOWN', ref, 'process', pid, reason] when the watched process ends.
 */
export function watch() {
  const [pid, ref] = spawn_monitor(() => timer.sleep(500));
  return receive(
    [['DOWN', ref, 'process', pid, _], ([, , , , reason]) => ['down', pid, reason]],
    after(2000, () => 'timeout'),
  );
}

// ---- a critic, and one that is restarted ------------------------------------------------------

/** Starts the first critic: unnamed, so its clients need its pid. */
export function start_critic(): Pid {
  return spawn(M, 'critic');
}

/** Asks the critic at `pid` about an album; 'timeout' if it does not answer in two seconds. */
export function judge(pid: Pid, band: string, album: string) {
  send(pid, [self(), [band, album]]);
  return receive(
    [[pid, _], ([, criticism]) => criticism],
    after(2000, () => 'timeout'),
  );
}

/** The critic's opinion of an album. */
function opinion(band: string, album: string): string {
  if (band === 'Rage Against the Turing Machine' && album === 'Unit Testify') return 'They are great!';
  if (band === 'System of a Downtime' && album === 'Memoize') return "They're not Johnny Crash but they're good.";
  if (band === 'Johnny Crash' && album === 'The Token Ring of Fire') return 'Simply incredible.';
  return 'They are terrible!';
}

const isText = (x: unknown): x is string => typeof x === 'string';

export function critic(): unknown {
  return receive([[_, [isText, isText]], ([from, [band, album]]) => {
    send(from as Pid, [self(), opinion(band, album)]);
    return critic();
  }]);
}

/**
 * Starts a restarter: it traps exits, starts the critic linked to itself and registers it as
 * 'critic'. When the critic dies of anything but 'normal' or 'shutdown', a new one takes the
 * name: clients that call it by name never notice.
 */
export function start_critic2(): Pid {
  return spawn(M, 'restarter');
}

export function restarter(): unknown {
  process_flag('trap_exit', true);
  const pid = spawn_link(M, 'critic2');
  register('critic', pid);
  return receive(
    [['EXIT', pid, 'normal'], () => 'ok'], // not a crash
    [['EXIT', pid, 'shutdown'], () => 'ok'], // stopped on purpose, not a crash
    [['EXIT', pid, _], () => restarter()],
  );
}

/**
 * Asks the critic registered as 'critic'. The reference matches the answer to this question:
 * a critic restarted in between cannot be recognised by its pid, the reference still works.
 */
export function judge2(band: string, album: string) {
  const ref: Ref = erlang.make_ref();
  send('critic', [self(), ref, [band, album]]);
  return receive(
    [[ref, _], ([, criticism]) => criticism],
    after(2000, () => 'timeout'),
  );
}

export function critic2(): unknown {
  return receive([[_, _, [isText, isText]], ([from, ref, [band, album]]) => {
    send(from as Pid, [ref, opinion(band, album)]);
    return critic2();
  }]);
}

/** The pid registered as 'critic' now (it changes at each restart). */
export function critic_pid(): Pid | undefined {
  return whereis('critic');
}
