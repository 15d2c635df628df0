// Selective receive. `receive(...)` neither blocks nor creates a promise: it returns a
// `Receive` descriptor. A process function (or handler) that *returns* one is suspended by the
// scheduler until a message matches — a trampoline, so `return loop(n + 1)` from a handler
// runs forever in constant stack and heap. `await receive(...)` works too (Receive is a
// thenable): the scheduler still runs the handler inside a batch, and its result settles
// the await.
import { ErlangException, badarg, describeArgument as describe } from './errors';
import { _, matches, type Matched, type Pattern } from './patterns';
import type { Process } from './process';
import { callingProcess } from './caller';
import { isThenable, suspendAwaiting } from './scheduler';

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

export interface Settle {
  resolve(value: unknown): void;
  reject(reason: unknown): void;
}

/** The receive made last: when its process's step ends, it must have been waited in (see discardedReceive). */
let lastCreated: Receive | null = null;

export class Receive<T = unknown> implements PromiseLike<T> {
  // Fields are assigned in the constructor, not declared with initializers: class-field
  // definitions cost measurably on this hot path (one Receive per loop iteration).
  /**
   * @internal With one clause (and an after() or not), the usual loop `receive([pattern,
   * handler])`: its pattern and handler, taken out of the clause so that a waiting process
   * keeps no clause array. With several, `handler` is null and `pattern` holds the clause list
   * (every clause, then the After if there is one): one field for both keeps every waiting
   * process 8 bytes smaller.
   */
  declare readonly pattern: unknown;
  /** @internal */
  declare readonly handler: ((message: unknown) => unknown) | null;
  /** @internal */
  declare readonly after: After | null;
  /** @internal The process that called receive(): the one an `await` suspends. */
  declare readonly owner: Process;
  /**
   * @internal How many mailbox messages this receive has already tried (and kept); -1 until
   * the receive is waited in (returned to the scheduler or awaited). An awaited receive is
   * recorded on its owner (`ProcessExtras.awaited`), not here: few receives are awaited.
   */
  declare scanned: number;

  /** @internal */
  constructor(
    pattern: unknown,
    handler: ((message: unknown) => unknown) | null,
    after: After | null,
    owner: Process,
  ) {
    this.pattern = pattern;
    this.handler = handler;
    this.after = after;
    this.owner = owner;
    this.scanned = -1;
  }

  /** @internal `[pattern, handler]` pairs, then the After if there is one. */
  get clauses(): readonly unknown[] {
    if (this.handler === null) return this.pattern as readonly unknown[];
    const clause = [this.pattern, this.handler];
    return this.after === null ? [clause] : [clause, this.after];
  }

  /**
   * The same receive, going on with `fn(result)` where `result` is what the matching
   * handler returned: `return gen_server.call(s, req).andThen((reply) => loop(reply))`. The
   * trampolined twin of `await`: no promise, and the process stays in the scheduler.
   */
  andThen<U>(fn: (result: T) => U): Receive<U> {
    return continueReceive(this, (produce) => fn(produce() as T)) as Receive<U>;
  }

  /** Erlang-style, never the internals: `#Receive<<0.84.0>, 2 clauses, after 3000>`. */
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return describeReceive(this);
  }

  toString(): string {
    return describeReceive(this);
  }

  then<A = T, B = never>(
    onFulfilled?: ((value: T) => A | PromiseLike<A>) | null,
    onRejected?: ((reason: unknown) => B | PromiseLike<B>) | null,
  ): Promise<A | B> {
    return new Promise<T>((resolve, reject) => {
      suspendAwaiting(this, { resolve: resolve as (value: unknown) => void, reject });
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
  // `arguments` rather than a rest parameter: when this call is inlined (the usual case) a
  // single clause, with or without an after(), allocates nothing but the Receive.
  const owner = callingProcess('receive()');
  const count = arguments.length;
  if (count <= 2) {
    // isClause spelled out: this is the hot path, and the call was not always inlined.
    const first = arguments[0];
    if (Array.isArray(first) && first.length === 2) {
      const handler = first[1];
      if (typeof handler === 'function') {
        if (count === 1) return (lastCreated = new Receive(first[0], handler, null, owner));
        const timeout = arguments[1];
        if (timeout instanceof After) return (lastCreated = new Receive(first[0], handler, timeout, owner));
      }
    }
  }
  if (count === 0) throw badarg('receive() needs at least one clause');
  const list: unknown[] = new Array(count);
  for (let i = 0; i < count; i++) list[i] = arguments[i];
  const last = count - 1;
  for (let i = 0; i < last; i++) {
    if (!isClause(list[i])) throw badClause(list[i], i);
  }
  const final = list[last];
  if (isClause(final)) return (lastCreated = new Receive(list, null, null, owner));
  if (final instanceof After) return (lastCreated = new Receive(list, null, final, owner));
  throw badClause(final, last);
}

/** Where a function was written (`kitchen.ts:48`), found by the code layer; see setFunctionLocator. */
type FunctionLocator = (fn: Function) => string | undefined;
let locateFunction: FunctionLocator = () => undefined;

/** Installed by the code server, which knows the loaded modules' code and source maps. */
export function setFunctionLocator(locator: FunctionLocator): void {
  locateFunction = locator;
}

/** Something (the shell's evaluator) waits in `r` on its owner's behalf. */
export function markWaitedIn(r: Receive): void {
  if (r.scanned < 0) r.scanned = 0;
}

/**
 * Called when a step of `proc` ends without leaving a receive to wait in: a receive `proc`
 * made and neither returned nor awaited is a forgotten `return`, which Erlang's syntax cannot
 * even express. It fails loudly, naming where the receive was written.
 */
export function discardedReceive(proc: Process): ErlangException | undefined {
  const r = lastCreated;
  if (r === null || r.owner !== proc || r.scanned >= 0 || r.owner.ext?.awaited === r) return undefined;
  lastCreated = null;
  const first = r.clauses[0];
  const handler = first instanceof After ? first.handler : (first as AnyClause)[1];
  const where = locateFunction(handler);
  return new ErlangException(
    'error',
    'discarded_receive',
    `the receive()${where ? ` at ${where}` : ''} was neither returned nor awaited, so the process never waited in it` +
      ' (return receive(...), or await it in an async function)',
  );
}

function describeReceive(r: Receive): string {
  const clauses = r.clauses.length - (r.after === null ? 0 : 1);
  const timeout = r.after === null ? '' : `, after ${r.after.ms}`;
  return `#Receive<${String(r.owner.pid)}, ${clauses} clause${clauses === 1 ? '' : 's'}${timeout}>`;
}

function isClause(clause: unknown): clause is AnyClause {
  return Array.isArray(clause) && clause.length === 2 && typeof clause[1] === 'function';
}

function badClause(clause: unknown, index: number): ErlangException {
  if (clause instanceof After) return badarg('after() must be the last clause of a receive');
  return badarg(
    `receive() clause ${index + 1} must be a [pattern, handler] pair (handler a function), got ${describe(clause)}`,
  );
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

/**
 * Whether a module function that returned `value` leaves its process in the module's code: a
 * receive to wait in (one whose handlers are the module's, not releasesCode's) or a promise.
 */
export function staysInCode(value: unknown): boolean {
  if (value instanceof Receive) return value.owner.ext?.codeReleasingReceive !== value;
  return isThenable(value);
}
