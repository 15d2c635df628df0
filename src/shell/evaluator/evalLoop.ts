// The evaluator: the process that runs what the user types, as Erlang's shell does. It is a
// trampolined loop like any server: it waits for an evaluation request and runs the compiled
// input inside its own steps (so a busy loop typed at the prompt can be interrupted like any
// runaway process). Input that has values to wait for (a call ending in a receive, a
// timer.sleep, a promise) is a generator yielding each of them where it occurs; the evaluator
// waits for each — in the receive itself, or suspended on the promise — and resumes the
// generator with the value, so effects happen in Erlang's order.
//
// An exception kills the evaluator, exactly like Eshell: the job's controller process (which
// traps exits) starts a new one with a new pid, and processes linked to the old one get the
// exit signal.

import type { Script } from 'node:vm';
import { receive, after, exit, _, Receive } from '../../index';
import { classify } from '../../runtime/errors';
import { intrinsicsRepairedMessage, restoreIntrinsics } from '../../runtime/intrinsics';
import { discardedReceive, markWaitedIn } from '../../runtime/receive';
import { AwaitThen, currentProcess, isThenable } from '../../runtime/scheduler';

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

/**
 * An input compiled as a generator (inputCompiler's wrapForSteps): it yields every value the
 * prompt must wait for, in the order Erlang evaluates them, and is resumed with the value.
 */
export class InputSteps {
  constructor(readonly generator: Generator<unknown, unknown, unknown>) {}
}

/** `__eshell.steps(function* () {…})`, called by compiled input. */
export function inputSteps(body: () => Generator<unknown, unknown, unknown>): InputSteps {
  return new InputSteps(body());
}

/** How a wait goes on: with the value, or with the exception in place of it. */
type Next = (fulfilled: boolean, value: unknown) => unknown;

function run(request: EvalRequest): unknown {
  let value: unknown;
  try {
    value = request.script.runInThisContext();
  } catch (thrown) {
    const repaired = restoreIntrinsics();
    return failed(request, repaired.length !== 0 ? new Error(intrinsicsRepairedMessage(repaired)) : thrown);
  }
  // Replacing what the runtime relies on (Array.prototype.push...) is undone, and the input
  // that did it fails, saying so.
  const repaired = restoreIntrinsics();
  if (repaired.length !== 0) return failed(request, new Error(intrinsicsRepairedMessage(repaired)));
  // A Proxy whose traps throw is still a value: looking at it must not fail the evaluation.
  if (isOpaque(value)) return reported(request, value);
  const report: Next = (fulfilled, result) => (fulfilled ? reported(request, result) : failed(request, result));
  if (value instanceof InputSteps) return drive(value.generator, report);
  if (isThenable(value) && !(value instanceof Receive) && !request.awaitsPromise && !isMarked(value)) {
    return reported(request, value); // a promise typed as a value prints as one
  }
  return waitFor(value, report);
}

/** Whether asking what `value` is (a receive, a promise, the input's steps) throws. */
function isOpaque(value: unknown): boolean {
  try {
    return !(value instanceof Receive || value instanceof InputSteps || isThenable(value) || true);
  } catch {
    return true;
  }
}

function reported(request: EvalRequest, value: unknown): Receive {
  leaveModuleCode();
  request.onValue(value);
  return evaluatorLoop();
}

function failed(request: EvalRequest, thrown: unknown): unknown {
  leaveModuleCode();
  const unbound = unboundVariable(thrown);
  if (unbound === undefined) return fail(request, thrown);
  request.onUnboundVariable(unbound);
  return evaluatorLoop();
}

/**
 * Runs the input's generator until it yields something to wait for, and leaves the process
 * waiting for it (a receive, or the promise); `next` gets the generator's result. The
 * generator runs in the evaluator's step, so a busy loop typed at the prompt stays
 * interruptible wherever it is in the input.
 */
function drive(generator: Generator<unknown, unknown, unknown>, next: Next, fulfilled = true, input?: unknown): unknown {
  let value = input;
  let ok = fulfilled;
  for (;;) {
    let result: IteratorResult<unknown, unknown>;
    try {
      result = ok ? generator.next(value) : generator.throw(value);
    } catch (thrown) {
      return next(false, thrown);
    }
    if (result.done) return next(true, result.value);
    value = result.value;
    ok = true;
    if (value instanceof Receive || value instanceof InputSteps || isThenable(value)) {
      return waitFor(value, (again, settled) => {
        leaveModuleCode();
        return drive(generator, next, again, settled);
      });
    }
    // A call that made a receive and did not return it (a forgotten `return`) is an error at
    // the prompt too, raised where the call is.
    const discarded = discardedReceive(currentProcess()!);
    if (discarded !== undefined) {
      ok = false;
      value = discarded;
    }
  }
}

/**
 * Waits for `value` where the prompt needs a value: a Receive is waited in (its handler's
 * result waited for in turn, as a process loop would), a promise waited for (the evaluator is
 * suspended outside any receive, so the async code behind it may receive as this process),
 * anything else is already a value.
 */
function waitFor(value: unknown, next: Next): unknown {
  if (value instanceof Receive) return waitIn(value, next);
  if (value instanceof InputSteps) return drive(value.generator, next); // e(N) of an input that waits
  if (isThenable(value)) return new AwaitThen(value, (fulfilled, settled) => (fulfilled ? waitFor(settled, next) : next(false, settled)));
  return next(true, value);
}

/** The same receive, with every handler's result (or exception) going to `next`. */
function waitIn(pending: Receive, next: Next): Receive {
  markWaitedIn(pending);
  const handled = (handler: (message?: unknown) => unknown) => (message?: unknown): unknown => {
    let value: unknown;
    try {
      value = handler(message);
    } catch (thrown) {
      return next(false, thrown);
    }
    return waitFor(value, next);
  };
  const clauses: unknown[] = [];
  for (const clause of pending.clauses) {
    if (clause === pending.after) continue;
    const [pattern, handler] = clause as [unknown, (m: unknown) => unknown];
    clauses.push([pattern, handled(handler)]);
  }
  if (pending.after) clauses.push(after(pending.after.ms, handled(pending.after.handler) as () => void));
  return (receive as (...c: unknown[]) => Receive)(...clauses);
}

/**
 * A module call that ended in a receive left the evaluator marked as running that module's
 * code; once its value is there the evaluator is back in the shell, and a purge of that
 * version must not take it for a process still running it.
 */
function leaveModuleCode(): void {
  const me = currentProcess();
  if (me !== undefined) me.leaveAllCode();
}

/**
 * A capitalised name JavaScript could not find is an unbound shell variable (Eshell reports
 * `variable 'X' is unbound` without running anything; here the input ran up to that point).
 */
function unboundVariable(thrown: unknown): string | undefined {
  if (!(thrown instanceof ReferenceError)) return undefined;
  return /^([A-Z][\w$]*) is not defined$/.exec(thrown.message)?.[1];
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
