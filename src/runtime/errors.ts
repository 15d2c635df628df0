import { erlangStack } from './stackFrames';

// Erlang's three classes of exception, carried by one JavaScript error type so that the
// shell and crash reports can print them as Eshell does (`** exception error: ...`).
// A plain `throw value` of a non-Error in user code is Erlang's `throw` class; a JavaScript
// Error thrown by user code is the `error` class with that Error as its reason.

export type ExceptionClass = 'error' | 'exit' | 'throw';

export class ErlangException extends Error {
  constructor(
    readonly kind: ExceptionClass,
    readonly reason: unknown,
    message?: string,
  ) {
    super(message ?? defaultMessage(kind, reason));
    this.name = 'ErlangException';
  }
}

/** How an error message names a bad argument: its shape, never its whole value. */
export function describeArgument(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  return typeof value === 'string' ? `'${value}'` : typeof value;
}

/** Raises an exception of class `error` (Erlang's `erlang:error/1`). */
export function error(reason: unknown, message?: string): never {
  throw new ErlangException('error', reason, message);
}

/** Erlang's `badarg` error, with a message saying which argument was wrong and why. */
export function badarg(message: string): ErlangException {
  return new ErlangException('error', 'badarg', message);
}

/** The class and reason Erlang would see for anything thrown by user code. */
export function classify(thrown: unknown): { kind: ExceptionClass; reason: unknown } {
  if (thrown instanceof ErlangException) return { kind: thrown.kind, reason: thrown.reason };
  if (thrown instanceof Error) return { kind: 'error', reason: thrown };
  return { kind: 'throw', reason: thrown };
}

/**
 * The message an ErlangException gets when it is raised without one. The exception printer
 * compares against it to tell an explanation given by the raiser from this restatement.
 */
export function defaultMessage(kind: ExceptionClass, reason: unknown): string {
  return `${kind}: ${describeReason(reason)}`;
}

function describeReason(reason: unknown): string {
  if (typeof reason === 'string') return reason;
  try {
    return JSON.stringify(reason) ?? String(reason);
  } catch {
    return String(reason);
  }
}

/**
 * The exit reason of a process that let `thrown` escape, as Erlang builds it: the reason of an
 * `exit` exception (exit(reason) raises one); `[reason, stack]` for an error (a JavaScript
 * Error is its own reason); `[['nocatch', value], stack]` for a throw. The stack is Erlang's
 * list of `[module, function, arity, [['file', f], ['line', n]]]` frames.
 */
export function exitReasonOf(thrown: unknown): unknown {
  const { kind, reason } = classify(thrown);
  if (kind === 'exit') return reason;
  return [kind === 'throw' ? ['nocatch', reason] : reason, erlangStack(thrown)];
}

/** Reasons that end a process quietly: normal, shutdown and ['shutdown', _]. */
export function isNormalExit(reason: unknown): boolean {
  return (
    reason === 'normal' ||
    reason === 'shutdown' ||
    (Array.isArray(reason) && reason.length === 2 && reason[0] === 'shutdown')
  );
}
