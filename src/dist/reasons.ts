// Exit reasons as another node sees them: Erlang shapes for what ended a TypeScript process.
import { ErlangException, exitReasonOf } from '../runtime/errors';
import { isErlangStack } from '../runtime/stackFrames';
import { charlist, List } from '../runtime/terms';

/**
 * The exit reason another node sees. A crash's reason is `[reason, stack]` (exitReasonOf);
 * on the wire the stack is Erlang's list of `{M, F, Arity, [{file, "f"}, {line, N}]}`, an
 * undef names the missing function first as erl does (`{undef, [{M, F, Arity, []} | ...]}`),
 * and a JavaScript Error, which has no term, is `{'Error', <<"message">>}` (its class name and
 * message). Anything thrown (an exception object) is first made the reason its process
 * would exit with.
 */
export function erlangReason(reason: unknown): unknown {
  if (reason instanceof ErlangException) return erlangReason(exitReasonOf(reason));
  if (reason instanceof Error) return [reason.name, Buffer.from(reason.message)];
  if (isCrashReason(reason)) {
    const [inner, stack] = reason as [unknown, unknown[][]];
    const frames = stack.map(([module, fn, arity, location]) => [module, fn, arity, erlangLocation(location)]);
    const undef = undefCall(inner);
    if (undef !== undefined) return ['undef', new List([[...undef, new List([])], ...frames])];
    return [erlangReason(inner), new List(frames)];
  }
  return reason;
}

function isCrashReason(reason: unknown): boolean {
  return Array.isArray(reason) && reason.length === 2 && isErlangStack(reason[1]);
}

function erlangLocation(location: unknown): List {
  const pairs = Array.isArray(location) ? location : [];
  return new List(pairs.map((pair) => (Array.isArray(pair) && pair[0] === 'file' && typeof pair[1] === 'string' ? ['file', charlist(pair[1])] : pair)));
}

/** `[module, fn, arity]` when `reason` is a module handle's undef (`['undef', [m, f, arity]]`). */
export function undefCall(reason: unknown): [string, string, number] | undefined {
  if (!Array.isArray(reason) || reason[0] !== 'undef' || reason.length !== 2 || !Array.isArray(reason[1])) return undefined;
  const [module, fn, arity] = reason[1] as unknown[];
  return typeof module === 'string' && typeof fn === 'string' && typeof arity === 'number' ? [module, fn, arity] : undefined;
}
