// Erlang's External Term Format (erts User's Guide, "External Term Format"): the bytes of
// term_to_binary/1, and of every message between nodes.
//
// API
//   termToBinary(value, { compressed? }): Buffer      131 + term, as erlang:term_to_binary (a
//                                                     view of a shared slab, as Buffer.allocUnsafe's
//                                                     are of its pool)
//   binaryToTerm(bytes): unknown                      as erlang:binary_to_term (trailing bytes
//                                                     are ignored, as BEAM does)
//   decodeTermAt(bytes, offset): { value, next }      one versioned term (131 ...) at offset;
//                                                     a distribution message is
//                                                     `131 control 131 payload`: call it twice.
//                                                     A compressed term (131 80 ...) takes the
//                                                     rest of the bytes: next is bytes.length.
//   encodeTermInto(writer, value)                     appends 131 + term to a TermWriter, a
//                                                     growable buffer the caller reuses (it can
//                                                     reserve a length prefix and patch it).
//   DecodeError                                       every malformed input throws one, with
//                                                     `reason` ('truncated', 'unknown_tag', ...)
//                                                     and the byte offset; nothing else escapes.
//   Encoding a value that has no Erlang term (a JS function, a symbol, NaN, a class instance,
//   a cycle) throws Erlang's badarg (ErlangException) whose message says why.
//
// Mapping (the README's "Distribution: values" has the full table)
//   atom            string; true/false are booleans. undefined and null are sent as the atoms
//                   'undefined' and 'null'; strings are sent as atoms (at most 255 characters).
//   integer         number when it is a safe integer, bigint beyond 2^53
//   float           number when it has a fraction; a Float (float(1)) when integral, so 1.0
//                   comes back as 1.0 and not as the integer 1
//   tuple           array ([] is {})
//   list            List (list(1, 2), list() is []); an Erlang string is a List of code points,
//                   sent as STRING_EXT when every element is a byte, as BEAM does
//   improper list   ImproperList (improperList([1, 2], 3) is [1, 2 | 3])
//   binary          Buffer (any Uint8Array is sent as a binary)
//   bitstring       Bitstring (bitstring(bytes, bitLength))
//   map             plain object when every key is an atom, otherwise a JS Map
//   pid, ref        Pid, Ref (local ones are the runtime's own; others RemotePid, RemoteRef)
//   port            Port
//   fun M:F/A       ExportFun (exportFun('m', 'f', 1))
//   other funs      ErlangFun, kept as bytes (they cannot run here, but can be sent back)
//
// Decoding is safe on hostile input: every length is checked against the bytes that remain
// before anything is allocated, a compressed term inflates to at most
// `limits.maxDecompressedBytes`, and nesting is bounded (`limits.maxDepth`, 100,000). Terms
// nested deeper than a few hundred levels are walked with an explicit stack, so no term can
// overflow the call stack, on the way in or out.
import { markAsUntransferable } from 'node:worker_threads';
import { badarg } from '../runtime/errors';
import { localNodeCreation, localNodeName } from '../runtime/node';
import { Pid, Ref, RemotePid, RemoteRef } from '../runtime/pid';
import { lookupProcessById } from '../runtime/table';
import { Bitstring, ErlangFun, ExportFun, Float, ImproperList, List, Port } from '../runtime/terms';

export const VERSION = 131;

/** The tags of the format. A const enum: the bundle has the numbers themselves (`case 97`), so
 * a switch on a tag is a jump table, not a chain of compares with variables. */
const enum Tag {
  NEW_FLOAT_EXT = 70,
  BIT_BINARY_EXT = 77,
  COMPRESSED = 80,
  ATOM_CACHE_REF = 82,
  NEW_PID_EXT = 88,
  NEW_PORT_EXT = 89,
  NEWER_REFERENCE_EXT = 90,
  SMALL_INTEGER_EXT = 97,
  INTEGER_EXT = 98,
  FLOAT_EXT = 99,
  ATOM_EXT = 100,
  REFERENCE_EXT = 101,
  PORT_EXT = 102,
  PID_EXT = 103,
  SMALL_TUPLE_EXT = 104,
  LARGE_TUPLE_EXT = 105,
  NIL_EXT = 106,
  STRING_EXT = 107,
  LIST_EXT = 108,
  BINARY_EXT = 109,
  SMALL_BIG_EXT = 110,
  LARGE_BIG_EXT = 111,
  NEW_FUN_EXT = 112,
  EXPORT_EXT = 113,
  NEW_REFERENCE_EXT = 114,
  SMALL_ATOM_EXT = 115,
  MAP_EXT = 116,
  ATOM_UTF8_EXT = 118,
  SMALL_ATOM_UTF8_EXT = 119,
  V4_PORT_EXT = 120,
}

const TWO_32 = 0x1_0000_0000;

/** Bounds on what one decode may cost. */
export const limits = {
  /**
   * Nesting of tuples, lists and maps. BEAM has no bound; this one refuses a nesting bomb
   * before it costs much. Terms nested deeper than RECURSION_DEPTH are walked with an explicit
   * stack, so any depth up to this is safe for the call stack.
   */
  maxDepth: 100_000,
  /** What a compressed term may inflate to. */
  maxDecompressedBytes: 256 * 1024 * 1024,
};

/**
 * Below this depth the encoder and decoder call themselves for nested terms (the fast way);
 * deeper, they continue with an explicit stack, so a deep term cannot overflow the call stack.
 */
const RECURSION_DEPTH = 200;

export type DecodeErrorReason =
  | 'bad_version' | 'truncated' | 'unknown_tag' | 'too_deep' | 'bad_atom' | 'bad_float'
  | 'bad_length' | 'bad_compressed' | 'atom_cache_ref' | 'duplicate_key';

/** Malformed external term format: the bytes are refused, nothing else is harmed. */
export class DecodeError extends Error {
  constructor(
    readonly reason: DecodeErrorReason,
    message: string,
    /** Where in the input the problem was found. */
    readonly offset: number,
  ) {
    super(`${message} (at byte ${offset})`);
    this.name = 'DecodeError';
  }
}

// ---------------------------------------------------------------------------------------------
// Encoding
//
// The encoder writes into one buffer, `out`, lent to it by a TermWriter for the length of one
// encodeTermInto: every function takes the offset to write at and returns the offset after what
// it wrote, so the position lives in a register rather than in an object, and nothing is
// allocated per term but the result. `room` grows `out` (doubling) before a write that may not
// fit; a function re-reads `out` after any call that may have grown it.

/** A growable output buffer: what the encoder writes into. */
export class TermWriter {
  buffer: Buffer;
  /** Bytes written so far. */
  length = 0;

  constructor(initialSize = 1024) {
    this.buffer = Buffer.allocUnsafe(Math.max(initialSize, 16));
  }

  /** Makes room for `bytes` more bytes. */
  ensure(bytes: number): void {
    if (this.length + bytes > this.buffer.length) this.buffer = grown(this.buffer, this.length, bytes);
  }

  byte(value: number): void {
    this.ensure(1);
    this.buffer[this.length++] = value;
  }

  uint32(value: number): void {
    this.ensure(4);
    writeUint32(this.buffer, this.length, value);
    this.length += 4;
  }

  /** Writes a big-endian uint32 at `offset` (a length prefix reserved earlier). */
  patchUint32(offset: number, value: number): void {
    writeUint32(this.buffer, offset, value);
  }

  bytes(data: Uint8Array): void {
    this.ensure(data.length);
    this.buffer.set(data, this.length);
    this.length += data.length;
  }

  /** A copy of what was written (the writer can then be reused). */
  toBuffer(): Buffer {
    const out = Buffer.allocUnsafe(this.length);
    this.buffer.copy(out, 0, 0, this.length);
    return out;
  }

  reset(): void {
    this.length = 0;
  }
}

/**
 * `buffer` moved to one at least twice as large, with room for `bytes` more after `used`. Only
 * its bytes from `keepFrom` on are copied, to the same offsets (the ones before belong to no one).
 */
function grown(buffer: Buffer, used: number, bytes: number, keepFrom = 0): Buffer {
  let size = buffer.length * 2;
  while (size < used + bytes) size *= 2;
  const next = Buffer.allocUnsafe(size);
  buffer.copy(next, keepFrom, keepFrom, used);
  return next;
}

function writeUint32(buf: Uint8Array, at: number, value: number): void {
  buf[at] = value >>> 24;
  buf[at + 1] = value >>> 16;
  buf[at + 2] = value >>> 8;
  buf[at + 3] = value;
}

