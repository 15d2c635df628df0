// What a bracketed group is, judged from its neighbours on the same level — the transform
// needs to know whether `{` opens an object literal (where `a:b(1)` is a property, not a
// remote call) or a block, and whether `(` holds parameters (where `(a:number) => a` is a
// type annotation) or an expression.

import { isGroup, isMemberAccessItem, isPropertyKey, isPunct, isWord, tokenOf, type GroupItem, type Item } from './tree.js';
import { HEAD_KEYWORDS, RESERVED_WORDS } from './vocabulary.js';

/** How the inside of a group (or the whole input) is read:
 *  top        — the input itself: statements, Eshell sequences and pattern matches;
 *  block      — statements (block, function body, class body);
 *  expression — comma-separated expressions (arguments, array elements, `${…}`, `if (…)`);
 *  object     — object literal entries (`key: value`);
 *  verbatim   — parameters and types: left exactly as typed. */
export type LevelRole = 'top' | 'block' | 'expression' | 'object' | 'verbatim';

export interface GroupRole {
  role: LevelRole;
  /** a function body: `await` inside it is not top-level */
  functionBody: boolean;
  /** the condition of `if (…)`, `while (…)`…: not a call, not an operand */
  statementHead: boolean;
}

const BLOCK_AFTER_WORDS = new Set(['else', 'do', 'try', 'finally', 'catch', 'static']);
/** How far to look for the `=>` or body after a return type annotation `(…): T`. */
const RETURN_TYPE_LOOKAHEAD = 64;

export function classifyGroup(items: readonly Item[], index: number, levelRole: LevelRole, statementStart: boolean): GroupRole {
  const group = items[index] as GroupItem;
  switch (group.open.text) {
    case '(':
      if (isStatementHead(items, index)) return { role: 'expression', functionBody: false, statementHead: true };
      if (isParameterList(items, index, levelRole)) return { role: 'verbatim', functionBody: false, statementHead: false };
      return { role: 'expression', functionBody: false, statementHead: false };
    case '{':
      return classifyBrace(items, index, levelRole, statementStart);
    default:
      return { role: 'expression', functionBody: false, statementHead: false };
  }
}

/** `if (…)`, `for (…)`, `while (…)`, `switch (…)`, `with (…)`, and `catch (…)` after a try
 *  block (elsewhere `catch (…)` is Erlang's `catch Expr`, see isErlangCatch). */
export function isStatementHead(items: readonly Item[], index: number): boolean {
  const before = tokenOf(items[index - 1]);
  if (!isGroup(items[index], '(') || before?.kind !== 'identifier' || !HEAD_KEYWORDS.has(before.text)) return false;
  if (before.text === 'catch') return isGroup(items[index - 2], '{');
  return !isMemberAccessItem(items[index - 2]);
}

/** Erlang's `catch Expr` at item k: the word `catch` neither after a try block nor a property. */
export function isErlangCatch(items: readonly Item[], k: number): boolean {
  return isWord(items[k], 'catch') && !isGroup(items[k - 1], '{') && !isMemberAccessItem(items[k - 1]);
}

/** A parameter list: of an arrow (`(a) =>`, `(a): T =>`), a function (`function f(a)`) or a
 *  method (`m(a) { … }`, `m(a): T { … }` in a class body or object literal). */
function isParameterList(items: readonly Item[], index: number, levelRole: LevelRole): boolean {
  if (!isGroup(items[index], '(') || isStatementHead(items, index)) return false;
  const next = items[index + 1];
  if (isPunct(next, '=>')) return true;
  if (isGroup(next, '{')) return true;
  const before = items[index - 1];
  if (isWord(before, 'function')) return true;
  if (isWord(before) || isPunct(before, '*')) {
    const beforeThat = items[index - 2];
    if (isWord(beforeThat, 'function') || isPunct(beforeThat, '*')) return true;
  }
  if (isPunct(next, ':')) {
    const afterType = scanReturnType(items, index + 2);
    if (afterType === 'arrow') return true;
    if (afterType === 'body') return levelRole === 'block' || levelRole === 'object' || isWord(items[index - 2], 'function');
  }
  return false;
}

/** Looks past a return type annotation for what it annotates. */
function scanReturnType(items: readonly Item[], from: number): 'arrow' | 'body' | undefined {
  const limit = Math.min(items.length, from + RETURN_TYPE_LOOKAHEAD);
  for (let j = from; j < limit; j++) {
    const item = items[j]!;
    if (isPunct(item, '=>')) return 'arrow';
    if (isGroup(item, '{') && j > from) return 'body';
    if (isPunct(item, ',') || isPunct(item, ';') || isPunct(item, '=') || isPunct(item, '?')) return undefined;
  }
  return undefined;
}

function classifyBrace(items: readonly Item[], index: number, levelRole: LevelRole, statementStart: boolean): GroupRole {
  const block = (functionBody: boolean): GroupRole => ({ role: 'block', functionBody, statementHead: false });
  const object: GroupRole = { role: 'object', functionBody: false, statementHead: false };
  const before = items[index - 1];

  if (statementStart || before === undefined || isPunct(before, ';')) {
    if (levelRole === 'top') return looksLikeObjectLiteral(items[index] as GroupItem) ? object : block(false);
    if (levelRole === 'block') return block(false);
    if (before === undefined || isPunct(before, ';')) return object;
  }
  if (isGroup(before, '(')) {
    return isStatementHead(items, index - 1) ? block(false) : block(true);
  }
  if (isPunct(before, '=>')) return block(true);
  if (followsReturnType(items, index, levelRole)) return block(true);
  const word = tokenOf(before);
  if (word?.kind === 'identifier') {
    if (BLOCK_AFTER_WORDS.has(word.text)) return block(false);
    // `class A {`, `class A extends B {`: a name right before `{` is a declaration head.
    if (!RESERVED_WORDS.has(word.text)) return block(false);
    return object;
  }
  // `class A<T> {` and blocks after blocks
  if (isPunct(before, '>') || isGroup(before, '{')) return block(false);
  return object;
}

/** `(…): T {` — the brace is the body after a return type annotation. */
function followsReturnType(items: readonly Item[], index: number, levelRole: LevelRole): boolean {
  const limit = Math.max(0, index - RETURN_TYPE_LOOKAHEAD);
  for (let j = index - 1; j > limit; j--) {
    const item = items[j]!;
    if (isPunct(item, ':')) return isGroup(items[j - 1], '(') && isParameterList(items, j - 1, levelRole);
    if (isPunct(item, ',') || isPunct(item, ';') || isPunct(item, '=') || isPunct(item, '=>') || isPunct(item, '?')) return false;
  }
  return false;
}

/** At the start of the input, `{ a: 1 }` is an object (as in Node's REPL), `{ let x }` a block. */
export function looksLikeObjectLiteral(group: GroupItem): boolean {
  const [first, second] = group.items;
  if (first === undefined) return true;
  if (isPunct(first, '...')) return true;
  if (!isPropertyKey(first)) return false;
  if (isPunct(second, ':')) return true;
  const firstToken = tokenOf(first);
  return firstToken?.kind === 'identifier' && !RESERVED_WORDS.has(firstToken.text)
    && (second === undefined || isPunct(second, ','));
}
