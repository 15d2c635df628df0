// Erlang terms that have no TypeScript value of their own. Tuples are arrays and atoms are
// strings in eshell-ts, so an Erlang list needs its own type (List), and so do the terms that
// only arrive from other nodes: improper lists, bitstrings, floats with no fraction (1.0 is
// not 1 in Erlang, so it must not come back as the integer 1), ports and funs. The external
// term format (src/dist/etf.ts) maps every Erlang term to one of these or to a plain value;
// the README's "Distribution: values" table lists the mapping.
import { inspect } from 'node:util';
import { nodeIndex } from './node';

/** An Erlang proper list: `list(1, 2, 3)` is `[1,2,3]`, `list()` is `[]`. */
export class List<T = unknown> implements Iterable<T> {
  /** The elements. Treat them as read-only: Erlang terms never change. */
  readonly items: T[];

  constructor(items: T[]) {
    this.items = items;
  }

  get length(): number {
    return this.items.length;
  }

  at(index: number): T | undefined {
    return this.items.at(index);
  }

  [Symbol.iterator](): Iterator<T> {
    return this.items[Symbol.iterator]();
  }

  /** The characters of an Erlang string (a list of code points), e.g. from io_lib:format. */
  toText(): string {
    return String.fromCodePoint(...(this.items as unknown as number[]));
  }

  [inspect.custom](depth: number, options: object, nodeInspect: typeof inspect): string {
    if (isCharlist(this)) return `charlist(${inspect(this.toText())})`;
    return `list(${this.items.map((item) => nodeInspect(item, options)).join(', ')})`;
  }
}

/** `list(1, 2, 3)`: the Erlang list `[1,2,3]`. */
export function list<T>(...items: T[]): List<T> {
  return new List(items);
}

/** `charlist('hello')`: the Erlang string "hello", a list of code points. */
export function charlist(text: string): List<number> {
  const codes: number[] = [];
  for (const char of text) codes.push(char.codePointAt(0)!);
  return new List(codes);
}

/**
 * Whether erl's shell would print this list as a string: it is not empty and every element is
 * a printable Latin-1 character (erl's default `+pc latin1`).
 */
export function isCharlist(value: List): boolean {
  const items = value.items;
  if (items.length === 0) return false;
  for (let i = 0; i < items.length; i++) {
    const c = items[i];
    if (typeof c !== 'number' || !(
      (c >= 32 && c <= 126) || (c >= 160 && c <= 255) || (c >= 8 && c <= 13) || c === 27
    )) return false;
  }
  return true;
}

/** An Erlang list whose tail is not a list: `[1, 2 | 3]` is `improperList([1, 2], 3)`. */
export class ImproperList {
  constructor(
    /** The elements before the `|` (at least one). */
    readonly items: unknown[],
    /** What follows the `|`: any term but a list. */
    readonly tail: unknown,
  ) {}

  [inspect.custom](depth: number, options: object, nodeInspect: typeof inspect): string {
    return `improperList([${this.items.map((item) => nodeInspect(item, options)).join(', ')}], ${nodeInspect(this.tail, options)})`;
  }
}

export function improperList(items: unknown[], tail: unknown): ImproperList {
  if (items.length === 0) throw new RangeError('improperList: an improper list has at least one element before its tail');
  if (tail instanceof List || tail instanceof ImproperList) {
    throw new RangeError('improperList: the tail is a list, so the list is not improper: build it with list(...)');
  }
  return new ImproperList(items, tail);
}

/**
 * An Erlang float. Floats with a fraction are plain numbers; a float without one (1.0) is kept
 * in a Float, or it would become the integer 1 on its way back. `float(x)` sends any number as
 * a float.
 */
export class Float {
  constructor(readonly value: number) {}

  valueOf(): number {
    return this.value;
  }

  toString(): string {
    return `float(${Object.is(this.value, -0) ? '-0' : this.value})`;
  }

  [inspect.custom](depth: number, options: { stylize?: (text: string, style: string) => string }): string {
    return options?.stylize ? options.stylize(this.toString(), 'number') : this.toString();
  }
}

export function float(value: number): Float {
  if (!Number.isFinite(value)) throw new RangeError(`float(${value}): Erlang floats are finite`);
  return new Float(value);
}

/**
 * A bitstring whose length is not a whole number of bytes: `bitstring([0xff, 0x80], 9)` is
 * `<<255, 1:1>>`. The bits past `bitLength` in the last byte are zero. (Whole bytes are binaries:
 * Buffers.)
 */
export class Bitstring {
  readonly bytes: Buffer;
  readonly bitLength: number;

  constructor(bytes: Uint8Array, bitLength: number) {
    const size = Math.ceil(bitLength / 8);
    if (!Number.isSafeInteger(bitLength) || bitLength < 0 || bytes.length < size) {
      throw new RangeError(`bitstring: ${bitLength} bits do not fit in ${bytes.length} bytes`);
    }
    const copy = Buffer.alloc(size);
    copy.set(bytes.subarray(0, size));
    const tailBits = bitLength % 8;
    if (tailBits !== 0) copy[size - 1] &= 0xff << (8 - tailBits);
    this.bytes = copy;
    this.bitLength = bitLength;
  }

