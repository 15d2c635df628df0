// Cutting a level into statements (at `;` and where JavaScript would insert one) and a
// statement into comma-separated segments (Eshell's `X = 1, Y = 2` sequences, arguments,
// array elements) — without cutting inside TypeScript type arguments (`new Map<K, V>()`).

import { firstToken, isGroup, isPunct, tokenOf, type Item } from './tree.js';
import { CONTINUING_WORDS, isOperandEndToken } from './vocabulary.js';
import { isStatementHead, type LevelRole } from './groupRoles.js';

export type Range = [from: number, to: number];

/** Statements of items[from, to): separated by `;`, and — in statement levels — by a line
 *  break after an operand before a word or literal (automatic semicolon insertion). */
export function splitStatements(items: readonly Item[], role: LevelRole): Range[] {
  const statements: Range[] = [];
  const allowImplicit = role === 'top' || role === 'block';
  let from = 0;
  for (let k = 0; k < items.length; k++) {
    if (isPunct(items[k], ';')) {
      statements.push([from, k]);
      from = k + 1;
    } else if (allowImplicit && k > from && endsStatementBefore(items, k)) {
      statements.push([from, k]);
      from = k;
    }
  }
  statements.push([from, items.length]);
  return statements.filter(([a, b]) => b > a);
}

function endsStatementBefore(items: readonly Item[], k: number): boolean {
  const next = items[k]!;
  const nextToken = tokenOf(next);
  if (!firstToken(next).newlineBefore) return false;
  if (nextToken) {
    const startsStatement = nextToken.kind === 'identifier' ? !CONTINUING_WORDS.has(nextToken.text)
      : nextToken.kind === 'number' || nextToken.kind === 'string' || nextToken.kind === 'private'
        || (nextToken.kind === 'template' && nextToken.templatePart === 'full');
    if (!startsStatement) return false;
  } else if (!isGroup(next, '{')) {
    // `(` and `[` on a new line continue the previous expression in JavaScript.
    return false;
  }
  const previous = items[k - 1]!;
  const previousToken = tokenOf(previous);
  if (previousToken) {
    return isOperandEndToken(previousToken) || previousToken.text === '++' || previousToken.text === '--';
  }
  return !isStatementHead(items, k - 1);
}

/** Segments of items[from, to) between depth-0 commas, skipping the commas of type argument
 *  lists. Empty segments (holes, trailing commas) are kept so positions stay meaningful. */
export function splitSegments(items: readonly Item[], from: number, to: number): Range[] {
  const segments: Range[] = [];
  let start = from;
  for (let k = from; k < to; k++) {
    if (isPunct(items[k], '<')) {
      const end = typeArgumentsEnd(items, k, to);
      if (end !== undefined) k = end;
    } else if (isPunct(items[k], ',')) {
      segments.push([start, k]);
      start = k + 1;
    }
  }
  segments.push([start, to]);
  return segments;
}

const TYPE_PUNCTUATORS = new Set([',', '.', '|', '&', '?', ':', '=>', '[', ']', '-']);
const CLOSING_ANGLES: Record<string, number> = { '>': 1, '>>': 2, '>>>': 3 };
const TYPE_ARGUMENTS_LOOKAHEAD = 100;

/** If items[k] (`<`) opens type arguments of a call (`f<A, B>(…)`, `new Map<K, V>()`), the
 *  index of the closing `>`. */
function typeArgumentsEnd(items: readonly Item[], k: number, to: number): number | undefined {
  const callee = tokenOf(items[k - 1]);
  if (callee?.kind !== 'identifier' || callee.end !== items[k]!.start) return undefined;
  let depth = 1;
  const limit = Math.min(to, k + TYPE_ARGUMENTS_LOOKAHEAD);
  for (let j = k + 1; j < limit; j++) {
    const item = items[j]!;
    const token = tokenOf(item);
    if (isPunct(item, '<')) depth++;
    else if (token?.kind === 'punctuator' && CLOSING_ANGLES[token.text]) {
      depth -= CLOSING_ANGLES[token.text]!;
      if (depth < 0) return undefined;
      if (depth === 0) {
        const after = items[j + 1];
        const callsOrTags = isGroup(after, '(') || (tokenOf(after)?.kind === 'template') || after?.type === 'template';
        return callsOrTags ? j : undefined;
      }
    } else if (token && !(token.kind === 'identifier' || token.kind === 'string' || token.kind === 'number'
      || (token.kind === 'punctuator' && TYPE_PUNCTUATORS.has(token.text)))) {
      return undefined;
    }
  }
  return undefined;
}
