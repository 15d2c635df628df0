// Writes a level back out as JavaScript/TypeScript with Eshell's forms replaced by calls on
// the evaluator's `__eshell` object. Text between the tokens (spacing, comments) is copied from
// the source, so whatever is not an Eshell form comes out exactly as typed.
//
// Within one comma-separated segment, `Pattern = Expr` (top level only) and `Pid ! Msg` are
// Erlang's lowest-precedence, right-associative operators: the segment is cut at each of them
// from left to right and the pieces are folded back from the right, so `X = P ! m` becomes
// match(X, send(P, m)) without recursion per operator.

import { classifyGroup, isErlangCatch, isStatementHead, looksLikeObjectLiteral, type LevelRole } from './groupRoles.js';
import { emitPattern, type PatternContext } from './patterns.js';
import { sendVerdict } from './sendOperator.js';
import { splitSegments, splitStatements } from './segments.js';
import { FormSyntaxError, syntaxErrorBefore } from './syntaxError.js';
import type { Token } from './tokenizer.js';
import {
  MAX_NESTING, firstToken, isGroup, isMemberAccessItem, isPunct, isWord, tokenOf, type GroupItem, type Item, type TemplateItem,
} from './tree.js';
import {
  RESERVED_WORDS, STATEMENT_KEYWORDS, TYPE_DECLARATION_WORDS, adjacent, isModuleName, isVariableName,
} from './vocabulary.js';

/**
 * How a bare name given as an argument is read: an Erlang atom (`c(code_reload)` means
 * `c('code_reload')`), or the name of a shell variable (`f(X)` forgets X: `f('X')`).
 */
export type BareArgument = 'atom' | 'variable';

export interface FormContext {
  /** Whether a capitalised name can be a shell variable (false for `Math`, user classes…). */
  isVariable(name: string): boolean;
  /** Whether a lowercase name is a module the code server knows. */
  isModule(name: string): boolean;
  /** For a call of `callee` (`c`, or `code.which` for `code:which`/`code.which`), how each
   *  argument written as a bare name is read; undefined: as code. The shell's table of
   *  built-ins answers this. */
  bareArguments(callee: string): readonly (BareArgument | undefined)[] | undefined;
}

/** Tokens after which a new operand starts: the left side of a `!` cannot reach past them. */
const BOUNDARY_PUNCTUATORS = new Set([
  '+=', '-=', '*=', '/=', '%=', '**=', '<<=', '>>=', '>>>=', '&=', '|=', '^=', '&&=', '||=',
  '??=', '=>', ':', '...',
]);
const BOUNDARY_WORDS = new Set(['return', 'throw', 'yield', 'case', 'else', 'do']);

/** How the arguments of one built-in call read bare names, by position. */
type Quote = readonly (BareArgument | undefined)[];

interface SegmentOptions {
  levelRole: LevelRole;
  statementFrom: number;
  inFunction: boolean;
  /** `Pattern = Expr` is a match here (top-level expression statements only) */
  patterns: boolean;
  /** the segment is an object literal entry: its first `:` separates key and value */
  objectEntry: boolean;
  /** index of the name a `const`/`let`/`var` declares: a `:` after it is a type annotation */
  declaredNameAt: number;
  /** the token after the segment, for "syntax error before: …" */
  follow: Token | undefined;
  /** ternaries an enclosing segment already paired: a nested one is scanned once, not once
   *  per level of nesting */
  knownTernaries?: ReadonlyMap<number, number>;
}

interface Segment {
  items: readonly Item[];
  options: SegmentOptions;
  /** the first `=>` at this depth: what follows is a function body */
  arrowAt: number;
  /** `?` index → index of its `:` */
  ternaryColons: ReadonlyMap<number, number>;
  /** indices of the module names that start a `mod:fun` */
  remoteCalls: ReadonlySet<number>;
}

const NO_TERNARIES: ReadonlyMap<number, number> = new Map();
const NO_REMOTE_CALLS: ReadonlySet<number> = new Set();

type Frame =
  | { kind: 'match'; pattern: string }
  | { kind: 'send'; prefixFrom: number; operandFrom: number; operandTo: number };

