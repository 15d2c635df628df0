// The terminal thread's side of the evaluator worker: starting it (and the sigint anchor),
// request ids, the busy slots it shares with us, and stopping runaway code with a real SIGINT.

import fs from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { startSigintAnchor, type SigintAnchor } from '../runtime/anchor';
import { SHARED_BYTES, SHARED_SLOTS, type FromEvaluator, type ToEvaluator } from './protocol';

/** The worker data the evaluator thread receives. */
export interface EvaluatorWorkerData {
  shared: SharedArrayBuffer;
  pathDirs: string[];
  color: boolean;
  cwd: string;
  tty: boolean;
  columns: number;
}

export interface ConnectionHandlers {
  message(msg: FromEvaluator): void;
  /** Anything the worker wrote to its own stdout/stderr (it should post `output` instead). */
  strayOutput(text: string): void;
  /** The worker stopped without being asked; `wasReady` says whether it ever sent `ready`. */
  died(reason: string, wasReady: boolean): void;
}

/** How long the worker may stay silent and busy before its running code counts as runaway. */
export const RUNAWAY_AFTER_MS = 150;
const RUNAWAY_POLL_MS = 10;

export class EvaluatorConnection {
  readonly sharedBuffer = new SharedArrayBuffer(SHARED_BYTES);
  private readonly shared = new Int32Array(this.sharedBuffer);
  private worker: Worker | undefined;
  private anchor: SigintAnchor | undefined;
  /** Messages sent before the worker exists (it starts after the anchor). */
  private readonly outbox: ToEvaluator[] = [];
  private ready = false;
  private stopping = false;
  private lastId = 0;

  constructor(
    private readonly entry: string,
    private readonly anchorEntry: string,
    private readonly data: Omit<EvaluatorWorkerData, 'shared'>,
    private readonly handlers: ConnectionHandlers,
    /** Interactive sessions stop runaway code with SIGINT; batch runs let SIGINT end them. */
    private readonly withAnchor = true,
  ) {}

  /**
   * Starts the evaluator thread. The first time, the sigint anchor starts first and the
   * evaluator only once the anchor waits: Node hands a SIGINT to the most recently registered
   * breakOnSigint watchdog only, so an anchor registered after a runaway batch had started
   * would swallow every SIGINT meant for that batch. Messages sent meanwhile are queued.
   */
  start(): void {
    this.ready = false;
    if (this.anchor || !this.withAnchor || !fs.existsSync(this.anchorEntry)) return this.startWorker();
    this.anchor = startSigintAnchor(this.anchorEntry);
    this.anchor.ready.then(
      () => this.startWorker(),
      () => this.startWorker(),
    );
  }

  private startWorker(): void {
    if (this.stopping) return;
    const worker = new Worker(this.entry, {
      workerData: { ...this.data, shared: this.sharedBuffer } satisfies EvaluatorWorkerData,
      // Piped, not inherited: only the terminal thread writes to the terminal, so even a stray
      // console.log in the worker goes through the prompt-aware output path.
      stdout: true,
      stderr: true,
    });
    this.worker = worker;
    for (const stream of [worker.stdout, worker.stderr]) {
      stream.setEncoding('utf8');
      stream.on('data', (text: string) => this.handlers.strayOutput(text));
    }
    worker.on('message', (msg: FromEvaluator) => {
      if (msg.t === 'ready') this.ready = true;
      this.handlers.message(msg);
    });
    let reported = false;
    const died = (reason: string) => {
      if (reported || this.stopping || this.worker !== worker) return;
      reported = true;
      this.worker = undefined;
      this.handlers.died(reason, this.ready);
    };
    worker.on('error', (err) => died(err instanceof Error ? err.message : String(err)));
    worker.on('exit', (code) => died(`exit code ${code}`));
    for (const msg of this.outbox.splice(0)) worker.postMessage(msg);
  }

  send(msg: ToEvaluator): void {
    if (this.worker) this.worker.postMessage(msg);
    else if (!this.stopping) this.outbox.push(msg);
  }

  nextId(): number {
    return ++this.lastId;
  }

  isBusy(): boolean {
    return Atomics.load(this.shared, SHARED_SLOTS.busy) === 1;
  }

  runningPid(): number {
    return Atomics.load(this.shared, SHARED_SLOTS.runningPid);
  }

  /**
   * Watches for runaway code while we wait for an answer: if the worker stays busy (sampled
   * every 10 ms) for RUNAWAY_AFTER_MS without answering, `found` is told the running pid and,
   * when `stop` is set, that process is first stopped with a real SIGINT (the worker's batch
   * runs under breakOnSigint). Call the returned function when the answer arrives.
   */
  watchRunaway(found: (pid: number) => void, stop = true): () => void {
    let busySince = this.isBusy() ? Date.now() : 0;
    const timer = setInterval(() => {
      if (!this.isBusy()) {
        busySince = 0;
        return;
      }
      const now = Date.now();
      if (!busySince) busySince = now;
      if (now - busySince < RUNAWAY_AFTER_MS) return;
      busySince = 0;
      const pid = this.runningPid();
      if (stop) process.kill(process.pid, 'SIGINT');
      found(pid);
    }, RUNAWAY_POLL_MS);
    return () => clearInterval(timer);
  }

  /** Asks the worker to stop, then terminates both threads. */
  async stop(): Promise<void> {
    this.stopping = true;
    const worker = this.worker;
    this.worker = undefined;
    if (worker) {
      worker.postMessage({ t: 'shutdown' } satisfies ToEvaluator);
      await Promise.race([
        new Promise((resolve) => worker.once('exit', resolve)),
        new Promise((resolve) => setTimeout(resolve, 200)),
      ]);
      await worker.terminate();
    }
    await this.anchor?.stop();
  }
}

export function distFile(name: string): string {
  return path.join(__dirname, name);
}
