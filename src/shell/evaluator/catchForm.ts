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
  try {
    return body();
  } catch (thrown) {
    const proc = currentProcess();
    if (proc && (proc.state === EXITING || proc.state === EXITED)) throw thrown;
    const { kind, reason } = classify(thrown);
    if (kind === 'throw') return reason;
    if (kind === 'exit') return ['EXIT', reason];
    return ['EXIT', [reason, thrown instanceof Error ? userFrames(thrown) : []]];
  }
}
