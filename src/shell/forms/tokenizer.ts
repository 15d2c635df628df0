// A small JavaScript/TypeScript tokenizer, good enough for what a person types at the shell
// prompt. It runs on every keystroke that ends a line (isComplete) and on every evaluation, so
// it is linear in the input and never throws: characters it does not understand become
// 'invalid' tokens, and unterminated literals are reported through `terminated`.

export type TokenKind =
  | 'identifier' // names and keywords alike: keywords are contextual in TS, callers decide
  | 'private' // #name
  | 'number'
  | 'string'
  | 'template' // one piece of a template literal, see `templatePart`
  | 'regex'
  | 'punctuator'
  | 'comment'
  | 'invalid';

/** Which piece of a template literal a 'template' token is:
 *  `full` = `…` with no substitution; `head` = `…${; `middle` = }…${; `tail` = }…` */
export type TemplatePart = 'full' | 'head' | 'middle' | 'tail';

export interface Token {
  kind: TokenKind;
  text: string;
  /** Offsets into the source, in UTF-16 code units; `end` is exclusive. */
  start: number;
  end: number;
  /** False for a string, template piece, regex or block comment whose closing delimiter is
   *  missing (a string or regex stops at the end of its line). */
  terminated: boolean;
  /** A line break (possibly inside a comment) separates this token from the previous
   *  non-comment token: the places where JavaScript may insert a semicolon. */
  newlineBefore: boolean;
  templatePart?: TemplatePart;
}

const PUNCTUATORS_BY_LENGTH: ReadonlyArray<ReadonlySet<string>> = [
  new Set(['>>>=']),
  new Set(['===', '!==', '**=', '<<=', '>>=', '>>>', '...', '&&=', '||=', '??=']),
  new Set([
    '=>', '==', '!=', '<=', '>=', '&&', '||', '??', '?.', '**', '++', '--',
    '+=', '-=', '*=', '/=', '%=', '&=', '|=', '^=', '<<', '>>',
  ]),
  new Set([
    '{', '}', '(', ')', '[', ']', ';', ',', '<', '>', '+', '-', '*', '/', '%',
    '&', '|', '^', '!', '~', '?', ':', '=', '.', '@',
  ]),
];

/** Identifiers after which a `/` starts a regular expression rather than a division. */
const KEYWORDS_BEFORE_EXPRESSION = new Set([
  'return', 'typeof', 'instanceof', 'in', 'of', 'new', 'delete', 'void', 'throw', 'case',
  'do', 'else', 'yield', 'await', 'extends',
]);

const IDENTIFIER = /(?:[\p{ID_Start}$_]|\\u[0-9a-fA-F]{4}|\\u\{[0-9a-fA-F]+\})(?:[\p{ID_Continue}$\u200C\u200D]|\\u[0-9a-fA-F]{4}|\\u\{[0-9a-fA-F]+\})*/uy;
const NUMBER = /(?:0[xX][0-9a-fA-F_]+|0[oO][0-7_]+|0[bB][01_]+)n?|(?:\d[\d_]*(?:\.[\d_]*)?|\.\d[\d_]*)(?:[eE][+-]?\d[\d_]*)?n?/y;
const REGEX_FLAGS = /[\p{ID_Continue}$]*/uy;
const WHITESPACE = /[\t\v\f \u00A0\uFEFF\p{Zs}]+/uy;

const LF = 10;
const CR = 13;

function isLineTerminator(code: number): boolean {
  return code === LF || code === CR || code === 0x2028 || code === 0x2029;
}

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

/** Tokenizes `source`. Whitespace is skipped; comments are kept (the completer needs to know
 *  whether the cursor sits in one); use `significantTokens` to drop them. */
