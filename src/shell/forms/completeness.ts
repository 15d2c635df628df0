// Enter: evaluate, or show a continuation prompt? The terminal thread asks on every Enter, so
// this is one linear pass over the tokens with a bracket stack — no parsing.
//
// Incomplete means "more is obviously coming": an open bracket, template literal or block
// comment, a trailing operator (`=`, Eshell's `!`, `,`, `=>`, ...), a statement head still
// waiting for its body (`if (x)`). Anything else, including plain syntax errors, is complete so
// that the evaluator can print the error instead of leaving the user stuck at `..>`.

import { tokenize, type Token } from './tokenizer.js';
import { CLOSING_BRACKET, HEAD_KEYWORDS, isIdentifier, isMemberAccess, isOperandEndToken, isPunctuator } from './vocabulary.js';

/** A trailing one of these means the expression goes on. `>`, `>>` and `>>>` are missing on
 *  purpose: they close TypeScript generics (`let m: Map<K, Array<V>>`). `.` is missing too:
 *  a trailing `.` is Eshell's terminator. */
const CONTINUING_PUNCTUATORS = new Set([
  '=', '+=', '-=', '*=', '/=', '%=', '**=', '<<=', '>>=', '>>>=', '&=', '|=', '^=', '&&=',
  '||=', '??=', '=>', '==', '!=', '===', '!==', '<', '<=', '>=', '+', '-', '*', '/', '%', '**',
  '<<', '&', '|', '^', '&&', '||', '??', '?', ':', ',', '!', '~', '?.', '...', '@',
]);

const CONTINUING_WORDS = new Set([
  'typeof', 'instanceof', 'in', 'new', 'delete', 'void', 'await', 'yield', 'extends', 'else',
  'do', 'throw', 'case', 'const', 'var', 'function', 'class', 'if', 'for', 'while', 'switch',
  'try', 'catch', 'finally',
]);

interface OpenBracket {
  closer: string;
  /** The significant token before the opener, to recognise `if (`…`)` heads. */
  before: Token | undefined;
  beforeThat: Token | undefined;
}

export function isComplete(source: string): boolean {
  const stack: OpenBracket[] = [];
  let last: Token | undefined;
  let beforeLast: Token | undefined;
  let lastClosed: OpenBracket | undefined;

  for (const token of tokenize(source)) {
    if (token.kind === 'comment') {
      if (!token.terminated) return false;
      continue;
    }
    if (!token.terminated) {
      if (token.kind === 'template') return false;
      if (token.kind === 'string') return !endsWithLineContinuation(source, token);
      return true;
    }
    lastClosed = undefined;
    if (token.kind === 'template') {
      if (token.templatePart === 'middle' || token.templatePart === 'tail') {
        if (stack.pop()?.closer !== '${') return true;
      }
      if (token.templatePart === 'head' || token.templatePart === 'middle') {
        stack.push({ closer: '${', before: undefined, beforeThat: undefined });
      }
    } else if (token.kind === 'punctuator') {
      const closer = CLOSING_BRACKET[token.text];
      if (closer) {
        stack.push({ closer, before: last, beforeThat: beforeLast });
      } else if (token.text === ')' || token.text === ']' || token.text === '}') {
        const open = stack.pop();
        // Closing brackets in excess or crossed: a syntax error for the evaluator to report.
        if (open?.closer !== token.text) return true;
        lastClosed = open;
      }
    }
    beforeLast = last;
    last = token;
  }

  // `foo(.` — a `.` that cannot be a property access is Eshell's terminator typed before the
  // brackets were closed: complete, so the user sees the syntax error instead of `..`.
  if (stack.length > 0) return isPunctuator(last, '.') && !(beforeLast && isOperandEndToken(beforeLast));
  if (!last) return true;
  if (last.kind === 'punctuator') {
    if (last.text === ')' && lastClosed && isStatementHead(lastClosed)) return false;
    return !CONTINUING_PUNCTUATORS.has(last.text);
  }
  if (last.kind === 'identifier' && CONTINUING_WORDS.has(last.text)) {
    // `map.delete` is a property, not the operator.
    return isMemberAccess(beforeLast);
  }
  return true;
}

/** `if (x)`, `for (…)`, `while (x)` — but not the `while (x)` that ends `do { } while (x)`,
 *  and `catch (e)` only after a try block: elsewhere it is Erlang's `catch Expr`. */
function isStatementHead(open: OpenBracket): boolean {
  const keyword = open.before;
  if (!isIdentifier(keyword) || !HEAD_KEYWORDS.has(keyword!.text)) return false;
  if (keyword!.text === 'catch') return isPunctuator(open.beforeThat, '}');
  return !(keyword!.text === 'while' && isPunctuator(open.beforeThat, '}'));
}

/** A backslash right before the end of the input, not itself escaped: the user continues the
 *  string on the next line. */
function endsWithLineContinuation(source: string, token: Token): boolean {
  if (token.end !== source.length) return false;
  let i = token.end - 1;
  // The terminal may hand over the line with its line break still attached.
  while (i > token.start && (source.charCodeAt(i) === 10 || source.charCodeAt(i) === 13)) i--;
  let backslashes = 0;
  for (; i > token.start && source.charCodeAt(i) === 0x5c; i--) backslashes++;
  return backslashes % 2 === 1;
}
