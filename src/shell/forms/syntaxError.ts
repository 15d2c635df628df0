// Eshell-style syntax error messages: `1:5: syntax error before: ')'`. The evaluator prints
// them after `* `, as Eshell does (`* 1:5: syntax error before: ')'`).

import type { Token } from './tokenizer.js';

/** Raised inside the transform to abandon it; transformInput turns it into a result. */
export class FormSyntaxError extends Error {
  constructor(readonly offset: number, readonly detail: string) {
    super(detail);
  }
}

/** `line:column: detail`, both 1-based, columns in UTF-16 code units like the tokenizer. */
export function formatSyntaxError(source: string, offset: number, detail: string): string {
  let line = 1;
  let lineStart = 0;
  const limit = Math.min(offset, source.length);
  for (let i = 0; i < limit; i++) {
    const code = source.charCodeAt(i);
    if (code === 10 || code === 0x2028 || code === 0x2029 || (code === 13 && source.charCodeAt(i + 1) !== 10)) {
      line++;
      lineStart = i + 1;
    }
  }
  return `${line}:${offset - lineStart + 1}: ${detail}`;
}

/** How Erlang names the offending token: punctuation quoted, other tokens as written. */
function describeToken(token: Token | undefined): string {
  if (!token) return 'end of input';
  const text = oneLine(token.text.length > 30 ? `${token.text.slice(0, 27)}...` : token.text);
  return token.kind === 'punctuator' ? `'${text}'` : text;
}

/** Messages are one line: control characters and line breaks from the input are escaped. */
function oneLine(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f\u2028\u2029]/g, (char) => ESCAPES[char] ?? `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

const ESCAPES: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

export function syntaxErrorBefore(token: Token | undefined, endOffset: number): FormSyntaxError {
  return new FormSyntaxError(token ? token.start : endOffset, `syntax error before: ${describeToken(token)}`);
}

/** Problems the tokenizer flags on single tokens (unterminated literals, stray characters). */
export function tokenProblem(token: Token): FormSyntaxError | undefined {
  if (token.kind === 'invalid') return new FormSyntaxError(token.start, 'illegal character');
  if (token.terminated) return undefined;
  switch (token.kind) {
    case 'string': {
      const body = oneLine(token.text.slice(1, 16));
      return new FormSyntaxError(token.start, `unterminated string starting with ${token.text[0]}${body}${token.text[0]}`);
    }
    case 'template':
      return new FormSyntaxError(token.start, 'unterminated template literal');
    case 'regex':
      return new FormSyntaxError(token.start, 'unterminated regular expression');
    case 'comment':
      return new FormSyntaxError(token.start, 'unterminated comment');
    default:
      return undefined;
  }
}