export function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  // One entry per open `{` or `${`: a `}` closing a `${` resumes the template literal.
  const braceStack: Array<'brace' | 'template'> = [];
  let pos = 0;
  let newlineBefore = false;
  let previousSignificant: Token | undefined;

  const push = (kind: TokenKind, start: number, end: number, terminated = true, templatePart?: TemplatePart): Token => {
    const token: Token = { kind, text: source.slice(start, end), start, end, terminated, newlineBefore };
    if (templatePart) token.templatePart = templatePart;
    tokens.push(token);
    if (kind !== 'comment') {
      previousSignificant = token;
      newlineBefore = false;
    }
    return token;
  };

  while (pos < source.length) {
    const code = source.charCodeAt(pos);

    if (isLineTerminator(code)) {
      newlineBefore = true;
      pos++;
      continue;
    }
    if (code === 32 || code === 9) {
      pos++;
      continue;
    }
    if (code >= 0x80 || code === 11 || code === 12) {
      WHITESPACE.lastIndex = pos;
      if (WHITESPACE.test(source)) {
        pos = WHITESPACE.lastIndex;
        continue;
      }
    }

    const start = pos;
    const next = source.charCodeAt(pos + 1);

    if (code === 0x2f /* / */ && next === 0x2f) {
      pos = endOfLine(source, pos);
      push('comment', start, pos);
      continue;
    }
    if (code === 0x2f && next === 0x2a /* * */) {
      const close = source.indexOf('*/', pos + 2);
      pos = close < 0 ? source.length : close + 2;
      if (hasLineTerminator(source, start, pos)) newlineBefore = true;
      push('comment', start, pos, close >= 0);
      continue;
    }
    if (code === 0x22 /* " */ || code === 0x27 /* ' */) {
      const { end, terminated } = scanString(source, pos, code);
      pos = end;
      push('string', start, pos, terminated);
      continue;
    }
    if (code === 0x60 /* ` */) {
      pos = pushTemplatePiece(source, pos + 1, start, true, push, braceStack);
      continue;
    }
    if (code === 0x7d /* } */ && braceStack[braceStack.length - 1] === 'template') {
      braceStack.pop();
      pos = pushTemplatePiece(source, pos + 1, start, false, push, braceStack);
      continue;
    }
    if (isDigit(code) || (code === 0x2e /* . */ && isDigit(next))) {
      NUMBER.lastIndex = pos;
      if (NUMBER.test(source)) {
        pos = NUMBER.lastIndex;
        push('number', start, pos);
        continue;
      }
    }
    const identifierEnd = scanIdentifier(source, pos);
    if (identifierEnd > pos) {
      pos = identifierEnd;
      push('identifier', start, pos);
      continue;
    }
    if (code === 0x23 /* # */) {
      IDENTIFIER.lastIndex = pos + 1;
      if (IDENTIFIER.test(source)) {
        pos = IDENTIFIER.lastIndex;
        push('private', start, pos);
        continue;
      }
    }
    if (code === 0x2f && startsRegex(previousSignificant)) {
      const { end, terminated } = scanRegex(source, pos);
      pos = end;
      push('regex', start, pos, terminated);
      continue;
    }
    const punctuator = matchPunctuator(source, pos);
    if (punctuator) {
      pos += punctuator.length;
      if (punctuator === '{') braceStack.push('brace');
      else if (punctuator === '}') braceStack.pop();
      push('punctuator', start, pos);
      continue;
    }
    pos = endOfInvalidRun(source, pos);
    push('invalid', start, pos);
  }
  return tokens;
}

/** The tokens that carry meaning: everything but comments. */
export function significantTokens(tokens: readonly Token[]): Token[] {
  return tokens.filter((token) => token.kind !== 'comment');
}

function endOfLine(source: string, pos: number): number {
  while (pos < source.length && !isLineTerminator(source.charCodeAt(pos))) pos++;
  return pos;
}

function hasLineTerminator(source: string, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (isLineTerminator(source.charCodeAt(i))) return true;
  return false;
}

function scanString(source: string, pos: number, quote: number): { end: number; terminated: boolean } {
  pos++;
  while (pos < source.length) {
    const code = source.charCodeAt(pos);
    if (code === quote) return { end: pos + 1, terminated: true };
    if (code === 0x5c /* \ */) {
      // An escaped line break continues the string on the next line.
      pos += source.charCodeAt(pos + 1) === CR && source.charCodeAt(pos + 2) === LF ? 3 : 2;
      continue;
    }
    if (code === LF || code === CR) return { end: pos, terminated: false };
    pos++;
  }
  return { end: source.length, terminated: false };
}

/** Scans template text from `pos` (just after the backtick or the `}` closing a
 *  substitution) up to and including the next backtick or `${`, and pushes the piece. */
function pushTemplatePiece(
  source: string,
  pos: number,
  start: number,
  opensLiteral: boolean,
  push: (kind: TokenKind, start: number, end: number, terminated?: boolean, part?: TemplatePart) => Token,
  braceStack: Array<'brace' | 'template'>,
): number {
  while (pos < source.length) {
    const code = source.charCodeAt(pos);
    if (code === 0x5c) {
      pos += 2;
      continue;
    }
    if (code === 0x60) {
      push('template', start, pos + 1, true, opensLiteral ? 'full' : 'tail');
      return pos + 1;
    }
    if (code === 0x24 /* $ */ && source.charCodeAt(pos + 1) === 0x7b /* { */) {
      braceStack.push('template');
      push('template', start, pos + 2, true, opensLiteral ? 'head' : 'middle');
      return pos + 2;
    }
    pos++;
  }
  const end = source.length;
  push('template', start, end, false, opensLiteral ? 'full' : 'tail');
  return end;
}