/** Wraps each value the prompt waits for; see FormEmitter.emitRange and inputCompiler. */
export const WAIT_MARKER = '__eshell_wait__';
/**
 * Wraps a generator whose waits belong to the input's (a `catch` whose body waits): the
 * evaluator's generator delegates to it (`yield*`), so its waits happen in order inside it.
 */
export const DELEGATE_MARKER = '__eshell_delegate__';

/** Whether items[k] continues the call chain before it: `.b`, `?.b`, `(…)`, `[…]`, `new X`. */
function continuesChain(items: readonly Item[], k: number): boolean {
  const item = items[k]!;
  const before = items[k - 1];
  if (isPunct(item, '.') || isPunct(item, '?.') || isMemberAccessItem(before) || isWord(before, 'new')) return true;
  if (!isGroup(item, '(') && !isGroup(item, '[')) return false;
  if (isGroup(before, '(') || isGroup(before, '[') || before?.type === 'template') return true;
  const token = tokenOf(before);
  if (token?.kind === 'string') return true;
  if (token?.kind !== 'identifier') return false;
  return !RESERVED_WORDS.has(token.text) || CALLABLE_WORDS.has(token.text) || isMemberAccessItem(items[k - 2]);
}

const CALLABLE_WORDS = new Set(['this', 'super', 'import']);

export class FormEmitter {
  usesAwait = false;
  /** Some value is marked to be waited for (WAIT_MARKER). */
  waits = false;
  readonly freeModules = new Set<string>();
  private depth = 0;
  private readonly patternContext: PatternContext;

  constructor(private readonly source: string, private readonly context: FormContext) {
    this.patternContext = { source, isVariable: (name) => context.isVariable(name) };
  }

  /** The level's text from its first to its last item, transformed. */
  emitLevel(items: readonly Item[], role: LevelRole, inFunction: boolean, follow: Token | undefined, quote?: Quote): string {
    const last = items[items.length - 1];
    if (!last) return '';
    if (role === 'verbatim') return this.slice(items[0]!.start, last.end);
    let out = '';
    let cursor = items[0]!.start;
    splitStatements(items, role).forEach(([from, to], index) => {
      const after = items[to];
      const statementFollow = after ? firstToken(after) : follow;
      out += this.slice(cursor, items[from]!.start)
        + this.emitStatement(items, from, to, role, inFunction, statementFollow, quote, index > 0);
      cursor = items[to - 1]!.end;
    });
    return out + this.slice(cursor, last.end);
  }

  private emitStatement(
    items: readonly Item[], from: number, to: number, role: LevelRole, inFunction: boolean,
    follow: Token | undefined, quote: Quote | undefined, afterAnother: boolean,
  ): string {
    const first = tokenOf(items[from]);
    const firstWord = first?.kind === 'identifier' ? first.text : undefined;
    const statementLevel = role === 'top' || role === 'block';
    if (statementLevel && isLeftAsTyped(items, from)) return this.slice(items[from]!.start, items[to - 1]!.end);

    const declaration = firstWord !== undefined
      && (STATEMENT_KEYWORDS.has(firstWord) || (firstWord === 'async' && isWord(items[from + 1], 'function')));
    const declaresNames = firstWord === 'const' || firstWord === 'let' || firstWord === 'var' || firstWord === 'using';
    const segments = splitSegments(items, from, to);
    let matched = false;
    let out = '';
    let cursor = items[from]!.start;
    segments.forEach(([a, b], index) => {
      if (a === b) return;
      const bare = quote?.[index];
      let code = bare ? this.quotedName(items, a, b, bare) : undefined;
      if (code === undefined) {
        const segment = this.emitSegment(items, a, b, {
          levelRole: role,
          statementFrom: from,
          inFunction,
          patterns: role === 'top' && !declaration,
          objectEntry: role === 'object',
          declaredNameAt: declaresNames ? (index === 0 ? a + 1 : a) : -1,
          follow: b < to ? firstToken(items[b]!) : follow,
        });
        code = segment.code;
        matched ||= segment.matched;
      }
      out += this.slice(cursor, items[a]!.start) + code;
      cursor = items[b - 1]!.end;
    });
    out += this.slice(cursor, items[to - 1]!.end);

    const loneObject = to - from === 1 && isGroup(items[from], '{') && looksLikeObjectLiteral(items[from] as GroupItem);
    if (role === 'top' && ((matched && segments.length > 1) || loneObject)) {
      // An Eshell sequence is one comma expression; a lone `{ a: 1 }` is an object, as in
      // Node's REPL. The `;` keeps a previous line without one from calling the parenthesis.
      return `${afterAnother ? ';' : ''}(${out})`;
    }
    return out;
  }

