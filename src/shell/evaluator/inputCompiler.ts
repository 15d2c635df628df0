// Turns the JavaScript (or TypeScript) that the forms layer produced into a script the
// evaluator can run. Plain JavaScript compiles directly, which keeps esbuild off the common
// path; only input that V8 rejects goes through esbuild to strip TypeScript syntax.
//
// Top-level `await` is supported the way Node's REPL does it: the input runs inside an async
// function. Input that declares names, or uses names its job declared, is first made to use
// the job's own names (scopedInput.ts), so that later inputs of that job, and only of that
// job, see them.

import { Script } from 'node:vm';
import { transformAsync } from '../../code/compile';
import { tokenize, significantTokens } from '../forms/tokenizer';
import { depthChange } from '../forms/terminator';
import { DELEGATE_MARKER, WAIT_MARKER } from '../forms/emitter';
import { needsJobScope, scopeInput, type InputScope } from './scopedInput';

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

export async function compileInput(code: string, shape: InputShape, filename: string, scope?: InputScope): Promise<CompiledInput> {
  if (scope !== undefined && needsJobScope(code, scope)) return compileScoped(code, shape, filename, scope);
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

/** The job's names given to the input (see scopedInput.ts), then compiled as any input is. */
async function compileScoped(code: string, shape: InputShape, filename: string, scope: InputScope): Promise<CompiledInput> {
  const loader = compiles(`(async () => {\n${code}\n})`, filename) ? 'js' : 'ts';
  const scoped = await scopeInput(code, scope, loader, filename);
  if (!scoped.ok) {
    const message = esbuildMessage(scoped.failure) ?? (scoped.failure instanceof Error ? scoped.failure.message : String(scoped.failure));
    return { ok: false, message };
  }
  const names = Object.keys(scoped.declarations).length > 0;
  const prologue = names ? `__eshell.declare(${JSON.stringify(scope.globalName)}, ${JSON.stringify(scoped.declarations)}); ` : '';
  const body = scoped.endsWithDeclaration ? `${scoped.code}\nvoid 0;` : scoped.code;
  return tryCompile(body, shape, filename, { prologue, inFunction: scoped.declaresLocals });
}

/**
 * `prologue` runs first (the job's declarations); `inFunction` keeps the functions and classes
 * the input declares local to a function even where the input would run as a plain script.
 */
function tryCompile(code: string, shape: InputShape, filename: string, scoped = { prologue: '', inFunction: false }): CompiledInput {
  const { prologue } = scoped;
  if (shape.waits && !shape.usesAwait) {
    // Where the marks cannot become yields (a construct the forms layer misjudged), the input
    // still runs, without waiting along the way.
    const steps = compileOrFail(() => prologue + wrapForSteps(code, filename), filename);
    if (steps.ok) return { ...steps, awaitsPromise: false };
  }
  const plain = shape.waits ? withoutWaitMarks(code) : code;
  const wrapped = shape.usesAwait ? wrapForAwait(plain, filename) : scoped.inFunction ? wrapInFunction(plain) : plain;
  const compiled = compileOrFail(() => prologue + wrapped, filename);
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
  return `__eshell.steps(function* () {\n${returnLastExpression(body, 'function* () {')}\n})`;
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
  return `(async () => {\n${returnLastExpression(code, 'async () => {')}\n})()`;
}

function wrapInFunction(code: string): string {
  return `(() => {\n${returnLastExpression(code, '() => {')}\n})()`;
}

function compiles(code: string, filename: string): boolean {
  try {
    new Script(code, { filename });
    return true;
  } catch {
    return false;
  }
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
