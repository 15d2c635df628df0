// A process is a plain object: pid, mailbox, the continuation it waits in, and the rarely used
// parts (links, monitors, flags, timers) in a side record allocated on first use. A waiting
// process must stay small: a million of them is an ordinary workload.
import { inspect } from 'node:util';
import { Pid, type Ref } from './pid';
import type { Receive, Settle } from './receive';
import type { Deadline } from './receiveTimer';
import { allocatePidId } from './table';

/** Queued to run. */
export const RUNNABLE = 1;
/** Running a step right now (it is the scheduler's current process). */
export const RUNNING = 2;
/** Suspended in a receive until a message matches or its timeout fires. */
export const WAITING = 3;
/** An async function that is awaiting something other than a receive. */
export const ASYNC = 4;
/** Hit by an exit signal while running; it ends as soon as its code returns control. */
export const EXITING = 5;
export const EXITED = 6;
export type ProcessState = 1 | 2 | 3 | 4 | 5 | 6;

export type ProcessStatus = 'running' | 'runnable' | 'waiting' | 'exiting';

/** Every process starts with this one; the first message gives it its own array. */
export const EMPTY_MAILBOX: unknown[] = Object.freeze([]) as unknown as unknown[];
/** The arguments of a process started without any (shared: nothing writes to it). */
export const NO_ARGS: readonly unknown[] = Object.freeze([]);
/** Stand-ins that keep only the arity of started processes' arguments, shared per arity. */
const ARITY_ONLY: (readonly unknown[])[] = [];

/**
 * Where a module handle carries its module's name (for initial_call, spawn's errors, the
 * shell). A registered symbol, so that every runtime copy in the thread finds it.
 */
export const MODULE_NAME_KEY = Symbol.for('eshell-ts.module');

/** The module name a handle carries, or undefined for anything that is not a handle. */
export function handleModuleName(value: unknown): string | undefined {
  if ((typeof value !== 'object' && typeof value !== 'function') || value === null) return undefined;
  const name = (value as Record<symbol, unknown>)[MODULE_NAME_KEY];
  return typeof name === 'string' ? name : undefined;
}

export interface Monitor {
  readonly ref: Ref;
  readonly watcher: Process;
  readonly target: Process;
}

/** A timer started for module code (wrapTimers), with how to cancel it. */
export type TimerCancel = () => void;

// Both classes assign every field in the constructor instead of using field initializers:
// native class fields are defined one by one through a separate initializer function, which
// costs measurably when a million processes are spawned; constructor stores do not.

