// The built-in objects the runtime, the code server and esbuild's generated code rely on
// (Array.prototype.push, Map.prototype.set, Promise.prototype.then, Object.prototype...).
// User code runs in the same realm, so it can replace them; wrapping every call the runtime
// makes (Node's primordials) would cost the scheduler's hot paths too much. Instead their
// properties are recorded when the runtime starts, and `restoreIntrinsics` puts back any that
// were replaced or deleted (and removes properties added to Object.prototype, which every
// `for...in` and every options object would otherwise see). The scheduler calls it after each
// batch and before handling a throw; the shell after each evaluation, so that the one input
// that did it fails with a clear reason and nothing else does.

import { writeOutput } from './output';

interface Recorded {
  readonly owner: Record<string | symbol, unknown>;
  readonly ownerName: string;
  readonly key: string | symbol;
  readonly descriptor: PropertyDescriptor;
  /** Data properties are compared by value (cheap); accessors by their descriptor. */
  readonly isData: boolean;
}

const { getOwnPropertyDescriptor, defineProperty, getPrototypeOf } = Object;
const { ownKeys, deleteProperty, apply } = Reflect;
const arrayPush = Array.prototype.push;
const objectPrototype = Object.prototype;
const symbolToString = Symbol.prototype.toString;

let recorded: Recorded[] | null = null;
let objectPrototypeKeys: Set<string | symbol> | null = null;

function owners(): [string, object][] {
  const list: [string, object][] = [];
  const add = (name: string, value: unknown): void => {
    if ((typeof value === 'object' || typeof value === 'function') && value !== null) list.push([name, value]);
  };
  for (const name of ['Object', 'Array', 'Function', 'String', 'Number', 'Boolean', 'Symbol', 'Map', 'Set',
    'WeakMap', 'WeakSet', 'WeakRef', 'Promise', 'Error', 'TypeError', 'RangeError', 'Date', 'RegExp', 'BigInt',
    'ArrayBuffer', 'SharedArrayBuffer', 'Int32Array', 'Uint8Array', 'DataView']) {
    const ctor = (globalThis as Record<string, unknown>)[name] as { prototype?: unknown } | undefined;
    add(name, ctor);
    add(`${name}.prototype`, ctor?.prototype);
  }
  for (const name of ['JSON', 'Math', 'Reflect', 'Atomics']) add(name, (globalThis as Record<string, unknown>)[name]);
  add('TypedArray.prototype', getPrototypeOf(Uint8Array.prototype));
  add('ArrayIterator.prototype', getPrototypeOf([][Symbol.iterator]()));
  add('MapIterator.prototype', getPrototypeOf(new Map()[Symbol.iterator]()));
  add('SetIterator.prototype', getPrototypeOf(new Set()[Symbol.iterator]()));
  add('StringIterator.prototype', getPrototypeOf(''[Symbol.iterator]()));
  add('Iterator.prototype', getPrototypeOf(getPrototypeOf([][Symbol.iterator]())));
  return list;
}

/** Settings meant to be changed (the code server installs its own stack formatter). */
const UNWATCHED = new Set(['Error.prepareStackTrace', 'Error.stackTraceLimit']);

/** The globals themselves: deleting `setImmediate` or replacing `Promise` is undone too. */
const GLOBAL_NAMES = [
  'Object', 'Array', 'Function', 'String', 'Number', 'Boolean', 'Symbol', 'Map', 'Set', 'WeakMap', 'WeakSet',
  'WeakRef', 'FinalizationRegistry', 'Promise', 'Error', 'TypeError', 'RangeError', 'SyntaxError', 'ReferenceError',
  'Date', 'RegExp', 'BigInt', 'JSON', 'Math', 'Reflect', 'Proxy', 'Atomics', 'ArrayBuffer', 'SharedArrayBuffer',
  'Int32Array', 'Uint8Array', 'DataView', 'TextEncoder', 'TextDecoder', 'Buffer', 'URL', 'process', 'undefined',
  'NaN', 'Infinity', 'globalThis', 'setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'setImmediate',
  'clearImmediate', 'queueMicrotask', 'structuredClone', 'parseInt', 'parseFloat', 'isNaN', 'isFinite',
  'encodeURIComponent', 'decodeURIComponent',
];

