// Eshell's variables: `X = expr` binds X when it is unbound and checks equality when it is
// bound (single assignment). The forms layer turns a pattern like `['ok', Pid]` into a value
// in which each variable is a VariableMarker; `matchPattern` then binds or compares.
//
// Bound variables live as properties of globalThis so that any later input (compiled as a
// plain script) reads them by name. Each shell job keeps its own map; the active job's
// variables are the ones installed on globalThis. They are also copied to the job's own
// object (jobScope.ts), which functions typed at the prompt read them from: such a function
// keeps its job's variables when it runs while another job is connected.

import { ErlangException } from '../../runtime/errors';
import { exactlyEqual, isPlainObject } from '../../runtime/terms';
import { matches } from '../../runtime/patterns';

export class VariableMarker {
  constructor(readonly name: string) {}
}

/** `...T` at the end of an array pattern: binds (or checks) T to the remaining elements. */
export class RestMarker {
  constructor(readonly pattern: unknown) {}
}

/** Where the job's variables are copied for the functions typed at its prompt. */
export interface VariableCopies {
  setVariable(name: string, value: unknown): void;
  deleteVariable(name: string): void;
}

export class Bindings {
  private readonly values = new Map<string, unknown>();
  private installed = false;

  constructor(private readonly copies?: VariableCopies) {}

  has(name: string): boolean {
    return this.values.has(name);
  }

  get(name: string): unknown {
    return this.values.get(name);
  }

  entries(): [string, unknown][] {
    return [...this.values.entries()].sort(([a], [b]) => a.localeCompare(b));
  }

  /** Matches `value` against `pattern`, binding unbound variables; throws badmatch on failure. */
  match(pattern: unknown, value: unknown): unknown {
    const fresh = new Map<string, unknown>();
    if (!this.matchInto(pattern, value, fresh)) {
      throw new ErlangException('error', ['badmatch', value]);
    }
    for (const [name, bound] of fresh) this.bind(name, bound);
    return value;
  }

  forget(name?: string): void {
    const names = name === undefined ? [...this.values.keys()] : [name];
    for (const n of names) {
      this.values.delete(n);
      this.copies?.deleteVariable(n);
      if (this.installed) removeGlobal(n);
    }
  }

  /** Makes these variables the ones visible to evaluated code (the job became active). */
  install(): void {
    if (this.installed) return; // reconnecting to the active job: its globals are in place
    this.installed = true;
    for (const [name, value] of this.values) defineGlobal(name, value);
  }

  uninstall(): void {
    this.installed = false;
    for (const name of this.values.keys()) removeGlobal(name);
  }

  private bind(name: string, value: unknown): void {
    this.values.set(name, value);
    this.copies?.setVariable(name, value);
    if (this.installed) defineGlobal(name, value);
  }

  /**
   * The runtime's receive matching (`matches`), extended with what only the shell's `=` has:
   * variables, bound ones compared by exact equality and unbound ones bound (consistently,
   * when a name occurs twice), and `...T` for the rest of an array. Arrays and plain objects
   * are walked here because a variable may stand at any depth; everything else is a leaf
   * and matches as in a receive, except a function, which is a value here (Erlang allows no
   * guards inside a pattern) where a receive pattern calls it as a guard.
   */
  private matchInto(pattern: unknown, value: unknown, fresh: Map<string, unknown>): boolean {
    if (pattern instanceof VariableMarker) {
      if (this.values.has(pattern.name)) return exactlyEqual(this.values.get(pattern.name), value);
      if (fresh.has(pattern.name)) return exactlyEqual(fresh.get(pattern.name), value);
      fresh.set(pattern.name, value);
      return true;
    }
    if (Array.isArray(pattern)) {
      const last = pattern[pattern.length - 1];
      if (last instanceof RestMarker) {
        const head = pattern.length - 1;
        return (
          Array.isArray(value) &&
          value.length >= head &&
          pattern.slice(0, head).every((element, i) => this.matchInto(element, value[i], fresh)) &&
          this.matchInto(last.pattern, value.slice(head), fresh)
        );
      }
      return (
        Array.isArray(value) &&
        value.length === pattern.length &&
        pattern.every((element, i) => this.matchInto(element, value[i], fresh))
      );
    }
    if (isPlainObject(pattern)) {
      if (typeof value !== 'object' || value === null) return false;
      const record = value as Record<string, unknown>;
      return Object.keys(pattern).every(
        (key) => key in record && this.matchInto(pattern[key], record[key], fresh),
      );
    }
    if (typeof pattern === 'function') return pattern === value;
    return matches(pattern, value);
  }
}

/** Globals a binding hides (the API's `Pid` once the user binds Pid), put back when it goes. */
const hidden = new Map<string, PropertyDescriptor>();

function defineGlobal(name: string, value: unknown): void {
  const original = Object.getOwnPropertyDescriptor(globalThis, name);
  if (original && !hidden.has(name)) hidden.set(name, original);
  Object.defineProperty(globalThis, name, { value, writable: true, configurable: true, enumerable: false });
}

function removeGlobal(name: string): void {
  const original = hidden.get(name);
  hidden.delete(name);
  if (original) Object.defineProperty(globalThis, name, original);
  else delete (globalThis as Record<string, unknown>)[name];
}
