// The shell without a terminal: `eshell-ts < file` (stdin is not a TTY) and `eshell-ts -e EXPR`.
// Forms are evaluated one after another and printed as `erl < file` prints them: the prompt,
// then what the evaluation printed and its result.

import type { ConnectionHandlers } from './evaluatorThreadConnection';
import { unreachable, type FromEvaluator, type SessionMessage, type ToEvaluator } from '../protocol';
import { promptText } from './promptMode';

export interface BatchIo {
  write(text: string): void;
  writeError(text: string): void;
  send(msg: Extract<ToEvaluator, { t: 'eval' }>): void;
  nextId(): number;
  /** Stops the threads and exits with `code`. */
  exit(code: number): void;
}

/**
 * Evaluates queued sources in order. With `showPrompts` it prints `N> ` before each one
 * (piped stdin); without, only results (-e). Exits when the input has ended and the last
 * evaluation is done: status 0, or `failureStatus()` for -e.
 */
export class BatchSession implements ConnectionHandlers {
  private readonly queue: string[] = [];
  private running: number | undefined;
  private inputEnded = false;
  private promptNumber = 1;
  private promptNode: string | undefined;
  private lastOk = true;
  private atLineStart = true;
  private done = false;

  constructor(
    private readonly io: BatchIo,
    private readonly mode: { showPrompts: boolean; exitStatusFromResult: boolean; node?: string },
  ) {
    this.promptNode = mode.node;
  }

  evaluate(source: string): void {
    this.queue.push(source);
    this.next();
  }

  endOfInput(): void {
    this.inputEnded = true;
    this.next();
  }

  message(msg: SessionMessage): void {
    switch (msg.t) {
      case 'ready':
        if (this.running === undefined) this.promptNumber = msg.prompt;
        this.promptNode = msg.node;
        return;
      case 'output':
        return this.print(msg.text);
      case 'result':
        if (msg.id !== this.running) return;
        this.running = undefined;
        this.promptNumber = msg.prompt;
        this.promptNode = msg.node;
        this.lastOk = msg.ok;
        if (msg.text) this.print(msg.text.endsWith('\n') ? msg.text : msg.text + '\n');
        return this.next();
      case 'halt':
        return this.finish(msg.code);
      case 'completion':
      case 'menu-answer':
      case 'job-connected':
      case 'chdir':
        return; // a batch run asks no questions; main.ts handles chdir
      default:
        return unreachable(msg);
    }
  }

  strayOutput(text: string): void {
    this.print(text);
  }

  died(reason: string): void {
    if (!this.atLineStart) this.io.write('\n');
    this.io.writeError(`*** evaluator thread died: ${reason}\n`);
    this.finish(1);
  }

  private next(): void {
    if (this.running !== undefined || this.done) return;
    const source = this.queue.shift();
    if (source === undefined) {
      if (!this.inputEnded) return;
      if (this.mode.showPrompts) this.print(`${promptText(this.promptNumber, this.promptNode)}\n`);
      return this.finish(this.mode.exitStatusFromResult && !this.lastOk ? 1 : 0);
    }
    if (this.mode.showPrompts) this.print(promptText(this.promptNumber, this.promptNode));
    this.running = this.io.nextId();
    this.io.send({ t: 'eval', id: this.running, source, ...(this.mode.exitStatusFromResult ? { awaitValue: true } : {}) });
  }

  private print(text: string): void {
    if (!text) return;
    this.io.write(text);
    this.atLineStart = text.endsWith('\n');
  }

  private finish(code: number): void {
    if (this.done) return;
    this.done = true;
    this.io.exit(code);
  }
}

export { FormSplitter } from '../forms/formSplitter';
