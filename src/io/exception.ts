// Exceptions and crash reports as Eshell prints them:
//   ** exception error: no match of right hand side value 2
//   =ERROR REPORT==== 25-Nov-2026::11:14:56.123456 ===
// Known Erlang reasons are explained in words (the wording follows OTP's erl_error), anything
// else is printed as a value in TypeScript notation, and a JavaScript Error shows its
// `Name: message` plus the first stack frames that belong to the user's code.

import { Chalk } from 'chalk';
import { ErlangException, classify, defaultMessage, type ExceptionClass } from '../runtime/errors';
import { errorHeadline, formatValue } from './print';
import { erlangStack, isErlangStack, isInternalFrame, type ErlangFrame } from '../runtime/stackFrames';
import { setErrorReportFormat } from '../runtime/crashReport';

export interface ExceptionOptions {
  color?: boolean;
  /** A human explanation given when the exception was raised (ErlangException's message). */
  message?: string;
  /** Line length for wrapping long terms. Default 80. */
  width?: number;
}

const PREFIX = '** exception ';
/** Erlang indents the lines under an exception by five spaces (`     in function ...`). */
const DETAIL_INDENT = '     ';
const MAX_USER_FRAMES = 3;

/** True for a string Erlang would print as a bare atom: `ok`, `code_reload`, `unexpected_message`. */
export function atomText(value: unknown): value is string {
  return typeof value === 'string' && /^[a-z][A-Za-z0-9_@]*$/.test(value);
}

/** An error's or a throw's exit reason: `[reason, stack]`, the stack in Erlang's frames. */
function isErrorExit(reason: unknown): reason is [unknown, ErlangFrame[]] {
  return Array.isArray(reason) && reason.length === 2 && isErlangStack(reason[1]);
}

/** `     in function  kitchen:take/2 (kitchen.ts, line 48)`, as Eshell lists a stack. */
function stackLines(stack: ErlangFrame[]): string[] {
  // The shell's own frames are left out, as Eshell leaves out shell and erl_eval.
  return stack.filter(([module]) => module !== 'shell').slice(0, MAX_USER_FRAMES).map(([module, fn, arity, [[, file], [, line]]], index) =>
    `${DETAIL_INDENT}${index === 0 ? 'in function ' : 'in call from'} ${module}:${fn}/${arity} (${file}, line ${line})`);
}

/** The lines Eshell prints for an exception of `kind` with `reason` (no trailing newline). */
export function formatException(kind: ExceptionClass, reason: unknown, opts: ExceptionOptions = {}): string {
  if (kind === 'exit' && isErrorExit(reason)) {
    // An error that killed a linked process arrives as exit `[reason, stack]`; Eshell shows
    // the reason and the stack as function lines.
    const paint = new Chalk({ level: opts.color ? 1 : 0 });
    const [inner, stack] = reason;
    const head = formatException('exit', inner, opts);
    return [head, ...stackLines(stack).map((line) => paint.gray(line))].join('\n');
  }
  let message = opts.message;
  if (reason instanceof ErlangException) {
    // An exit signal or crash can carry the exception object itself; its reason is the term.
    message ??= explicitMessage(reason);
    reason = reason.reason;
  }
  const paint = new Chalk({ level: opts.color ? 1 : 0 });
  const head = `${PREFIX}${kind}: `;
  const body = message ?? describeReason(kind, reason, head.length, opts);
  const lines = [paint.red(head) + body];
  if (reason instanceof Error && message === undefined) {
    for (const frame of userFrames(reason)) lines.push(paint.gray(DETAIL_INDENT + frame));
  }
  return lines.join('\n');
}

/** formatException for anything caught from user code (an ErlangException, Error or value). */
export function formatThrown(thrown: unknown, opts: Omit<ExceptionOptions, 'message'> = {}): string {
  const { kind, reason } = classify(thrown);
  const message = thrown instanceof ErlangException ? explicitMessage(thrown) : undefined;
  const text = formatException(kind, reason, { ...opts, message });
  if (!(thrown instanceof ErlangException) || kind === 'exit') return text;
  // error() and throw from module code: where it happened in the modules, as Eshell lists it.
  const paint = new Chalk({ level: opts.color ? 1 : 0 });
  const moduleFrames = erlangStack(thrown).filter(([, , , [[, file]]]) => /\.tsx?$/.test(file));
  return [text, ...stackLines(moduleFrames).map((line) => paint.gray(line))].join('\n');
}