  private emitSegment(items: readonly Item[], from: number, to: number, options: SegmentOptions): { code: string; matched: boolean } {
    const segment = this.scanSegment(items, from, to, options);
    const frames: Frame[] = [];
    let partFrom = from;
    let operandFrom = from;
    for (let k = from; k < to; k++) {
      if (segment.remoteCalls.has(k)) {
        k += 2;
        continue;
      }
      const token = tokenOf(items[k]);
      if (!token) {
        if (isStatementHead(items, k)) operandFrom = k + 1;
        continue;
      }
      if (token.kind === 'identifier') {
        if (BOUNDARY_WORDS.has(token.text) && !isPunct(items[k - 1], '.')) operandFrom = k + 1;
        continue;
      }
      if (token.kind !== 'punctuator') continue;
      if (token.text === '?') {
        const colon = segment.ternaryColons.get(k);
        if (colon !== undefined) k = colon;
        operandFrom = k + 1;
      } else if (token.text === '=') {
        const pattern = options.patterns && operandFrom === partFrom
          ? emitPattern(items, partFrom, k, this.patternContext)
          : null;
        if (pattern !== null) {
          if (k + 1 >= to) throw syntaxErrorBefore(options.follow, this.source.length);
          frames.push({ kind: 'match', pattern });
          partFrom = k + 1;
        }
        operandFrom = k + 1;
      } else if (token.text === '!' && k > operandFrom) {
        const verdict = sendVerdict(items, k, to);
        if (verdict === 'missing-message') throw syntaxErrorBefore(options.follow, this.source.length);
        if (verdict === 'send') {
          frames.push({ kind: 'send', prefixFrom: partFrom, operandFrom, operandTo: k });
          partFrom = operandFrom = k + 1;
        }
      } else if (BOUNDARY_PUNCTUATORS.has(token.text)) {
        operandFrom = k + 1;
      }
    }

    let code = this.emitRange(segment, partFrom, to);
    for (let f = frames.length - 1; f >= 0; f--) {
      const frame = frames[f]!;
      if (frame.kind === 'match') {
        code = `__eshell.match(${frame.pattern}, (${code}))`;
        continue;
      }
      const prefix = frame.operandFrom > frame.prefixFrom
        ? this.emitRange(segment, frame.prefixFrom, frame.operandFrom)
          + this.slice(items[frame.operandFrom - 1]!.end, items[frame.operandFrom]!.start)
        : '';
      code = `${prefix}__eshell.send(${this.emitRange(segment, frame.operandFrom, frame.operandTo)}, ${code})`;
    }
    return { code, matched: frames.some((frame) => frame.kind === 'match') };
  }

  /** Finds the segment's ternaries, remote calls and arrow in one pass. */
  private scanSegment(items: readonly Item[], from: number, to: number, options: SegmentOptions): Segment {
    const segment: Segment = { items, options, arrowAt: Infinity, ternaryColons: NO_TERNARIES, remoteCalls: NO_REMOTE_CALLS };
    // Most segments have neither: allocate on first use (a long input has many segments).
    let ternaryColons: Map<number, number> | undefined;
    let remoteCalls: Set<number> | undefined;
    const openQuestions: number[] = [];
    let colonsSeen = 0;
    let caseLabelPending = false;
    for (let k = from; k < to; k++) {
      const knownColon = options.knownTernaries?.get(k);
      if (knownColon !== undefined && knownColon < to) {
        (ternaryColons ??= new Map()).set(k, knownColon);
        k = knownColon;
        colonsSeen++;
        continue;
      }
      const token = tokenOf(items[k]);
      if (token?.kind === 'identifier' && (token.text === 'case' || token.text === 'default') && !isPunct(items[k - 1], '.')) {
        caseLabelPending = true;
      }
      if (token?.kind !== 'punctuator') continue;
      if (token.text === '=>' && segment.arrowAt === Infinity) segment.arrowAt = k;
      else if (token.text === '?') openQuestions.push(k);
      else if (token.text === ':') {
        const isRemote = openQuestions.length === 0 && !caseLabelPending
          && !(options.objectEntry && colonsSeen === 0)
          && k - 1 !== options.declaredNameAt
          && k - 1 >= from
          && this.isRemoteCall(items, k);
        if (isRemote) {
          (remoteCalls ??= new Set()).add(k - 1);
          continue;
        }
        colonsSeen++;
        if (openQuestions.length > 0) (ternaryColons ??= new Map()).set(openQuestions.pop()!, k);
        else caseLabelPending = false;
      }
    }
    if (ternaryColons) segment.ternaryColons = ternaryColons;
    if (remoteCalls) segment.remoteCalls = remoteCalls;
    return segment;
  }