/** The buffer being encoded into: the TermWriter's, or the slab, while a term is encoded. */
let out: Buffer = Buffer.allocUnsafe(16);
/** Where the term being encoded starts in `out`: what comes before is not copied when it grows. */
let outKeepFrom = 0;

/** Makes room in `out` for `bytes` bytes at `at`. */
function room(at: number, bytes: number): void {
  if (at + bytes > out.length) out = grown(out, at, bytes, outKeepFrom);
}

/**
 * Writes `131` and `value` into `buffer` at `start`, keeping what `buffer` holds before; returns
 * the buffer (a larger one if the term outgrew it) and sets encodedEnd. A getter that encodes
 * while a term is being encoded has its own buffer: `out` is set aside and given back.
 */
function encodeVersioned(buffer: Buffer, start: number, keepFrom: number, value: unknown): Buffer {
  const outer = out;
  const outerKeepFrom = outKeepFrom;
  out = buffer;
  outKeepFrom = keepFrom;
  try {
    room(start, 1);
    out[start] = VERSION;
    encodedEnd = encode(value, start + 1, 0);
    return out;
  } catch (error) {
    // Called with little stack left, the depth limit may not be reached before the stack ends.
    throw error instanceof RangeError && /call stack/.test(error.message) ? tooDeep() : error;
  } finally {
    out = outer;
    outKeepFrom = outerKeepFrom;
  }
}

let encodedEnd = 0;

/** Appends `131` and the term to `writer`. Throws badarg for a value with no Erlang term. */
export function encodeTermInto(writer: TermWriter, value: unknown): void {
  writer.buffer = encodeVersioned(writer.buffer, writer.length, 0, value);
  writer.length = encodedEnd;
}

// termToBinary encodes straight into a slab and hands out a view of it, as Buffer.allocUnsafe
// hands out views of its pool: no copy, and one allocation (the view) per term. A view keeps
// its slab alive, as one of Buffer.allocUnsafe's keeps its pool.
const SLAB_BYTES = 64 * 1024;
/** A term that outgrows the slab and is larger than this is copied out, the large buffer dropped. */
const SLAB_KEEP_TERM_BYTES = 16 * 1024;
/** Made at the first term (nothing at load). */
let slab: Buffer = Buffer.alloc(0);
let slabUsed = 0;
let slabBusy = false;

/** erlang:term_to_binary: `131` and the term. `compressed` (true or a zlib level 0-9) as BEAM's. */
export function termToBinary(value: unknown, options?: { compressed?: boolean | number }): Buffer {
  const level = options === undefined ? 0 : options.compressed === true ? 6 : options.compressed || 0;
  const plain = slabBusy ? encodeAlone(value) : encodeIntoSlab(value);
  return level > 0 ? compress(plain, level) : plain;
}

function encodeIntoSlab(value: unknown): Buffer {
  if (slab.length - slabUsed < 1024) {
    slab = newSlab();
    slabUsed = 0;
  }
  const start = slabUsed;
  slabBusy = true;
  let buffer: Buffer;
  try {
    buffer = encodeVersioned(slab, start, start, value);
  } finally {
    slabBusy = false;
  }
  const end = encodedEnd;
  if (buffer !== slab && end - start > SLAB_KEEP_TERM_BYTES) return Buffer.from(buffer.subarray(start, end));
  if (buffer !== slab) {
    // Outgrown but small: the larger buffer is the slab from now on.
    markAsUntransferable(buffer.buffer);
    slab = buffer;
  }
  slabUsed = (end + 7) & ~7;
  return buffer.subarray(start, end);
}

function newSlab(): Buffer {
  const memory = Buffer.allocUnsafeSlow(SLAB_BYTES);
  // As Buffer's pool: transferring one term's memory to a worker must not take the others'.
  markAsUntransferable(memory.buffer);
  return memory;
}

/** A term encoded while another is (a getter that encodes): in a buffer of its own. */
function encodeAlone(value: unknown): Buffer {
  const buffer = encodeVersioned(Buffer.allocUnsafe(256), 0, 0, value);
  return buffer.subarray(0, encodedEnd);
}

function compress(plain: Buffer, level: number): Buffer {
  const { deflateSync } = require('node:zlib') as typeof import('node:zlib');
  const packed = deflateSync(plain.subarray(1), { level });
  // As BEAM does: compressed only when it is smaller.
  if (packed.length + 5 >= plain.length - 1) return plain;
  const out = Buffer.allocUnsafe(6 + packed.length);
  out[0] = VERSION;
  out[1] = Tag.COMPRESSED;
  writeUint32(out, 2, plain.length - 1);
  packed.copy(out, 6);
  return out;
}

/** Writes `value` at `at`; returns the offset after it. */
function encode(value: unknown, at: number, depth: number): number {
  // typeof compared with a literal is a type check for the engine (no string compare).
  if (typeof value === 'object') {
    if (value === null) return encodeAtom('null', at);
    if (depth >= RECURSION_DEPTH) return encodeDeep(value, at, depth);
    return encodeObject(value, at, depth + 1);
  }
  if (typeof value === 'number') return encodeNumber(value, at);
  if (typeof value === 'string') return encodeAtom(value, at);
  if (typeof value === 'boolean') return encodeAtom(value ? 'true' : 'false', at);
  if (typeof value === 'bigint') return encodeBigint(value, at);
  if (typeof value === 'undefined') return encodeAtom('undefined', at);
  if (typeof value === 'function') {
    throw badarg(`a local JavaScript function (${value.name || 'anonymous'}) cannot be sent to another node or encoded: only data crosses, or an exportFun(module, name, arity)`);
  }
  throw badarg(`a ${typeof value} has no Erlang term: it cannot be sent to another node or encoded`);
}

/** What encodeDeep has yet to write of one container: its elements, then maybe a NIL. */
interface EncodeFrame {
  children: readonly unknown[];
  index: number;
  nilAfter: boolean;
}

/**
 * encode() for a term nested deeper than RECURSION_DEPTH: the same bytes, walked with an
 * explicit stack. Containers write their header and push their elements (a map's keys and
 * values in turn; a key of a plain object is a string, which encodes as the atom it is).
 */
function encodeDeep(root: object, at: number, depth: number): number {
  const stack: EncodeFrame[] = [];
  let value: unknown = root;
  for (;;) {
    let frame: EncodeFrame | undefined;
    if (typeof value === 'object' && value !== null) {
      frame = openContainer(value, at, depth + stack.length);
      at = frame === undefined ? encodeObject(value, at, depth + stack.length) : containerStart;
    } else {
      at = encode(value, at, 0);
    }
    if (frame !== undefined) stack.push(frame);
    // The next value to write: the next element of the innermost unfinished container.
    for (;;) {
      const top = stack[stack.length - 1];
      if (top === undefined) return at;
      if (top.index < top.children.length) {
        value = top.children[top.index++];
        break;
      }
      if (top.nilAfter) at = writeByte(Tag.NIL_EXT, at);
      stack.pop();
    }
  }
}

/** Where the elements of the container openContainer opened are to be written. */
let containerStart = 0;

/**
 * Writes a container's header at `at` (its elements then go at containerStart) and returns
 * what remains of it; undefined for any other object.
 */
function openContainer(value: object, at: number, depth: number): EncodeFrame | undefined {
  const proto = Object.getPrototypeOf(value);
  const isRecord = proto === Object.prototype || proto === null;
  const isContainer = Array.isArray(value) || isRecord || value instanceof Map || value instanceof ImproperList ||
    (value instanceof List && value.items.length > 0);
  if (!isContainer) return undefined;
  if (depth >= limits.maxDepth) throw tooDeep();
  if (Array.isArray(value)) {
    containerStart = writeTupleHeader(value.length, at);
    return { children: value, index: 0, nilAfter: false };
  }
  if (value instanceof List) {
    const end = value.items.length <= 0xffff ? writeByteList(value.items, at) : -1;
    // Written whole as a string: nothing remains of it.
    if (end >= 0) {
      containerStart = end;
      return { children: [], index: 0, nilAfter: false };
    }
    containerStart = writeListHeader(value.items.length, at);
    return { children: value.items, index: 0, nilAfter: true };
  }
  if (value instanceof ImproperList) {
    if (value.items.length === 0) {
      containerStart = at;
      return { children: [value.tail], index: 0, nilAfter: false };
    }
    containerStart = writeListHeader(value.items.length, at);
    return { children: [...value.items, value.tail], index: 0, nilAfter: false };
  }
  const pairs: unknown[] = [];
  if (value instanceof Map) {
    for (const [key, entry] of value) pairs.push(key, entry);
  } else {
    for (const key in value) pairs.push(key, (value as Record<string, unknown>)[key]);
  }
  containerStart = writeHeader32(Tag.MAP_EXT, pairs.length / 2, at);
  return { children: pairs, index: 0, nilAfter: false };
}

