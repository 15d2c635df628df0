// Eshell input → plain JavaScript/TypeScript for the evaluator. See ../forms.ts for the forms.

import { FormEmitter, type FormContext } from './emitter.js';
import { FormSyntaxError, formatSyntaxError, syntaxErrorBefore, tokenProblem } from './syntaxError.js';
import { formEnds, stripTerminator } from './terminator.js';
import { significantTokens, tokenize } from './tokenizer.js';
import { buildLevels } from './tree.js';

export type Transformed =
  | { kind: 'empty' }
  | { kind: 'code'; code: string; usesAwait: boolean; waits: boolean; freeModules: string[] }
  | { kind: 'syntax-error'; message: string };

export function transformInput(source: string, context: FormContext): Transformed {
  try {
    return transform(source, context);
  } catch (error) {
    if (error instanceof FormSyntaxError) {
      return { kind: 'syntax-error', message: formatSyntaxError(source, error.offset, error.detail) };
    }
    // Never let a shell line take the evaluator down; V8 reports the same input's real error.
    const detail = error instanceof RangeError ? 'expression too complex' : String(error);
    return { kind: 'syntax-error', message: formatSyntaxError(source, 0, detail) };
  }
}

function transform(source: string, context: FormContext): Transformed {
  const tokens = tokenize(source);
  for (const token of tokens) {
    const problem = tokenProblem(token);
    if (problem) throw problem;
  }
  const significant = significantTokens(tokens);
  // `1. 2.` is two forms; the evaluator runs them one by one (see splitForms).
  const [firstEnd] = formEnds(significant);
  if (firstEnd !== undefined) throw syntaxErrorBefore(significant.find((token) => token.start >= firstEnd), source.length);

  const { tokens: body, terminator } = stripTerminator(significant);
  if (body.length === 0) return { kind: 'empty' };
  const items = buildLevels(body, source.length, terminator);
  const emitter = new FormEmitter(source, context);
  const code = emitter.emitLevel(items, 'top', false, terminator);
  return { kind: 'code', code, usesAwait: emitter.usesAwait, waits: emitter.waits, freeModules: [...emitter.freeModules] };
}
