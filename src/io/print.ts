// Values in TypeScript notation: what the shell prints for every result and what `~p` / `~w`
// produce. The output reads like TypeScript source (`['ok', 'code_reload']`,
// `{ a: 1, b: 'x' }`), borrows the Node REPL's look for things TypeScript has no literal for
// (`Map(1) { 'a' => 1 }`, `[Function: f]`, `[Circular *1]`), and wraps like Erlang's `~p`:
// a value that fits in the line stays on one line, otherwise its containers break one element
// per line, Prettier style.
//
// Printing is two passes: `describe` turns the value into a small layout tree whose nodes know
// their one-line width, then `Layout` decides line by line whether a node fits. Widths are
// always measured on uncoloured text; colour is applied only when text is emitted.

import util from 'node:util';
import { Chalk, type ChalkInstance } from 'chalk';
import { plural } from './plural';
import { ImproperList, List, isCharlist } from '../runtime/terms';
import { ErlangException, defaultMessage } from '../runtime/errors';

export interface PrintOptions {
  /** Colour like Node's REPL (ANSI, 16 colours). Default false. */
  color?: boolean;
  /** Line length the output should fit in. Default 80. */
  width?: number;
  /**
   * Column at which the value starts (text already on the line). It only shortens the room the
   * first line has; continuation lines are indented from column 0, like `console.log`.
   */
  indent?: number;
  /** Never break lines (Erlang's `~w`). */
  singleLine?: boolean;
  /** Nesting beyond which containers print as `[Array]` / `[Object]`. Default 20. */
  depth?: number;
}

/** Formats a value as TypeScript-looking text, wrapped to fit `width` (see PrintOptions). */
export function formatValue(value: unknown, opts: PrintOptions = {}): string {
  const doc = new Describer(opts.depth ?? DEFAULT_DEPTH).describe(value, 0);
  const width = opts.singleLine ? Infinity : (opts.width ?? 80);
  return new Layout(width, opts.indent ?? 0, painterFor(opts.color ?? false)).print(doc);
}

/** The single-line form of a value (Erlang's `~w`). */
export function formatTerm(value: unknown, opts: { color?: boolean; depth?: number } = {}): string {
  return formatValue(value, { ...opts, singleLine: true });
}

/** A string as a single-quoted TypeScript literal with JavaScript escapes: `'it\'s'`. */
export function quoteString(text: string): string {
  if (!NEEDS_ESCAPE.test(text)) return `'${text}'`;
  let out = "'";
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code >= 0xd800 && code <= 0xdfff) {
      const next = text.charCodeAt(i + 1);
      if (code <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
        out += text[i] + text[i + 1];
        i++;
      } else {
        out += `\\u${code.toString(16)}`; // a lone surrogate cannot be printed as itself
      }
    } else if (code < 0x20 || code === 0x27 || code === 0x5c || (code >= 0x7f && code <= 0x9f)) {
      out += ESCAPES[code] ?? `\\x${code.toString(16).toUpperCase().padStart(2, '0')}`;
    } else {
      out += text[i];
    }
  }
  return out + "'";
}

// ---------------------------------------------------------------------------------------------
// Limits, chosen to match Node's util.inspect defaults except depth (Node's 2 hides too much
// of the nested tuples Erlang-style code passes around).

