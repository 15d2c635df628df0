// Erlang's `catch Expr` at the prompt (the forms turn it into `__eshell.catch(() => (Expr))`).
// As in Erlang: the value of Expr; for a throw, the thrown value; for an exit,
// ['EXIT', Reason]; for an error, ['EXIT', [Reason, Stack]] (here the stack is the user's
// `at …` frames). A process already hit by an exit signal is not saved by a catch
// (`catch exit(self(), kill)` still ends the evaluator with `killed`).

import { classify } from '../../runtime/errors';
import { currentProcess } from '../../runtime/scheduler';
import { EXITED, EXITING } from '../../runtime/process';
import { userFrames } from '../../io/exception';

export function catchForm(body: () => unknown): unknown {
  // A body with values to wait for comes as a generator function (see the forms' DELEGATE_MARKER):
  // the input's generator delegates to what this returns, and its waits happen inside the try.
  if (isGeneratorFunction(body)) return catchSteps(body);
  try {
    return body();
  } catch (thrown) {
    return caught(thrown);
  }
}

function* catchSteps(body: () => Generator<unknown, unknown, unknown>): Generator<unknown, unknown, unknown> {
  try {
    return yield* body();
  } catch (thrown) {
    return caught(thrown);
  }
}

function caught(thrown: unknown): unknown {
  const proc = currentProcess();
  if (proc && (proc.state === EXITING || proc.state === EXITED)) throw thrown;
  const { kind, reason } = classify(thrown);
  if (kind === 'throw') return reason;
  if (kind === 'exit') return ['EXIT', reason];
  return ['EXIT', [reason, thrown instanceof Error ? userFrames(thrown) : []]];
}

function isGeneratorFunction(fn: unknown): fn is () => Generator<unknown, unknown, unknown> {
  return typeof fn === 'function' && Object.prototype.toString.call(fn) === '[object GeneratorFunction]';
}

/**
 * Runs a generator through without waiting, each yielded value handed straight back: where an
 * input cannot run as the evaluator's generator, it still runs (see inputCompiler).
 */
export function drainSteps(steps: Iterator<unknown, unknown, unknown>): unknown {
  let next = steps.next();
  while (!next.done) next = steps.next(next.value);
  return next.value;
}