  /**
   * `mod:fun(…)`, or `mod:fun` naming a function of a known module. Erlang allows spaces
   * around the `:` (`tut15: start()`); with spaces, only a call counts, so that a type
   * annotation or a label (`x: y`) keeps its meaning.
   */
  private isRemoteCall(items: readonly Item[], colon: number): boolean {
    const module = tokenOf(items[colon - 1]);
    const fun = tokenOf(items[colon + 1]);
    if (module?.kind !== 'identifier' || RESERVED_WORDS.has(module.text)) return false;
    if (fun?.kind !== 'identifier' || isMemberAccessItem(items[colon - 2])) return false;
    const tight = adjacent(module, tokenOf(items[colon])!) && adjacent(tokenOf(items[colon])!, fun);
    if (!isModuleName(module.text)) {
      // `M:f(…)` with a capitalised name calls the module M holds, as in Erlang; `JSON:parse()`
      // is never a label.
      return tight && /^[A-Z_$]/.test(module.text) && !RESERVED_WORDS.has(fun.text) && isGroup(items[colon + 2], '(');
    }
    // `code:delete(m)` names a function; `outer: while (x)` is a label.
    if (RESERVED_WORDS.has(fun.text) && !tight) return false;
    if (isGroup(items[colon + 2], '(')) return true;
    return tight && !RESERVED_WORDS.has(fun.text) && this.context.isModule(module.text);
  }

  /**
   * Emits items[from, to), marking the points where Erlang would have a value: the result of
   * every call outside a function body, and the operand of a top-level `await`, is wrapped in
   * `WAIT_MARKER(…)` (a call chain `a.b(c).d(e)` at each call). The input compiler turns the
   * marks into `yield`s the evaluator answers: a Receive is waited in, a promise waited for.
   */
  private emitRange(segment: Segment, from: number, to: number): string {
    const { items } = segment;
    let out = '';
    /** where in `out` the call chain being emitted starts */
    let chainStart = 0;
    /** the chain began with `new`: its first parenthesis holds constructor arguments */
    let constructing = false;
    /** a top-level `await` came: the next chain is its operand */
    let awaitNext = false;
    /** where in `out` the awaited chain starts, or -1 */
    let awaitedFrom = -1;
    let k = from;
    while (k < to) {
      const continues = k > from && continuesChain(items, k);
      if (!continues && awaitedFrom >= 0) {
        out = `${out.slice(0, awaitedFrom)}${WAIT_MARKER}(${out.slice(awaitedFrom)})`;
        awaitedFrom = -1;
      }
      if (k > from && !awaitNext) out += this.slice(items[k - 1]!.end, items[k]!.start);
      if (!continues) {
        chainStart = out.length;
        constructing = isWord(items[k], 'new');
        if (awaitNext) awaitedFrom = out.length;
        awaitNext = false;
      }
      if (this.isAwaitToMark(segment, k)) {
        awaitNext = true;
        this.waits = true;
        k++;
        continue;
      }
      const { code, next } = this.emitItem(segment, k, to);
      if (continues && isGroup(items[k], '(') && this.isCallToMark(segment, k)) {
        if (constructing) {
          constructing = false;
        } else {
          out = `${out.slice(0, chainStart)}${WAIT_MARKER}(${out.slice(chainStart)}${code})`;
          this.waits = true;
          k = next;
          continue;
        }
      }
      out += code;
      k = next;
    }
    if (awaitedFrom >= 0) out = `${out.slice(0, awaitedFrom)}${WAIT_MARKER}(${out.slice(awaitedFrom)})`;
    return out;
  }