const DEFAULT_DEPTH = 20;
const MAX_ARRAY_ITEMS = 100;
const MAX_STRING_LENGTH = 10_000;
const MAX_BUFFER_BYTES = 50;
/** Arrays with more short scalar items than this fill lines instead of one item per line. */
const FILL_MIN_ITEMS = 6;
const FILL_MAX_ITEM_WIDTH = 6;

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;
const NEEDS_ESCAPE = /[\x00-\x1f'\\\x7f-\x9f\ud800-\udfff]/;
const ESCAPES: Record<number, string> = {
  0x08: '\\b', 0x09: '\\t', 0x0a: '\\n', 0x0c: '\\f', 0x0d: '\\r', 0x27: "\\'", 0x5c: '\\\\',
};
const INSPECT_CUSTOM = Symbol.for('nodejs.util.inspect.custom');

// ---------------------------------------------------------------------------------------------
// Layout tree

type Style =
  | 'special' | 'number' | 'bigint' | 'boolean' | 'undefined' | 'null'
  | 'string' | 'symbol' | 'date' | 'regexp';

/**
 * An unbreakable piece of text. `painted` is a ready-coloured rendering (from util.inspect);
 * `summary` marks the `... N more items` line, which does not count against filling.
 */
interface Text {
  kind: 'text';
  text: string;
  style?: Style;
  painted?: string;
  summary?: boolean;
  width: number;
}
/** Pieces printed one after another, e.g. a key, `: ` and a value. */
interface Concat { kind: 'concat'; parts: Doc[]; width: number }
/** A container: `open item, item close`, or broken one item per line. */
interface Group {
  kind: 'group';
  open: string;
  close: string;
  items: Doc[];
  /** `{ a: 1 }` has spaces inside its braces, `[1, 2]` does not. */
  padded: boolean;
  /** Short scalar items share lines when broken, like Prettier's array fill. */
  fill: boolean;
  width: number;
}
type Doc = Text | Concat | Group;

function text(value: string, style?: Style): Text {
  return { kind: 'text', text: value, style, width: value.length };
}

function concat(...parts: Doc[]): Concat {
  let width = 0;
  for (const part of parts) width += part.width;
  return { kind: 'concat', parts, width };
}

function group(open: string, items: Doc[], close: string, padded: boolean): Group {
  let width = open.length + close.length;
  if (items.length > 0) {
    width += (padded ? 2 : 0) + 2 * (items.length - 1);
    for (const item of items) width += item.width;
  }
  const fill =
    items.length > FILL_MIN_ITEMS &&
    items.every((item) => item.kind === 'text' && (item.summary || item.width <= FILL_MAX_ITEM_WIDTH));
  return { kind: 'group', open, close, items, padded, fill, width };
}

// ---------------------------------------------------------------------------------------------
// Pass 1: value → layout tree

class Describer {
  /** Objects on the path from the root to the value being described. */
  private readonly ancestors = new Set<object>();
  /** Objects found to contain themselves, numbered in discovery order like Node's `*1`. */
  private readonly circular = new Map<object, number>();

  constructor(private readonly maxDepth: number) {}

  describe(value: unknown, depth: number): Doc {
    switch (typeof value) {
      case 'string':
        return describeString(value);
      case 'number':
        return text(Object.is(value, -0) ? '-0' : String(value), 'number');
      case 'bigint':
        return text(`${value}n`, 'bigint');
      case 'boolean':
        return text(String(value), 'boolean');
      case 'undefined':
        return text('undefined', 'undefined');
      case 'symbol':
        return text(value.toString(), 'symbol');
      default:
        if (value === null) return text('null', 'null');
        // A Proxy's traps, or a getter Node's inspect runs, may throw: printing never fails,
        // it marks what it could not read and goes on with the rest.
        try {
          return typeof value === 'function' ? this.describeFunction(value, depth) : this.describeObject(value as object, depth);
        } catch (thrown) {
          return unreadable(thrown);
        }
    }
  }

  private describeObject(value: object, depth: number): Doc {
    if (this.ancestors.has(value)) {
      let id = this.circular.get(value);
      if (id === undefined) this.circular.set(value, (id = this.circular.size + 1));
      return text(`[Circular *${id}]`, 'special');
    }
    // Leaves first: a Proxy must not have its traps run by looking for an inspect hook.
    const leaf = describeLeafObject(value);
    if (leaf) return leaf;
    const term = this.describeErlangList(value, depth);
    if (term) return term;
    const custom = this.describeCustom(value, depth);
    if (custom) return custom;
    if (depth > this.maxDepth) return text(`[${depthCutName(value)}]`, 'special');

    this.ancestors.add(value);
    let doc: Doc;
    try {
      doc = this.describeContainer(value, depth + 1);
    } finally {
      this.ancestors.delete(value);
    }
    const id = this.circular.get(value);
    return id === undefined ? doc : concat(text(`<ref *${id}> `, 'special'), doc);
  }

  /**
   * Objects that print themselves through `[util.inspect.custom]` (Pid, Ref, user classes).
   * The stylize hook records the style they asked for, so `<0.37.0>` can still be coloured by
   * us after its width was measured uncoloured.
   */
  private describeCustom(value: object, depth: number): Doc | undefined {
    const inspect = (value as Record<symbol, unknown>)[INSPECT_CUSTOM];
    if (typeof inspect !== 'function' || inspect === util.inspect) return undefined;
    let requestedStyle: string | undefined;
    const options = {
      ...util.inspect.defaultOptions,
      depth: this.maxDepth - depth,
      colors: false,
      stylize: (piece: string, style: string) => {
        requestedStyle = style;
        return piece;
      },
    };
    let result: unknown;
    try {
      result = inspect.call(value, this.maxDepth - depth, options, util.inspect);
    } catch {
      return undefined; // a broken inspector should not hide the value: print it structurally
    }
    if (result === value) return undefined;
    if (typeof result !== 'string') return this.describe(result, depth);
    const style = asStyle(requestedStyle) ?? (looksLikeProcessId(value, result) ? 'special' : undefined);
    return text(result, style);
  }

  /**
   * Erlang lists, which TypeScript has no literal for, in the notation that builds them:
   * `list(1, 2)`, `charlist('abc')` (what erl prints as "abc"), `improperList([1], 2)`.
   */
  private describeErlangList(value: object, depth: number): Doc | undefined {
    if (value instanceof List) {
      if (isCharlist(value)) return concat(text('charlist('), describeString(value.toText()), text(')'));
      return this.describeItems('list(', value.items, ')', depth);
    }
    if (value instanceof ImproperList) {
      return concat(
        text('improperList('),
        this.describeItems('[', value.items, ']', depth),
        text(', '),
        this.describe(value.tail, depth + 1),
        text(')'),
      );
    }
    return undefined;
  }

  private describeItems(open: string, items: readonly unknown[], close: string, depth: number): Doc {
    if (depth > this.maxDepth) return text(`${open}...${close}`, 'special');
    const shown = Math.min(items.length, MAX_ARRAY_ITEMS);
    const docs: Doc[] = [];
    for (let i = 0; i < shown; i++) docs.push(this.describe(items[i], depth + 1));
    if (items.length > shown) docs.push(moreItems(items.length - shown));
    return group(open, docs, close, false);
  }

  private describeContainer(value: object, depth: number): Doc {
    if (Array.isArray(value)) return this.describeArray(value, depth);
    if (value instanceof Map) return this.describeMap(value, depth);
    if (value instanceof Set) return this.describeSet(value, depth);
    if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
      return this.describeTypedArray(value as unknown as ArrayLike<number | bigint>, depth);
    }
    if (value instanceof Error) return this.describeError(value, depth);
    return this.describePlainObject(value, depth);
  }

  private describeArray(array: unknown[], depth: number): Doc {
    const items: Doc[] = [];
    let index = 0;
    let present: number[] | undefined; // indices that hold a value, listed on the first hole
    while (index < array.length && items.length < MAX_ARRAY_ITEMS) {
      if (index in array) {
        items.push(this.describe(array[index], depth));
        index++;
        continue;
      }
      // Jump over the hole using the present indices: `new Array(1e9)` must not take 1e9 steps.
      present ??= Object.keys(array).filter(isArrayIndex).map(Number);
      const next = firstAbove(present, index) ?? array.length;
      const holes = next - index;
      index = next;
      items.push(text(`<${plural(holes, 'empty item')}>`, 'undefined'));
    }
    if (index < array.length) items.push(moreItems(array.length - index));
    for (const key of Object.keys(array)) {
      if (!isArrayIndex(key)) items.push(this.describeProperty(array, key, depth));
    }
    return group('[', items, ']', false);
  }

  private describeTypedArray(view: ArrayLike<number | bigint>, depth: number): Doc {
    if (Buffer.isBuffer(view)) return describeBuffer(view);
    const shown = Math.min(view.length, MAX_ARRAY_ITEMS);
    const items: Doc[] = [];
    for (let i = 0; i < shown; i++) items.push(this.describe(view[i], depth));
    if (view.length > shown) items.push(moreItems(view.length - shown));
    return group(`${constructorName(view) ?? 'TypedArray'}(${view.length}) [`, items, ']', false);
  }

  private describeMap(map: Map<unknown, unknown>, depth: number): Doc {
    const items: Doc[] = [];
    for (const [key, entry] of map) {
      if (items.length === MAX_ARRAY_ITEMS) {
        items.push(moreItems(map.size - MAX_ARRAY_ITEMS));
        break;
      }
      items.push(concat(this.describe(key, depth), text(' => '), this.describe(entry, depth)));
    }
    return group(`${prefixName(map, 'Map')}(${map.size}) {`, items, '}', true);
  }

  private describeSet(set: Set<unknown>, depth: number): Doc {
    const items: Doc[] = [];
    for (const member of set) {
      if (items.length === MAX_ARRAY_ITEMS) {
        items.push(moreItems(set.size - MAX_ARRAY_ITEMS));
        break;
      }
      items.push(this.describe(member, depth));
    }
    return group(`${prefixName(set, 'Set')}(${set.size}) {`, items, '}', true);
  }

  /** `[TypeError: msg]` — no stack: values are data here, exception.ts prints stacks. */
  private describeError(error: Error, depth: number): Doc {
    if (error instanceof ErlangException) {
      // As the expression that raises it: ErlangException('error', ['bad', 1]).
      const args = [this.describe(error.kind, depth), this.describe(error.reason, depth)];
      const explained = error.message !== defaultMessage(error.kind, error.reason);
      if (explained) args.push(this.describe(error.message, depth));
      return group('ErlangException(', args, ')', false);
    }
    const head = text(`[${errorHeadline(error)}]`);
    const extra = this.ownProperties(error, depth);
    return extra.length === 0 ? head : concat(head, text(' '), group('{', extra, '}', true));
  }

  private describeFunction(fn: Function, depth: number): Doc {
    if (Object.prototype.hasOwnProperty.call(fn, INSPECT_CUSTOM)) {
      const custom = this.describeCustom(fn, depth);
      if (custom) return custom;
    }
    const head = text(functionHeadline(fn), 'special');
    if (depth > this.maxDepth || this.ancestors.has(fn)) return head;
    this.ancestors.add(fn);
    try {
      const props = this.ownProperties(fn, depth + 1);
      return props.length === 0 ? head : concat(head, text(' '), group('{', props, '}', true));
    } finally {
      this.ancestors.delete(fn);
    }
  }

  private describePlainObject(value: object, depth: number): Doc {
    const proto = Object.getPrototypeOf(value);
    let open = '{';
    if (proto === null) open = '[Object: null prototype] {';
    else if (proto !== Object.prototype) {
      const name = constructorName(value);
      if (name && name !== 'Object') open = `${name} {`;
    }
    return group(open, this.ownProperties(value, depth), '}', true);
  }

  /** Own enumerable properties, string keys then symbols; accessors are shown, never run. */
  private ownProperties(value: object, depth: number): Doc[] {
    const items: Doc[] = [];
    for (const key of Object.keys(value)) {
      if (value instanceof Error && key === 'stack') continue;
      items.push(this.describeProperty(value, key, depth));
    }
    for (const symbol of Object.getOwnPropertySymbols(value)) {
      if (Object.prototype.propertyIsEnumerable.call(value, symbol)) {
        items.push(this.describeProperty(value, symbol, depth));
      }
    }
    return items;
  }

  private describeProperty(owner: object, key: string | symbol, depth: number): Doc {
    const name =
      typeof key === 'symbol'
        ? text(`[${key.toString()}]`, 'symbol')
        : IDENTIFIER.test(key) ? text(key) : text(quoteString(key), 'string');
    let descriptor: PropertyDescriptor | undefined;
    try {
      descriptor = Object.getOwnPropertyDescriptor(owner, key);
    } catch (thrown) {
      return concat(name, text(': '), unreadable(thrown));
    }
    let shown: Doc;
    if (!descriptor) shown = text('undefined', 'undefined');
    else if ('value' in descriptor) shown = this.describe(descriptor.value, depth);
    else {
      const kind = descriptor.get ? (descriptor.set ? 'Getter/Setter' : 'Getter') : 'Setter';
      shown = text(`[${kind}]`, 'special');
    }
    return concat(name, text(': '), shown);
  }
}