function writeByte(byte: number, at: number): number {
  room(at, 1);
  out[at] = byte;
  return at + 1;
}

/** A tag and a 32-bit count. */
function writeHeader32(tag: number, n: number, at: number): number {
  room(at, 5);
  const b = out;
  b[at] = tag;
  writeUint32(b, at + 1, n);
  return at + 5;
}

function writeTupleHeader(n: number, at: number): number {
  if (n > 255) return writeHeader32(Tag.LARGE_TUPLE_EXT, n, at);
  room(at, 2);
  const b = out;
  b[at] = Tag.SMALL_TUPLE_EXT;
  b[at + 1] = n;
  return at + 2;
}

function writeListHeader(n: number, at: number): number {
  return writeHeader32(Tag.LIST_EXT, n, at);
}

function tooDeep(): Error {
  return badarg(`the term is nested more than ${limits.maxDepth} deep (or contains itself): it cannot be encoded`);
}

function encodeNumber(n: number, at: number): number {
  room(at, 10);
  const b = out;
  if ((n | 0) === n) {
    if (n >= 0 && n <= 255) {
      b[at] = Tag.SMALL_INTEGER_EXT;
      b[at + 1] = n;
      return at + 2;
    }
    b[at] = Tag.INTEGER_EXT;
    writeUint32(b, at + 1, n);
    return at + 5;
  }
  if (Number.isSafeInteger(n)) return encodeSafeBig(n, at);
  if (Number.isInteger(n)) return encodeBigint(BigInt(n), at);
  if (!Number.isFinite(n)) throw badarg(`${n} has no Erlang term: Erlang floats are finite`);
  return encodeFloat(n, at);
}

// A float's eight bytes, through a scratch Float64Array (no DataView to keep in step with `out`).
const floatScratch = new Float64Array(1);
const floatBytes = new Uint8Array(floatScratch.buffer);
const littleEndianHost = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function encodeFloat(n: number, at: number): number {
  room(at, 9);
  const b = out;
  b[at] = Tag.NEW_FLOAT_EXT;
  floatScratch[0] = n;
  const f = floatBytes;
  if (littleEndianHost) {
    b[at + 1] = f[7]; b[at + 2] = f[6]; b[at + 3] = f[5]; b[at + 4] = f[4];
    b[at + 5] = f[3]; b[at + 6] = f[2]; b[at + 7] = f[1]; b[at + 8] = f[0];
  } else {
    for (let i = 0; i < 8; i++) b[at + 1 + i] = f[i];
  }
  return at + 9;
}

/** An integer beyond 32 bits but within 2^53, as SMALL_BIG_EXT, without a bigint. */
function encodeSafeBig(n: number, at: number): number {
  room(at, 10);
  const b = out;
  b[at] = Tag.SMALL_BIG_EXT;
  b[at + 2] = n < 0 ? 1 : 0;
  let rest = Math.abs(n);
  let p = at + 3;
  while (rest > 0) {
    const byte = rest % 256;
    b[p++] = byte;
    rest = (rest - byte) / 256;
  }
  b[at + 1] = p - at - 3;
  return p;
}


function encodeBigint(n: bigint, at: number): number {
  if (n >= -MAX_SAFE && n <= MAX_SAFE) return encodeNumber(Number(n), at);
  const negative = n < 0n;
  const magnitude = negative ? -n : n;
  if (magnitude >= TWO_128) return encodeWideBigint(magnitude, negative, at);
  // Up to 128 bits: into a two-word BigUint64Array (a store truncates to 64 bits, allocating
  // nothing; one shift for the high word), whose bytes are the little-endian digits.
  const words = u64Scratch;
  words[0] = magnitude;
  const size = magnitude < TWO_64 ? 8 : 16;
  if (size === 16) words[1] = magnitude >> 64n;
  room(at, 3 + 16);
  const b = out;
  b[at] = Tag.SMALL_BIG_EXT;
  b[at + 2] = negative ? 1 : 0;
  const digits = at + 3;
  const bytes = u64Bytes;
  if (littleEndianHost) for (let i = 0; i < size; i++) b[digits + i] = bytes[i];
  else for (let i = 0; i < size; i++) b[digits + i] = bytes[(i & 8) + 7 - (i & 7)];
  // The digits are the fewest that hold the number (it is at least 2^53: never all zero).
  let p = digits + size;
  while (b[p - 1] === 0) p--;
  b[at + 1] = p - digits;
  return p;
}

const TWO_64 = 1n << 64n;
const TWO_128 = 1n << 128n;

/** Scratch words for bignums. */
const u64Scratch = new BigUint64Array(2);
const u64Bytes = new Uint8Array(u64Scratch.buffer);

/** A bigint of 128 bits or more, through its hex digits (linear in its size). */
function encodeWideBigint(magnitude: bigint, negative: boolean, at: number): number {
  let hex = magnitude.toString(16);
  if (hex.length % 2 === 1) hex = '0' + hex;
  const size = hex.length / 2;
  room(at, size + 6);
  const b = out;
  let p = at;
  if (size <= 255) {
    b[p++] = Tag.SMALL_BIG_EXT;
    b[p++] = size;
  } else {
    b[p++] = Tag.LARGE_BIG_EXT;
    writeUint32(b, p, size);
    p += 4;
  }
  b[p++] = negative ? 1 : 0;
  // Little-endian: the last hex pair is the least significant byte.
  for (let i = hex.length - 2; i >= 0; i -= 2) b[p++] = (hexDigit(hex.charCodeAt(i)) << 4) | hexDigit(hex.charCodeAt(i + 1));
  return p;
}

/** The value of a lowercase hex digit's character code. */
function hexDigit(code: number): number {
  return code <= 57 ? code - 48 : code - 87;
}

function encodeAtom(text: string, at: number): number {
  const n = text.length;
  if (n > 255) return encodeUnicodeAtom(text, at);
  // ASCII, the common case: one byte per character, no UTF-8 encoder call.
  room(at, n + 2);
  const b = out;
  let p = at + 2;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0x80) return encodeUnicodeAtom(text, at);
    b[p++] = c;
  }
  b[at] = Tag.SMALL_ATOM_UTF8_EXT;
  b[at + 1] = n;
  return p;
}

function encodeUnicodeAtom(text: string, at: number): number {
  if (LONE_SURROGATE.test(text)) throw badarg(`the atom ${JSON.stringify(text)} is not valid Unicode (a lone surrogate)`);
  let characters = 0;
  for (const _ of text) characters++;
  if (characters > 255) {
    throw badarg(`a string is sent as an atom, and atoms have at most 255 characters (this one has ${characters}): send text as a Buffer (a binary)`);
  }
  const size = Buffer.byteLength(text, 'utf8');
  room(at, size + 3);
  const b = out;
  if (size <= 255) {
    b[at++] = Tag.SMALL_ATOM_UTF8_EXT;
    b[at++] = size;
  } else {
    b[at++] = Tag.ATOM_UTF8_EXT;
    b[at++] = size >>> 8;
    b[at++] = size & 0xff;
  }
  return at + b.write(text, at, 'utf8');
}

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

function encodeObject(value: object, at: number, depth: number): number {
  // The common kinds first, by the checks the engine makes cheapest: Array.isArray is a type
  // check, instanceof a walk up the prototype chain (short for a Buffer and a List).
  if (Array.isArray(value)) return encodeTuple(value, at, depth);
  if (value instanceof Uint8Array) return encodeBinary(value, at);
  if (value instanceof List) return encodeList(value.items, at, depth);
  const proto = Object.getPrototypeOf(value);
  if (proto === Object.prototype || proto === null) return encodeRecord(value as Record<string, unknown>, at, depth);
  return encodeOtherObject(value, proto, at, depth);
}

function encodeOtherObject(value: object, proto: unknown, at: number, depth: number): number {
  if (value instanceof Float) {
    if (!Number.isFinite(value.value)) throw badarg(`float(${value.value}) has no Erlang term: Erlang floats are finite`);
    return encodeFloat(value.value, at);
  }
  if (value instanceof Pid) return encodePid(value, at);
  if (value instanceof Ref) return encodeRef(value, at);
  if (value instanceof Map) return encodeMap(value, at, depth);
  if (value instanceof ImproperList) return encodeImproperList(value, at, depth);
  if (value instanceof Bitstring) return encodeBitstring(value, at);
  if (value instanceof Port) return encodePort(value, at);
  if (value instanceof ExportFun) return encodeExportFun(value, at);
  if (value instanceof ErlangFun) return writeBytes(value.encoded, at);
  const name = ((proto as { constructor?: unknown } | null)?.constructor as { name?: unknown } | undefined)?.name;
  throw badarg(`${typeof name === 'string' && name ? `a ${name}` : 'this object'} has no Erlang term: it cannot be sent to another node or encoded (send arrays, plain objects, Maps, Lists, Buffers, numbers, strings)`);
}

