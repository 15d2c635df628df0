// One shell job (Eshell's "shell"): its variables and declarations, its numbered inputs and
// results, and two processes. The controller traps exits and is linked to the evaluator, as in Erlang's
// shell: when an evaluation crashes or is interrupted the evaluator dies, the controller
// reports the exit if nobody has yet, and starts a new evaluator with a new pid. Variables
// bound and names declared before the failing input survive; those of it are dropped, as
// Eshell drops the bindings of a failed input.

import { spawn, spawn_link, process_flag, receive, send, _, type Pid } from '../../index';
import { exitProcess } from '../../runtime/exits';
import { lookupProcessById } from '../../runtime/table';
import { runUrgently } from '../../runtime/scheduler';
import { formatValue } from '../../io/print';
import { formatException, formatThrown } from '../../io/exception';
import { writeOutput } from '../../runtime/output';
import { MODULE_NAME_KEY } from '../../code/moduleHandle';
import { isNormalExit } from '../../runtime/errors';
import { Bindings } from './bindings';
import { JobScope, withoutScopeNames } from './jobScope';
import { InputHistory, type Entry } from './inputHistory';
import { evaluatorLoop, EVAL_REQUEST, type EvalRequest } from './evalLoop';
import { compileInput, inputFileName } from './inputCompiler';
import type { Script } from 'node:vm';

export interface Reply {
  text: string;
  ok: boolean;
  prompt: number;
}

export interface JobOptions {
  color: () => boolean;
  columns: () => number;
}

/** What the job needs from the shell around it to turn input into a script. */
export interface InputTranslator {
  translate(source: string, job: ShellJob): { kind: 'empty' } | { kind: 'syntax-error'; message: string } | { kind: 'code'; code: string; usesAwait: boolean; waits: boolean };
}

interface Running {
  /** Undefined for the startup file's forms: they are not commands of the history. */
  readonly entry: Entry | undefined;
  /** The prompt number stays: the startup file runs before the first prompt's input. */
  readonly keepsPrompt: boolean;
  readonly reply: (r: Reply) => void;
  readonly bindingsBefore: Set<string>;
  readonly declaredBefore: Set<string>;
  reported: boolean;
}

export class ShellJob {
  /** What this job declared at its prompt (const, let, function, class...): its own. */
  readonly scope = new JobScope();
  readonly bindings = new Bindings(this.scope);
  readonly inputs = new InputHistory();
  promptNumber = 1;
  controller: Pid | undefined;
  evaluator: Pid | undefined;
  private running: Running | undefined;
  /** The evaluator whose evaluation just failed: its exit was reported with that failure. */
  private failedEvaluator: number | undefined;
  /** The reply of the evaluation that just ended, until it is sent (see finish). */
  private unsent: { evaluator: number | undefined; reply: Reply } | undefined;
  /** An evaluation that arrived while the evaluator was being replaced. */
  private waiting: { script: Script; running: Running; awaitsPromise: boolean } | undefined;

  constructor(
    readonly id: number,
    private readonly options: JobOptions,
  ) {}

  start(): void {
    this.controller = spawn(SHELL_MODULE, 'server', [this]);
    runUrgently(lookupProcessById(this.controller.id)!);
  }

  get busy(): boolean {
    return this.running !== undefined;
  }

  /**
   * With `startup` (where the form is, `.eshell-ts.ts:5`, which its stack frames then name),
   * a form of the startup file: not numbered, not in the history. With `awaitValue` (`-e`), a
   * promise the input evaluates to is awaited.
   */
  async evaluate(
    source: string,
    translator: InputTranslator,
    reply: (r: Reply) => void,
    { startup, awaitValue = false }: { startup?: string; awaitValue?: boolean } = {},
  ): Promise<void> {
    const translated = translator.translate(source, this);
    if (translated.kind === 'empty') return reply({ text: '', ok: true, prompt: this.promptNumber });
    if (translated.kind === 'syntax-error') {
      return reply({ text: `* ${translated.message}`, ok: false, prompt: this.promptNumber });
    }
    const fileName = inputFileName(startup ?? this.promptNumber);
    const compiled = await compileInput(translated.code, translated, fileName, this.scope);
    if (!compiled.ok) return reply({ text: `* ${compiled.message}`, ok: false, prompt: this.promptNumber });
    const entry = startup !== undefined ? undefined : this.inputs.record(this.promptNumber, source.trim(), compiled.script);
    this.dispatch(compiled.script, compiled.awaitsPromise || awaitValue, {
      entry,
      keepsPrompt: startup !== undefined,
      reply,
      bindingsBefore: new Set(this.bindings.entries().map(([name]) => name)),
      declaredBefore: new Set(this.scope.declaredNames()),
      reported: false,
    });
  }

  /** `e(N)`: runs command N again inside the current evaluation. */
  rerun(entry: Entry): unknown {
    return entry.script.runInThisContext();
  }

  /** Ctrl-C (`interrupted`) or Ctrl-G `i` (`kill`, so `killed` as in erl): stop the
   *  evaluation that runs now; false when there is none. */
  interrupt(reason: 'interrupted' | 'kill' = 'interrupted'): boolean {
    const proc = this.evaluator && lookupProcessById(this.evaluator.id);
    if (!this.running || !proc) return false;
    exitProcess(proc, reason);
    return true;
  }