/** What could not be read (a throwing Proxy trap), in place of the value. */
function unreadable(thrown: unknown): Text {
  let why: string;
  try {
    why = thrown instanceof Error ? `${thrown.name}: ${thrown.message}` : String(thrown);
  } catch {
    why = 'unknown';
  }
  return text(`<unreadable: ${why}>`, 'special');
}

function describeString(value: string): Doc {
  if (value.length <= MAX_STRING_LENGTH) return text(quoteString(value), 'string');
  const rest = value.length - MAX_STRING_LENGTH;
  return concat(
    text(quoteString(value.slice(0, MAX_STRING_LENGTH)), 'string'),
    text(`... ${plural(rest, 'more character')}`),
  );
}

/** Objects printed as one piece of text, whatever their depth. */
function describeLeafObject(value: object): Doc | undefined {
  if (value instanceof Date) {
    return text(Number.isNaN(value.getTime()) ? 'Invalid Date' : value.toISOString(), 'date');
  }
  if (value instanceof RegExp) return text(String(value), 'regexp');
  if (util.types.isBoxedPrimitive(value)) return describeBoxed(value);
  if (needsNodeInspect(value)) {
    // Promise state, weak collections, proxies and raw memory cannot be read from JavaScript;
    // Node's inspector can, so its rendering is used as an unbreakable piece.
    const plain = withoutAsyncIds(value, util.inspect(value, { breakLength: Infinity, depth: 2, colors: false }));
    if (plain.includes('\n')) {
      // Only an Error inside (a rejected promise's reason) spreads over lines: drop its stack.
      const oneLine = plain
        .split('\n')
        .map((line) => line.replace(/^\s+at .*?((?: [}\]])*)$/, '$1').trim())
        .filter((line) => line !== '')
        .join(' ');
      return text(oneLine);
    }
    const painted = withoutAsyncIds(value, util.inspect(value, { breakLength: Infinity, depth: 2, colors: true }));
    return { kind: 'text', text: plain, painted, width: plain.length };
  }
  return undefined;
}

