// Process identifiers and references. Both print the way Erlang prints them (`<0.37.0>`,
// `#Ref<0.0.0.12>`) everywhere a user could see them: util.inspect (the REPL and crash
// reports), String(), template strings and JSON.
import { inspect } from 'node:util';
import type { Process } from './process';
import { lookupProcessById } from './table';

export class Pid {
  /**
   * The live process behind this pid, cleared when it exits so a pid kept in some data
   * structure does not keep a dead process's mailbox alive. Sending through it skips a lookup.
   * @internal
   */
  declare proc: Process | undefined;
  declare readonly id: number;

  constructor(id: number, proc?: Process) {
    this.id = id;
    this.proc = proc;
  }

  /** Pids are equal when they name the same process, whichever object carries the id. */
  equals(other: unknown): boolean {
    return other instanceof Pid && other.id === this.id;
  }

  toString(): string {
    return `<0.${this.id}.0>`;
  }

  toJSON(): string {
    return this.toString();
  }

  [inspect.custom](): string {
    return this.toString();
  }
}

/** `pid(0, 37, 0)`: the pid `<0.37.0>`, the live process's own Pid object when it runs. */
export function pid(node: number, id: number, serial: number): Pid {
  if (node !== 0 || serial !== 0 || !Number.isSafeInteger(id) || id < 0) {
    throw new RangeError(`pid(${node}, ${id}, ${serial}): only local pids <0.N.0> with N >= 0 exist`);
  }
  return lookupProcessById(id)?.pid ?? new Pid(id);
}

export function isPid(value: unknown): value is Pid {
  return value instanceof Pid;
}

let lastRefId = 0;

/** A unique reference (Erlang's make_ref()); monitors are identified by one. */
export class Ref {
  readonly id: number;

  constructor(id: number = ++lastRefId) {
    this.id = id;
  }

  equals(other: unknown): boolean {
    return other instanceof Ref && other.id === this.id;
  }

  toString(): string {
    return `#Ref<0.0.0.${this.id}>`;
  }

  toJSON(): string {
    return this.toString();
  }

  [inspect.custom](): string {
    return this.toString();
  }
}