/** The parts of a process most processes never use. */
export class ProcessExtras {
  /** `module:fn/arity` last entered through a module handle. */
  declare currentFunction: string | undefined;
  /**
   * Module name → version this process last entered through a module handle. The first
   * module it enters is kept in two plain fields: a loop through one module's handle then
   * records its version without a map operation per call.
   */
  declare firstModule: string | undefined;
  declare firstModuleVersion: number;
  declare versions: Map<string, number> | null;
  declare links: Set<Process> | null;
  /** Monitors this process holds on others, by ref id. */
  declare monitors: Map<number, Monitor> | null;
  /** Monitors others hold on this process, by ref id. */
  declare monitoredBy: Map<number, Monitor> | null;
  declare trapExit: boolean;
  declare registeredName: string | undefined;
  /** The receive timeout running, for the receive it belongs to. */
  declare afterTimer: Deadline | null;
  declare afterTimerFor: Receive | null;
  declare timedOut: boolean;
  /** Timers module code started on behalf of this process, cancelled when it exits. */
  declare timers: Map<object, TimerCancel> | null;
  /** The reason of an exit signal that arrived while the process was running. */
  declare pendingExitReason: unknown;
  /** Runs before every ordinary process (the shell's own: see scheduler `runUrgently`). */
  declare urgent: boolean;
  /**
   * Set by processes started the way OTP's proc_lib starts them: the initial call they report
   * (`kv:init/1` rather than the internal loop), and the crash report they print when their
   * own code ends abnormally, instead of the plain `Error in process` report.
   */
  declare initialCallLabel: string | undefined;
  declare crashReporter: ((reason: unknown) => void) | null;
  /**
   * Set by a behaviour that keeps a state (gen_server): reads it without a message, for tools
   * that look at a process from outside it (the observer), as sys:get_state would by asking.
   */
  declare behaviourState: (() => unknown) | null;
  /** The last receive marked as waiting in library code (receive.ts releasesCode). */
  declare codeReleasingReceive: Receive | null;
  /**
   * The ref this process made last (make_ref, monitor) and how long its mailbox was then: no
   * message before that position can hold the ref, so a receive that only matches messages
   * holding it starts there (BEAM's receive marker, which makes a call's reply O(1) to find
   * behind any number of unrelated messages).
   */
  declare freshRef: Ref | null;
  declare freshRefAt: number;
  /**
   * The moves of this process to a newer version of a module it runs (the demo's server
   * picking up the fixed code at its next call through the handle), the last
   * VERSION_CHANGES_KEPT of them. Recorded when they happen, which is rare, so a tool that
   * looks later (the observer opened after the reload) still sees them. A return to the
   * version it was in, after a call into a newer one came back, is not a move.
   */
  declare versionChanges: CodeVersionChange[] | null;
  /** The receive an `await` waits in, and how to settle that await when it matches. */
  declare awaited: Receive | null;
  declare awaitedSettle: Settle | null;

  constructor() {
    // What a loop through a module handle reads on every message comes first (one cache line).
    this.currentFunction = undefined;
    this.firstModule = undefined;
    this.firstModuleVersion = 0;
    this.freshRef = null;
    this.freshRefAt = 0;
    this.awaited = null;
    this.codeReleasingReceive = null;
    this.afterTimerFor = null;
    this.urgent = false;
    this.versions = null;
    this.links = null;
    this.monitors = null;
    this.monitoredBy = null;
    this.trapExit = false;
    this.registeredName = undefined;
    this.afterTimer = null;
    this.timedOut = false;
    this.timers = null;
    this.pendingExitReason = undefined;
    this.initialCallLabel = undefined;
    this.crashReporter = null;
    this.behaviourState = null;
    this.awaitedSettle = null;
    this.versionChanges = null;
  }
}

export interface CodeVersionChange {
  /** Wall-clock time, ms since the epoch. */
  readonly at: number;
  readonly module: string;
  readonly from: number;
  readonly to: number;
}

export const VERSION_CHANGES_KEPT = 20;

function noteVersionChange(ext: ProcessExtras, module: string, from: number, to: number): void {
  const changes = (ext.versionChanges ??= []);
  changes.push({ at: Date.now(), module, from, to });
  if (changes.length > VERSION_CHANGES_KEPT) changes.shift();
}

/** How a process spawned with a module function or with arguments starts. */
class EntryCall {
  constructor(
    readonly target: object,
    /** `target[name](...args)`; undefined: `target(...args)`. */
    readonly name: string | undefined,
    /** Once started, a shared stand-in of the same length. */
    public args: readonly unknown[],
  ) {}
}

export class Process {
  declare readonly pid: Pid;
  declare mailbox: unknown[];
  declare state: ProcessState;
  /** The receive the process waits in; null before it starts and while not in a receive. */
  declare receive: Receive | null;
  /**
   * What starts the process: the function itself for the usual `spawn(fn)`, an EntryCall for
   * a module function or arguments (two fields fewer on every process spawned the usual way).
   */
  private declare entry: object;
  declare reductions: number;
  declare ext: ProcessExtras | null;

