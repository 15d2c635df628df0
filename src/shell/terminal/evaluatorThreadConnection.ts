// The terminal thread's side of the evaluator worker: starting it (and the sigint anchor),
// request ids, the busy slots it shares with us, and stopping runaway code with a real SIGINT.

import fs from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { startSigintAnchor, type SigintAnchor } from '../../runtime/sigintAnchorThread';
import { BUSY_BYTES, BUSY_SLOTS } from '../../runtime/busySlots';
import { isFromEvaluator, type EvaluatorWorkerData, type FromEvaluator, type SessionMessage, type ToEvaluator } from '../protocol';
import { HEALTH_BYTES, HEALTH_SLOTS, healthSlots, readLossSummary } from '../evaluatorThreadHealth';
import { runTransform } from './esbuildService';

export interface ConnectionHandlers {
  message(msg: SessionMessage): void;
  /** Anything the worker wrote to its own stdout/stderr (it should post `output` instead). */
  strayOutput(text: string): void;
  /** The worker stopped without being asked; `wasReady` says whether it ever sent `ready`. */
  died(reason: string, wasReady: boolean): void;
}

/** How long the worker may stay silent and busy before its running code counts as runaway. */
const RUNAWAY_AFTER_MS = 150;
/**
 * How long the worker may leave our messages untaken while no batch runs before it counts as
 * held by code no SIGINT reaches (code after an `await` runs outside the guarded batch).
 */
const UNREACHABLE_AFTER_MS = 300;
/**
 * SIGINTs in a row that leave the same process running before we give up on them: Node hands
 * a SIGINT to the most recently registered watchdog only, and a sigint anchor that
 * re-registered after this batch began would take every one of them.
 */
const SIGINTS_BEFORE_GIVING_UP = 2;
const RUNAWAY_POLL_MS = 10;

/**
 * Extra patience for a big heap. A stop-the-world mark-compact holds the evaluator thread
 * (no message taken, a SIGINT honoured only when it ends): measured up to 630 ms for the
 * heap an allocating loop builds in 2–3 s. Mistaking it for code no SIGINT reaches replaced
 * the whole thread. The resident size of the process stands for the worker's heap (which
 * this thread cannot read); 1.5 ms per MB leaves a small shell's timings as they were.
 */
function garbageCollectionAllowanceMs(): number {
  return Math.round((process.memoryUsage.rss() / 2 ** 20) * 1.5);
}

/** What a runaway watch reports; see EvaluatorConnection.watchRunaway. */
export interface RunawayHandlers {
  /** Process `pid` ran RUNAWAY_AFTER_MS without yielding (and, when stopping, got a SIGINT). */
  runaway(pid: number): void;
  /** Nothing but replacing the thread will get it back (see `restart`). Ends the watch. */
  unreachable(): void;
}

export class EvaluatorConnection {
  readonly sharedBuffer = new SharedArrayBuffer(BUSY_BYTES);
  private readonly shared = new Int32Array(this.sharedBuffer);
  private healthBuffer = new SharedArrayBuffer(HEALTH_BYTES);
  private health = healthSlots(this.healthBuffer);
  /** Messages posted to the current worker, to compare with what it has taken in. */
  private sent = 0;
  private worker: Worker | undefined;
  private anchor: SigintAnchor | undefined;
  /** Messages sent while no worker runs (after one died, before its replacement starts). */
  private readonly outbox: ToEvaluator[] = [];
  private ready = false;
  private stopping = false;
  private lastId = 0;

  constructor(
    private readonly entry: string,
    private readonly anchorEntry: string,
    private readonly data: Omit<EvaluatorWorkerData, 'shared' | 'health' | 'anchor'>,
    private readonly handlers: ConnectionHandlers,
    /** Interactive sessions stop runaway code with SIGINT; batch runs let SIGINT end them. */
    private readonly withAnchor = true,
  ) {}

  /**
   * Starts the evaluator thread, and the first time the sigint anchor with it. Both threads
   * boot in parallel (a thread's start is most of the time to the first answer), but the
   * evaluator runs no code under the SIGINT watchdog before the anchor is registered: Node hands
   * a SIGINT to the most recently registered watchdog only, so an anchor registered after a
   * runaway batch had started would swallow every SIGINT meant for that batch, and a watchdog
   * count that touched zero before the anchor came would reset SIGINT to "exit the process".
   */
  start(): void {
    this.ready = false;
    if (!this.anchor && this.withAnchor && fs.existsSync(this.anchorEntry)) {
      this.anchor = startSigintAnchor(this.anchorEntry);
      // An anchor that fails to start is waited for no longer (see waitForAnchor's limit).
      this.anchor.ready.catch(() => {});
    }
    this.startWorker();
  }

