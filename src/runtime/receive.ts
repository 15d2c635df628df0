// Selective receive. `receive(...)` neither blocks nor creates a promise: it returns a
// `Receive` descriptor. A process function (or handler) that *returns* one is suspended by the
// scheduler until a message matches — a trampoline, so `return loop(n + 1)` from a handler
// runs forever in constant stack and heap. `await receive(...)` works too (Receive is a
// thenable): the scheduler still runs the handler inside a batch, and its result settles
// the await.
import { ErlangException, badarg } from './errors';
import { _, matches, type Matched, type Pattern } from './patterns';
import type { Process } from './process';
import { callingProcess } from './caller';
import { suspendAwaiting } from './scheduler';

export { _, matches };
export type { Pattern, Matched };

/**
 * `[pattern, handler]`. Handlers are typed as returning `void` on purpose: TypeScript then
 * never needs a handler's return type to check a receive, so the canonical
 * `function loop(n) { return receive([_, () => loop(n + 1)]) }` compiles without annotations.
 */
export type Clause<P extends Pattern = Pattern> = readonly [P, (message: Matched<P>) => void];

type C<P extends Pattern> = readonly [P, (message: Matched<P>) => void];

type ClausesFor<Ps extends readonly Pattern[]> = {
  [K in keyof Ps]: readonly [Ps[K], (message: Matched<Ps[K]>) => void];
};

/** `after(ms, handler)`: runs `handler` when nothing matched within `ms` milliseconds. */
export class After {
  constructor(
    readonly ms: number,
    readonly handler: () => unknown,
  ) {}
}

export function after(ms: number, handler: () => void): After {
  if (typeof ms !== 'number' || !(ms >= 0)) {
    throw badarg(`after(): the timeout must be a number of milliseconds >= 0 or Infinity, got ${String(ms)}`);
  }
  if (typeof handler !== 'function') {
    throw badarg('after(): the second argument must be a handler function');
  }
  return new After(ms, handler as () => unknown);
}

/** A clause as the scheduler sees it: the pattern is matched, the handler called. */
export type AnyClause = readonly [pattern: unknown, handler: (message: unknown) => unknown];

interface Settle {
  resolve(value: unknown): void;
  reject(reason: unknown): void;
}

export class Receive<T = unknown> implements PromiseLike<T> {
  // Fields are assigned in the constructor, not declared with initializers: class-field
  // definitions cost measurably on this hot path (one Receive per loop iteration).
  /**
   * @internal The clause when the receive has exactly one and no after(): the usual loop
   * `receive([pattern, handler])` then needs no clause list at all.
   */
  declare readonly only: AnyClause | null;
  /** @internal Every clause, then the After if there is one; null when `only` is set. */
  declare readonly list: readonly unknown[] | null;
  /** @internal */
  declare readonly after: After | null;
  /** @internal The process that called receive(): the one an `await` suspends. */
  declare readonly owner: Process;
  /** @internal How many mailbox messages this receive has already tried (and kept). */
  declare scanned: number;
  /** @internal Set when the receive is awaited: the handler's result settles the await. */
  declare settle: Settle | null;

  /** @internal */
  constructor(only: AnyClause | null, list: readonly unknown[] | null, after: After | null, owner: Process) {
    this.only = only;
    this.list = list;
    this.after = after;
    this.owner = owner;
    this.scanned = 0;
    this.settle = null;
  }

  /** @internal `[pattern, handler]` pairs, then the After if there is one. */
  get clauses(): readonly unknown[] {
    return this.list ?? [this.only];
  }

  /**
   * The same receive, going on with `fn(result)` where `result` is what the matching
   * handler returned: `return gen_server.call(s, req).andThen((reply) => loop(reply))`. The
   * trampolined twin of `await`: no promise, and the process stays in the scheduler.
   */
  andThen<U>(fn: (result: T) => U): Receive<U> {
    return continueReceive(this, (produce) => fn(produce() as T)) as Receive<U>;
  }

  then<A = T, B = never>(
    onFulfilled?: ((value: T) => A | PromiseLike<A>) | null,
    onRejected?: ((reason: unknown) => B | PromiseLike<B>) | null,
  ): Promise<A | B> {
    return new Promise<T>((resolve, reject) => {
      this.settle = { resolve: resolve as (value: unknown) => void, reject };
      suspendAwaiting(this);
    }).then(onFulfilled, onRejected);
  }
}