  constructor(entry: object, entryName: string | undefined, args: readonly unknown[]) {
    // The order of these stores is the order of the fields in memory: what every message
    // and every step reads comes first, to share a cache line.
    this.state = RUNNABLE;
    this.mailbox = EMPTY_MAILBOX;
    this.receive = null;
    this.ext = null;
    this.reductions = 0;
    this.pid = new Pid(allocatePidId(), this);
    this.entry = entryName === undefined && args.length === 0 ? entry : new EntryCall(entry, entryName, args);
  }

  get arity(): number {
    const entry = this.entry;
    return entry instanceof EntryCall ? entry.args.length : 0;
  }

  /** Erlang-style, never the internals (a mailbox can be huge, the links a web). */
  [inspect.custom](): string {
    return `#Process<${String(this.pid).slice(1, -1)}>`;
  }

  extras(): ProcessExtras {
    return (this.ext ??= new ProcessExtras());
  }

  /** Calls the spawn target; after this the arguments are no longer retained. */
  callEntry(): unknown {
    const entry = this.entry;
    if (!(entry instanceof EntryCall)) return (entry as () => unknown)();
    const args = entry.args;
    if (args.length !== 0) entry.args = (ARITY_ONLY[args.length] ??= Object.freeze(new Array(args.length)));
    const target = entry.target as any;
    return entry.name === undefined ? target(...args) : target[entry.name](...args);
  }

  /** Recorded by module handles on every remote call, and restored when the call returns. */
  enterCode(module: string, version: number, fnLabel: string | undefined): void {
    const ext = (this.ext ??= new ProcessExtras());
    ext.currentFunction = fnLabel;
    if (ext.firstModule === module || ext.firstModule === undefined) {
      if (version > ext.firstModuleVersion && ext.firstModuleVersion !== 0) noteVersionChange(ext, module, ext.firstModuleVersion, version);
      ext.firstModule = module;
      ext.firstModuleVersion = version;
    } else {
      const versions = (ext.versions ??= new Map());
      const before = versions.get(module);
      if (before !== undefined && before !== 0 && version > before) noteVersionChange(ext, module, before, version);
      versions.set(module, version);
    }
  }

  /** Back in code no module handle entered (the shell's evaluator between module calls). */
  leaveAllCode(): void {
    const ext = this.ext;
    if (ext === null) return;
    ext.currentFunction = undefined;
    ext.firstModule = undefined;
    ext.firstModuleVersion = 0;
    ext.versions = null;
  }

  codeVersion(module: string): number | undefined {
    const ext = this.ext;
    if (ext === null) return undefined;
    return ext.firstModule === module ? ext.firstModuleVersion : ext.versions?.get(module);
  }

  get currentFunction(): string | undefined {
    return this.ext?.currentFunction;
  }

  get initialCall(): string {
    const label = this.ext?.initialCallLabel;
    if (label !== undefined) return label;
    const entry = this.entry;
    const target = (entry instanceof EntryCall ? entry.target : entry) as { name?: unknown };
    const entryName = entry instanceof EntryCall ? entry.name : undefined;
    if (entryName === undefined) {
      const name = typeof target.name === 'string' && target.name !== '' ? target.name : 'anonymous';
      return `${name}/${this.arity}`;
    }
    const module = handleModuleName(target);
    const prefix = module !== undefined ? `${module}:` : '';
    return `${prefix}${entryName}/${this.arity}`;
  }

  get status(): ProcessStatus {
    switch (this.state) {
      case RUNNING:
        return 'running';
      case RUNNABLE:
        return 'runnable';
      case WAITING:
      case ASYNC:
        return 'waiting';
      default:
        return 'exiting';
    }
  }

  get links(): ReadonlySet<Process> {
    return this.ext?.links ?? NO_LINKS;
  }

  get trapExit(): boolean {
    return this.ext?.trapExit ?? false;
  }

  get registeredName(): string | undefined {
    return this.ext?.registeredName;
  }
}

const NO_LINKS: ReadonlySet<Process> = new Set();
