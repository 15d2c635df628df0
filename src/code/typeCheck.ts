// The code server's side of type checking. esbuild strips types without looking at them, so
// `c(mod)` loads in milliseconds; the type checker thread (typeCheckThread.ts) then reports
// the module's type errors as warnings a moment later, while the prompt is already back.
// `c(mod, ['strict'])` waits for the checker instead and refuses to load on a type error.
//
// The thread starts on the first request, never before: nothing here sits on the path to the
// first prompt. It stays up (warm) for the session, unref'd while no caller waits on it, so it
// never keeps a process alive by itself.
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Message } from 'esbuild';
import { displayName } from './codePath';
import { formatMessages, type Severity } from './diagnostics';
import type { Failure } from './failure';
import { writeOutput } from '../runtime/output';
import type { CheckerReply, CheckerRequest, FunctionDoc, TypeDiagnostic } from './typeCheckThread';

export type { FunctionDoc, SignatureDoc, ParameterDoc, TypeDiagnostic } from './typeCheckThread';

interface Pending {
  resolve(reply: CheckerReply): void;
  reject(error: Error): void;
  /** A caller awaits this answer (strict c/1, h/1): the thread must keep the process alive. */
  awaited: boolean;
}

interface CheckerThread {
  worker: Worker;
  pending: Map<number, Pending>;
}

/** The bundle next to this one in dist/ (the evaluator's bundle sits in the same directory). */
let workerFile = path.join(__dirname, 'typecheck.js');
let thread: CheckerThread | undefined;
let nextId = 1;
/** Per file, the latest background check: an answer overtaken by a newer load is dropped. */
const latestBackgroundCheck = new Map<string, number>();
let backgroundChecks = true;

/** Where the checker thread's bundle is, for code bundled elsewhere than dist/ (tests). */
export function useTypeCheckWorker(file: string): void {
  workerFile = file;
}

/**
 * Turns c/1's background checks on or off (for measuring c/1 without them, or a machine
 * without TypeScript). Strict loads always check: they promise checked code.
 */
export function setBackgroundChecks(enabled: boolean): void {
  backgroundChecks = enabled;
}

/** Whether the checker thread is running (started by a first request). */
export function typeCheckerStarted(): boolean {
  return thread !== undefined;
}

/** Stops the checker thread; the next request starts a cold one. */
export async function stopTypeChecker(): Promise<void> {
  const stopping = thread;
  thread = undefined;
  if (stopping) await stopping.worker.terminate();
}

/**
 * Type-checks `file` (as `text`, the source being loaded, when given) in the background and
 * calls `onDiagnostics` with its type errors, unless a newer check of the same file was asked
 * for meanwhile. A checker that cannot start or fails is silent: c/1 loads without types.
 */
export function checkInBackground(
  file: string,
  text: string | undefined,
  onDiagnostics: (diagnostics: TypeDiagnostic[]) => void,
): void {
  if (!backgroundChecks) return;
  const id = nextId++;
  latestBackgroundCheck.set(file, id);
  request({ id, kind: 'check', file, text }, false).then(
    (reply) => {
      if (latestBackgroundCheck.get(file) !== id) return;
      latestBackgroundCheck.delete(file);
      if ('diagnostics' in reply) onDiagnostics(reply.diagnostics);
    },
    () => {},
  );
}

/** The type errors of `file` (as `text` when given), once the checker has them. */
export async function checkNow(file: string, text?: string): Promise<TypeDiagnostic[]> {
  const reply = await request({ id: nextId++, kind: 'check', file, text }, true);
  if ('diagnostics' in reply) return reply.diagnostics;
  throw unanswered(reply);
}

/** The exported functions of `file` with signatures and TSDoc; null when it cannot be read. */
export async function exportedFunctionDocs(file: string, text?: string): Promise<FunctionDoc[] | null> {
  const reply = await request({ id: nextId++, kind: 'docs', file, text }, true);
  if ('docs' in reply) return reply.docs;
  throw unanswered(reply);
}

/** What a caller sees when the checker failed to answer or was stopped: its first line. */
export function checkerFailure(error: unknown): string {
  return error instanceof Error ? error.message.split('\n')[0] : String(error);
}

function unanswered(reply: CheckerReply): Error {
  return new Error('failure' in reply ? reply.failure : 'unexpected answer from the type checker');
}

