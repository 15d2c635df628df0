// The shell as the evaluator thread sees it: its jobs (Eshell's Ctrl-G "shells"), the
// translation of typed input into JavaScript, and the globals evaluated code sees — the
// `__eshell` helpers the forms layer calls, the built-ins, and the public API (spawn,
// receive, ...) so that no import is needed at the prompt, as Erlang auto-imports its BIFs.

import { createRequire } from 'node:module';
import path from 'node:path';
import * as api from '../../index';
import { MODULE_NAME_KEY, moduleHandle } from '../../code/moduleHandle';
import { badarg } from '../../runtime/errors';
import { formatValue } from '../../io/print';
import { onProcessExit } from '../../runtime/exits';
import { writeOutput } from '../../runtime/output';
import { codeServer } from '../../code/codeServer';
import { findModule, reserveModuleNames } from '../../code/codePath';
import { shellDirectory } from './directory';
import { isFailure } from '../../code/failure';
import { currentProcess } from '../../runtime/scheduler';
import { _ } from '../../runtime/patterns';
import { significantTokens, splitForms, tokenize, transformInput, type Token } from '../forms';
import { RestMarker, VariableMarker } from './bindings';
import { ShellJob, type InputTranslator, type Reply } from './job';
import { inputSteps } from './evalLoop';
import { bareArguments, builtins } from './builtins';
import { catchForm, drainSteps } from './catchForm';
import { installBareAtoms } from './bareAtoms';
import { scopeHelpers } from './jobScope';
import { isModuleName, isVariableName } from '../forms/vocabulary';
import { runStartupFile } from './startupFile';

/** What the evaluator thread provides to the shell and, through it, to the built-ins. */
export interface ShellHost {
  color(): boolean;
  columns(): number;
  halt(code: number): void;
  changeDirectory(dir: string): string;
  /** `h(mod)`, `h(mod, fun)`: documentation from TSDoc. */
  docs(module: string, fn?: string): Promise<string>;
  /** The connected job was replaced while no evaluation ran: its prompt starts at `prompt`. */
  shellRestarted(prompt: number): void;
  /** `Eshell-TS V… (Node …)`, printed again when a shell restarts. */
  versionLine(): string;
}

/** What erl prints when the shell's server process dies. */
export const SHELL_TERMINATED = '*** ERROR: Shell process terminated! ***';

/**
 * The modules the runtime itself offers. `io:format(...)` and `io.format(...)` both reach
 * them, as `m:f(...)` and `m.f(...)` reach a loaded module; like Erlang's sticky modules they
 * come before any file of the same name on the code path.
 */
const RUNTIME_MODULES: Readonly<Record<string, object>> = {
  io: api.io, erlang: api.erlang, timer: api.timer, code: api.code,
  gen_server: api.gen_server, supervisor: api.supervisor, sys: api.sys,
};

export class Shell implements InputTranslator {
  private readonly jobs = new Map<number, ShellJob>();
  private nextJobId = 1;
  /** The job the terminal is connected to: typed input runs there. */
  private active!: ShellJob;
  /** The job Ctrl-G's `c`, `i`, `k` without a number act on (`*` in `j`); none after `k`. */
  private current: ShellJob | undefined;
  /** Jobs the terminal has been connected to: a job connected the first time shows its banner. */
  private readonly shown = new WeakSet<ShellJob>();
  /** The terminal's id of the evaluation each job runs now, for `job-connected`. */
  private readonly evaluations = new Map<ShellJob, number>();
  /** The built-ins and the API functions installed as globals (Erlang's auto-imported BIFs). */
  private readonly commands = new Set<string>();
  /** Capitalised API globals (`Pid`, `Ref`, ...): in `['ok', Pid] = expr` the user means a
   *  variable, as in Erlang, and a binding may hide them (nothing in the runtime reads them). */
  private readonly shadowable = new Set<string>();
  /** The startup file running; typed input waits for it. */
  private startup: Promise<void> | undefined;
  /** What globalThis held before the shell added its own names. */
  private readonly javascriptGlobals = new Set(Object.getOwnPropertyNames(globalThis));

  constructor(private readonly host: ShellHost) {
    this.installGlobals();
    installBareAtoms();
    this.startJob();
    this.connect();
    onProcessExit((proc) => {
      for (const job of this.jobs.values()) if (job.controller?.id === proc.pid.id) this.restartJob(job);
    });
  }

  /**
   * A job's server process died (killed with exit(Pid, 'kill'), or every process was): as in
   * erl, the shell says so and a fresh shell takes its place, with new processes, no
   * bindings and its line numbers from 1. Other processes and loaded modules are untouched.
   */
  private restartJob(job: ShellJob): void {
    const fresh = new ShellJob(job.id, { color: this.host.color, columns: this.host.columns });
    this.jobs.set(job.id, fresh);
    this.evaluations.delete(job);
    const unanswered = job.abandon();
    fresh.start();
    if (this.current === job) this.current = fresh;
    if (this.active !== job) return;
    this.connect(fresh.id);
    const notice = `${SHELL_TERMINATED}\n${this.host.versionLine()} (abort with ^G)`;
    if (unanswered) return unanswered({ text: notice, ok: false, prompt: fresh.promptNumber });
    writeOutput(`${notice}\n`);
    this.host.shellRestarted(fresh.promptNumber);
  }

