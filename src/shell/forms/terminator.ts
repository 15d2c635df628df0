// Eshell's terminator: a `.` followed by white space or the end of the input ends a form
// (`X = 1.`). In TypeScript a `.` is also member access, so a `.` only terminates at bracket
// depth 0, after an operand, and — when more input follows — only when white space separates
// it from something that starts a new expression (`1. 2.` is two forms, `a\n  .b()` is one).
// Known limit: a chain written with the dot at the end of the line (`foo.\n  bar()`) is read
// as two forms, as Erlang would.

import { significantTokens, tokenize, type Token } from './tokenizer.js';
import { CONTINUING_WORDS, isOperandEndToken } from './vocabulary.js';

const EXPRESSION_START_PUNCTUATORS = new Set(['(', '[', '{', '!', '~', '@']);

/** Splits the input into its forms, each with its terminator (the last may lack one). The
 *  pieces concatenate back to `source`. One form (the usual case) gives `[source]`. */
export function splitForms(source: string): string[] {
  const tokens = significantTokens(tokenize(source));
  const ends = formEnds(tokens);
  if (ends.length === 0) return [source];
  const forms: string[] = [];
  let formStart = 0;
  for (const end of ends) {
    forms.push(source.slice(formStart, end));
    formStart = end;
  }
  const rest = source.slice(formStart);
  // Trailing blanks or comments belong to the last form; anything else is one more form.
  if (tokens.some((token) => token.start >= formStart)) forms.push(rest);
  else forms[forms.length - 1] += rest;
  return forms;
}

/** Offsets just after each terminator that more input follows. */
export function formEnds(tokens: readonly Token[]): number[] {
  const ends: number[] = [];
  let depth = 0;
  for (let i = 0; i < tokens.length; i++) {
    depth += depthChange(tokens[i]!);
    if (depth !== 0) continue;
    const end = midInputTerminatorEnd(tokens, i);
    if (end !== undefined) ends.push(end);
  }
  return ends;
}

/** Removes the final terminator from a form's significant tokens (`X = 1.` → `X = 1`,
 *  `1.5.` → `1.5`), returning the token it removed or shortened. */
export function stripTerminator(tokens: Token[]): { tokens: Token[]; terminator?: Token } {
  const last = tokens[tokens.length - 1];
  if (!last) return { tokens };
  if (last.kind === 'punctuator' && last.text === '.') {
    return { tokens: tokens.slice(0, -1), terminator: last };
  }
  if (isNumberWithTerminator(last)) {
    const shortened: Token = { ...last, text: last.text.slice(0, -1), end: last.end - 1 };
    return { tokens: [...tokens.slice(0, -1), shortened], terminator: last };
  }
  return { tokens };
}

/** Where the form ends if tokens[index] terminates a form that more input follows. */
function midInputTerminatorEnd(tokens: readonly Token[], index: number): number | undefined {
  const token = tokens[index]!;
  const next = tokens[index + 1];
  if (!next || next.start === token.end || !startsExpression(next)) return undefined;
  if (isNumberWithTerminator(token)) return token.end;
  if (token.kind === 'punctuator' && token.text === '.') {
    const previous = tokens[index - 1];
    if (previous && isOperandEndToken(previous)) return token.end;
  }
  return undefined;
}

/** `1.` at the end of a form: the tokenizer reads the terminator as the number's decimal point. */
function isNumberWithTerminator(token: Token): boolean {
  return token.kind === 'number' && token.text.length > 1 && token.text.endsWith('.');
}

function startsExpression(token: Token): boolean {
  switch (token.kind) {
    case 'identifier':
      return !CONTINUING_WORDS.has(token.text);
    case 'punctuator':
      return EXPRESSION_START_PUNCTUATORS.has(token.text);
    case 'template':
      return token.templatePart === 'full' || token.templatePart === 'head';
    case 'comment':
    case 'invalid':
      return false;
    default:
      return true;
  }
}

/** How `token` changes the nesting depth: brackets, and a template literal's `${ … }`. */
export function depthChange(token: Token): number {
  if (token.kind === 'punctuator') {
    if (token.text === '(' || token.text === '[' || token.text === '{') return 1;
    if (token.text === ')' || token.text === ']' || token.text === '}') return -1;
    return 0;
  }
  if (token.kind === 'template') {
    if (token.templatePart === 'head') return 1;
    if (token.templatePart === 'tail') return -1;
  }
  return 0;
}
