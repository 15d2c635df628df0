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

export type CompiledInput =
  | { ok: true; script: Script; awaitsPromise: boolean }
  | { ok: false; message: string };


export async function compileInput(code: string, usesAwait: boolean, filename: string): Promise<CompiledInput> {
  const direct = tryCompile(code, usesAwait, filename);
  if (direct.ok) return direct;
  let stripped: string;
  try {
    stripped = (await transformAsync(code, { loader: 'ts', sourcefile: filename })).code;
  } catch (failure) {
    return { ok: false, message: esbuildMessage(failure) ?? direct.message };
  }
  const retried = tryCompile(stripped, usesAwait, filename);
  return retried.ok ? retried : direct;
}

function tryCompile(code: string, usesAwait: boolean, filename: string): CompiledInput {
  try {
    if (!usesAwait) return { ok: true, script: new Script(code, { filename }), awaitsPromise: false };
    return { ok: true, script: new Script(wrapForAwait(code, filename), { filename }), awaitsPromise: true };
  } catch (e) {
    return { ok: false, message: e instanceof Error ? e.message : String(e) };
  }
}

function wrapForAwait(code: string, filename: string): string {
  const asExpression = `(async () => (${code}\n))()`;
  if (compiles(asExpression, filename)) return asExpression;
  const { hoisted, body } = hoistDeclarations(code);
  const declare = hoisted.length > 0 ? `var ${hoisted.join(', ')};\n` : '';
  return `${declare}(async () => {\n${returnLastExpression(body)}\n})()`;
}

function compiles(code: string, filename: string): boolean {
  try {
    new Script(code, { filename });
    return true;
  } catch {
    return false;
  }
}

const DECLARATION_WORDS = new Set(['const', 'let', 'var']);

/** `const x = await f()` at top level → `x = await f()`, with `x` declared as a global var. */
function hoistDeclarations(code: string): { hoisted: string[]; body: string } {
  const tokens = significantTokens(tokenize(code));
  const hoisted: string[] = [];
  const cuts: Array<{ start: number; end: number }> = [];
  let depth = 0;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    depth += depthChange(t);
    if (depth === 0 && t.kind === 'identifier' && DECLARATION_WORDS.has(t.text) && startsStatement(tokens, i)) {
      const name = tokens[i + 1];
      if (name?.kind === 'identifier' && tokens[i + 2]?.text === '=') {
        hoisted.push(name.text);
        cuts.push({ start: t.start, end: name.start });
      }
    }
  }
  let body = code;
  for (const cut of cuts.reverse()) body = body.slice(0, cut.start) + body.slice(cut.end);
  return { hoisted, body };
}

function startsStatement(tokens: Token[], i: number): boolean {
  const previous = tokens[i - 1];
  return previous === undefined || previous.text === ';' || previous.text === '}' || tokens[i].newlineBefore;
}

/** Makes the value of the last top-level expression statement the async function's result. */
function returnLastExpression(body: string): string {
  const tokens = significantTokens(tokenize(body));
  let depth = 0;
  let lastStart = 0;
  for (const t of tokens) {
    depth += depthChange(t);
    if (depth === 0 && t.kind === 'punctuator' && t.text === '}') lastStart = t.end;
    else if (depth === 0 && t.text === ';' && t.end < body.trimEnd().length) lastStart = t.end;
  }
  const last = body.slice(lastStart).trim().replace(/;$/, '');
  if (last === '' || !compiles(`(async () => (${last}\n))`, 'probe')) return body;
  return `${body.slice(0, lastStart)}\nreturn (${last}\n);`;
}

/** +1 for an opening bracket, -1 for a closing one. A template literal's `${` and `}` are
 *  parts of its template tokens, so they do not count. */
function esbuildMessage(failure: unknown): string | undefined {
  const errors = (failure as { errors?: Array<{ text: string; location?: { line: number; column: number } }> }).errors;
  const first = errors?.[0];
  if (!first) return undefined;
  return first.location ? `${first.location.line}:${first.location.column + 1}: ${first.text}` : first.text;
}