function encodeTuple(items: unknown[], at: number, depth: number): number {
  const n = items.length;
  at = writeTupleHeader(n, at);
  for (let i = 0; i < n; i++) at = encode(items[i], at, depth);
  return at;
}

function encodeList(items: unknown[], at: number, depth: number): number {
  const n = items.length;
  if (n === 0) return writeByte(Tag.NIL_EXT, at);
  if (n <= 0xffff) {
    const end = writeByteList(items, at);
    if (end >= 0) return end;
  }
  at = writeListHeader(n, at);
  for (let i = 0; i < n; i++) at = encode(items[i], at, depth);
  return writeByte(Tag.NIL_EXT, at);
}

/**
 * A list of bytes as STRING_EXT, as BEAM writes one, in one pass: -1 (nothing written) as
 * soon as an element is not a byte; else the offset after it.
 */
function writeByteList(items: unknown[], at: number): number {
  const n = items.length;
  room(at, n + 3);
  const b = out;
  let p = at + 3;
  for (let i = 0; i < n; i++) {
    const item = items[i];
    if (typeof item !== 'number' || (item & 0xff) !== item) return -1;
    b[p++] = item;
  }
  b[at] = Tag.STRING_EXT;
  b[at + 1] = n >>> 8;
  b[at + 2] = n & 0xff;
  return p;
}

function encodeImproperList(value: ImproperList, at: number, depth: number): number {
  const { items, tail } = value;
  if (items.length === 0) return encode(tail, at, depth);
  at = writeListHeader(items.length, at);
  for (let i = 0; i < items.length; i++) at = encode(items[i], at, depth);
  return encode(tail, at, depth);
}

function encodeRecord(value: Record<string, unknown>, at: number, depth: number): number {
  const start = at;
  at = writeHeader32(Tag.MAP_EXT, 0, at);
  // for-in rather than Object.keys: no array of keys; the count is written once known.
  let count = 0;
  for (const key in value) {
    at = encodeAtom(key, at);
    at = encode(value[key], at, depth);
    count++;
  }
  writeUint32(out, start + 1, count);
  return at;
}

function encodeMap(value: Map<unknown, unknown>, at: number, depth: number): number {
  at = writeHeader32(Tag.MAP_EXT, value.size, at);
  for (const [key, entry] of value) {
    at = encode(key, at, depth);
    at = encode(entry, at, depth);
  }
  return at;
}

function encodeBinary(data: Uint8Array, at: number): number {
  const n = data.length;
  if (n > 0xffff_ffff) throw badarg('a binary of 4 GB or more cannot be encoded');
  room(at, 5 + n);
  const b = out;
  b[at] = Tag.BINARY_EXT;
  writeUint32(b, at + 1, n);
  at += 5;
  // Short copies in JavaScript: cheaper than the call into TypedArray.prototype.set.
  if (n > 32) b.set(data, at);
  else for (let i = 0; i < n; i++) b[at + i] = data[i];
  return at + n;
}

function writeBytes(data: Uint8Array, at: number): number {
  room(at, data.length);
  out.set(data, at);
  return at + data.length;
}

function writeUint32At(value: number, at: number): number {
  room(at, 4);
  writeUint32(out, at, value);
  return at + 4;
}

function encodeBitstring(value: Bitstring, at: number): number {
  const tailBits = value.bitLength % 8;
  if (tailBits === 0) return encodeBinary(value.bytes, at);
  at = writeHeader32(Tag.BIT_BINARY_EXT, value.bytes.length, at);
  at = writeByte(tailBits, at);
  return writeBytes(value.bytes, at);
}

function encodePid(pid: Pid, at: number): number {
  at = writeByte(Tag.NEW_PID_EXT, at);
  at = encodeAtom(pid.node, at);
  // A local pid's number may pass 32 bits after four billion spawns: the rest goes in Serial.
  const id = pid.id;
  at = writeUint32At(pid.remote ? id : id % TWO_32, at);
  at = writeUint32At(pid.remote ? pid.serial : Math.floor(id / TWO_32), at);
  return writeUint32At(pid.creation, at);
}

function encodeRef(ref: Ref, at: number): number {
  const words = ref.words;
  room(at, 3);
  out[at] = Tag.NEWER_REFERENCE_EXT;
  out[at + 1] = words.length >>> 8;
  out[at + 2] = words.length & 0xff;
  at = encodeAtom(ref.node, at + 3);
  at = writeUint32At(ref.creation, at);
  for (let i = 0; i < words.length; i++) at = writeUint32At(words[i], at);
  return at;
}

function encodePort(port: Port, at: number): number {
  const id = port.id;
  // As BEAM: a port number beyond 28 bits (its own ports' limit) goes out as V4_PORT_EXT.
  const wide = typeof id === 'bigint' ? id > 0x0fff_ffffn : id > 0x0fff_ffff;
  at = writeByte(wide ? Tag.V4_PORT_EXT : Tag.NEW_PORT_EXT, at);
  at = encodeAtom(port.node, at);
  if (wide) {
    const big = BigInt(id);
    at = writeUint32At(Number(big >> 32n), at);
    at = writeUint32At(Number(big & 0xffff_ffffn), at);
  } else {
    at = writeUint32At(Number(id), at);
  }
  return writeUint32At(port.creation, at);
}

function encodeExportFun(fun: ExportFun, at: number): number {
  at = writeByte(Tag.EXPORT_EXT, at);
  at = encodeAtom(fun.module, at);
  at = encodeAtom(fun.name, at);
  return encodeNumber(fun.arity, at);
}

// ---------------------------------------------------------------------------------------------
// Decoding

/** erlang:binary_to_term: the term in `bytes`, which start with 131. */
export function binaryToTerm(bytes: Uint8Array): unknown {
  return decodeTermAt(bytes, 0).value;
}

/** The versioned term (131 ...) at `offset`, and the offset just after it. */
export function decodeTermAt(bytes: Uint8Array, offset: number): { value: unknown; next: number } {
  const buf = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (offset >= buf.length) throw new DecodeError('truncated', 'no term: the input ends before it', offset);
  if (buf[offset] !== VERSION) {
    throw new DecodeError('bad_version', `not the external term format: version byte ${buf[offset]}, expected 131`, offset);
  }
  try {
    if (offset + 1 < buf.length && buf[offset + 1] === Tag.COMPRESSED) {
      return { value: decodeCompressed(buf, offset + 2), next: buf.length };
    }
    const reader = new TermReader(buf, offset + 1, buf.length);
    const value = reader.read();
    return { value, next: reader.pos };
  } catch (error) {
    // Called with little stack left, the depth limit may not be reached before the stack ends.
    if (error instanceof RangeError && /call stack/.test(error.message)) {
      throw new DecodeError('too_deep', 'the term is nested deeper than the stack allows', offset);
    }
    throw error;
  }
}

function decodeCompressed(buf: Buffer, at: number): unknown {
  if (at + 4 > buf.length) throw new DecodeError('truncated', 'a compressed term ends inside its size', at);
  const size = readUint32(buf, at);
  if (size > limits.maxDecompressedBytes) {
    throw new DecodeError('bad_length', `a compressed term claims ${size} bytes, over the limit of ${limits.maxDecompressedBytes}`, at);
  }
  const { inflateSync } = require('node:zlib') as typeof import('node:zlib');
  let plain: Buffer;
  try {
    // Inflating stops at the size the term claims: a bomb cannot make it allocate more.
    plain = inflateSync(buf.subarray(at + 4), { maxOutputLength: Math.max(size, 1) });
  } catch (error) {
    throw new DecodeError('bad_compressed', `the compressed term does not inflate: ${(error as Error).message}`, at + 4);
  }
  if (plain.length !== size) {
    throw new DecodeError('bad_compressed', `the compressed term inflates to ${plain.length} bytes, not the ${size} it claims`, at + 4);
  }
  const reader = new TermReader(plain, 0, plain.length);
  const value = reader.read();
  if (reader.pos !== plain.length) throw new DecodeError('bad_compressed', 'bytes left over after the compressed term', at + 4);
  return value;
}

