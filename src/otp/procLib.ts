// What OTP's proc_lib does for gen_server and supervisor: start a process whose init runs
// before the starter goes on, give it the initial call and ancestors it reports, and print a
// CRASH REPORT when its own code ends it abnormally.
//
// The init runs synchronously, as the new process (the scheduler's runAs), inside the
// starter's call: `start_link` returns `['ok', pid]` as a plain value, which is what a
// TypeScript caller and a supervisor starting children in order want. OTP's starter blocks
// in a receive for the same effect. An init that fails leaves the starter unlinked and
// answering `['error', reason]` (OTP 26's proc_lib:start_link), rather than killing it.
import { badarg, classify, ErlangException, exitReasonOf } from '../runtime/errors';
import { terminate } from '../runtime/exits';
import { unlink } from '../runtime/links';
import type { Pid } from '../runtime/pid';
import { EXITED, type Process } from '../runtime/process';
import { register, whereis } from '../runtime/registry';
import { currentProcess, runAs } from '../runtime/scheduler';
import { spawn, spawn_link } from '../runtime/spawn';
import { processOf } from '../runtime/table';
import { writeOutput } from '../runtime/output';
import { formatTerm } from '../io/print';
import { reportHeader } from '../io/exception';
import { isErlangStack } from '../runtime/stackFrames';
import { errorHeadline } from '../io/print';

export type StartResult = ['ok', Pid] | 'ignore' | ['error', unknown];

/** What an init decided: run the process's loop, or end it with `exitReason`. */
export type InitOutcome =
  | { readonly run: () => unknown }
  | { readonly result: 'ignore' | ['error', unknown]; readonly exitReason: unknown };

export interface StartOptions {
  readonly link: boolean;
  /** Registered name (`['local', name]`). */
  readonly name?: string;
  /** What i() and crash reports show as the initial call: `kv:init/1`. */
  readonly initialCall: string;
  /** Runs as the new process; `parent` is the starter (start_link) or the process itself. */
  readonly init: (parent: Pid, self: Process) => InitOutcome;
}

/** Ancestors of each proc_lib process: its starter first, as OTP's `$ancestors`. */
const ancestorsOf = new WeakMap<Process, Pid[]>();

export function ancestors(proc: Process): Pid[] {
  return ancestorsOf.get(proc) ?? [];
}

export function startProcess(options: StartOptions): StartResult {
  const starter = currentProcess();
  if (options.link && starter === undefined) {
    throw badarg('start_link: call it from a process (the new process is linked to its caller)');
  }
  if (options.name !== undefined) {
    const existing = whereis(options.name);
    if (existing !== undefined) return ['error', ['already_started', existing]];
  }
  let run: (() => unknown) | undefined;
  const entry = (): unknown => run!();
  Object.defineProperty(entry, 'name', { value: 'init' });
  const pid = options.link ? spawn_link(entry) : spawn(entry);
  const proc = processOf(pid)!;
  // It runs the behaviour's loop, library code, whatever module called start: a reload of
  // that module must not take it for a process in old code (its callbacks are remote calls).
  proc.leaveAllCode();
  const ext = proc.extras();
  ext.initialCallLabel = options.initialCall;
  ancestorsOf.set(proc, starter === undefined ? [] : [starter.pid, ...ancestors(starter)]);
  setCrashClass(proc, 'exit');
  if (options.name !== undefined) register(options.name, pid);
  const parent = options.link ? starter!.pid : pid;
  let outcome: InitOutcome | undefined;
  runAs(proc, () => {
    try {
      outcome = options.init(parent, proc);
    } catch (thrown) {
      const { kind } = classify(thrown);
      const reason = exitReasonOf(thrown); // [reason, stack] for an error, as OTP's init_it
      setCrashClass(proc, kind);
      outcome = { result: ['error', reason], exitReason: reason };
    }
  });
  if (proc.state === EXITED || outcome === undefined) return ['error', 'killed'];
  if ('run' in outcome) {
    run = outcome.run;
    return ['ok', pid];
  }
  if (options.link) unlinkFrom(starter!, pid);
  terminate(proc, outcome.exitReason, 'own');
  return outcome.result;
}

function unlinkFrom(starter: Process, pid: Pid): void {
  runAs(starter, () => unlink(pid));
}

/** Marks the class a process's coming crash report names (`exception error:` or `exit:`). */
export function setCrashClass(proc: Process, kind: 'error' | 'exit' | 'throw'): void {
  proc.extras().crashReporter = (reason) => writeOutput(crashReport(proc, reason, kind));
}

/** OTP's crash report, in the layout erl prints (sizes it does not know left out). */
function crashReport(proc: Process, reason: unknown, kind: string): string {
  const lines = [
    '  crasher:',
    `    initial call: ${proc.initialCall}`,
    `    pid: ${proc.pid}`,
    `    registered_name: ${proc.registeredName ?? '[]'}`,
    ...exceptionLines(kind, reason),
    `    ancestors: ${formatTerm(ancestors(proc))}`,
    `    message_queue_len: ${proc.mailbox.length}`,
    `    messages: ${formatTerm(proc.mailbox)}`,
    `    links: ${formatTerm([...proc.links].map((p) => p.pid))}`,
    `    trap_exit: ${proc.trapExit}`,
    `    status: running`,
    `    reductions: ${proc.reductions}`,
    '  neighbours:',
  ];
  return `${reportHeader('CRASH REPORT')}${lines.join('\n')}\n\n`;
}

/** `exception error: Error: boom` and, for a JavaScript error, where it was thrown, as erl's `in function`. */
function exceptionLines(kind: string, reason: unknown): string[] {
  const withStack = kind === 'error' && Array.isArray(reason) && reason.length === 2 && isErlangStack(reason[1]);
  if (!withStack) return [`    exception ${kind}: ${reason instanceof Error ? errorHeadline(reason) : formatTerm(reason)}`];
  const [error, stack] = reason as [unknown, unknown[]];
  const frames = stack.map((frame, i) => `      ${i === 0 ? 'in function ' : 'in call from'} ${frameText(frame)}`);
  return [`    exception error: ${error instanceof Error ? errorHeadline(error) : formatTerm(error)}`, ...frames];
}

/** `[m, f, arity, [['file', f], ['line', n]]]` as erl prints it: `m:f/arity (f, line n)`. */
function frameText(frame: unknown): string {
  if (!Array.isArray(frame) || frame.length !== 4) return formatTerm(frame);
  const [module, fn, arity, location] = frame;
  const where = Array.isArray(location) ? Object.fromEntries(location.filter(Array.isArray) as [string, unknown][]) : {};
  const place = where.file !== undefined ? ` (${String(where.file)}${where.line !== undefined ? `, line ${String(where.line)}` : ''})` : '';
  return `${String(module)}:${String(fn)}/${Array.isArray(arity) ? arity.length : String(arity)}${place}`;
}

/** `exit(reason)` as the running process: what a server does once it has cleaned up. */
export function exitWith(reason: unknown): never {
  throw new ErlangException('exit', reason);
}
