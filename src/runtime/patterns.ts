// Erlang-style patterns over TypeScript values, interpreted: patterns are usually literals
// written inside the receive call, so compiling them would cost more than matching them.
import { Pid, Ref } from './pid';
import { Float, List, exactlyEqual, isPlainObject } from './terms';

/** The wildcard: matches anything, at any position. */
export const _: unique symbol = Symbol('_') as never;
export type Wildcard = typeof _;

/** A predicate at some position of a pattern, called with the value found there. */
export type Guard = (value: any) => boolean;

export type Pattern =
  | Wildcard
  | string
  | number
  | boolean
  | bigint
  | symbol
  | null
  | undefined
  | Pid
  | Ref
  | List<Pattern>
  | Float
  | Uint8Array
  | Guard
  | readonly Pattern[]
  | { readonly [key: string]: Pattern };

/** What a message that matched `P` is known to look like. */
export type Matched<P> = P extends Wildcard
  ? unknown
  : P extends (value: any) => value is infer T
    ? T
    : P extends (value: any) => boolean
      ? unknown
      : P extends Pid
        ? Pid
        : P extends Ref
          ? Ref
          : P extends List<infer I>
            ? List<Matched<I>>
            : P extends readonly unknown[]
              ? { -readonly [K in keyof P]: Matched<P[K]> }
              : P extends object
                ? { -readonly [K in keyof P]: Matched<P[K]> }
                : P;

/**
 * Literals match by `===` (NaN matches NaN), arrays by length and element, plain objects by
 * the keys the pattern gives (like Erlang maps), pids and refs by id, functions are guards.
 * A `list(...)` matches a List element by element; other terms (`float(1)`, a Buffer, a
 * Map) match what is exactly equal to them.
 */
export function matches(pattern: unknown, value: unknown): boolean {
  // Dispatch on the pattern's type first: each `===` below then compares values of one known
  // kind (literal strings are interned, so that is a pointer compare), where a single
  // `pattern === value` up front would see every kind and fall back to the generic comparison.
  // (`typeof x === '...'` tests compile to type checks; a `switch (typeof x)` would not.)
  if (typeof pattern === 'string') return pattern === value;
  if (typeof pattern === 'object') return pattern === null ? value === null : matchesObject(pattern, value);
  if (typeof pattern === 'function') {
    return (typeof value === 'function' && pattern === value) || passesGuard(pattern as Guard, value);
  }
  if (typeof pattern === 'symbol') return pattern === _ || pattern === value;
  if (typeof pattern === 'number') return pattern === value || (pattern !== pattern && value !== value);
  return pattern === value;
}

/**
 * True when every value `pattern` matches holds `ref` (the pattern names the ref itself, not a
 * wildcard or guard, at some position): such a pattern cannot match a message older than it.
 */
export function patternNeedsRef(pattern: unknown, ref: Ref, depth = 0): boolean {
  if (typeof pattern !== 'object' || pattern === null) return false;
  if (pattern instanceof Ref) return pattern.equals(ref);
  if (depth === 3) return false;
  if (Array.isArray(pattern)) {
    for (let i = 0; i < pattern.length; i++) if (patternNeedsRef(pattern[i], ref, depth + 1)) return true;
    return false;
  }
  if (!isPlainObject(pattern)) return false;
  for (const key in pattern) if (patternNeedsRef((pattern as any)[key], ref, depth + 1)) return true;
  return false;
}

function matchesObject(pattern: object, value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  if (pattern === value) return true;
  if (Array.isArray(pattern)) {
    if (!Array.isArray(value) || value.length !== pattern.length) return false;
    for (let i = 0; i < pattern.length; i++) {
      const element = pattern[i];
      // an atom (a tuple's tag, most often) is compared here, without a call
      if (typeof element === 'string' ? element !== value[i] : !matches(element, value[i])) return false;
    }
    return true;
  }
  if (pattern instanceof Pid || pattern instanceof Ref) return pattern.equals(value);
  if (pattern instanceof List) return value instanceof List && matchesItems(pattern.items, value.items);
  if (!isPlainObject(pattern)) return exactlyEqual(pattern, value);
  if (Array.isArray(value)) return false;
  for (const key in pattern) {
    if (!(key in value) || !matches((pattern as any)[key], (value as any)[key])) return false;
  }
  return true;
}

function matchesItems(pattern: readonly unknown[], value: readonly unknown[]): boolean {
  if (pattern.length !== value.length) return false;
  for (let i = 0; i < pattern.length; i++) if (!matches(pattern[i], value[i])) return false;
  return true;
}

/** As in Erlang, a guard that raises simply does not match. */
function passesGuard(guard: Guard, value: unknown): boolean {
  try {
    return !!guard(value);
  } catch {
    return false;
  }
}