  private startWorker(): void {
    if (this.stopping) return;
    // A fresh buffer: a replaced worker may still be writing to its own for a moment.
    this.healthBuffer = new SharedArrayBuffer(HEALTH_BYTES);
    this.health = healthSlots(this.healthBuffer);
    this.sent = 0;
    const health = this.health;
    const worker = new Worker(this.entry, {
      workerData: {
        ...this.data,
        shared: this.sharedBuffer,
        health: this.healthBuffer,
        anchor: this.anchor?.buffer ?? null,
      } satisfies EvaluatorWorkerData,
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
    worker.on('message', (msg: unknown) => {
      if (this.worker !== worker) return; // a replaced worker's last words
      if (!isFromEvaluator(msg)) return; // not the protocol: never let it reach the terminal
      if (msg.t === 'transform') {
        // Answered only to the worker that asked: a replaced one's requests are dropped.
        void runTransform(msg).then((reply) => {
          if (this.worker === worker) this.post(worker, reply);
        });
        return;
      }
      if (msg.t === 'ready') this.ready = true;
      try {
        this.handlers.message(msg);
      } finally {
        // Written (terminal writes are synchronous on POSIX): a printing process may go on.
        if (msg.t === 'output') {
          Atomics.sub(health, HEALTH_SLOTS.outputInFlight, msg.text.length);
          Atomics.notify(health, HEALTH_SLOTS.outputInFlight);
        }
      }
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
    for (const msg of this.outbox.splice(0)) this.post(worker, msg);
  }

  send(msg: ToEvaluator): void {
    if (this.worker) this.post(this.worker, msg);
    else if (!this.stopping) this.outbox.push(msg);
  }

  private post(worker: Worker, msg: ToEvaluator): void {
    this.sent++;
    worker.postMessage(msg);
  }

  /**
   * Replaces a worker that no SIGINT and no message can reach: terminating a thread stops
   * even a busy loop. Everything that lived in it is gone; returns what, in words.
   */
  restart(): string {
    const lost = this.lossSummary();
    const worker = this.worker;
    this.worker = undefined;
    void worker?.terminate();
    this.start();
    return lost;
  }

  /** What the current (or just dead) worker would lose, as it last described it. */
  lossSummary(): string {
    return readLossSummary(this.healthBuffer) || 'everything it held (it had not described its state yet)';
  }

  nextId(): number {
    return ++this.lastId;
  }

  isBusy(): boolean {
    return Atomics.load(this.shared, BUSY_SLOTS.busy) === 1;
  }

  runningPid(): number {
    return Atomics.load(this.shared, BUSY_SLOTS.runningPid);
  }

  /**
   * Watches for runaway code while we wait for an answer. If the worker stays busy in a batch
   * (sampled every 10 ms) for RUNAWAY_AFTER_MS, `runaway` is told the running pid and, when
   * `stop` is set, that process is first stopped with a real SIGINT (the worker's batch runs
   * under breakOnSigint). If SIGINTs do not stop it, or the worker leaves our messages untaken
   * for UNREACHABLE_AFTER_MS outside any batch, `unreachable` is called once and the watch
   * ends. Call the returned function when the answer arrives.
   */
  watchRunaway(handlers: RunawayHandlers, stop = true): () => void {
    let busySince = this.isBusy() ? Date.now() : 0;
    let deafSince = 0;
    let signalled = 0;
    let firstSignalAt = 0;
    let unansweredSignals = 0;
    const check = (): void => {
      const now = Date.now();
      if (this.isBusy()) {
        deafSince = 0;
        // Held by backpressure right now (its output waits for the terminal): not the moment
        // to call it a runaway; a loop that prints without yielding is caught between waits.
        if (Atomics.load(this.health, HEALTH_SLOTS.waitingForTerminal) === 1) {
          busySince ||= now;
          return;
        }
        if (!busySince) busySince = now;
        if (now - busySince < RUNAWAY_AFTER_MS) return;
        busySince = 0;
        const pid = this.runningPid();
        if (stop) {
          if (pid === signalled) unansweredSignals++;
          else {
            unansweredSignals = 0;
            firstSignalAt = now;
          }
          if (
            unansweredSignals >= SIGINTS_BEFORE_GIVING_UP &&
            now - firstSignalAt >= SIGINTS_BEFORE_GIVING_UP * RUNAWAY_AFTER_MS + garbageCollectionAllowanceMs()
          ) {
            return giveUp();
          }
          signalled = pid;
          process.kill(process.pid, 'SIGINT');
        }
        return handlers.runaway(pid);
      }
      busySince = 0;
      if (!this.isDeaf()) {
        deafSince = 0;
        return;
      }
      if (!deafSince) deafSince = now;
      if (now - deafSince >= UNREACHABLE_AFTER_MS + garbageCollectionAllowanceMs()) giveUp();
    };
    const timer = setInterval(check, RUNAWAY_POLL_MS);
    const giveUp = (): void => {
      clearInterval(timer);
      handlers.unreachable();
    };
    return () => clearInterval(timer);
  }

  /** The worker has messages of ours it has not taken in, and is not waiting for us. */
  private isDeaf(): boolean {
    if (!this.worker || !this.ready || Atomics.load(this.health, HEALTH_SLOTS.kept) !== 1) return false;
    if (Atomics.load(this.health, HEALTH_SLOTS.waitingForTerminal) === 1) return false;
    return Atomics.load(this.health, HEALTH_SLOTS.messagesHandled) < this.sent;
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
