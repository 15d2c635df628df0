// The shell without a terminal: `eshell-ts < file` (stdin is not a TTY) and `eshell-ts -e EXPR`.
// Forms are evaluated one after another and printed as `erl < file` prints them: the prompt,
// then what the evaluation printed and its result.

import type { ConnectionHandlers } from './evaluatorConnection';
import type { FromEvaluator, ToEvaluator } from '../protocol';

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
  private lastOk = true;
  private atLineStart = true;
  private done = false;

  constructor(
    private readonly io: BatchIo,
    private readonly mode: { showPrompts: boolean; exitStatusFromResult: boolean },
  ) {}

  evaluate(source: string): void {
    this.queue.push(source);
    this.next();
  }

  endOfInput(): void {
    this.inputEnded = true;
    this.next();
  }

  message(msg: FromEvaluator): void {
    switch (msg.t) {
      case 'ready':
        if (this.running === undefined) this.promptNumber = msg.prompt;
        return;
      case 'output':
        return this.print(msg.text);
      case 'result':
        if (msg.id !== this.running) return;
        this.running = undefined;
        this.promptNumber = msg.prompt;
        this.lastOk = msg.ok;
        if (msg.text) this.print(msg.text.endsWith('\n') ? msg.text : msg.text + '\n');
        return this.next();
      case 'halt':
        return this.finish(msg.code);
      default:
        return;
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
      if (this.mode.showPrompts) this.print(`${this.promptNumber}> \n`);
      return this.finish(this.mode.exitStatusFromResult && !this.lastOk ? 1 : 0);
    }
    if (this.mode.showPrompts) this.print(`${this.promptNumber}> `);
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

/** Splits a stream of text into complete forms: lines accumulate until `isComplete` says so. */
export class FormSplitter {
  private lines: string[] = [];
  private partial = '';

  constructor(
    private readonly isComplete: (source: string) => boolean,
    private readonly emit: (source: string) => void,
  ) {}

  push(text: string): void {
    const parts = (this.partial + text).split('\n');
    this.partial = parts.pop()!;
    for (const line of parts) this.addLine(line.replace(/\r$/, ''));
  }

  /** End of input: what is left is evaluated as it is (the evaluator reports what is wrong). */
  end(): void {
    if (this.partial) this.addLine(this.partial);
    this.partial = '';
    const rest = this.lines.join('\n');
    this.lines = [];
    if (rest.trim()) this.emit(rest);
  }

  private addLine(line: string): void {
    if (!this.lines.length && !line.trim()) return;
    this.lines.push(line);
    const source = this.lines.join('\n');
    if (this.isComplete(source)) {
      this.lines = [];
      this.emit(source);
    }
  }
}