  /**
   * The job's server died: its evaluator goes too, and the evaluation it ran (if any) will
   * never be answered here. Returns that evaluation's reply, for whoever answers instead.
   */
  abandon(): ((r: Reply) => void) | undefined {
    const proc = this.evaluator && lookupProcessById(this.evaluator.id);
    if (proc) exitProcess(proc, 'kill');
    this.evaluator = undefined;
    const running = this.running ?? this.waiting?.running;
    this.running = undefined;
    this.waiting = undefined;
    if (!running || running.reported) return undefined;
    running.reported = true;
    return running.reply;
  }

  /** Ctrl-G `k`: the job's processes die. */
  kill(): void {
    for (const pid of [this.evaluator, this.controller]) {
      const proc = pid && lookupProcessById(pid.id);
      if (proc) exitProcess(proc, 'kill');
    }
    this.bindings.uninstall();
  }

  /** Called by the controller when the evaluator it linked to exits. */
  evaluatorExited(pid: Pid, reason: unknown): void {
    if (pid.id !== this.evaluator?.id) return;
    this.evaluator = undefined;
    const running = this.running;
    const color = this.options.color();
    const unsent = this.unsent;
    if (running && !running.reported) {
      this.finishWithException(running, formatException('exit', reason, { color }));
    } else if (unsent?.reply.ok && unsent.evaluator === pid.id && !isNormalExit(reason)) {
      // The value was ready but not yet shown when a linked process took the evaluator down
      // (`spawn_link(() => exit('reason'))`): as in erl, the exception replaces the value.
      unsent.reply = { ...unsent.reply, text: formatException('exit', reason, { color }), ok: false };
    } else if (!running && !isNormalExit(reason) && pid.id !== this.failedEvaluator) {
      // Killed between evaluations (a linked process exited, a rejection it left behind): as
      // erl, the shell says so on its own line, as an error of that reason, and keeps its
      // prompt number, rather than quietly handing out a new pid.
      writeOutput(`${formatException('error', reason, { color })}\n`);
    }
    this.startEvaluator();
  }

  /** @internal Called in the controller process (it links the evaluator to itself). */
  startEvaluator(): void {
    this.evaluator = spawn_link(SHELL_MODULE, 'eval_loop');
    // The prompt answers first, even behind millions of processes waiting for their turn.
    runUrgently(lookupProcessById(this.evaluator.id)!);
    const waiting = this.waiting;
    this.waiting = undefined;
    if (waiting) this.dispatch(waiting.script, waiting.awaitsPromise, waiting.running);
  }

  private dispatch(script: Script, awaitsPromise: boolean, running: Running): void {
    const proc = this.evaluator && lookupProcessById(this.evaluator.id);
    if (!proc || this.running) {
      this.waiting = { script, awaitsPromise, running };
      return;
    }
    this.running = running;
    const request: EvalRequest = {
      script,
      awaitsPromise,
      onValue: (value) => this.finishWithValue(running, value),
      onException: (thrown) => {
        this.failedEvaluator = this.evaluator?.id;
        this.finishWithException(running, withoutScopeNames(formatThrown(thrown, { color: this.options.color() })));
      },
      // As erl 25: the prompt number moves on and the command stays in h().
      onUnboundVariable: (name) => this.finishWithException(running, `* variable '${name}' is unbound`),
    };
    send(this.evaluator!, [EVAL_REQUEST, request]);
  }

  private finishWithValue(running: Running, value: unknown): void {
    if (running.reported) return;
    if (running.entry) this.inputs.setResult(running.entry, value);
    const text = formatValue(value, { color: this.options.color(), width: this.options.columns() });
    this.finish(running, text, true);
  }

  private finishWithException(running: Running, text: string): void {
    if (running.reported) return;
    for (const [name] of this.bindings.entries()) {
      if (!running.bindingsBefore.has(name)) this.bindings.forget(name);
    }
    this.scope.forget(this.scope.declaredNames().filter((name) => !running.declaredBefore.has(name)));
    this.finish(running, text, false);
  }

  private finish(running: Running, text: string, ok: boolean): void {
    running.reported = true;
    if (this.running === running) this.running = undefined;
    if (!running.keepsPrompt) this.promptNumber++;
    const unsent = { evaluator: this.evaluator?.id, reply: { text, ok, prompt: this.promptNumber } };
    this.unsent = unsent;
    // Reported once the processes this evaluation woke have had their turn, so that what
    // they print (the server's "Received quit command") comes before the value, as in Eshell.
    setImmediate(() => {
      if (this.unsent === unsent) this.unsent = undefined;
      running.reply(unsent.reply);
    });
  }
}

/** The shell's processes show in i() as `shell:server/1` and `shell:eval_loop/0`. */
const SHELL_MODULE = {
  [MODULE_NAME_KEY]: 'shell',
  server(job: ShellJob) {
    process_flag('trap_exit', true);
    job.startEvaluator();
    return controllerLoop(job);
  },
  eval_loop: evaluatorLoop,
};

function controllerLoop(job: ShellJob): unknown {
  return receive(
    [['EXIT', _, _], ([, pid, reason]) => {
      job.evaluatorExited(pid as Pid, reason);
      return controllerLoop(job);
    }],
    [_, () => controllerLoop(job)],
  );
}
