// Turns the JavaScript (or TypeScript) that the forms layer produced into a script the
// evaluator can run. Plain JavaScript compiles directly, which keeps esbuild off the common
// path; only input that V8 rejects goes through esbuild to strip TypeScript syntax.
//
// Top-level `await` is supported the way Node's REPL does it: the input runs inside an async
// function, and its top-level declarations become global `var`s so that later inputs see them.

import { Script } from 'node:vm';
import { transformAsync } from '../../code/compile';
import { tokenize, significantTokens, type Token } from '../forms/tokenizer';
import { depthChange } from '../forms/terminator';
import { VARIABLE_DECLARATION_WORDS } from '../forms/vocabulary';
import { DELEGATE_MARKER, WAIT_MARKER } from '../forms/emitter';

export type CompiledInput =
  | { ok: true; script: Script; awaitsPromise: boolean }
  | { ok: false; message: string };

/** The file name input typed at prompt N is compiled under (stack frames show it). */
export function inputFileName(promptNumber: number | string): string {
  return `shell:${promptNumber}`;
}

/** Whether a stack frame's file is input typed at the prompt. */
export function isInputFile(file: string): boolean {
  return file.startsWith('shell:');
}

/** How the forms layer left the code: with top-level `await`, with values to wait for. */
export interface InputShape {
  usesAwait: boolean;
  waits: boolean;
}

export async function compileInput(code: string, shape: InputShape, filename: string): Promise<CompiledInput> {
  const direct = tryCompile(code, shape, filename);
  if (direct.ok) return direct;
  let stripped: string;
  try {
    stripped = (await transformAsync(code, { loader: 'ts', sourcefile: filename })).code;
  } catch (failure) {
    return { ok: false, message: esbuildMessage(failure) ?? direct.message };
  }
  const retried = tryCompile(stripped, shape, filename);
  return retried.ok ? retried : direct;
}

function tryCompile(code: string, shape: InputShape, filename: string): CompiledInput {
  if (shape.waits && !shape.usesAwait) {
    // Where the marks cannot become yields (a construct the forms layer misjudged), the input
    // still runs, without waiting along the way.
    const steps = compileOrFail(() => wrapForSteps(code, filename), filename);
    if (steps.ok) return { ...steps, awaitsPromise: false };
  }
  const plain = shape.waits ? withoutWaitMarks(code) : code;
  const compiled = compileOrFail(() => (shape.usesAwait ? wrapForAwait(plain, filename) : plain), filename);
  return compiled.ok ? { ...compiled, awaitsPromise: shape.usesAwait } : compiled;
}

function compileOrFail(wrap: () => string, filename: string): { ok: true; script: Script } | { ok: false; message: string } {
  try {
    return { ok: true, script: new Script(wrap(), { filename }) };
  } catch (e) {
    return { ok: false, message: e instanceof Error ? e.message : String(e) };
  }
}

/**
 * The input as a generator the evaluator drives (`__eshell.steps(function* () {…})`): each
 * value marked by the forms layer is yielded, and the evaluator resumes the generator with
 * the value once it is there (a Receive matched, a promise settled). Every piece of the input
 * thus runs inside a step of the evaluator process, in Erlang's order, where Ctrl-C reaches it.
 */
function wrapForSteps(code: string, filename: string): string {
  const body = waitMarksToYields(code);
  const asExpression = `__eshell.steps(function* () { return (${body}\n); })`;
  if (compiles(asExpression, filename)) return asExpression;
  const { hoisted, body: statements } = hoistDeclarations(body);
  const declare = hoisted.length > 0 ? `var ${hoisted.join(', ')};\n` : '';
  return `${declare}__eshell.steps(function* () {\n${returnLastExpression(statements, 'function* () {')}\n})`;
}

/**
 * `WAIT(x)` → `(yield (x))` and `DELEGATE(g)` → `(yield* (g))`, found by tokens so that
 * strings and comments are left alone.
 */
function waitMarksToYields(code: string): string {
  return rewriteWaitMarks(code, { [WAIT_MARKER]: ['(yield (', '))'], [DELEGATE_MARKER]: ['(yield* (', '))'] });
}

/** `WAIT(x)` → `(x)`, and a delegated generator is run through without waiting. */
function withoutWaitMarks(code: string): string {
  return rewriteWaitMarks(code, { [WAIT_MARKER]: ['(', ')'], [DELEGATE_MARKER]: ['__eshell.drain((', '))'] });
}

function rewriteWaitMarks(code: string, rewrites: Record<string, [open: string, close: string]>): string {
  const tokens = significantTokens(tokenize(code));
  const closers = new Map<number, string | undefined>(); // paren depth → what closes a mark there
  let depth = 0;
  let out = '';
  let cursor = 0;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    const rewrite = t.kind === 'identifier' && tokens[i + 1]?.text === '(' ? rewrites[t.text] : undefined;
    if (rewrite !== undefined && Object.hasOwn(rewrites, t.text)) {
      out += code.slice(cursor, t.start) + rewrite[0];
      cursor = tokens[i + 1].end;
      closers.set(++depth, rewrite[1]);
      i++;
    } else if (t.text === '(') {
      closers.set(++depth, undefined);
    } else if (t.text === ')') {
      const close = closers.get(depth);
      if (close !== undefined) {
        out += code.slice(cursor, t.start) + close;
        cursor = t.end;
      }
      depth--;
    }
  }
  return out + code.slice(cursor);
}