/** Buffer's own latin1Slice: no argument checks, the fastest way to a one-byte string. */
const latin1Slice = (Buffer.prototype as unknown as { latin1Slice(start: number, end: number): string }).latin1Slice;

function latin1(buf: Buffer, start: number, end: number): string {
  return latin1Slice.call(buf, start, end);
}

function readUint32(buf: Uint8Array, at: number): number {
  return ((buf[at] << 24) | (buf[at + 1] << 16) | (buf[at + 2] << 8) | buf[at + 3]) >>> 0;
}

// Atoms: most are short ASCII names seen again and again ('ok', module names, record tags). A
// table keyed by a hash of the bytes returns the value made last time, so decoding an atom
// allocates nothing once it has been seen. Each slot keeps the atom's bytes too: checking that
// a slot holds these bytes compares bytes with bytes (charCodeAt on a string costs more).
const ATOM_CACHE_SIZE = 4096;
const ATOM_CACHE_MAX_LENGTH = 64;
/** Slot i's atom: its text, its value (the text, or true or false), its length and bytes. */
const atomTexts: (string | undefined)[] = new Array(ATOM_CACHE_SIZE).fill(undefined);
const atomValues: (string | boolean | undefined)[] = new Array(ATOM_CACHE_SIZE).fill(undefined);
const atomLengths = new Uint8Array(ATOM_CACHE_SIZE);
const atomBytes = new Uint8Array(ATOM_CACHE_SIZE * ATOM_CACHE_MAX_LENGTH);

/**
 * The cache slot of the atom of `size` bytes (1 to ATOM_CACHE_MAX_LENGTH) at `start`: from the
 * length and three bytes (no pass over the name).
 */
function atomSlot(buf: Buffer, start: number, size: number): number {
  const hash = (((size * 31 + buf[start]) * 31 + buf[start + size - 1]) * 31 + buf[start + (size >> 1)]) | 0;
  return (hash ^ (hash >>> 9)) & (ATOM_CACHE_SIZE - 1);
}

/** Whether `slot` holds the atom of `size` bytes at `start`. */
function slotHolds(slot: number, buf: Buffer, start: number, size: number): boolean {
  if (atomLengths[slot] !== size) return false;
  const bytes = atomBytes;
  const at = slot * ATOM_CACHE_MAX_LENGTH;
  for (let i = 0; i < size; i++) if (bytes[at + i] !== buf[start + i]) return false;
  return true;
}

function cacheAtom(slot: number, text: string, buf: Buffer, start: number, size: number): void {
  atomTexts[slot] = text;
  atomValues[slot] = text === 'true' ? true : text === 'false' ? false : text;
  atomLengths[slot] = size;
  atomBytes.set(buf.subarray(start, start + size), slot * ATOM_CACHE_MAX_LENGTH);
}

const utf8Strict = new TextDecoder('utf-8', { fatal: true });

/**
 * An array for `length` elements about to be filled: preallocated when short (faster than
 * pushing), grown by the caller's writes when long (a huge preallocated array would be a slow
 * dictionary; the length was checked against the bytes left, so either way costs only what
 * the input holds).
 */
function newArray(length: number): unknown[] {
  return length <= 1024 ? new Array(length) : [];
}

/**
 * The engine's own copy of `text` (V8 keeps one copy of each property name): map keys and
 * `===` on it are then pointer compares, and an object built with it as a key does not have to
 * look the name up first.
 */
function internalized(text: string): string {
  for (const key in { [text]: 0 }) return key;
  return text;
}

// Maps with atom keys: the same keys come again and again (a struct, a record-like map). After a
// key sequence has been seen twice, a constructor is compiled for it, one object literal:
// `(v, i) => ({ "id": v[i + 1], "name": v[i + 4] })`. The object is then made with its final
// shape at once, instead of one property store (a shape transition) each key. The table is
// small and bounded, and so is the number of constructors ever compiled.
const SHAPE_MAX_KEYS = 8;
const SHAPES = 512;
const MAX_SHAPE_CONSTRUCTORS = 2048;
type ShapeConstructor = (pairs: unknown[], base: number) => Record<string, unknown>;
interface Shape {
  keys: string[];
  make: ShapeConstructor | undefined;
}
const shapes: (Shape | undefined)[] = new Array(SHAPES).fill(undefined);
let shapeConstructorsLeft = MAX_SHAPE_CONSTRUCTORS;

/** The pairs of the small maps being decoded: key, value, the offset of the key; innermost last. */
const mapPairStack: unknown[] = [];

/** A constructor for objects of these (distinct, atom) keys; undefined when none can be made. */
function shapeConstructor(keys: string[]): ShapeConstructor | undefined {
  // `__proto__` in a literal would set the prototype, not make a key.
  if (shapeConstructorsLeft <= 0 || keys.includes('__proto__')) return undefined;
  shapeConstructorsLeft--;
  const fields = keys.map((key, i) => `${JSON.stringify(key)}: v[i + ${3 * i + 1}]`);
  try {
    return new Function('v', 'i', `return { ${fields.join(', ')} };`) as ShapeConstructor;
  } catch {
    // Code generation from strings is disallowed (--disallow-code-generation-from-strings).
    shapeConstructorsLeft = 0;
    return undefined;
  }
}

/**
 * The plain object of the `size` atom-keyed pairs at `base` in mapPairStack, whose keys hash to
 * `hash`: made by the constructor of its shape when it has one.
 */
function recordOfShape(base: number, size: number, hash: number): Record<string, unknown> {
  const pairs = mapPairStack;
  const slot = (hash ^ (hash >>> 7)) & (SHAPES - 1);
  const shape = shapes[slot];
  if (shape !== undefined && shape.keys.length === size) {
    const keys = shape.keys;
    let same = true;
    for (let i = 0; i < size; i++) {
      if (keys[i] !== pairs[base + 3 * i]) {
        same = false;
        break;
      }
    }
    if (same) {
      // Seen before, so its keys are distinct; this second sighting earns a constructor.
      shape.make ??= shapeConstructor(keys);
      return shape.make !== undefined ? shape.make(pairs, base) : recordOfPairStack(base, size);
    }
  }
  const record = recordOfPairStack(base, size);
  const keys: string[] = [];
  for (let i = 0; i < size; i++) keys.push(pairs[base + 3 * i] as string);
  shapes[slot] = { keys, make: undefined };
  return record;
}

/** The plain object of the `size` atom-keyed pairs at `base` in mapPairStack; refuses a key twice. */
function recordOfPairStack(base: number, size: number): Record<string, unknown> {
  const pairs = mapPairStack;
  const record: Record<string, unknown> = {};
  for (let i = 0, at = base; i < size; i++, at += 3) {
    const name = pairs[at] as string;
    for (let j = base; j < at; j += 3) {
      if (pairs[j] === name) throw new DecodeError('duplicate_key', `the map has the key '${name}' twice`, pairs[at + 2] as number);
    }
    if (name === '__proto__') Object.defineProperty(record, name, { value: pairs[at + 1], enumerable: true, writable: true, configurable: true });
    else record[name] = pairs[at + 1];
  }
  return record;
}

/** The JS Map of the `size` pairs at `base` in mapPairStack (some key is not an atom). */
function mapOfPairStack(base: number, size: number): Map<unknown, unknown> {
  const pairs = mapPairStack;
  const map = new Map<unknown, unknown>();
  for (let i = 0, at = base; i < size; i++, at += 3) {
    let key = pairs[at];
    // An atom key of a JS Map is its string, and true and false are booleans.
    if (key === 'true') key = true;
    else if (key === 'false') key = false;
    if (typeof key !== 'object' && map.has(key)) throw new DecodeError('duplicate_key', 'the map has a key twice', pairs[at + 2] as number);
    map.set(key, pairs[at + 1]);
  }
  return map;
}

/** The atom keys of the maps being decoded, innermost last (see TermReader.seenKey). */
const mapKeyStack: string[] = [];
const SMALL_MAP = 32;

class TermReader {
  depth = 0;
  /** Where the innermost map being decoded records its next key in mapKeyStack. */
  keyTop = 0;
  /** Where the innermost small map being decoded puts its pairs in mapPairStack. */
  pairTop = 0;
  /** The input as a DataView, made at the first float. */
  private view: DataView | undefined = undefined;

  constructor(
    private readonly buf: Buffer,
    public pos: number,
    private readonly end: number,
  ) {}

  private truncated(what: string): DecodeError {
    return new DecodeError('truncated', `the input ends inside ${what}`, this.pos);
  }

  private need(bytes: number, what: string): void {
    if (this.pos + bytes > this.end) throw this.truncated(what);
  }