/**
 * While async hooks are on (the runtime tracks which process owns each continuation), Node
 * hangs bookkeeping symbols on every promise (async ids, the owner) and util.inspect lists them
 * after the promise's state. They mean nothing to the user: keep `Promise { <state> }` only.
 */
function withoutAsyncIds(value: object, shown: string): string {
  if (!util.types.isPromise(value)) return shown;
  const open = shown.indexOf('{');
  if (open < 0) return shown;
  let depth = 0;
  let quote: string | undefined;
  for (let i = open + 1; i < shown.length; i++) {
    const char = shown[i];
    if (char === '\x1b') {
      const end = shown.indexOf('m', i); // skip a colour code: its `[` is no bracket
      if (end < 0) break;
      i = end;
    } else if (quote) {
      if (char === '\\') i++;
      else if (char === quote) quote = undefined;
    } else if (char === "'" || char === '"' || char === '`') quote = char;
    else if (char === '{' || char === '[' || char === '(') depth++;
    else if (char === '}' || char === ']' || char === ')') depth--;
    else if (char === ',' && depth === 0) return shown.slice(0, i) + ' }';
  }
  return shown;
}

function describeBoxed(value: object): Doc {
  const inner = (value as { valueOf(): unknown }).valueOf();
  const shown =
    typeof inner === 'string' ? quoteString(inner)
    : typeof inner === 'bigint' ? `${inner}n`
    : typeof inner === 'symbol' ? inner.toString()
    : Object.is(inner, -0) ? '-0' : String(inner);
  const kind = typeof inner === 'bigint' ? 'BigInt' : capitalize(typeof inner);
  return text(`[${kind}: ${shown}]`, 'special');
}