  /** Outside function bodies, where the evaluator's generator may yield. */
  private mayWaitAt(segment: Segment, k: number): boolean {
    return !(segment.options.inFunction || k > segment.arrowAt);
  }

  /** A call (not parameters, not `if (…)`) whose value the prompt waits for. */
  private isCallToMark(segment: Segment, k: number): boolean {
    if (!this.mayWaitAt(segment, k)) return false;
    const { role, statementHead } = classifyGroup(segment.items, k, segment.options.levelRole, k === segment.options.statementFrom);
    return role === 'expression' && !statementHead;
  }

  /** A top-level `await` before an operand (not `for await`, not `await -x`): it becomes a mark. */
  private isAwaitToMark(segment: Segment, k: number): boolean {
    const { items } = segment;
    if (!isWord(items[k], 'await') || isMemberAccessItem(items[k - 1]) || !this.mayWaitAt(segment, k)) return false;
    if (isWord(items[k - 1], 'for')) return false;
    const next = items[k + 1];
    return next !== undefined && tokenOf(next)?.kind !== 'punctuator';
  }

  private emitItem(segment: Segment, k: number, to: number): { code: string; next: number } {
    const { items } = segment;
    const item = items[k]!;
    if (item.type === 'group') return { code: this.emitGroup(segment, k), next: k + 1 };
    if (item.type === 'template') return { code: this.emitTemplate(segment, k), next: k + 1 };
    const token = item.token;
    const inFunction = segment.options.inFunction || k > segment.arrowAt;

    if (isErlangCatch(items, k) && k + 1 < to) {
      // Erlang's `catch Expr`: the lowest precedence, so it takes the rest of the piece.
      const body = this.emitRange(segment, k + 1, to);
      // A body with values to wait for becomes a generator the input's own delegates to, so
      // that its waits still happen where they occur and what they raise is caught.
      if (body.includes(WAIT_MARKER)) {
        return { code: `${DELEGATE_MARKER}(__eshell.catch(function* () { return (${body}\n); }))`, next: to };
      }
      return { code: `__eshell.catch(() => (${body}))`, next: to };
    }
    if (segment.remoteCalls.has(k)) {
      const fun = tokenOf(items[k + 2])!.text;
      if (!isModuleName(token.text)) {
        return { code: `__eshell.mod(${token.text}, ${JSON.stringify(token.text)}).${fun}`, next: k + 3 };
      }
      if (this.context.isModule(token.text)) this.freeModules.add(token.text);
      return { code: `__eshell.mod(${JSON.stringify(token.text)}).${fun}`, next: k + 3 };
    }
    if (isPunct(item, '?')) {
      const colon = segment.ternaryColons.get(k);
      if (colon !== undefined && colon > k + 1 && colon <= to) {
        const middle = this.nested(token, () => this.emitSegment(items, k + 1, colon, {
          ...segment.options, inFunction, patterns: false, objectEntry: false, declaredNameAt: -1,
          follow: tokenOf(items[colon]), knownTernaries: segment.options.knownTernaries ?? segment.ternaryColons,
        }));
        return { code: token.text + this.slice(token.end, items[k + 1]!.start) + middle.code, next: colon };
      }
    }
    if (token.kind === 'identifier' && !isMemberAccessItem(items[k - 1])) {
      if (token.text === 'await' && !inFunction) this.usesAwait = true;
      const next = items[k + 1];
      if (isModuleName(token.text) && (isMemberAccessItem(next) || isGroup(next, '['))
        && this.context.isModule(token.text)) {
        this.freeModules.add(token.text);
      }
    }
    return { code: token.text, next: k + 1 };
  }