  private u32(): number {
    const at = this.pos;
    this.pos = at + 4;
    return readUint32(this.buf, at);
  }

  read(): unknown {
    const buf = this.buf;
    if (this.pos >= this.end) throw this.truncated('a term');
    const tag = buf[this.pos++];
    switch (tag) {
      case Tag.SMALL_INTEGER_EXT:
        this.need(1, 'an integer');
        return buf[this.pos++];
      case Tag.INTEGER_EXT: {
        this.need(4, 'an integer');
        const at = this.pos;
        this.pos = at + 4;
        return (buf[at] << 24) | (buf[at + 1] << 16) | (buf[at + 2] << 8) | buf[at + 3];
      }
      case Tag.SMALL_ATOM_UTF8_EXT:
        this.need(1, 'an atom');
        return this.atom(buf[this.pos++], true);
      case Tag.ATOM_EXT:
        this.need(2, 'an atom');
        return this.atom(this.u16(), false);
      case Tag.SMALL_TUPLE_EXT:
        if (this.depth >= RECURSION_DEPTH) return this.readDeep(this.pos - 1);
        this.need(1, 'a tuple');
        return this.tuple(buf[this.pos++]);
      case Tag.NIL_EXT:
        return new List([]);
      case Tag.STRING_EXT:
        return this.string();
      case Tag.LIST_EXT:
        if (this.depth >= RECURSION_DEPTH) return this.readDeep(this.pos - 1);
        return this.list();
      case Tag.BINARY_EXT:
        return this.binary();
      case Tag.NEW_FLOAT_EXT:
        return this.float();
      case Tag.MAP_EXT:
        if (this.depth >= RECURSION_DEPTH) return this.readDeep(this.pos - 1);
        return this.map();
      case Tag.ATOM_UTF8_EXT:
        this.need(2, 'an atom');
        return this.atom(this.u16(), true);
      case Tag.SMALL_ATOM_EXT:
        this.need(1, 'an atom');
        return this.atom(buf[this.pos++], false);
      case Tag.SMALL_BIG_EXT:
        this.need(1, 'an integer');
        return this.big(buf[this.pos++]);
      case Tag.LARGE_BIG_EXT:
        this.need(4, 'an integer');
        return this.big(this.u32());
      case Tag.LARGE_TUPLE_EXT:
        if (this.depth >= RECURSION_DEPTH) return this.readDeep(this.pos - 1);
        this.need(4, 'a tuple');
        return this.tuple(this.u32());
      case Tag.NEW_PID_EXT:
      case Tag.PID_EXT:
        return this.pid(tag);
      case Tag.NEWER_REFERENCE_EXT:
      case Tag.NEW_REFERENCE_EXT:
      case Tag.REFERENCE_EXT:
        return this.ref(tag);
      case Tag.NEW_PORT_EXT:
      case Tag.V4_PORT_EXT:
      case Tag.PORT_EXT:
        return this.port(tag);
      case Tag.BIT_BINARY_EXT:
        return this.bitBinary();
      case Tag.EXPORT_EXT:
        return this.exportFun();
      case Tag.NEW_FUN_EXT:
        return this.fun();
      case Tag.FLOAT_EXT:
        return this.oldFloat();
      case Tag.ATOM_CACHE_REF:
        throw new DecodeError('atom_cache_ref', 'an atom cache reference, but no atom cache is in use', this.pos - 1);
      default:
        throw new DecodeError('unknown_tag', `unknown tag ${tag}`, this.pos - 1);
    }
  }

  /**
   * The term at `at` (a tuple, list or map) when the recursion is RECURSION_DEPTH deep: read
   * with an explicit stack of open containers, so no depth up to limits.maxDepth can overflow
   * the call stack. Leaves are read by read() (which only recurses for containers).
   */
  private readDeep(at: number): unknown {
    this.pos = at;
    const stack: DecodeFrame[] = [];
    for (;;) {
      let value: unknown = this.openContainer(stack);
      if (value === PENDING) continue;
      // Hand the value to the innermost open container; close the ones it completes.
      for (;;) {
        const top = stack[stack.length - 1];
        if (top === undefined) return value;
        top.children.push(value);
        if (top.children.length < top.count) break;
        if (top.kind === Tag.LIST_EXT && !top.hasTail && this.listTailFollows(top)) break;
        stack.pop();
        value = this.closeContainer(top);
      }
    }
  }

  /** Reads a container's header and pushes it (PENDING), or reads a whole leaf or empty one. */
  private openContainer(stack: DecodeFrame[]): unknown {
    if (this.pos >= this.end) throw this.truncated('a term');
    const at = this.pos;
    const tag = this.buf[at];
    let count: number;
    switch (tag) {
      case Tag.SMALL_TUPLE_EXT:
        this.pos++;
        this.need(1, 'a tuple');
        count = this.buf[this.pos++];
        break;
      case Tag.LARGE_TUPLE_EXT:
      case Tag.LIST_EXT:
      case Tag.MAP_EXT:
        this.pos++;
        this.need(4, tag === Tag.MAP_EXT ? 'a map' : tag === Tag.LIST_EXT ? 'a list' : 'a tuple');
        count = this.u32();
        if (tag === Tag.MAP_EXT) count *= 2;
        break;
      default:
        return this.read();
    }
    // Each child takes at least a byte (a list's tail too).
    if (this.pos + count + (tag === Tag.LIST_EXT ? 1 : 0) > this.end) throw this.truncated(`a term of ${count} elements`);
    if (this.depth + stack.length + 1 > limits.maxDepth) {
      throw new DecodeError('too_deep', `the term is nested more than ${limits.maxDepth} deep`, at);
    }
    const kind = tag === Tag.LARGE_TUPLE_EXT ? Tag.SMALL_TUPLE_EXT : (tag as DecodeFrame['kind']);
    const frame: DecodeFrame = { kind, children: [], count, hasTail: false, at };
    if (count > 0) {
      stack.push(frame);
      return PENDING;
    }
    if (kind === Tag.LIST_EXT && this.listTailFollows(frame)) {
      stack.push(frame);
      return PENDING;
    }
    return this.closeContainer(frame);
  }

  /** After a list's elements: NIL ends it (false); anything else is its tail, one more child. */
  private listTailFollows(frame: DecodeFrame): boolean {
    if (this.pos < this.end && this.buf[this.pos] === Tag.NIL_EXT) {
      this.pos++;
      return false;
    }
    frame.hasTail = true;
    frame.count++;
    return true;
  }

  private closeContainer(frame: DecodeFrame): unknown {
    const children = frame.children;
    if (frame.kind === Tag.SMALL_TUPLE_EXT) return children;
    if (frame.kind === Tag.MAP_EXT) return mapOfPairs(children, frame.at);
    if (!frame.hasTail) return new List(children);
    const tail = children.pop();
    return withTail(children, tail);
  }

  private u16(): number {
    const at = this.pos;
    this.pos = at + 2;
    return (this.buf[at] << 8) | this.buf[at + 1];
  }

  private enter(): void {
    if (++this.depth > limits.maxDepth) {
      throw new DecodeError('too_deep', `the term is nested more than ${limits.maxDepth} deep`, this.pos);
    }
  }

  /** The atom of `size` bytes at pos: a string, or a boolean for true and false. */
  private atom(size: number, utf8: boolean): string | boolean {
    const buf = this.buf;
    const start = this.pos;
    if (start + size > this.end) throw this.truncated('an atom');
    if (size <= ATOM_CACHE_MAX_LENGTH && size > 0) {
      // Seen before (the common case): its value straight from the cache, booleans included.
      const slot = atomSlot(buf, start, size);
      if (slotHolds(slot, buf, start, size)) {
        this.pos = start + size;
        return atomValues[slot]!;
      }
    }
    const text = this.atomText(size, utf8);
    return text === 'true' ? true : text === 'false' ? false : text;
  }

  private atomText(size: number, utf8: boolean): string {
    const buf = this.buf;
    const start = this.pos;
    if (start + size > this.end) throw this.truncated('an atom');
    this.pos = start + size;
    if (size <= ATOM_CACHE_MAX_LENGTH && size > 0) {
      const slot = atomSlot(buf, start, size);
      if (slotHolds(slot, buf, start, size)) return atomTexts[slot]!;
      let ascii = 0;
      for (let i = start; i < start + size; i++) ascii |= buf[i];
      // Only ASCII is cached: its bytes mean the same text in ATOM_EXT (Latin-1) and UTF-8.
      if (ascii < 0x80) {
        const text = internalized(latin1(buf, start, start + size));
        cacheAtom(slot, text, buf, start, size);
        return text;
      }
    }
    if (!utf8) return latin1(buf, start, start + size);
    let text: string;
    try {
      text = utf8Strict.decode(buf.subarray(start, start + size));
    } catch {
      throw new DecodeError('bad_atom', 'an atom that is not valid UTF-8', start);
    }
    if (size > 255) {
      let characters = 0;
      for (const _ of text) characters++;
      if (characters > 255) throw new DecodeError('bad_atom', `an atom of ${characters} characters (at most 255)`, start);
    }
    return text;
  }

