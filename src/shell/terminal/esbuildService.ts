// esbuild for the evaluator thread, run here in the terminal thread. esbuild's asynchronous API
// keeps one child process (its service) for the session; started from the evaluator thread,
// that child stayed behind as a zombie whenever the thread was replaced (nobody left to wait
// for it). Here it lives as long as the session, and a new evaluator thread reuses it.
import type { TransformOptions } from 'esbuild';
import type { FromEvaluator, ToEvaluator } from '../protocol';

let esbuild: typeof import('esbuild') | undefined;

/** Runs one `transform` request; the answer is always a `transformed` message. */
export async function runTransform(request: Extract<FromEvaluator, { t: 'transform' }>): Promise<ToEvaluator> {
  const id = request.id;
  try {
    // Loaded on the first compile, never on the way to the prompt (require, not import(): the
    // bundle runs from V8's code cache, where a dynamic import has no loader).
    esbuild ??= require('esbuild') as typeof import('esbuild');
    const { transform } = esbuild;
    const result = await transform(request.source, request.options as TransformOptions);
    return { t: 'transformed', id, code: result.code, warnings: plain(result.warnings) };
  } catch (thrown) {
    const { errors, warnings } = (thrown ?? {}) as { errors?: unknown; warnings?: unknown };
    if (Array.isArray(errors)) return { t: 'transformed', id, errors: plain(errors), warnings: plain(Array.isArray(warnings) ? warnings : []) };
    return { t: 'transformed', id, failure: thrown instanceof Error ? thrown.message : String(thrown) };
  }
}

/** esbuild's messages as plain data (they cross to the other thread). */
function plain(messages: readonly unknown[]): unknown[] {
  return JSON.parse(JSON.stringify(messages)) as unknown[];
}