  private emitGroup(segment: Segment, k: number): string {
    const group = segment.items[k] as GroupItem;
    const first = group.items[0];
    const last = group.items[group.items.length - 1];
    if (!first || !last) return this.slice(group.start, group.end);
    const { role, functionBody, statementHead } = classifyGroup(segment.items, k, segment.options.levelRole, k === segment.options.statementFrom);
    const inFunction = segment.options.inFunction || k > segment.arrowAt || functionBody || isClassBody(segment.items, k);
    const quote = group.open.text === '(' && role === 'expression' && !statementHead ? this.builtinQuote(segment, k) : undefined;
    const inner = this.nested(group.open, () => this.emitLevel(group.items, role, inFunction, group.close, quote));
    return group.open.text + this.slice(group.open.end, first.start) + inner
      + this.slice(last.end, group.close.start) + group.close.text;
  }

  private emitTemplate(segment: Segment, k: number): string {
    const template = segment.items[k] as TemplateItem;
    const inFunction = segment.options.inFunction || k > segment.arrowAt;
    let out = template.parts[0]!.text;
    template.holes.forEach((hole, index) => {
      const before = template.parts[index]!;
      const after = template.parts[index + 1]!;
      const first = hole[0];
      const last = hole[hole.length - 1];
      out += first && last
        ? this.slice(before.end, first.start)
          + this.nested(before, () => this.emitLevel(hole, 'expression', inFunction, after))
          + this.slice(last.end, after.start)
        : this.slice(before.end, after.start);
      out += after.text;
    });
    return out;
  }

  /** For a call of a shell built-in, which bare names among its arguments to quote. */
  private builtinQuote(segment: Segment, k: number): Quote | undefined {
    const { items } = segment;
    const name = tokenOf(items[k - 1]);
    if (name?.kind !== 'identifier') return undefined;
    const joiner = items[k - 2];
    let callee = name.text;
    if (isPunct(joiner, '.') || (isPunct(joiner, ':') && segment.remoteCalls.has(k - 3))) {
      const module = tokenOf(items[k - 3]);
      if (module?.kind !== 'identifier' || isMemberAccessItem(items[k - 4])) return undefined;
      callee = `${module.text}.${name.text}`;
    } else if (isPunct(joiner, '?.') || isWord(joiner, 'function') || isWord(joiner, 'new')) {
      return undefined;
    }
    return this.context.bareArguments(callee);
  }

  /** `'name'` when items[from, to) is exactly one bare name of that kind. */
  private quotedName(items: readonly Item[], from: number, to: number, bare: BareArgument): string | undefined {
    const token = tokenOf(items[from]);
    if (to - from !== 1 || token?.kind !== 'identifier') return undefined;
    if (!(bare === 'atom' ? isModuleName(token.text) : isVariableName(token.text))) return undefined;
    return `'${token.text}'`;
  }

  /** Runs one level deeper; brackets and conditionals nested beyond MAX_NESTING are refused
   *  rather than risking the stack. */
  private nested<T>(at: Token, emit: () => T): T {
    if (++this.depth > MAX_NESTING) throw new FormSyntaxError(at.start, 'expression nested too deeply');
    try {
      return emit();
    } finally {
      this.depth--;
    }
  }

  private slice(from: number, to: number): string {
    return this.source.slice(from, to);
  }
}

/** `class A extends B {`: field initialisers run later, where nothing can be waited for. */
function isClassBody(items: readonly Item[], k: number): boolean {
  if (!isGroup(items[k], '{')) return false;
  for (let j = k - 1; j >= 0 && j >= k - 16; j--) {
    const item = items[j]!;
    if (isWord(item, 'class')) return true;
    if (isPunct(item, ';') || isPunct(item, '=>') || isGroup(item, '{')) return false;
  }
  return false;
}

/** Type declarations, imports and exports: nothing in them is an Eshell form. */
function isLeftAsTyped(items: readonly Item[], from: number): boolean {
  const first = tokenOf(items[from]);
  if (first?.kind !== 'identifier') return false;
  const second = items[from + 1];
  if (first.text === 'import' || first.text === 'export') {
    // `import(…)` and `import.meta` are expressions.
    return !isGroup(second, '(') && !isPunct(second, '.');
  }
  if (first.text === 'const' && isWord(second, 'enum')) return true;
  return TYPE_DECLARATION_WORDS.has(first.text) && isWord(second);
}
