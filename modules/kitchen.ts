// Lesson: a fridge process and the client functions that hide its messages, from Learn You
// Some Erlang's "More on Multiprocessing" chapter. The fridge keeps its food in the argument of
// its loop; `store` and `take` send a request and end in a receive for the reply, so at the
// prompt they read like ordinary calls whose value can be bound:
//
//   1> Fridge = kitchen:start(['baking_soda']).
//   2> kitchen:store(Fridge, 'water').
//   'ok'
//   3> ['ok', Food] = kitchen:take(Fridge, 'water').
//   4> kitchen:take(Fridge, 'juice').
//   'not_found'
//   5> kitchen:take2(pid(0, 250, 0), 'dog').     % nobody answers: 'timeout' after 3 s
//
// The second half is the chapter's selective receive: important() takes the high-priority
// messages (priority above 10) out of the mailbox first, then the others in arrival order.
import { spawn, receive, after, send, self, _, moduleHandle, type Pid, type Receive } from 'eshell-ts';

const M = moduleHandle<typeof import('./kitchen')>('kitchen');

type Food = string;

/** Starts a fridge holding `foods`. */
export function start(foods: Food[]): Pid {
  return spawn(M, 'fridge', [foods]);
}

/** The fridge: answers `[from, ['store', food]]` and `[from, ['take', food]]`; `'terminate'` stops it. */
export function fridge(foods: Food[]): Receive {
  return receive(
    [[_, ['store', _]], ([from, [, food]]) => {
      send(from as Pid, [self(), 'ok']);
      return M.fridge([food as Food, ...foods]);
    }],
    [[_, ['take', _]], ([from, [, food]]) => {
      const at = foods.indexOf(food as Food);
      if (at < 0) {
        send(from as Pid, [self(), 'not_found']);
        return M.fridge(foods);
      }
      send(from as Pid, [self(), ['ok', food]]);
      return M.fridge(foods.filter((_food, i) => i !== at));
    }],
    ['terminate', () => 'ok'],
  );
}

/** Puts `food` in the fridge; answers `'ok'`. Waits for the fridge's reply forever. */
export function store(fridgePid: Pid, food: Food) {
  send(fridgePid, [self(), ['store', food]]);
  return receive([[fridgePid, _], ([, reply]) => reply]);
}

/** Takes `food` out: `['ok', food]`, or `'not_found'`. Waits for the reply forever. */
export function take(fridgePid: Pid, food: Food) {
  send(fridgePid, [self(), ['take', food]]);
  return receive([[fridgePid, _], ([, reply]) => reply]);
}

/** store() that gives up after three seconds with `'timeout'`. */
export function store2(fridgePid: Pid, food: Food) {
  send(fridgePid, [self(), ['store', food]]);
  return receive([[fridgePid, _], ([, reply]) => reply], after(3000, () => 'timeout'));
}

/** take() that gives up after three seconds with `'timeout'`. */
export function take2(fridgePid: Pid, food: Food) {
  send(fridgePid, [self(), ['take', food]]);
  return receive([[fridgePid, _], ([, reply]) => reply], after(3000, () => 'timeout'));
}

const highPriority = (priority: unknown): priority is number => typeof priority === 'number' && priority > 10;

/**
 * Every `[priority, message]` waiting in the mailbox, high priorities (above 10) first, each
 * group in arrival order. Not tail recursive: each message waits for the rest of the list, so
 * the function is async and awaits its own receives.
 */
export async function important(): Promise<unknown[]> {
  const next = (await receive([[highPriority, _], ([, message]) => [message]], after(0, () => null))) as unknown[] | null;
  if (next === null) return normal();
  return [...next, ...(await important())];
}

/** Every `[_, message]` waiting in the mailbox, in arrival order. */
export async function normal(): Promise<unknown[]> {
  const next = (await receive([[_, _], ([, message]) => [message]], after(0, () => null))) as unknown[] | null;
  if (next === null) return [];
  return [...next, ...(await normal())];
}