/**
 * Records the current intrinsics (call once, before user code runs; later calls only add
 * global names installed since, such as the shell's timers).
 */
export function recordIntrinsics(extraGlobals: readonly string[] = []): void {
  const list = recorded ?? [];
  if (recorded === null) {
    for (const [ownerName, owner] of owners()) {
      for (const key of ownKeys(owner)) {
        const descriptor = getOwnPropertyDescriptor(owner, key);
        if (descriptor !== undefined && descriptor.configurable !== false && !UNWATCHED.has(`${ownerName}.${String(key)}`)) {
          record(list, owner, ownerName, key, descriptor);
        }
      }
    }
    objectPrototypeKeys = new Set(ownKeys(objectPrototype));
  }
  for (const key of [...GLOBAL_NAMES, ...extraGlobals]) {
    const descriptor = getOwnPropertyDescriptor(globalThis, key);
    // Data properties only: Node defines some globals as getters that replace themselves with
    // a value on first use, which is no tampering.
    if (descriptor !== undefined && descriptor.configurable !== false && 'value' in descriptor) {
      record(list, globalThis, 'globalThis', key, descriptor);
    }
  }
  recorded = list;
}

function record(list: Recorded[], owner: object, ownerName: string, key: string | symbol, descriptor: PropertyDescriptor): void {
  const entry: Recorded = { owner: owner as Recorded['owner'], ownerName, key, descriptor, isData: 'value' in descriptor };
  apply(arrayPush, list, [entry]);
}

function unchanged(entry: Recorded): boolean {
  const then = entry.descriptor;
  if (entry.isData) {
    const value = entry.owner[entry.key];
    // A replaced or deleted data property reads differently (deleted: from the prototype).
    return value === then.value || (value !== value && then.value !== then.value);
  }
  const now = getOwnPropertyDescriptor(entry.owner, entry.key);
  return now !== undefined && now.get === then.get && now.set === then.set;
}

function keyName(key: string | symbol): string {
  return typeof key === 'symbol' ? `[${apply(symbolToString, key, [])}]` : key;
}

/**
 * Puts back every recorded intrinsic that was replaced or deleted, and removes properties
 * added to Object.prototype. Returns what it repaired, as `restored Array.prototype.push`
 * and the like (empty when nothing was touched, the common case: one read per property).
 */
export function restoreIntrinsics(): string[] {
  const list = recorded;
  if (list === null) return [];
  // No array or set methods before the loop has put them back: they may be the broken ones.
  const repaired: string[] = [];
  for (let i = 0; i < list.length; i++) {
    const entry = list[i];
    if (unchanged(entry)) continue;
    let restored = true;
    try {
      deleteProperty(entry.owner, entry.key);
      defineProperty(entry.owner, entry.key, entry.descriptor);
    } catch {
      restored = false; // made non-configurable since: nothing more can be done
    }
    if (restored) repaired[repaired.length] = `restored ${entry.ownerName}.${keyName(entry.key)}`;
  }
  const keys = objectPrototypeKeys;
  if (keys !== null) {
    const now = ownKeys(objectPrototype);
    for (let i = 0; i < now.length; i++) {
      const key = now[i];
      if (keys.has(key)) continue;
      if (deleteProperty(objectPrototype, key)) repaired[repaired.length] = `removed Object.prototype.${keyName(key)}`;
    }
  }
  return repaired;
}

/** The line printed when intrinsics were repaired. */
export function intrinsicsRepairedMessage(repaired: readonly string[]): string {
  return `eshell-ts relies on the built-ins it started with: ${repaired.join(', ')}`;
}

/** Undoes replaced built-ins and says so on the output; true when something was repaired. */
export function repairIntrinsics(): boolean {
  const repaired = restoreIntrinsics();
  if (repaired.length === 0) return false;
  writeOutput(`*** ${intrinsicsRepairedMessage(repaired)}\n`);
  return true;
}