/**
 * The report Erlang's logger prints when a process dies of an abnormal reason, ending with a
 * newline. `when` defaults to now, with microseconds as Erlang shows them.
 */
export function formatCrashReport(pidText: string, reason: unknown, when?: Date, thrown?: unknown): string {
  return (
    errorReportHeader(when) +
    `Error in process ${pidText} with exit value:\n` +
    `${describeExitValue(reason, thrown)}\n\n`
  );
}

/** The first line of an error report, newline included; `when` defaults to now. */
export function errorReportHeader(when?: Date): string {
  return reportHeader('ERROR REPORT', when);
}

/** `=CRASH REPORT==== 25-Nov-2026::11:14:56.123456 ===` and the like, newline included. */
export function reportHeader(title: 'ERROR REPORT' | 'CRASH REPORT' | 'SUPERVISOR REPORT' | 'WARNING REPORT', when?: Date): string {
  const stamp = when ? reportTimestamp(when, when.getMilliseconds() * 1000) : reportTimestampNow();
  return `=${title}==== ${stamp} ===\n`;
}

/** `25-Nov-2026::11:14:56.123456` in local time, as Erlang's logger writes it. */
function reportTimestamp(when: Date, microseconds: number): string {
  const two = (n: number) => String(n).padStart(2, '0');
  return (
    `${two(when.getDate())}-${MONTHS[when.getMonth()]}-${when.getFullYear()}::` +
    `${two(when.getHours())}:${two(when.getMinutes())}:${two(when.getSeconds())}.` +
    String(Math.floor(microseconds)).padStart(6, '0')
  );
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function reportTimestampNow(): string {
  const nowMs = performance.timeOrigin + performance.now(); // sub-millisecond, unlike Date.now()
  const when = new Date(Math.floor(nowMs));
  return reportTimestamp(when, (nowMs % 1000) * 1000);
}

function describeExitValue(reason: unknown, thrown?: unknown): string {
  if (thrown instanceof ErlangException && isErrorExit(reason)) {
    // The term as Erlang prints it, then what the raiser said about it.
    const message = explicitMessage(thrown);
    const term = formatValue(reason);
    return message ? `${term}\n${DETAIL_INDENT}${message}` : term;
  }
  if (reason instanceof ErlangException) {
    const message = explicitMessage(reason);
    const term = formatValue(reason.reason);
    return message ? `${term}\n${DETAIL_INDENT}${message}` : describeExitValue(reason.reason);
  }
  if (reason instanceof Error) {
    return [errorHeadline(reason), ...userFrames(reason).map((f) => DETAIL_INDENT + f)].join('\n');
  }
  return formatValue(reason);
}

/**
 * The message an ErlangException was raised with, unless it is the default the constructor
 * derives from kind and reason (which says nothing the reason does not).
 */
function explicitMessage(exception: ErlangException): string | undefined {
  const { kind, reason, message } = exception;
  if (!message) return undefined;
  return message === defaultMessage(kind, reason) ? undefined : message;
}

// ---------------------------------------------------------------------------------------------
// Reasons explained in words (erl_error's explain_reason). Only the `error` class has them;
// exits and throws print their term.

type Explainer = (detail: unknown, term: (value: unknown, prefix: string) => string) => string | undefined;

const ATOM_REASONS: Record<string, string> = {
  badarg: 'bad argument',
  badarith: 'an error occurred when evaluating an arithmetic expression',
  function_clause: 'no function clause matching',
  if_clause: 'no true branch found when evaluating an if expression',
  noproc: 'no such process or port',
  notalive: 'the node cannot be part of a distributed system',
  system_limit: 'a system limit has been reached',
  timeout_value: 'bad receive timeout value',
  undef: 'undefined function',
};

const TUPLE_REASONS: Record<string, Explainer> = {
  badarg: (v, term) => term(v, 'bad argument: '),
  badmatch: (v, term) => term(v, 'no match of right hand side value '),
  case_clause: (v, term) => term(v, 'no case clause matching '),
  try_clause: (v, term) => term(v, 'no try clause matching '),
  badfun: (v, term) => term(v, 'bad function '),
  badkey: (v, term) => term(v, 'bad key: '),
  badmap: (v, term) => term(v, 'bad map: '),
  badrecord: (v, term) => term(v, 'bad record '),
  bad_generator: (v, term) => term(v, 'bad generator '),
  bad_filter: (v, term) => term(v, 'bad filter '),
  unbound: (v) => (typeof v === 'string' ? `variable ${v} is unbound` : undefined),
  undef: (v) => {
    const mfa = asMfa(v);
    return mfa && `undefined function ${mfa}`;
  },
  function_clause: (v, term) => {
    if (!Array.isArray(v) || v.length !== 3 || !Array.isArray(v[2])) return undefined;
    const call = formatValue(v[2], { singleLine: true }).slice(1, -1);
    return `no function clause matching ${v[0]}:${v[1]}(${call})`;
  },
  badarity: (v) => {
    if (!Array.isArray(v) || v.length !== 2 || !Array.isArray(v[1])) return undefined;
    const fn = typeof v[0] === 'function' ? formatValue(v[0]) : 'fun';
    return `${fn} called with ${argumentCount(v[1].length)}`;
  },
};

function describeReason(kind: ExceptionClass, reason: unknown, column: number, opts: ExceptionOptions): string {
  const valueOptions = { color: opts.color, width: opts.width };
  const term = (value: unknown, prefix: string) =>
    prefix + formatValue(value, { ...valueOptions, indent: column + prefix.length });
  if (reason instanceof Error) return errorHeadline(reason);
  if (kind === 'error') {
    const explained = explainErrorReason(reason, term);
    if (explained !== undefined) return explained;
  }
  if (atomText(reason)) return reason;
  return term(reason, '');
}

function explainErrorReason(reason: unknown, term: (value: unknown, prefix: string) => string): string | undefined {
  if (typeof reason === 'string') return ATOM_REASONS[reason];
  if (Array.isArray(reason) && reason.length === 2 && typeof reason[0] === 'string') {
    return TUPLE_REASONS[reason[0]]?.(reason[1], term);
  }
  // Erlang's shell_undef carries three elements: ['shell_undef', f, arity].
  if (Array.isArray(reason) && reason.length === 3 && reason[0] === 'shell_undef') {
    return `undefined shell command ${String(reason[1])}/${arityOf(reason[2])}`;
  }
  return undefined;
}

/** `m:f/1` from `[m, f, arity]` or `[m, f, args]`. */
function asMfa(value: unknown): string | undefined {
  if (!Array.isArray(value) || value.length !== 3) return undefined;
  const [module, fn, arity] = value;
  if (typeof module !== 'string' || typeof fn !== 'string') return undefined;
  return `${module}:${fn}/${arityOf(arity)}`;
}

function arityOf(value: unknown): string {
  return Array.isArray(value) ? String(value.length) : String(value);
}

function argumentCount(count: number): string {
  return count === 0 ? 'no arguments'
    : count === 1 ? 'one argument'
    : count === 2 ? 'two arguments'
    : `${count} arguments`;
}

// ---------------------------------------------------------------------------------------------
// Stack frames worth showing: the user's, not Node's and not eshell-ts's own bundles.

/** Up to three `at …` lines of `error.stack` that point into user code. */
export function userFrames(error: Error, limit = MAX_USER_FRAMES): string[] {
  let stack: unknown;
  try {
    stack = error.stack;
  } catch {
    return [];
  }
  if (typeof stack !== 'string') return [];
  const frames: string[] = [];
  for (const line of stack.split('\n')) {
    const trimmed = line.trim();
    if (!trimmed.startsWith('at ') || isInternalFrame(trimmed)) continue;
    frames.push(trimmed);
    if (frames.length === limit) break;
  }
  return frames;
}

export { isInternalFrame };

// The runtime decides when a process's end is reported; the reports read as the shell prints.
setErrorReportFormat({
  processCrash: (pidText, reason, thrown) => formatCrashReport(pidText, reason, undefined, thrown),
  error: (headline, value) => {
    const shown = value instanceof Error ? (value.stack ?? `${value.name}: ${value.message}`) : formatValue(value);
    return `${errorReportHeader()}${headline}\n${shown}\n`;
  },
});