  /** A node name inside a pid, ref or port: an atom term. */
  private nodeName(): string {
    if (this.pos >= this.end) throw this.truncated('a node name');
    const tag = this.buf[this.pos++];
    let size: number;
    let utf8: boolean;
    switch (tag) {
      case Tag.SMALL_ATOM_UTF8_EXT:
      case Tag.SMALL_ATOM_EXT:
        this.need(1, 'a node name');
        size = this.buf[this.pos++];
        utf8 = tag === Tag.SMALL_ATOM_UTF8_EXT;
        break;
      case Tag.ATOM_UTF8_EXT:
      case Tag.ATOM_EXT:
        this.need(2, 'a node name');
        size = this.u16();
        utf8 = tag === Tag.ATOM_UTF8_EXT;
        break;
      case Tag.ATOM_CACHE_REF:
        throw new DecodeError('atom_cache_ref', 'an atom cache reference, but no atom cache is in use', this.pos - 1);
      default:
        throw new DecodeError('bad_atom', `a node name must be an atom, found tag ${tag}`, this.pos - 1);
    }
    return this.atomText(size, utf8);
  }

  private tuple(arity: number): unknown[] {
    if (this.pos + arity > this.end) throw this.truncated(`a tuple of ${arity} elements`);
    this.enter();
    let items: unknown[];
    // Small tuples as array literals: the engine makes them packed (faster to read later)
    // and quicker than filling an array. Elements are read left to right, in order.
    switch (arity) {
      case 0: items = []; break;
      case 1: items = [this.read()]; break;
      case 2: items = [this.read(), this.read()]; break;
      case 3: items = [this.read(), this.read(), this.read()]; break;
      case 4: items = [this.read(), this.read(), this.read(), this.read()]; break;
      default:
        items = [];
        for (let i = 0; i < arity; i++) items.push(this.read());
    }
    this.depth--;
    return items;
  }

  private string(): List<number> {
    this.need(2, 'a string');
    const size = this.u16();
    this.need(size, 'a string');
    const buf = this.buf;
    const codes = newArray(size) as number[];
    const start = this.pos;
    for (let i = 0; i < size; i++) codes[i] = buf[start + i];
    this.pos = start + size;
    return new List(codes);
  }

  private list(): unknown {
    this.need(4, 'a list');
    const size = this.u32();
    // Each element and the tail take at least one byte.
    if (this.pos + size + 1 > this.end) throw this.truncated(`a list of ${size} elements`);
    this.enter();
    const items = newArray(size);
    for (let i = 0; i < size; i++) items[i] = this.read();
    let result: unknown;
    if (this.buf[this.pos] === Tag.NIL_EXT) {
      this.pos++;
      result = new List(items);
    } else {
      result = withTail(items, this.read());
    }
    this.depth--;
    return result;
  }

  private binary(): Buffer {
    this.need(4, 'a binary');
    const size = this.u32();
    if (this.pos + size > this.end) throw this.truncated(`a binary of ${size} bytes`);
    const out = Buffer.allocUnsafe(size);
    const start = this.pos;
    if (size <= 32) {
      // A short copy in JavaScript is cheaper than the call into Buffer's native copy.
      const buf = this.buf;
      for (let i = 0; i < size; i++) out[i] = buf[start + i];
    } else {
      this.buf.copy(out, 0, start, start + size);
    }
    this.pos = start + size;
    return out;
  }

  private bitBinary(): Buffer | Bitstring {
    this.need(5, 'a bitstring');
    const size = this.u32();
    const bits = this.buf[this.pos++];
    if (this.pos + size > this.end) throw this.truncated(`a bitstring of ${size} bytes`);
    if (size === 0 ? bits !== 0 : bits < 1 || bits > 8) {
      throw new DecodeError('bad_length', `a bitstring of ${size} bytes cannot use ${bits} bits of its last byte`, this.pos - 1);
    }
    const start = this.pos;
    this.pos += size;
    if (bits === 8 || size === 0) return Buffer.from(this.buf.subarray(start, start + size));
    return new Bitstring(this.buf.subarray(start, start + size), (size - 1) * 8 + bits);
  }

  private float(): number | Float {
    this.need(8, 'a float');
    const buf = this.buf;
    const at = this.pos;
    this.pos = at + 8;
    const view = (this.view ??= new DataView(buf.buffer, buf.byteOffset, buf.byteLength));
    return this.checkedFloat(view.getFloat64(at), at);
  }

  private checkedFloat(value: number, at: number): number | Float {
    if (!Number.isFinite(value)) throw new DecodeError('bad_float', `the float ${value} is not an Erlang float`, at);
    // An integral float stays a float: 1.0 must not come back as the integer 1.
    return Number.isInteger(value) ? new Float(value) : value;
  }

  private oldFloat(): number | Float {
    this.need(31, 'a float');
    const at = this.pos;
    const text = latin1(this.buf, at, at + 31).replace(/\0+$/, '');
    this.pos = at + 31;
    if (!/^\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$/.test(text)) {
      throw new DecodeError('bad_float', `the float text ${JSON.stringify(text)} is not a number`, at);
    }
    return this.checkedFloat(parseFloat(text), at);
  }

  private big(size: number): number | bigint {
    if (this.pos + size + 1 > this.end) throw this.truncated(`an integer of ${size} bytes`);
    const buf = this.buf;
    const negative = buf[this.pos++] !== 0;
    const start = this.pos;
    this.pos += size;
    // Below 2^53 (whatever the size says: leading zero digits are allowed), a number.
    let top = start + size - 1;
    while (top >= start && buf[top] === 0) top--;
    if (top - start < 6 || (top - start === 6 && buf[top] < 32)) {
      let n = 0;
      for (let i = top; i >= start; i--) n = n * 256 + buf[i];
      return negative && n !== 0 ? -n : n;
    }
    if (size <= 16) {
      // Up to 128 bits: the digits into a two-word BigUint64Array (little-endian digits are
      // its words on a little-endian host), read back as bigints, joined by one shift and or.
      const f = u64Bytes;
      if (littleEndianHost) {
        for (let i = 0; i < size; i++) f[i] = buf[start + i];
        for (let i = size; i < 16; i++) f[i] = 0;
      } else {
        for (let i = 0; i < 16; i++) f[(i & 8) + 7 - (i & 7)] = i < size ? buf[start + i] : 0;
      }
      const n = size <= 8 ? u64Scratch[0] : (u64Scratch[1] << 64n) | u64Scratch[0];
      return negative ? -n : n;
    }
    let hex = '';
    for (let i = start + size - 1; i >= start; i--) hex += HEX[buf[i]];
    const n = BigInt('0x' + hex);
    return negative ? -n : n;
  }

  private map(): unknown {
    this.need(4, 'a map');
    const size = this.u32();
    // Each key and each value take at least one byte.
    if (this.pos + 2 * size > this.end) throw this.truncated(`a map of ${size} pairs`);
    this.enter();
    const result = size <= SHAPE_MAX_KEYS ? this.smallMap(size) : this.largeMap(size);
    this.depth--;
    return result;
  }

  /**
   * A map of a few pairs: read whole into mapPairStack (key, value, where the key starts), then
   * made in one step by the constructor of its keys' shape when it has one.
   */
  private smallMap(size: number): unknown {
    const base = this.pairTop;
    // Maps inside this one's values use the stack above it.
    this.pairTop = base + 3 * size;
    const pairs = mapPairStack;
    try {
      let atomKeys = true;
      let hash = size;
      for (let i = 0, at = base; i < size; i++, at += 3) {
        pairs[at + 2] = this.pos;
        let key = this.read();
        pairs[at + 1] = this.read();
        if (typeof key === 'boolean') key = key ? 'true' : 'false';
        if (typeof key === 'string') {
          const n = key.length;
          hash = (Math.imul(hash, 31) + n * 7 + (n > 0 ? key.charCodeAt(n - 1) : 0)) | 0;
        } else {
          atomKeys = false;
        }
        pairs[at] = key;
      }
      return atomKeys ? recordOfShape(base, size, hash) : mapOfPairStack(base, size);
    } finally {
      this.pairTop = base;
      // The stack must not keep what was decoded alive, whether the map was made or refused.
      for (let at = base; at < base + 3 * size; at += 3) {
        pairs[at] = undefined;
        pairs[at + 1] = undefined;
      }
    }
  }

