// The evaluator: the process that runs what the user types, as Erlang's shell does. It is a
// trampolined loop like any server: it waits for an evaluation request, runs the compiled
// input synchronously inside its own step (so a busy loop typed at the prompt can be
// interrupted like any runaway process), and when the value is a `Receive` or a promise the
// shell must wait for, it waits in a receive of its own, then reports and loops.
//
// An exception kills the evaluator, exactly like Eshell: the job's controller process (which
// traps exits) starts a new one with a new pid, and processes linked to the old one get the
// exit signal.

import type { Script } from 'node:vm';
import { receive, after, send, self, exit, _, Receive } from '../../index';
import { classify } from '../../runtime/errors';
import { isThenable } from '../../runtime/scheduler';
import { intrinsicsRepairedMessage, restoreIntrinsics } from '../../runtime/intrinsics';

/** Tags the shell's own messages; user code never builds these by accident. */
export const EVAL_REQUEST = Symbol('eshell-ts.eval');
const AWAITED = Symbol('eshell-ts.awaited');

export interface EvalRequest {
  readonly script: Script;
  /** The compiled input awaits the promise it evaluates to (top-level await, built-ins). */
  readonly awaitsPromise: boolean;
  onValue(value: unknown): void;
  /** The evaluation threw `thrown` (the evaluator dies with it). */
  onException(thrown: unknown): void;
  /** The input used a variable that is not bound: Eshell refuses it and nothing dies. */
  onUnboundVariable(name: string): void;
}

/** Built-ins that finish asynchronously (like `c/1`) mark their promise so the shell waits. */
export function awaitedByShell<T>(promise: Promise<T>): Promise<T> {
  (promise as unknown as Record<symbol, boolean>)[AWAITED] = true;
  return promise;
}

export function evaluatorLoop(): Receive {
  return receive([[EVAL_REQUEST, _], ([, request]) => run(request as EvalRequest)]);
}

function run(request: EvalRequest): unknown {
  let value: unknown;
  try {
    value = request.script.runInThisContext();
  } catch (thrown) {
    const repaired = restoreIntrinsics();
    if (repaired.length !== 0) return fail(request, new Error(intrinsicsRepairedMessage(repaired)));
    const unbound = unboundVariable(thrown);
    if (unbound === undefined) return fail(request, thrown);
    request.onUnboundVariable(unbound);
    return evaluatorLoop();
  }
  // Replacing what the runtime relies on (Array.prototype.push...) is undone, and the input
  // that did it fails, saying so.
  const repaired = restoreIntrinsics();
  if (repaired.length !== 0) return fail(request, new Error(intrinsicsRepairedMessage(repaired)));
  return settle(request, value);
}

/**
 * A capitalised name JavaScript could not find is an unbound shell variable (Eshell reports
 * `variable 'X' is unbound` without running anything; here the input ran up to that point).
 */
function unboundVariable(thrown: unknown): string | undefined {
  if (!(thrown instanceof ReferenceError)) return undefined;
  return /^([A-Z][\w$]*) is not defined$/.exec(thrown.message)?.[1];
}

/** Waits for `value` when the shell must (a receive, an awaited promise), then reports it. */
function settle(request: EvalRequest, value: unknown): unknown {
  const kind = kindOf(value, request);
  if (kind === 'receive') return continueAfter(value as Receive, request);
  if (kind === 'promise') return awaitPromise(value as PromiseLike<unknown>, request);
  request.onValue(value);
  return evaluatorLoop();
}

/** A Proxy whose traps throw is still a value: looking at it must not fail the evaluation. */
function kindOf(value: unknown, request: EvalRequest): 'receive' | 'promise' | 'value' {
  try {
    if (value instanceof Receive) return 'receive';
    if (isThenable(value) && (request.awaitsPromise || isMarked(value))) return 'promise';
  } catch {
    // a trap threw: not a receive, not a promise we can wait for
  }
  return 'value';
}

/** The same receive, with every handler's result fed back into `settle`. */
function continueAfter(pending: Receive, request: EvalRequest): Receive {
  const step = (produce: () => unknown): unknown => {
    let value: unknown;
    try {
      value = produce();
    } catch (thrown) {
      return fail(request, thrown);
    }
    return settle(request, value);
  };
  const clauses: unknown[] = [];
  for (const clause of pending.clauses) {
    if (clause === pending.after) continue;
    const [pattern, handler] = clause as [unknown, (m: unknown) => unknown];
    clauses.push([pattern, (message: unknown) => step(() => handler(message))]);
  }
  if (pending.after) {
    const { ms, handler } = pending.after;
    clauses.push(after(ms, () => step(handler) as void));
  }
  return (receive as (...c: unknown[]) => Receive)(...clauses);
}

const PROMISE_SETTLED = Symbol('eshell-ts.settled');

function awaitPromise(promise: PromiseLike<unknown>, request: EvalRequest): Receive {
  const me = self();
  const token = Symbol('evaluation'); // a literal in the pattern below: matches only itself
  promise.then(
    (value) => send(me, [PROMISE_SETTLED, token, true, value]),
    (reason) => send(me, [PROMISE_SETTLED, token, false, reason]),
  );
  return receive([
    [PROMISE_SETTLED, token, _, _],
    ([, , fulfilled, value]) => (fulfilled ? settle(request, value) : fail(request, value)),
  ]);
}

function fail(request: EvalRequest, thrown: unknown): never {
  const { reason } = classify(thrown);
  request.onException(thrown);
  // The evaluator dies with the exception, as in Eshell; the controller starts a new one.
  return exit(reason) as never;
}

function isMarked(value: object): boolean {
  return (value as Record<symbol, unknown>)[AWAITED] === true;
}
