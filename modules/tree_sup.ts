// Lesson 6: a supervision tree. tree_sup supervises three tree_worker servers, `first`,
// `second` and `third`, started in that order. Crash one and watch which ones the strategy
// restarts (compare the pids before and after):
//
//   1> tree_sup:start('one_for_one').     % or 'one_for_all', 'rest_for_one'
//   2> tree_sup:pids().
//   3> tree_sup:crash('second').          % a SUPERVISOR REPORT, then the restart
//   4> tree_sup:pids().                   % one_for_one: only second is new
//   5> tree_sup:stop().                   % children stop last-started first
//
// With 'simple_one_for_one' the tree starts empty and `tree_sup:add('w1')` starts workers
// from one template. More than 3 restarts within 10 seconds and the supervisor gives up: it
// stops its children and exits with `shutdown`.
import { supervisor, gen_server, unlink, whereis, timer, moduleHandle, type Pid, type SupervisorBehaviour, type ChildSpec } from 'eshell-ts';

const M = moduleHandle<typeof import('./tree_sup')>('tree_sup');
M satisfies SupervisorBehaviour<Strategy>;
const worker = moduleHandle<typeof import('./tree_worker')>('tree_worker');

type Strategy = 'one_for_one' | 'one_for_all' | 'rest_for_one' | 'simple_one_for_one';

const NAMES = ['first', 'second', 'third'];

/** Starts the tree, registered as tree_sup. Unlinked from the shell, so a shell error does not take it down. */
export function start(strategy: Strategy = 'one_for_one') {
  const result = supervisor.start_link(['local', 'tree_sup'], M, strategy);
  if (result !== 'ignore' && result[0] === 'ok') unlink(result[1]);
  return result;
}

export function init(strategy: Strategy) {
  const flags = { strategy, intensity: 3, period: 10 };
  if (strategy === 'simple_one_for_one') {
    const template: ChildSpec = { id: 'worker', start: [worker, 'start_link', []], restart: 'permanent' };
    return ['ok', [flags, [template]]] as const;
  }
  const children: ChildSpec[] = NAMES.map((name) => ({ id: name, start: [worker, 'start_link', [name]] }));
  return ['ok', [flags, children]] as const;
}

/** `[name, pid]` for each worker. */
export function pids(): [string, Pid | 'undefined'][] {
  return NAMES.map((name) => [name, whereis(name) ?? 'undefined']);
}

/** Makes worker `name` crash, and gives the supervisor a moment to restart it. */
export function crash(name: string) {
  gen_server.cast(name, 'crash');
  return timer.sleep(20);
}

/** simple_one_for_one: starts another worker named `name`. */
export function add(name: string) {
  return supervisor.start_child('tree_sup', [name]);
}

/** Stops the tree: the children stop in reverse start order, then the supervisor. */
export function stop() {
  return gen_server.stop('tree_sup', 'shutdown');
}
