// TypeScript → CommonJS with esbuild, one file at a time (no type checking: the shell is for
// trying things, and esbuild keeps `c(m)` in the milliseconds). `compile` uses esbuild's
// long-lived service and is what c/1 awaits; `compileSync` serves loads that happen inside a
// call, like a handle call to a module not loaded yet or a module `require`-ing another.
import type * as Esbuild from 'esbuild';
import type { Loader, Message, TransformOptions, TransformResult } from 'esbuild';
import path from 'node:path';
import { displayName } from './codePath';
import { formatMessages } from './diagnostics';
import type { Failure } from './failure';

export interface CompileOptions {
  /** Warnings fail the compilation, like erlc's `warnings_as_errors`. */
  strict?: boolean;
}

export interface Compiled {
  /** CommonJS with an inline source map. */
  code: string;
  /** Formatted warnings ('' when there are none), printed even though the compile succeeded. */
  warnings: string;
  compiledAt: Date;
}

let esbuild: typeof Esbuild | undefined;

/**
 * esbuild's API, loaded on first use: its JavaScript costs milliseconds to load, and nothing
 * on the way to the first prompt and the first answer compiles anything.
 */
export function esbuildApi(): typeof Esbuild {
  return (esbuild ??= require('esbuild') as typeof Esbuild);
}

const LOADERS: Record<string, Loader> = { '.ts': 'ts', '.tsx': 'tsx', '.js': 'js', '.mjs': 'js' };

/** esbuild's asynchronous transform, or a stand-in that runs it elsewhere (see setTransformer). */
export type Transformer = (source: string, options: TransformOptions) => Promise<TransformResult>;

let transformer: Transformer = (source, options) => esbuildApi().transform(source, options);

/**
 * The shell runs esbuild's long-lived service in its terminal thread and installs a
 * transformer that asks it there: the service's child process then belongs to a thread that
 * lives as long as the session, so replacing the evaluator thread leaves no zombie behind.
 */
export function setTransformer(next: Transformer): void {
  transformer = next;
}

/** TypeScript → JavaScript through the installed transformer (esbuild's service by default). */
export function transformAsync(source: string, options: TransformOptions): Promise<TransformResult> {
  return transformer(source, options);
}

export async function compile(file: string, source: string, options: CompileOptions = {}): Promise<Compiled | Failure> {
  try {
    return checked(await transformAsync(source, transformOptions(file)), file, options);
  } catch (e) {
    return failed(e, file);
  }
}

export function compileSync(file: string, source: string, options: CompileOptions = {}): Compiled | Failure {
  try {
    return checked(esbuildApi().transformSync(source, transformOptions(file)), file, options);
  } catch (e) {
    return failed(e, file);
  }
}

function transformOptions(file: string): TransformOptions {
  return {
    loader: LOADERS[path.extname(file)] ?? 'ts',
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    sourcefile: file,
    sourcemap: 'inline',
    logLevel: 'silent',
  };
}

function checked(result: TransformResult, file: string, options: CompileOptions): Compiled | Failure {
  const name = displayName(file);
  if (options.strict && result.warnings.length > 0) {
    return { error: 'compile_error', message: formatMessages(result.warnings, 'error', name) };
  }
  return { code: result.code, warnings: formatMessages(result.warnings, 'warning', name), compiledAt: new Date() };
}

function failed(thrown: unknown, file: string): Failure {
  const { errors, warnings } = thrown as { errors?: Message[]; warnings?: Message[] };
  if (!Array.isArray(errors)) throw thrown; // not a compile error: esbuild itself broke
  const name = displayName(file);
  const message = formatMessages(errors, 'error', name) + formatMessages(warnings ?? [], 'warning', name);
  return { error: 'compile_error', message };
}