  get activeJob(): ShellJob {
    return this.active;
  }

  /** The job whose evaluator is running now (built-ins act on it), else the connected one. */
  currentJob(): ShellJob {
    const proc = currentProcess();
    if (proc) {
      for (const job of this.jobs.values()) if (job.evaluator?.id === proc.pid.id) return job;
    }
    return this.active;
  }

  /** Runs the startup file in the active job (see startupFile.ts) before any typed input. */
  runStartupFile(file: string, cwd: string): void {
    const evaluateForm = (source: string, where: string) =>
      new Promise<Reply>((resolve) => void this.evaluateForms(this.active, source, resolve, { startup: where }));
    this.startup = runStartupFile(file, cwd, evaluateForm)
      .catch(() => undefined) // a broken startup file never keeps the shell from starting
      .finally(() => {
        this.startup = undefined;
      });
  }

  /** Evaluates typed input (request `id`); several forms on one line (`1. 2.`) run one after
   *  another. Input typed while the startup file runs waits for it. */
  async evaluate(source: string, id: number, done: (r: Reply) => void, awaitValue = false): Promise<void> {
    const job = this.active;
    this.evaluations.set(job, id);
    const reply = (r: Reply): void => {
      if (this.evaluations.get(job) === id) this.evaluations.delete(job);
      done(r);
    };
    if (this.startup) await this.startup;
    return this.evaluateForms(job, source, reply, { awaitValue });
  }

  private async evaluateForms(
    job: ShellJob,
    source: string,
    reply: (r: Reply) => void,
    options: { startup?: string; awaitValue?: boolean } = {},
  ): Promise<void> {
    const forms = splitForms(source);
    if (forms.length <= 1) return job.evaluate(source, this, reply, options);
    const texts: string[] = [];
    let last: Reply = { text: '', ok: true, prompt: job.promptNumber };
    for (const form of forms) {
      const numberBefore = job.promptNumber;
      last = await new Promise<Reply>((resolve) => void job.evaluate(form, this, resolve, options));
      if (last.text !== '') texts.push(last.text);
      if (last.prompt === numberBefore && !last.ok) break; // a syntax error ends the line, as in Eshell
    }
    reply({ ...last, text: texts.join('\n') });
  }

  translate(source: string, job: ShellJob) {
    // The transform and bareModuleNames ask about the same names, and a name that is not a
    // loaded module costs a search of every code path directory: ask once per input.
    const answers = new Map<string, boolean>();
    const isModule = (name: string): boolean => {
      let answer = answers.get(name);
      if (answer === undefined) answers.set(name, (answer = this.isModule(name)));
      return answer;
    };
    const result = transformInput(source, {
      isVariable: (name: string) =>
        job.bindings.has(name) || this.shadowable.has(name) || (!(name in globalThis) && !job.scope.has(name)),
      isModule,
      bareArguments,
    });
    if (result.kind !== 'code') return result;
    const tokens = significantTokens(tokenize(result.code));
    for (const name of new Set([...result.freeModules, ...this.bareModuleNames(tokens, job, isModule)])) {
      // Modules and globals are separate namespaces: a module named like a built-in (`m`,
      // `c`) is reached as `m:fun()`, and never replaces the built-in or a JavaScript global.
      const existing = Object.getOwnPropertyDescriptor(globalThis, name);
      if (existing !== undefined && !isModuleHandle(existing.value)) continue;
      Object.defineProperty(globalThis, name, { value: moduleHandle(name), configurable: true, writable: true });
    }
    return result;
  }

  /**
   * Names in `code` that nothing defines but that name a module on the code path: as in
   * Erlang, where `spawn(ping_pong, start, [])` names the module by an atom, the bare name
   * stands for the module (`spawn(ping_pong, 'start')`, `m(ping_pong)`...).
   */
  private bareModuleNames(tokens: readonly Token[], job: ShellJob, isModule: (name: string) => boolean): string[] {
    const names: string[] = [];
    tokens.forEach((token, i) => {
      const name = token.text;
      if (token.kind !== 'identifier' || !isModuleName(name) || tokens[i - 1]?.text === '.') return;
      if (name in globalThis || job.scope.has(name)) return;
      if (isModule(name)) names.push(name);
    });
    return names;
  }

  /** `io`, `erlang`, `timer`, `code`: the runtime's own modules. */
  runtimeModule(name: string): object | undefined {
    return Object.hasOwn(RUNTIME_MODULES, name) ? RUNTIME_MODULES[name] : undefined;
  }

  isModule(name: string): boolean {
    return codeServer.current(name) !== undefined || !isFailure(findModule(name));
  }

  // ---- jobs (Ctrl-G) ----