/**
 * For c/1: prints the module's type errors as compiler warnings when the checker has them,
 * through the shell's output channel (so they appear above the prompt, which is redrawn).
 */
export function warnAboutTypeErrors(file: string, text: string): void {
  checkInBackground(file, text, (diagnostics) => {
    if (diagnostics.length > 0) writeOutput(formatTypeDiagnostics(diagnostics, 'warning', displayName(file)));
  });
}

/**
 * For `c(mod, ['strict'])`: a failure (printed as errors, returned as
 * `['error', [['m.ts:14:12', 'message (TS2322)'], ...]]`) when the module has type errors,
 * undefined when it checks cleanly. A checker that cannot run refuses the load too: strict
 * promises checked code.
 */
export async function typeErrorsOf(file: string, text: string): Promise<Failure | undefined> {
  const name = displayName(file);
  let diagnostics: TypeDiagnostic[];
  try {
    diagnostics = await checkNow(file, text);
  } catch (e) {
    return { error: 'type_checker_unavailable', message: `${name}: error: cannot type-check (${checkerFailure(e)})\n` };
  }
  if (diagnostics.length === 0) return undefined;
  return {
    error: diagnostics.map((d) => [`${name}:${d.line}:${d.column + 1}`, headline(d)]),
    message: formatTypeDiagnostics(diagnostics, 'error', name),
  };
}

/**
 * `code_reload.ts:14:12: warning: Type 'string' is not assignable to type 'number'. (TS2322)`,
 * then the source line and a caret, exactly as esbuild's own diagnostics are printed.
 */
export function formatTypeDiagnostics(diagnostics: readonly TypeDiagnostic[], severity: Severity, name: string): string {
  return formatMessages(diagnostics.map(asCompilerMessage), severity, name);
}

function headline(d: TypeDiagnostic): string {
  const [first, ...explanation] = d.message.split('\n');
  // Code 0: eshell-ts's own rule (a discarded receive), not one of TypeScript's errors.
  return [d.code === 0 ? first : `${first} (TS${d.code})`, ...explanation].join('\n');
}

/** esbuild's message shape, which counts columns and lengths in UTF-8 bytes. */
function asCompilerMessage(d: TypeDiagnostic): Message {
  const bytes = (text: string) => Buffer.byteLength(text);
  return {
    id: `TS${d.code}`,
    pluginName: '',
    text: headline(d),
    location: d.line === 0 ? null : {
      file: d.file,
      namespace: 'file',
      line: d.line,
      column: bytes(d.lineText.slice(0, d.column)),
      length: bytes(d.lineText.slice(d.column, d.column + d.length)),
      lineText: d.lineText,
      suggestion: '',
    },
    notes: [],
    detail: undefined,
  };
}

function request(message: CheckerRequest, awaited: boolean): Promise<CheckerReply> {
  let checker: CheckerThread;
  try {
    checker = thread ?? startChecker();
  } catch (e) {
    return Promise.reject(e instanceof Error ? e : new Error(String(e)));
  }
  return new Promise((resolve, reject) => {
    checker.pending.set(message.id, { resolve, reject, awaited });
    keepAliveWhileAwaited(checker);
    checker.worker.postMessage(message);
  });
}

function startChecker(): CheckerThread {
  const worker = new Worker(workerFile, { stdout: true, stderr: true });
  const checker: CheckerThread = { worker, pending: new Map() };
  thread = checker;
  worker.unref();
  worker.on('message', (reply: CheckerReply) => {
    const waiting = checker.pending.get(reply.id);
    checker.pending.delete(reply.id);
    keepAliveWhileAwaited(checker);
    waiting?.resolve(reply);
  });
  const fail = (error: Error) => {
    if (thread === checker) thread = undefined;
    for (const waiting of checker.pending.values()) waiting.reject(error);
    checker.pending.clear();
  };
  worker.on('error', fail);
  worker.on('exit', (code) => fail(new Error(`the type checker thread exited (code ${code})`)));
  return checker;
}

function keepAliveWhileAwaited(checker: CheckerThread): void {
  const awaited = [...checker.pending.values()].some((p) => p.awaited);
  if (awaited) checker.worker.ref();
  else checker.worker.unref();
}