function needsNodeInspect(value: object): boolean {
  const types = util.types;
  return (
    types.isProxy(value) || types.isPromise(value) || types.isWeakMap(value) ||
    types.isWeakSet(value) || types.isAnyArrayBuffer(value) || types.isDataView(value) ||
    types.isMapIterator(value) || types.isSetIterator(value) || types.isGeneratorObject(value) ||
    types.isModuleNamespaceObject(value) || types.isExternal(value) ||
    (typeof WeakRef === 'function' && value instanceof WeakRef)
  );
}

function describeBuffer(buffer: Buffer): Doc {
  const shown = Math.min(buffer.length, MAX_BUFFER_BYTES);
  let hex = '';
  for (let i = 0; i < shown; i++) hex += ' ' + buffer[i].toString(16).padStart(2, '0');
  const rest = buffer.length - shown;
  return text(`<Buffer${hex}${rest > 0 ? ` ... ${plural(rest, 'more byte')}` : ''}>`);
}

function moreItems(count: number): Text {
  return { ...text(`... ${plural(count, 'more item')}`), summary: true };
}

/** The smallest number in ascending `sorted` greater than `floor`. */
function firstAbove(sorted: number[], floor: number): number | undefined {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (sorted[middle] <= floor) low = middle + 1;
    else high = middle;
  }
  return sorted[low];
}

