// Eshell's forms on top of TypeScript — the syntax layer of the shell. Pure functions with no
// runtime dependency: the terminal thread uses `isComplete` (evaluate, or continuation
// prompt?); the evaluator thread uses `transformInput` (and `splitForms` for `1. 2.` on one
// line) and `lastIdentifierChain` (what Tab completes: the candidates live in that thread).
//
// transformInput rewrites, calling helpers on the evaluator's global `__eshell`:
//   X = 1.                      terminator: one trailing top-level `.` is dropped
//   X = expr                    __eshell.match(__eshell.v("X"), (expr))
//   ['ok', Pid] = expr          __eshell.match(['ok', __eshell.v("Pid")], (expr))
//   [H, ...T] = list            __eshell.match([__eshell.v("H"), __eshell.rest(__eshell.v("T"))], (list))
//   [_, X] = expr               `_` is __eshell.wildcard
//   X = 1, Y = X + 1            (__eshell.match(…), __eshell.match(…))  — value of the last
//   Pid ! Msg                   __eshell.send(Pid, Msg)  — lowest precedence, right-associative
//   mod:fun(args)               __eshell.mod("mod").fun(args)   (`mod:fun` alone: a function value)
//   c(code_reload)              c('code_reload')  — bare atoms where the context's table of
//   f(X)                        f('X')    built-ins says so (module names; the variable to forget)
//   catch Expr                  __eshell.catch(() => (Expr))  — Erlang's catch, to the end of the piece
// Variables are marked, never resolved: whether X is bound is the evaluator's business
// (`ctx.isVariable` only says whether a capitalised name may be a shell variable at all).
// Statements (`const`, `if`, `function`, …) keep their meaning: only `!` and `mod:fun` inside
// them are rewritten; type declarations, imports and exports are left exactly as typed.
//
// Syntax errors found here come back as `{ kind: 'syntax-error', message }` with the message
// in Eshell's shape, `1:5: syntax error before: ')'`; the evaluator prints it after `* `.
// An input holding several forms (`1. 2.`) is a syntax error for transformInput: split it
// with splitForms first and transform each piece, as Eshell reads one form at a time.

export { tokenize, significantTokens, type Token, type TokenKind, type TemplatePart } from './forms/tokenizer.js';
export { isComplete } from './forms/completeness.js';
export { transformInput, type Transformed } from './forms/transform.js';
export type { FormContext, BareArgument } from './forms/emitter.js';
export { splitForms } from './forms/terminator.js';
export { lastIdentifierChain, type CompletionTarget } from './forms/completionTarget.js';
export { FormSplitter } from './forms/formSplitter.js';