/** Whether a `/` after `previous` starts a regular expression (otherwise it divides). */
function startsRegex(previous: Token | undefined): boolean {
  if (!previous) return true;
  switch (previous.kind) {
    case 'identifier':
      return KEYWORDS_BEFORE_EXPRESSION.has(previous.text);
    case 'number':
    case 'string':
    case 'regex':
    case 'private':
      return false;
    case 'template':
      return previous.templatePart === 'head' || previous.templatePart === 'middle';
    case 'punctuator':
      return !(previous.text === ')' || previous.text === ']' || previous.text === '}'
        || previous.text === '++' || previous.text === '--');
    default:
      return true;
  }
}

function scanRegex(source: string, pos: number): { end: number; terminated: boolean } {
  pos++;
  let inClass = false;
  while (pos < source.length) {
    const code = source.charCodeAt(pos);
    if (isLineTerminator(code)) return { end: pos, terminated: false };
    if (code === 0x5c) {
      if (pos + 1 < source.length && isLineTerminator(source.charCodeAt(pos + 1))) {
        return { end: pos + 1, terminated: false };
      }
      pos += 2;
      continue;
    }
    if (code === 0x5b /* [ */) inClass = true;
    else if (code === 0x5d /* ] */) inClass = false;
    else if (code === 0x2f && !inClass) {
      REGEX_FLAGS.lastIndex = pos + 1;
      REGEX_FLAGS.test(source);
      return { end: REGEX_FLAGS.lastIndex, terminated: true };
    }
    pos++;
  }
  return { end: source.length, terminated: false };
}

/** Characters that can only ever be a punctuator on their own. */
const SINGLE_PUNCTUATORS = new Set(['{', '}', '(', ')', '[', ']', ';', ',', '~', ':', '@']);

function isAsciiIdentifierPart(code: number): boolean {
  return (code >= 97 && code <= 122) || (code >= 65 && code <= 90) || (code >= 48 && code <= 57) || code === 36 || code === 95;
}

/** End of the identifier starting at `pos` (`pos` itself when there is none). Plain ASCII
 *  names, nearly everything typed at a prompt, skip the Unicode-aware regex. */
function scanIdentifier(source: string, pos: number): number {
  const code = source.charCodeAt(pos);
  if (isAsciiIdentifierPart(code) && !isDigit(code)) {
    let end = pos + 1;
    while (end < source.length && isAsciiIdentifierPart(source.charCodeAt(end))) end++;
    const stop = source.charCodeAt(end);
    if (end >= source.length || (stop < 0x80 && stop !== 0x5c)) return end;
  } else if (code < 0x80 && code !== 0x5c) {
    return pos;
  }
  IDENTIFIER.lastIndex = pos;
  return IDENTIFIER.test(source) ? IDENTIFIER.lastIndex : pos;
}

function matchPunctuator(source: string, pos: number): string | undefined {
  const first = source[pos]!;
  if (SINGLE_PUNCTUATORS.has(first)) return first;
  for (let index = 0; index < PUNCTUATORS_BY_LENGTH.length; index++) {
    const length = PUNCTUATORS_BY_LENGTH.length - index;
    const candidate = source.slice(pos, pos + length);
    if (candidate.length === length && PUNCTUATORS_BY_LENGTH[index]!.has(candidate)) {
      // `a?.5:1` is a conditional, not optional chaining.
      if (candidate === '?.' && isDigit(source.charCodeAt(pos + 2))) continue;
      return candidate;
    }
  }
  return undefined;
}

/** Consecutive characters no rule accepts form one 'invalid' token (a run of garbage should
 *  not cost one object per byte). Surrogate pairs are never split. */
function endOfInvalidRun(source: string, pos: number): number {
  do {
    pos += codePointLength(source, pos);
  } while (pos < source.length && !startsKnownToken(source, pos));
  return pos;
}

function codePointLength(source: string, pos: number): number {
  const code = source.charCodeAt(pos);
  if (code >= 0xd800 && code <= 0xdbff) {
    const low = source.charCodeAt(pos + 1);
    if (low >= 0xdc00 && low <= 0xdfff) return 2;
  }
  return 1;
}

function startsKnownToken(source: string, pos: number): boolean {
  const code = source.charCodeAt(pos);
  if (code < 0x80) {
    // Printable ASCII (and whitespace) always starts some token.
    return code >= 0x20 || code === 9 || code === 10 || code === 11 || code === 12 || code === 13;
  }
  IDENTIFIER.lastIndex = pos;
  if (IDENTIFIER.test(source)) return true;
  WHITESPACE.lastIndex = pos;
  return WHITESPACE.test(source) || isLineTerminator(code);
}
