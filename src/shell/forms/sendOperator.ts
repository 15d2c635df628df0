// Eshell's send operator `Pid ! Msg` shares its character with TypeScript's non-null
// assertion (`x!.y`) and logical not (`!x`); which one a `!` is depends on its neighbours.

import { isStatementHead } from './groupRoles.js';
import { isGroup, tokenOf, type Item } from './tree.js';
import { adjacent, isOperandEndToken } from './vocabulary.js';

/** After `x!` these make the `!` TypeScript's non-null assertion, not a send. */
const NON_NULL_FOLLOWING_WORDS = new Set(['as', 'satisfies', 'in', 'instanceof']);
/** Prefix operators that may start a message: `Pid ! !flag`, `Pid ! ~mask`. */
const PREFIX_PUNCTUATORS = new Set(['!', '~', '++', '--']);

export type SendVerdict = 'send' | 'none' | 'missing-message';

/** Is the `!` at items[k] Eshell's send? Binary when an operand ends before it and something
 *  that can start a message follows; `x!.y`, `x!)`, `x! as T`, `f!(a)` are TypeScript's
 *  non-null assertion. A spaced `Pid !` with nothing after it is a send missing its message. */
export function sendVerdict(items: readonly Item[], k: number, to: number): SendVerdict {
  const bang = tokenOf(items[k])!;
  const before = items[k - 1]!;
  if (!isOperandEnd(items, k - 1)) return 'none';
  const next = k + 1 < to ? items[k + 1]! : undefined;
  if (!next) return adjacent(before, bang) ? 'none' : 'missing-message';
  const nextToken = tokenOf(next);
  if (nextToken?.kind === 'punctuator') {
    if (nextToken.text === '+' || nextToken.text === '-') {
      // `Pid ! -1` sends; `x! - 1` subtracts from a non-null x.
      const after = k + 2 < to ? items[k + 2] : undefined;
      return after && adjacent(nextToken, after) ? 'send' : 'none';
    }
    return PREFIX_PUNCTUATORS.has(nextToken.text) ? 'send' : 'none';
  }
  if (nextToken?.kind === 'identifier' && NON_NULL_FOLLOWING_WORDS.has(nextToken.text)) return 'none';
  const callsOrIndexes = isGroup(next, '(') || isGroup(next, '[') || next.type === 'template' || nextToken?.kind === 'template';
  if (callsOrIndexes && adjacent(before, bang) && adjacent(bang, next)) return 'none';
  return 'send';
}

function isOperandEnd(items: readonly Item[], index: number): boolean {
  const item = items[index];
  if (!item) return false;
  if (item.type === 'token') return isOperandEndToken(item.token);
  if (item.type === 'template') return true;
  return !isStatementHead(items, index);
}
