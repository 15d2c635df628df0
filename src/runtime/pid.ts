// Process identifiers and references. Both print the way Erlang prints them (`<0.37.0>`,
// `#Ref<0.0.0.12>`, `<8012.92.0>` for a process on another node) everywhere a user could see
// them: util.inspect (the REPL and crash reports), String(), template strings and JSON.
//
// A local Pid or Ref carries no node: it belongs to this node as it is now (see node.ts), so
// the objects the scheduler passes around stay as small as before distribution existed. Pids
// and refs of other nodes are the subclasses RemotePid and RemoteRef, which carry the node's
// name and creation and the identifier words exactly as the external term format gave them,
// so that they go back out unchanged.
import { inspect } from 'node:util';
import { localNodeCreation, localNodeName, nodeAtIndex, nodeIndex } from './node';
import type { Process } from './process';
import { lookupProcessById } from './table';

export class Pid {
  /**
   * The live process behind this pid, cleared when it exits so a pid kept in some data
   * structure does not keep a dead process's mailbox alive. Sending through it skips a lookup.
   * Always undefined for a RemotePid.
   * @internal
   */
  declare proc: Process | undefined;
  declare readonly id: number;

  constructor(id: number, proc?: Process) {
    this.id = id;
    this.proc = proc;
  }

  /** The node the process runs on (Erlang's node(Pid)). */
  get node(): string {
    return localNodeName();
  }

  get serial(): number {
    return 0;
  }

  get creation(): number {
    return localNodeCreation();
  }

  /** True for a process of another node (or of an earlier life of this node's name). */
  get remote(): boolean {
    return false;
  }

  /** Pids are equal when they name the same process, whichever object carries the id. */
  equals(other: unknown): boolean {
    return other instanceof Pid && other.id === this.id && !other.remote;
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

/** A process on another node, as the external term format names it. */
export class RemotePid extends Pid {
  readonly #node: string;
  readonly #serial: number;
  readonly #creation: number;

  constructor(node: string, id: number, serial: number, creation: number) {
    super(id);
    this.#node = node;
    this.#serial = serial;
    this.#creation = creation;
  }

  override get node(): string {
    return this.#node;
  }

  override get serial(): number {
    return this.#serial;
  }

  override get creation(): number {
    return this.#creation;
  }

  override get remote(): boolean {
    return true;
  }

  override equals(other: unknown): boolean {
    return (
      other instanceof RemotePid && other.id === this.id && other.#serial === this.#serial &&
      other.#node === this.#node && other.#creation === this.#creation
    );
  }

  override toString(): string {
    return `<${nodeIndex(this.#node)}.${this.id}.${this.#serial}>`;
  }
}

/**
 * `pid(0, 37, 0)`: the pid `<0.37.0>`, the live process's own Pid object when it runs.
 * `pid(N, I, S)` with N > 0 names a process of the node printed as N (`<N.I.S>`).
 */
export function pid(node: number, id: number, serial: number): Pid {
  const valid = (n: number) => Number.isSafeInteger(n) && n >= 0;
  if (!valid(node) || !valid(id) || !valid(serial)) {
    throw new RangeError(`pid(${node}, ${id}, ${serial}): expected three integers >= 0`);
  }
  if (node === 0) {
    if (serial !== 0) throw new RangeError(`pid(0, ${id}, ${serial}): local pids are <0.N.0>`);
    return lookupProcessById(id)?.pid ?? new Pid(id);
  }
  const name = nodeAtIndex(node);
  if (name === undefined) throw new RangeError(`pid(${node}, ${id}, ${serial}): no node is known as ${node}`);
  return new RemotePid(name, id, serial, 0);
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

  get node(): string {
    return localNodeName();
  }

  get creation(): number {
    return localNodeCreation();
  }

  get remote(): boolean {
    return false;
  }

  /**
   * The reference's identifier as the external term format's 32-bit words, least significant
   * first (a local ref's counter is up to 2^53: it takes two words, and Erlang's refs have 3).
   */
  get words(): readonly number[] {
    return [this.id % 0x1_0000_0000, Math.floor(this.id / 0x1_0000_0000), 0];
  }

  equals(other: unknown): boolean {
    return other instanceof Ref && other.id === this.id && !other.remote;
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

/** A reference made on another node: its node, creation and 1 to 5 identifier words. */
export class RemoteRef extends Ref {
  readonly #node: string;
  readonly #creation: number;
  readonly #words: readonly number[];

  constructor(node: string, creation: number, words: readonly number[]) {
    super(words[0] ?? 0);
    this.#node = node;
    this.#creation = creation;
    this.#words = words;
  }

  override get node(): string {
    return this.#node;
  }

  override get creation(): number {
    return this.#creation;
  }

  override get remote(): boolean {
    return true;
  }

  override get words(): readonly number[] {
    return this.#words;
  }

  override equals(other: unknown): boolean {
    if (!(other instanceof RemoteRef) || other.#node !== this.#node || other.#creation !== this.#creation) return false;
    const a = this.#words;
    const b = other.#words;
    if (a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
    return true;
  }

  override toString(): string {
    return `#Ref<${nodeIndex(this.#node)}.${[...this.#words].reverse().join('.')}>`;
  }
}
