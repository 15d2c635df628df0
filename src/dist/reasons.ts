// Exit reasons as another node sees them: Erlang shapes for what ended a TypeScript process.
import { ErlangException } from '../runtime/errors';
import { List } from '../runtime/terms';

/**
 * The exit reason another node sees. A process that crashed with an error exits, in Erlang,
 * with `{Reason, Stack}`, and with `{{nocatch, Value}, Stack}` for an uncaught throw; a
 * JavaScript Error becomes `{'Error', <<"message">>}` (its class name and message).
 */
export function erlangReason(reason: unknown): unknown {
  if (reason instanceof ErlangException) {
    if (reason.kind === 'exit') return erlangReason(reason.reason);
    const undef = undefCall(reason.reason);
    if (undef !== undefined) return ['undef', new List([[...undef, new List([])]])];
    const inner = reason.kind === 'throw' ? ['nocatch', reason.reason] : erlangReason(reason.reason);
    return [inner, new List([])];
  }
  if (reason instanceof Error) return [[reason.name, Buffer.from(reason.message)], new List([])];
  return reason;
}


/** `[module, fn, arity]` when `reason` is a module handle's undef (`['undef', [m, f, arity]]`). */
export function undefCall(reason: unknown): [string, string, number] | undefined {
  if (!Array.isArray(reason) || reason[0] !== 'undef' || reason.length !== 2 || !Array.isArray(reason[1])) return undefined;
  const [module, fn, arity] = reason[1] as unknown[];
  return typeof module === 'string' && typeof fn === 'string' && typeof arity === 'number' ? [module, fn, arity] : undefined;
}