  private largeMap(size: number): unknown {
    let record: Record<string, unknown> | undefined = {};
    let map: Map<unknown, unknown> | undefined;
    const keysFrom = this.keyTop;
    for (let i = 0; i < size; i++) {
      const keyAt = this.pos;
      const key = this.read();
      const value = this.read();
      if (record !== undefined && (typeof key === 'string' || typeof key === 'boolean')) {
        const name = typeof key === 'string' ? key : key ? 'true' : 'false';
        if (this.seenKey(record, name, keysFrom, size)) throw new DecodeError('duplicate_key', `the map has the key '${name}' twice`, keyAt);
        if (name === '__proto__') Object.defineProperty(record, name, { value, enumerable: true, writable: true, configurable: true });
        else record[name] = value;
        continue;
      }
      if (record !== undefined) {
        // A key that is not an atom: the whole map becomes a JS Map.
        map = new Map();
        for (const name of Object.keys(record)) map.set(name === 'true' ? true : name === 'false' ? false : name, record[name]);
        record = undefined;
      }
      if (typeof key !== 'object' && map!.has(key)) throw new DecodeError('duplicate_key', 'the map has a key twice', keyAt);
      map!.set(key, value);
    }
    this.keyTop = keysFrom;
    return record ?? map;
  }

  /**
   * Whether the map being decoded already has the atom key `name` (BEAM refuses such input).
   * For a small map its keys so far are compared (they are usually the same interned strings,
   * so each compare is a pointer compare), which costs less than asking the object.
   */
  private seenKey(record: Record<string, unknown>, name: string, keysFrom: number, size: number): boolean {
    if (size > SMALL_MAP) return record[name] !== undefined && Object.hasOwn(record, name);
    for (let j = keysFrom; j < this.keyTop; j++) if (mapKeyStack[j] === name) return true;
    mapKeyStack[this.keyTop++] = name;
    return false;
  }

  private pid(tag: number): Pid {
    const node = this.nodeName();
    const wide = tag === Tag.NEW_PID_EXT;
    this.need(wide ? 12 : 9, 'a pid');
    const id = this.u32();
    const serial = this.u32();
    const creation = wide ? this.u32() : this.buf[this.pos++];
    // One of this node's processes: their numbers fit in ID (Serial stays 0 below 2^32 spawns).
    if (serial === 0 && node === localNodeName() && creation === localNodeCreation()) {
      return lookupProcessById(id)?.pid ?? new Pid(id);
    }
    return new RemotePid(node, id, serial, creation);
  }

  private ref(tag: number): Ref {
    let count = 1;
    if (tag !== Tag.REFERENCE_EXT) {
      this.need(2, 'a reference');
      count = this.u16();
      if (count < 1 || count > 5) throw new DecodeError('bad_length', `a reference of ${count} words (1 to 5)`, this.pos - 2);
    }
    const node = this.nodeName();
    let creation: number;
    const words: number[] = [];
    if (tag === Tag.REFERENCE_EXT) {
      this.need(5, 'a reference');
      words.push(this.u32());
      creation = this.buf[this.pos++];
    } else {
      const wide = tag === Tag.NEWER_REFERENCE_EXT;
      this.need((wide ? 4 : 1) + 4 * count, 'a reference');
      creation = wide ? this.u32() : this.buf[this.pos++];
      for (let i = 0; i < count; i++) words.push(this.u32());
    }
    // A local Ref's number is below 2^53: only such words name one of ours.
    if (node === localNodeName() && creation === localNodeCreation() && count === 3 && words[2] === 0 && words[1] < 0x20_0000) {
      return new Ref(words[0] + words[1] * TWO_32);
    }
    return new RemoteRef(node, creation, words);
  }

  private port(tag: number): Port {
    const node = this.nodeName();
    let id: number | bigint;
    let creation: number;
    if (tag === Tag.V4_PORT_EXT) {
      this.need(12, 'a port');
      const high = this.u32();
      const low = this.u32();
      id = high < 0x20_0000 ? high * TWO_32 + low : (BigInt(high) << 32n) | BigInt(low);
      creation = this.u32();
    } else {
      this.need(tag === Tag.NEW_PORT_EXT ? 8 : 5, 'a port');
      id = this.u32();
      creation = tag === Tag.NEW_PORT_EXT ? this.u32() : this.buf[this.pos++];
    }
    return new Port(node, id, creation);
  }

  private exportFun(): ExportFun {
    const module = this.atomTerm('the module of a fun');
    const name = this.atomTerm('the name of a fun');
    const arity = this.read();
    if (typeof arity !== 'number' || arity < 0 || arity > 255 || !Number.isInteger(arity)) {
      throw new DecodeError('bad_length', `a fun's arity must be 0 to 255, found ${String(arity)}`, this.pos);
    }
    return new ExportFun(module, name, arity);
  }

  private atomTerm(what: string): string {
    const at = this.pos;
    const value = this.read();
    if (typeof value === 'boolean') return String(value);
    if (typeof value !== 'string') throw new DecodeError('bad_atom', `${what} must be an atom`, at);
    return value;
  }

  /** NEW_FUN_EXT: kept as its bytes, with what printing it needs read from them. */
  private fun(): ErlangFun {
    const start = this.pos - 1;
    this.need(4, 'a fun');
    const size = this.u32();
    // Size counts itself; then Arity (1), Uniq (16), Index (4), NumFree (4), Module, OldIndex,
    // OldUniq, Pid, free variables.
    if (size < 29) throw new DecodeError('bad_length', `a fun of ${size} bytes`, start + 1);
    if (start + 1 + size > this.end) throw this.truncated(`a fun of ${size} bytes`);
    const end = start + 1 + size;
    const arity = this.buf[this.pos];
    const inner = new TermReader(this.buf, this.pos + 25, end);
    // Inside a map being decoded: the inner reader's maps go above this one's.
    inner.keyTop = this.keyTop;
    inner.pairTop = this.pairTop;
    const module = inner.atomTerm('the module of a fun');
    const index = inner.read();
    const uniq = inner.read();
    if (typeof index !== 'number' || typeof uniq !== 'number') throw new DecodeError('bad_length', 'a fun without its index and uniq', this.pos);
    this.pos = end;
    return new ErlangFun(Buffer.from(this.buf.subarray(start, end)), module, arity, index, uniq);
  }
}

/** The list of `items` followed by `tail` (not NIL). */
function withTail(items: unknown[], tail: unknown): unknown {
  // [1 | [2]] is [1, 2]: BEAM never writes it so, but it is a proper list.
  if (tail instanceof List) return new List(items.concat(tail.items));
  if (tail instanceof ImproperList) return new ImproperList(items.concat(tail.items), tail.tail);
  return items.length === 0 ? tail : new ImproperList(items, tail);
}

/** The map of the keys and values in `pairs` (key, value, key, value...), for readDeep. */
function mapOfPairs(pairs: unknown[], at: number): unknown {
  let record: Record<string, unknown> | undefined = {};
  for (let i = 0; i < pairs.length; i += 2) {
    const key = pairs[i];
    if (typeof key !== 'string' && typeof key !== 'boolean') {
      record = undefined;
      break;
    }
    const name = typeof key === 'string' ? key : key ? 'true' : 'false';
    if (Object.hasOwn(record, name)) throw new DecodeError('duplicate_key', `the map has the key '${name}' twice`, at);
    Object.defineProperty(record, name, { value: pairs[i + 1], enumerable: true, writable: true, configurable: true });
  }
  if (record !== undefined) return record;
  const map = new Map<unknown, unknown>();
  for (let i = 0; i < pairs.length; i += 2) {
    if (typeof pairs[i] !== 'object' && map.has(pairs[i])) throw new DecodeError('duplicate_key', 'the map has a key twice', at);
    map.set(pairs[i], pairs[i + 1]);
  }
  return map;
}

/** A container readDeep has opened: the children read so far, and how many it has. */
interface DecodeFrame {
  kind: Tag.SMALL_TUPLE_EXT | Tag.LIST_EXT | Tag.MAP_EXT;
  children: unknown[];
  count: number;
  /** For a list: whether its tail (not NIL) is the last child. */
  hasTail: boolean;
  at: number;
}

const PENDING: unique symbol = Symbol('pending');

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);
const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));
