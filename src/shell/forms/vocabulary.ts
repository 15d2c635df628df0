// Word lists and small predicates shared by the completeness check, the transform and the
// completer: what counts as a keyword, an operand, an Eshell variable.

import { RESERVED_WORDS } from '../../code/moduleName.js';
import type { Token } from './tokenizer.js';

export { RESERVED_WORDS, isModuleName } from '../../code/moduleName.js';

const OPERAND_WORDS = new Set(['this', 'super', 'true', 'false', 'null']);

/** Keywords whose parenthesised group is a statement head, not a call: `if (…)`. */
export const HEAD_KEYWORDS = new Set(['if', 'for', 'while', 'with', 'switch', 'catch']);

/** Words that start a statement (or declaration) rather than an expression. Such inputs are
 *  not Eshell sequences: no pattern matching, no comma splitting. */
export const STATEMENT_KEYWORDS = new Set([
  'const', 'let', 'var', 'using', 'function', 'class', 'if', 'for', 'while', 'do', 'switch',
  'try', 'return', 'throw', 'break', 'continue', 'import', 'export', 'debugger', 'with',
]);

/** TypeScript declarations with no runtime expression worth transforming; contextual, so only
 *  when followed by a name (`type = 1` is an ordinary assignment). */
export const TYPE_DECLARATION_WORDS = new Set([
  'type', 'interface', 'enum', 'namespace', 'module', 'declare', 'abstract',
]);

/** Words that continue the expression before them (`a\n in b`, `x as T`), so a line break or
 *  a `.` before them ends nothing. `extends`/`implements` can only follow a class's name. */
export const CONTINUING_WORDS = new Set(['in', 'instanceof', 'as', 'satisfies', 'of', 'extends', 'implements']);

/** Words that declare variables: the evaluator makes the top-level ones global. */
export const VARIABLE_DECLARATION_WORDS = new Set(['const', 'let', 'var']);

/** Words followed by the name of a value they declare: the variables, functions and classes,
 *  and the TypeScript declarations that exist at run time. */
export const DECLARING_WORDS = new Set([...VARIABLE_DECLARATION_WORDS, 'function', 'class', 'enum', 'namespace']);

/** Each opening bracket and the bracket that closes it. */
export const CLOSING_BRACKET: Readonly<Record<string, string>> = { '(': ')', '[': ']', '{': '}' };

export function isPunctuator(token: Token | undefined, text?: string): boolean {
  return token !== undefined && token.kind === 'punctuator' && (text === undefined || token.text === text);
}

export function isIdentifier(token: Token | undefined, text?: string): boolean {
  return token !== undefined && token.kind === 'identifier' && (text === undefined || token.text === text);
}

/** `.` or `?.`: the name after it is a property, never a variable, a module or a keyword. */
export function isMemberAccess(token: Token | undefined): boolean {
  return isPunctuator(token, '.') || isPunctuator(token, '?.');
}

/** Could `token` be the last token of an operand (so a following `!` is binary)? */
export function isOperandEndToken(token: Token): boolean {
  switch (token.kind) {
    case 'identifier':
      return !RESERVED_WORDS.has(token.text) || OPERAND_WORDS.has(token.text);
    case 'private':
    case 'number':
    case 'string':
    case 'regex':
      return true;
    case 'template':
      return token.templatePart === 'full' || token.templatePart === 'tail';
    case 'punctuator':
      return token.text === ')' || token.text === ']' || token.text === '}';
    default:
      return false;
  }
}

/** Eshell variables start with a capital letter, or an underscore and a capital letter
 *  (`_Ignored`). A lone `_` is the wildcard, not a variable. */
export function isVariableName(name: string): boolean {
  return /^_?\p{Lu}[\p{ID_Continue}$\u200C\u200D]*$/u.test(name);
}


/** True when the two tokens touch: not even a space between them. */
export function adjacent(left: { end: number }, right: { start: number }): boolean {
  return left.end === right.start;
}
