// Stack traces that point into the module's .ts file. Node applies source maps only to code it
// loads itself, never to `vm.compileFunction` code, so the code server maps frames of loaded
// modules itself with the inline map esbuild emits. Each loaded version is compiled under its
// own name (`/dir/m.ts?v=3`) because old and current code of one file have different maps; a
// mapped frame shows the plain file name again: `at server_loop (/dir/m.ts:25:13)`.
import { SourceMap } from 'node:module';
import path from 'node:path';
import { setFunctionLocator, CALL_SITES, type CallSiteSummary } from './runtimeImports';

interface LoadedCode {
  file: string;
  code: string;
  /** Parsed on the first stack trace that needs it (null: the code carries no usable map). */
  map?: SourceMap | null;
}

const loaded = new Map<string, LoadedCode>();
let installed = false;

/** The name a version is compiled under, and frames of it are mapped from. */
export function versionedFileName(file: string, version: number): string {
  return `${file}?v=${version}`;
}

export function registerCode(compiledName: string, file: string, code: string): void {
  loaded.set(compiledName, { file, code });
  if (!installed) installStackMapper();
}

/** Called when a version is purged, so its code and map can be garbage collected. */
export function unregisterCode(compiledName: string): void {
  loaded.delete(compiledName);
}

function installStackMapper(): void {
  installed = true;
  setFunctionLocator(locateFunction);
  const previous = Error.prepareStackTrace;
  Error.prepareStackTrace = (error, frames) => {
    keepCallSites(error, frames);
    if (previous && !frames.some((f) => loaded.has(f.getFileName() ?? ''))) return previous(error, frames);
    return errorHeader(error) + frames.map((frame) => `\n    at ${mappedFrame(frame)}`).join('');
  };
}

/** Leaves the frames on the error for the runtime's Erlang-style stacks (exit reasons). */
function keepCallSites(error: Error, frames: NodeJS.CallSite[]): void {
  try {
    const sites: CallSiteSummary[] = frames.map((frame) => {
      const compiledName = frame.getFileName() ?? undefined;
      const code = compiledName === undefined ? undefined : loaded.get(compiledName);
      const line = frame.getLineNumber() ?? undefined;
      const column = frame.getColumnNumber() ?? undefined;
      let file = compiledName;
      let sourceLine = line;
      if (code && line !== undefined && column !== undefined) {
        file = code.file;
        const entry = sourceMapOf(code)?.findEntry(line - 1, column - 1);
        if (entry && 'originalLine' in entry) sourceLine = entry.originalLine + 1;
      }
      const fn = frame.getFunctionName() ?? undefined;
      let arity: number | undefined;
      try {
        arity = frame.getFunction()?.length; // undefined in strict code, as modules are
      } catch {
        arity = undefined;
      }
      if (arity === undefined && code && fn) arity = declaredArity(code.code, fn);
      return { fn, file, line: sourceLine, arity, text: mappedFrame(frame) };
    });
    Object.defineProperty(error, CALL_SITES, { value: sites, configurable: true });
  } catch {
    // a frozen error, or a frame that cannot be read: the stack text is still there
  }
}

/** The parameter count of `function name(…)` in compiled code: a comma count at depth 0. */
function declaredArity(code: string, name: string): number | undefined {
  const head = `function ${name.slice(name.lastIndexOf('.') + 1)}(`;
  const at = code.indexOf(head);
  if (at < 0) return undefined;
  let depth = 0;
  let commas = 0;
  let empty = true;
  for (let i = at + head.length; i < code.length; i++) {
    const c = code[i];
    if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ']' || c === '}') depth--;
    else if (c === ')') {
      if (depth === 0) return empty ? 0 : commas + 1;
      depth--;
    } else if (c === ',' && depth === 0) commas++;
    if (!/\s/.test(c)) empty = false;
  }
  return undefined;
}

function mappedFrame(frame: NodeJS.CallSite): string {
  const text = frame.toString();
  const compiledName = frame.getFileName();
  const code = compiledName ? loaded.get(compiledName) : undefined;
  const line = frame.getLineNumber();
  const column = frame.getColumnNumber();
  if (!code || line === null || column === null) return text;
  const entry = sourceMapOf(code)?.findEntry(line - 1, column - 1);
  if (!entry || !('originalLine' in entry)) return text.replace(compiledName!, code.file);
  return text.replace(
    `${compiledName}:${line}:${column}`,
    `${code.file}:${entry.originalLine + 1}:${entry.originalColumn + 1}`,
  );
}

/**
 * Where a function of a loaded module was written, as `kitchen.ts:48`: its text is looked up
 * in the compiled code of each loaded version and mapped back to the source. Slow, and meant
 * for error messages only.
 */
export function locateFunction(fn: Function): string | undefined {
  let text: string;
  try {
    text = Function.prototype.toString.call(fn);
  } catch {
    return undefined;
  }
  for (const code of loaded.values()) {
    const at = code.code.indexOf(text);
    if (at < 0) continue;
    const before = code.code.slice(0, at);
    const line = before.split('\n').length - 1;
    const column = at - (before.lastIndexOf('\n') + 1);
    const entry = sourceMapOf(code)?.findEntry(line, column);
    const sourceLine = entry && 'originalLine' in entry ? entry.originalLine + 1 : line + 1;
    return `${path.basename(code.file)}:${sourceLine}`;
  }
  return undefined;
}

function sourceMapOf(code: LoadedCode): SourceMap | null {
  if (code.map === undefined) code.map = parseInlineMap(code.code);
  return code.map;
}

const INLINE_MAP = '//# sourceMappingURL=data:application/json;base64,';

function parseInlineMap(code: string): SourceMap | null {
  const start = code.lastIndexOf(INLINE_MAP);
  if (start < 0) return null;
  try {
    const base64 = code.slice(start + INLINE_MAP.length).trim();
    return new SourceMap(JSON.parse(Buffer.from(base64, 'base64').toString('utf8')));
  } catch {
    return null;
  }
}

/** What V8 puts before the frames: `Name: message`. */
function errorHeader(error: Error): string {
  try {
    return Error.prototype.toString.call(error);
  } catch {
    return '<error>';
  }
}