// A clause list ending in after() gets one overload per length: TypeScript cannot infer each
// clause's pattern type through a variadic tuple with a trailing element.
export function receive(timeout: After): Receive;
export function receive<const P1 extends Pattern>(c1: C<P1>, timeout: After): Receive;
export function receive<const P1 extends Pattern, const P2 extends Pattern>(c1: C<P1>, c2: C<P2>, timeout: After): Receive;
export function receive<const P1 extends Pattern, const P2 extends Pattern, const P3 extends Pattern>(c1: C<P1>, c2: C<P2>, c3: C<P3>, timeout: After): Receive;
export function receive<const P1 extends Pattern, const P2 extends Pattern, const P3 extends Pattern, const P4 extends Pattern>(c1: C<P1>, c2: C<P2>, c3: C<P3>, c4: C<P4>, timeout: After): Receive;
export function receive<const P1 extends Pattern, const P2 extends Pattern, const P3 extends Pattern, const P4 extends Pattern, const P5 extends Pattern>(c1: C<P1>, c2: C<P2>, c3: C<P3>, c4: C<P4>, c5: C<P5>, timeout: After): Receive;
export function receive<const P1 extends Pattern, const P2 extends Pattern, const P3 extends Pattern, const P4 extends Pattern, const P5 extends Pattern, const P6 extends Pattern>(c1: C<P1>, c2: C<P2>, c3: C<P3>, c4: C<P4>, c5: C<P5>, c6: C<P6>, timeout: After): Receive;
export function receive<const Ps extends readonly Pattern[]>(...clauses: ClausesFor<Ps>): Receive;
/** More than six clauses before an after(): handlers are not typed from their patterns. */
export function receive(...clauses: readonly (readonly [Pattern, (message: any) => void] | After)[]): Receive;
export function receive(): Receive {
  // `arguments` rather than a rest parameter: when this call is inlined (the usual case) the
  // one-clause path allocates nothing but the Receive.
  const owner = callingProcess('receive()');
  const count = arguments.length;
  if (count === 1 && isClause(arguments[0])) return new Receive(arguments[0] as AnyClause, null, null, owner);
  if (count === 0) throw badarg('receive() needs at least one clause');
  const list: unknown[] = new Array(count);
  for (let i = 0; i < count; i++) list[i] = arguments[i];
  const last = count - 1;
  for (let i = 0; i < last; i++) {
    if (!isClause(list[i])) throw badClause(list[i], i);
  }
  const final = list[last];
  if (isClause(final)) return new Receive(null, list, null, owner);
  if (final instanceof After) return new Receive(null, list, final, owner);
  throw badClause(final, last);
}

function isClause(clause: unknown): boolean {
  return Array.isArray(clause) && clause.length === 2 && typeof clause[1] === 'function';
}

function badClause(clause: unknown, index: number): ErlangException {
  if (clause instanceof After) return badarg('after() must be the last clause of a receive');
  return badarg(
    `receive() clause ${index + 1} must be a [pattern, handler] pair (handler a function), got ${describe(clause)}`,
  );
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  return value === null ? 'null' : typeof value;
}

/**
 * The same receive, with each handler's result (and the after handler's) handed to `next` as
 * a thunk: `next` decides what the process does with it (another receive, a value, a throw).
 * This is how code that waits goes on with what it received without blocking: the shell
 * binds a variable to a call's reply, a gen_server finishes a callback that waited.
 */
export function continueReceive(pending: Receive, next: (produce: () => unknown) => unknown): Receive {
  const clauses: unknown[] = [];
  for (const clause of pending.clauses) {
    if (clause === pending.after) continue;
    const [pattern, handler] = clause as AnyClause;
    clauses.push([pattern, (message: unknown) => next(() => handler(message))]);
  }
  if (pending.after !== null) {
    const { ms, handler } = pending.after;
    clauses.push(after(ms, () => next(handler) as void));
  }
  return (receive as (...c: unknown[]) => Receive)(...clauses);
}

/**
 * Marks a receive whose handlers are library code, such as the wait for a call's reply: a
 * module function that returns it has finished with its module's code, so the caller is not
 * taken for a process still running that version when the module is reloaded (and purged).
 * The mark is the owner's last such receive (a field, not a WeakSet: this is on every call).
 */
export function releasesCode<R extends Receive>(r: R): R {
  r.owner.extras().codeReleasingReceive = r;
  return r;
}

export function isReleasingCode(value: unknown): boolean {
  return value instanceof Receive && value.owner.ext?.codeReleasingReceive === value;
}