function wrapForAwait(code: string, filename: string): string {
  const asExpression = `(async () => (${code}\n))()`;
  if (compiles(asExpression, filename)) return asExpression;
  const { hoisted, body } = hoistDeclarations(code);
  const declare = hoisted.length > 0 ? `var ${hoisted.join(', ')};\n` : '';
  return `${declare}(async () => {\n${returnLastExpression(body, 'async () => {')}\n})()`;
}

function compiles(code: string, filename: string): boolean {
  try {
    new Script(code, { filename });
    return true;
  } catch {
    return false;
  }
}

/**
 * Top-level declarations of an input that runs inside a function, made global as they are in
 * a script: `const x = f()` → `x = f()`, `function g() {}` → `g = function g() {};`, with the
 * names declared as global vars; `const [a, b] = …` and `const { a } = …` become assignments
 * (sloppy mode makes their names global).
 */
function hoistDeclarations(code: string): { hoisted: string[]; body: string } {
  const tokens = significantTokens(tokenize(code));
  const hoisted: string[] = [];
  const edits: Array<{ start: number; end: number; text: string }> = [];
  let depth = 0;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    const atTop = depth === 0;
    depth += depthChange(t);
    if (!atTop || t.kind !== 'identifier' || !startsStatement(tokens, i)) continue;
    const name = tokens[i + 1];
    if (VARIABLE_DECLARATION_WORDS.has(t.text)) {
      if (name?.kind === 'identifier' && tokens[i + 2]?.text === '=') {
        hoisted.push(name.text);
        edits.push({ start: t.start, end: name.start, text: '' });
      } else if (name?.text === '[') {
        edits.push({ start: t.start, end: name.start, text: ';' });
      } else if (name?.text === '{') {
        const end = statementEnd(tokens, i + 1);
        edits.push({ start: t.start, end: name.start, text: ';(' }, { start: end, end, text: ')' });
      }
    } else if (t.text === 'function' || t.text === 'class' || (t.text === 'async' && tokens[i + 1]?.text === 'function')) {
      const nameAt = tokens.findIndex((n, j) => j > i && n.kind === 'identifier' && n.text !== 'function' && n.text !== '*');
      const declared = tokens[nameAt];
      if (declared === undefined || tokens.slice(i + 1, nameAt).some((n) => n.text !== 'function' && n.text !== '*')) continue;
      const end = declarationEnd(tokens, nameAt);
      if (end === undefined) continue;
      hoisted.push(declared.text);
      edits.push({ start: t.start, end: t.start, text: `${declared.text} = ` }, { start: end, end, text: ';' });
    }
  }
  let body = code;
  for (const edit of edits.sort((a, b) => b.start - a.start)) body = body.slice(0, edit.start) + edit.text + body.slice(edit.end);
  return { hoisted, body };
}

/** Where the statement starting at tokens[from] ends: its `;` at depth 0, or the end. */
function statementEnd(tokens: Token[], from: number): number {
  let depth = 0;
  for (let j = from; j < tokens.length; j++) {
    if (depth === 0 && tokens[j].text === ';') return tokens[j].start;
    depth += depthChange(tokens[j]);
  }
  return tokens[tokens.length - 1].end;
}

/** The end of the body `{…}` of the function or class declared from tokens[from]. */
function declarationEnd(tokens: Token[], from: number): number | undefined {
  let depth = 0;
  let entered = false;
  for (let j = from; j < tokens.length; j++) {
    if (depth === 0 && tokens[j].text === '{') entered = true;
    depth += depthChange(tokens[j]);
    if (entered && depth === 0) return tokens[j].end;
  }
  return undefined;
}

function startsStatement(tokens: Token[], i: number): boolean {
  const previous = tokens[i - 1];
  return previous === undefined || previous.text === ';' || previous.text === '}' || tokens[i].newlineBefore;
}

/** Makes the value of the last top-level expression statement the wrapping function's result. */
function returnLastExpression(body: string, wrapperHead: string): string {
  const tokens = significantTokens(tokenize(body));
  let depth = 0;
  let lastStart = 0;
  for (const t of tokens) {
    depth += depthChange(t);
    if (depth === 0 && t.kind === 'punctuator' && t.text === '}') lastStart = t.end;
    else if (depth === 0 && t.text === ';' && t.end < body.trimEnd().length) lastStart = t.end;
  }
  const last = body.slice(lastStart).trim().replace(/;$/, '');
  if (last === '' || !compiles(`(${wrapperHead} return (${last}\n); })`, 'probe')) return body;
  return `${body.slice(0, lastStart)}\nreturn (${last}\n);`;
}

/** esbuild's first error as `line:column: text`, or undefined when it gave none. */
function esbuildMessage(failure: unknown): string | undefined {
  const errors = (failure as { errors?: Array<{ text: string; location?: { line: number; column: number } }> }).errors;
  const first = errors?.[0];
  if (!first) return undefined;
  return first.location ? `${first.location.line}:${first.location.column + 1}: ${first.text}` : first.text;
}