  /** Ctrl-G `s`: a new job, current but not yet connected (as erl's `s`). */
  startJob(): ShellJob {
    const job = new ShellJob(this.nextJobId++, { color: this.host.color, columns: this.host.columns });
    this.jobs.set(job.id, job);
    job.start();
    this.current = job;
    return job;
  }

  /** Ctrl-G `c [nn]`: connects the terminal to job `id` (by default the current one). */
  connect(id?: number): { prompt: number; evaluating: number | undefined; fresh: boolean } | undefined {
    const job = id === undefined ? this.current : this.jobs.get(id);
    if (!job) return undefined;
    if (this.active && this.active !== job) this.active.bindings.uninstall();
    this.active = job;
    this.current = job;
    job.bindings.install();
    const fresh = !this.shown.has(job);
    this.shown.add(job);
    return { prompt: job.promptNumber, evaluating: this.evaluations.get(job), fresh };
  }

  /** Ctrl-G `k [nn]`: the job's processes die; killing the current job leaves none current. */
  killJob(id?: number): boolean {
    const job = id === undefined ? this.current : this.jobs.get(id);
    if (!job) return false;
    this.jobs.delete(job.id); // first: a job killed on purpose is not restarted
    job.kill();
    this.evaluations.delete(job);
    if (job === this.current) this.current = undefined;
    return true;
  }

  /** Ctrl-G `i [nn]`: stops the job's evaluation, if it runs one (its evaluator exits with
   *  `killed`, as erl's interrupt prints). False for an unknown job. */
  interruptJob(id?: number): boolean {
    const job = id === undefined ? this.current : this.jobs.get(id);
    if (!job) return false;
    job.interrupt('kill');
    return true;
  }

  /** Ctrl-G `j`, as erl lists them: the first job was started by init. */
  listJobs(): string {
    return [...this.jobs.values()]
      .map((job) => `${String(job.id).padStart(4)}${job === this.current ? '*' : ' '} {shell,start,[${job.id === 1 ? 'init' : ''}]}`)
      .join('\n');
  }

  // ---- globals ----

  private installGlobals(): void {
    const helpers = {
      match: (pattern: unknown, value: unknown) => this.currentJob().bindings.match(pattern, value),
      v: (name: string) => new VariableMarker(name),
      rest: (pattern: unknown) => new RestMarker(pattern),
      wildcard: _,
      send: (dest: unknown, message: unknown) => api.send(dest as api.Pid, message),
      mod: (name: unknown, spelled?: string) => {
        // `M:f()` with M a variable: M holds the module's name (or its handle), as in Erlang.
        if (typeof name === 'string') return this.runtimeModule(name) ?? moduleHandle(name);
        if (typeof name === 'object' && name !== null && MODULE_NAME_KEY in name) return name;
        const what = spelled !== undefined && this.javascriptGlobals.has(spelled)
          ? 'a JavaScript global'
          : formatValue(name, { singleLine: true, depth: 1 });
        throw badarg(`${spelled ?? 'Module'}:…(): ${spelled ?? 'the module'} is ${what}, not a module name (a string, as an atom)`);
      },
      steps: inputSteps,
      ...scopeHelpers,
      catch: catchForm,
      drain: drainSteps,
    };
    const shellRequire = (spec: string): unknown => {
      if (spec === 'eshell-ts') return api;
      return createRequire(path.join(shellDirectory(), 'shell.js'))(spec);
    };
    const globals: Record<string, unknown> = {
      ...api,
      ...builtins({ ...this.host, job: () => this.currentJob() }),
      __eshell: helpers,
      require: shellRequire,
    };
    const javascriptGlobals = this.javascriptGlobals;
    // A built-in's name may be a module's too (`m:fun()` calls the module, `m()` the built-in);
    // the API's names and JavaScript's globals may not: `io.format`, `process.exit` and a bare
    // `spawn` must keep meaning what every module and input expects.
    reserveModuleNames((name) => {
      if (name === 'require' || name === '__eshell') return 'a name the shell defines';
      if (name in api) return "part of eshell-ts's API";
      if (name === 'shell') return "the shell's own module";
      if (javascriptGlobals.has(name)) return 'a JavaScript global';
      return undefined;
    });
    for (const [name, value] of Object.entries(globals)) {
      Object.defineProperty(globalThis, name, { value, configurable: true, writable: true, enumerable: false });
      if (typeof value === 'function' && /^[a-z]/.test(name)) this.commands.add(name);
      if (isVariableName(name)) this.shadowable.add(name);
    }
  }

  /** Whether `name` is still the built-in or API function the shell installed (completion adds `(`). */
  isCommand(name: string): boolean {
    const job = this.currentJob();
    return this.commands.has(name) && !job.scope.has(name) && !job.bindings.has(name);
  }

  /** Names visible at the prompt of the current job (for completion). */
  globalNames(): string[] {
    const job = this.currentJob();
    return [...new Set([...Object.getOwnPropertyNames(globalThis), ...job.scope.declaredNames(), ...job.bindings.entries().map(([n]) => n)])];
  }
}

function isModuleHandle(value: unknown): boolean {
  return typeof value === 'object' && value !== null && MODULE_NAME_KEY in value;
}