function isArrayIndex(key: string): boolean {
  return /^(0|[1-9][0-9]*)$/.test(key) && Number(key) < 2 ** 32 - 1;
}

function constructorName(value: object): string | undefined {
  const proto = Object.getPrototypeOf(value);
  const ctor = proto ? Object.getOwnPropertyDescriptor(proto, 'constructor')?.value : undefined;
  return typeof ctor === 'function' && typeof ctor.name === 'string' && ctor.name !== ''
    ? ctor.name
    : undefined;
}

/** `Map` for a Map, `MyMap [Map]` for a subclass, like Node. */
function prefixName(value: object, base: string): string {
  const name = constructorName(value);
  return !name || name === base ? base : `${name} [${base}]`;
}

function depthCutName(value: object): string {
  if (Array.isArray(value)) return 'Array';
  return constructorName(value) ?? 'Object';
}

export function errorHeadline(error: Error): string {
  let name = typeof error.name === 'string' ? error.name : 'Error';
  const ctor = constructorName(error);
  if (ctor && ctor !== name && name === 'Error') name = ctor; // `class MyError extends Error`
  const message = typeof error.message === 'string' ? error.message : String(error.message);
  return message === '' ? name : `${name}: ${message}`;
}

function functionHeadline(fn: Function): string {
  const name = typeof fn.name === 'string' && fn.name !== '' ? fn.name : undefined;
  if (isClass(fn)) {
    const parent = Object.getPrototypeOf(fn) as Function | null;
    const extendsText = parent && parent !== Function.prototype && parent.name ? ` extends ${parent.name}` : '';
    return `[class ${name ?? '(anonymous)'}${extendsText}]`;
  }
  const kind = constructorName(fn) ?? 'Function';
  return name ? `[${kind}: ${name}]` : `[${kind} (anonymous)]`;
}

function isClass(fn: Function): boolean {
  try {
    return Function.prototype.toString.call(fn).startsWith('class');
  } catch {
    return false;
  }
}

