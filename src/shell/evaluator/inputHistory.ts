// Eshell's numbered command history and result history (`h()`, `v(N)`, `e(N)`,
// `history(N)`, `results(N)`). Not the up-arrow history: that one lives in the terminal
// thread and is saved to disk.

import type { Script } from 'node:vm';
import { badarg } from '../../runtime/errors';

export interface Entry {
  readonly number: number;
  readonly source: string;
  readonly script: Script;
  hasResult: boolean;
  result?: unknown;
}

const DEFAULT_KEPT = 20;

export class InputHistory {
  private readonly entries: Entry[] = [];
  private keepCommands = DEFAULT_KEPT;
  private keepResults = DEFAULT_KEPT;

  record(number: number, source: string, script: Script): Entry {
    const entry: Entry = { number, source, script, hasResult: false };
    this.entries.push(entry);
    this.trim();
    return entry;
  }

  setResult(entry: Entry, value: unknown): void {
    entry.hasResult = true;
    entry.result = value;
    this.trim();
  }

  /** `v(N)`: N > 0 names a prompt number, N <= 0 counts back from the latest result. */
  value(n: number, currentNumber: number): unknown {
    return this.lookup(n, currentNumber, 'v', (e) => e.hasResult).result;
  }

  /** `e(N)`: the entry whose command is evaluated again. */
  command(n: number, currentNumber: number): Entry {
    return this.lookup(n, currentNumber, 'e', () => true);
  }

  list(): readonly Entry[] {
    return this.entries;
  }

  setCommandLimit(n: number): number {
    const previous = this.keepCommands;
    this.keepCommands = checkLimit(n, 'history');
    this.trim();
    return previous;
  }

  setResultLimit(n: number): number {
    const previous = this.keepResults;
    this.keepResults = checkLimit(n, 'results');
    this.trim();
    return previous;
  }

  private lookup(n: number, currentNumber: number, fn: string, usable: (e: Entry) => boolean): Entry {
    if (!Number.isInteger(n)) {
      throw badarg(`${fn}(${String(n)}): the argument must be an integer`);
    }
    const number = n > 0 ? n : currentNumber + n;
    const entry = this.entries.find((e) => e.number === number && usable(e));
    if (!entry) {
      throw badarg(`${fn}(${n}): no ${fn === 'v' ? 'result' : 'command'} ${number} in history`);
    }
    return entry;
  }

  private trim(): void {
    while (this.entries.length > this.keepCommands) this.entries.shift();
    const withResults = this.entries.filter((e) => e.hasResult);
    for (const e of withResults.slice(0, Math.max(0, withResults.length - this.keepResults))) {
      e.hasResult = false;
      e.result = undefined;
    }
  }
}

function checkLimit(n: number, fn: string): number {
  if (!Number.isInteger(n) || n < 0) {
    throw badarg(`${fn}(${String(n)}): expected a non-negative integer`);
  }
  return n;
}