  toString(): string {
    return `bitstring([${[...this.bytes].join(', ')}], ${this.bitLength})`;
  }

  [inspect.custom](): string {
    return this.toString();
  }
}

export function bitstring(bytes: Uint8Array | readonly number[], bitLength: number): Bitstring {
  return new Bitstring(bytes instanceof Uint8Array ? bytes : Uint8Array.from(bytes), bitLength);
}

/** An Erlang port of another node (eshell-ts has no ports of its own). */
export class Port {
  constructor(
    readonly node: string,
    /** Up to 2^64 - 1: a bigint when beyond 2^53. */
    readonly id: number | bigint,
    readonly creation: number,
  ) {}

  equals(other: unknown): boolean {
    return other instanceof Port && other.node === this.node && other.id === this.id && other.creation === this.creation;
  }

  toString(): string {
    return `#Port<${nodeIndex(this.node)}.${this.id}>`;
  }

  [inspect.custom](): string {
    return this.toString();
  }
}

/** `fun erlang:now/0`: a function named by module, name and arity, callable on any node. */
export class ExportFun {
  constructor(
    readonly module: string,
    readonly name: string,
    readonly arity: number,
  ) {}

  equals(other: unknown): boolean {
    return other instanceof ExportFun && other.module === this.module && other.name === this.name && other.arity === this.arity;
  }

  toString(): string {
    return `exportFun(${inspect(this.module)}, ${inspect(this.name)}, ${this.arity})`;
  }

  [inspect.custom](): string {
    return this.toString();
  }
}

export function exportFun(module: string, name: string, arity: number): ExportFun {
  if (!Number.isInteger(arity) || arity < 0 || arity > 255) throw new RangeError(`exportFun: arity ${arity} is not in 0..255`);
  return new ExportFun(module, name, arity);
}

/**
 * A fun made on a BEAM node (`fun(X) -> X end`). eshell-ts cannot run Erlang code; it keeps
 * the fun's encoded bytes, so it can be held, compared and sent back unchanged.
 */
export class ErlangFun {
  constructor(
    /** The NEW_FUN_EXT term as it arrived, tag included. */
    readonly encoded: Buffer,
    readonly module: string,
    readonly arity: number,
    readonly index: number,
    readonly uniq: number,
  ) {}

  equals(other: unknown): boolean {
    return other instanceof ErlangFun && other.encoded.equals(this.encoded);
  }

  toString(): string {
    return `#Fun<${this.module}.${this.index}.${this.uniq}>`;
  }

  [inspect.custom](): string {
    return this.toString();
  }
}

/**
 * Erlang's exact equality (`=:=`) over the TypeScript values that stand for terms: structural
 * for tuples (arrays), lists, maps (plain objects and Maps), binaries and bitstrings; pids,
 * refs, ports and funs by what they name; `float(1)` is not the integer `1`.
 */
export function exactlyEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return Object.is(a, b);
  if (Array.isArray(a)) return Array.isArray(b) && sameItems(a, b);
  if (Array.isArray(b)) return false;
  if (a instanceof List) return b instanceof List && sameItems(a.items, b.items);
  if (a instanceof ImproperList) {
    return b instanceof ImproperList && sameItems(a.items, b.items) && exactlyEqual(a.tail, b.tail);
  }
  if (a instanceof Float) return b instanceof Float && a.value === b.value;
  if (a instanceof Uint8Array) return b instanceof Uint8Array && Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(b);
  if (a instanceof Bitstring) return b instanceof Bitstring && a.bitLength === b.bitLength && a.bytes.equals(b.bytes);
  if (a instanceof Map) return b instanceof Map && sameMap(a, b);
  const equals = (a as { equals?: unknown }).equals;
  if (typeof equals === 'function') return equals.call(a, b) as boolean;
  if (isPlainObject(a) && isPlainObject(b)) {
    const keys = Object.keys(a);
    if (keys.length !== Object.keys(b).length) return false;
    for (const key of keys) if (!Object.hasOwn(b, key) || !exactlyEqual(a[key], b[key])) return false;
    return true;
  }
  return false;
}

function sameItems(a: readonly unknown[], b: readonly unknown[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!exactlyEqual(a[i], b[i])) return false;
  return true;
}

function sameMap(a: Map<unknown, unknown>, b: Map<unknown, unknown>): boolean {
  if (a.size !== b.size) return false;
  for (const [key, value] of a) {
    if (b.has(key)) {
      if (!exactlyEqual(value, b.get(key))) return false;
      continue;
    }
    // A compound key (a tuple, a list) is another object in b: look for an equal one.
    let found = false;
    for (const [otherKey, otherValue] of b) {
      if (exactlyEqual(key, otherKey)) {
        if (!exactlyEqual(value, otherValue)) return false;
        found = true;
        break;
      }
    }
    if (!found) return false;
  }
  return true;
}

/** An object literal's kind of object (what a pattern matches key by key), not an instance. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}