function looksLikeProcessId(value: object, shown: string): boolean {
  const name = constructorName(value);
  return (
    name === 'Pid' || name === 'Ref' || name === 'Port' ||
    /^(<\d+\.\d+\.\d+>|#(Ref|Port)<[\d.]+>)$/.test(shown)
  );
}

function asStyle(nodeStyle: string | undefined): Style | undefined {
  switch (nodeStyle) {
    case 'special': case 'number': case 'bigint': case 'boolean': case 'undefined':
    case 'null': case 'string': case 'symbol': case 'date': case 'regexp':
      return nodeStyle;
    default:
      return undefined;
  }
}

function capitalize(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}

// ---------------------------------------------------------------------------------------------
// Pass 2: layout tree → text

type Painter = (piece: string, style: Style | undefined) => string;

const plainPainter: Painter = (piece) => piece;
let colourPainter: Painter | undefined;

function painterFor(color: boolean): Painter {
  if (!color) return plainPainter;
  if (!colourPainter) {
    // Forced to level 1 so the result does not depend on the terminal the worker runs under;
    // the caller already decided it wants colour.
    const chalk = new Chalk({ level: 1 });
    const styles: Record<Style, ChalkInstance> = {
      special: chalk.cyan, number: chalk.yellow, bigint: chalk.yellow, boolean: chalk.yellow,
      undefined: chalk.gray, null: chalk.bold, string: chalk.green, symbol: chalk.green,
      date: chalk.magenta, regexp: chalk.red,
    };
    colourPainter = (piece, style) => (style ? styles[style](piece) : piece);
  }
  return colourPainter;
}

/**
 * Prints a layout tree. A node is printed flat when it fits between the current column and
 * `width` together with what must follow it on the same line (`trail`: a comma, a closing
 * bracket); otherwise a group breaks, one item per line at two more spaces, each followed by
 * a comma, including the last (Prettier's trailing-comma style, so every item line looks alike).
 */
class Layout {
  private out = '';
  private column: number;

  constructor(
    private readonly width: number,
    indent: number,
    private readonly paint: Painter,
  ) {
    this.column = indent;
  }

  print(doc: Doc): string {
    this.render(doc, 0, 0);
    return this.out;
  }

  private render(doc: Doc, level: number, trail: number): void {
    if (doc.kind === 'text') return this.emitText(doc);
    if (doc.kind === 'concat') return this.renderConcat(doc, level, trail);
    if (doc.items.length === 0 || this.column + doc.width + trail <= this.width) {
      return this.renderFlat(doc);
    }
    this.emit(doc.open);
    if (doc.fill) this.renderFilled(doc.items, level + 2);
    else {
      for (const item of doc.items) {
        this.newline(level + 2);
        this.render(item, level + 2, 1);
        this.emit(',');
      }
    }
    this.newline(level);
    this.emit(doc.close);
  }

  /** Each part is followed on its line by the unbreakable text after it. */
  private renderConcat(doc: Concat, level: number, trail: number): void {
    const { parts } = doc;
    for (let i = 0; i < parts.length; i++) {
      let following = 0;
      let j = i + 1;
      while (j < parts.length && parts[j].kind === 'text') following += parts[j++].width;
      this.render(parts[i], level, following + (j === parts.length ? trail : 0));
    }
  }

  private renderFilled(items: Doc[], level: number): void {
    this.newline(level);
    items.forEach((item, i) => {
      if (i > 0) {
        if (this.column + 1 + item.width + 1 > this.width) this.newline(level);
        else this.emit(' ');
      }
      this.renderFlat(item);
      this.emit(',');
    });
  }

  private renderFlat(doc: Doc): void {
    if (doc.kind === 'text') return this.emitText(doc);
    if (doc.kind === 'concat') {
      for (const part of doc.parts) this.renderFlat(part);
      return;
    }
    this.emit(doc.open);
    if (doc.items.length > 0) {
      if (doc.padded) this.emit(' ');
      doc.items.forEach((item, i) => {
        if (i > 0) this.emit(', ');
        this.renderFlat(item);
      });
      if (doc.padded) this.emit(' ');
    }
    this.emit(doc.close);
  }

  private emitText(doc: Text): void {
    this.out += doc.painted !== undefined && this.paint !== plainPainter
      ? doc.painted
      : this.paint(doc.text, doc.style);
    const lastNewline = doc.text.lastIndexOf('\n');
    this.column = lastNewline < 0 ? this.column + doc.width : doc.text.length - lastNewline - 1;
  }

  private emit(piece: string): void {
    this.out += piece;
    this.column += piece.length;
  }

  private newline(level: number): void {
    this.out += '\n' + ' '.repeat(level);
    this.column = level;
  }
}
