// One connection to another node once the handshake is done: 4-byte-length frames, ticks both
// ways (an empty frame), control messages in and out. A frame that cannot be decoded, a frame
// longer than the limit, or a peer silent for a tick time closes this connection only.
import type net from 'node:net';
import { FrameError, FrameReader } from './frames';
import { CTRL, DFLAG, DIST_FRAG_CONT, DIST_FRAG_HEADER, DIST_HEADER, PASS_THROUGH, VERSION_MAGIC } from './protocol';
import type { Peer } from './handshake';
import { DecodeError, decodeTermAt, encodeTermInto, termToBinary, TermWriter } from './etf';
import { deliverThenRun } from '../runtime/scheduler';
import type { Pid } from '../runtime/pid';

/** Largest frame (and reassembled fragmented message) accepted from a peer: 1 GiB. */
export const MAX_MESSAGE_BYTES = 1 << 30;

export type DownReason = 'connection_closed' | 'net_tick_timeout' | 'disconnect' | `bad_frame: ${string}`;

export interface ConnectionHandler {
  /** A control message, with the message term that follows it (undefined when none). */
  control(conn: Connection, ctrl: unknown, message: unknown, hasMessage: boolean): void;
  /** The connection is gone; called once. */
  down(conn: Connection, reason: DownReason, detail: string): void;
}

interface FragmentedMessage {
  parts: Buffer[];
  bytes: number;
  /** The fragment id expected next (they count down to 1). */
  nextId: bigint;
}

const TICK = Buffer.alloc(4);
const SPARE_BYTE = Buffer.alloc(1);
/** Messages larger than this go out in fragments of this size (when the peer takes them). */
const FRAGMENT_BYTES = 64 * 1024;
/** Frames gathered in one turn are written once this many bytes are waiting. */
const GATHER_BYTES = 256 * 1024;
/** Gathered frames up to this size are copied out for the socket; above it the buffer itself goes. */
const COPY_OUT_BYTES = 16 * 1024;

/**
 * Above zero while a connection handles a chunk of input and runs the processes it woke: the
 * frames they send meanwhile, to any node, are gathered and written when the chunk is done,
 * one write per connection (the answers to a burst of requests go out together).
 */
let holding = 0;
/** Connections with frames gathered while holding. */
const held: Connection[] = [];

/**
 * A control message already encoded: the SEND to a pid, or the REG_SEND from a process to a
 * name, is encoded once and kept (per connection, keyed by the pid's number, at most
 * CONTROLS_KEPT of each) for the next message the same way.
 */
interface EncodedControl {
  /** `131` and the control term. */
  versioned: Buffer;
  /** The control term alone (after a distribution header). */
  bare: Buffer;
}

export class Connection {
  private readonly reader = new FrameReader(4, MAX_MESSAGE_BYTES);
  private tickTimer: NodeJS.Timeout | undefined;
  private receivedSinceTick = false;
  private sentSinceTick = false;
  private silentTicks = 0;
  private closed = false;
  private writesThisTurn = 0;
  private fragmentSequence = 0n;
  /** Frames of this turn after its first, written at the end of the turn. */
  private gather = new TermWriter(64 * 1024);
  private readonly endTurn = (): void => {
    this.flushGathered();
    this.writesThisTurn = 0;
  };
  /** In `held`, to be flushed when the input being handled is done. */
  private inHeld = false;
  private readonly sendControls = new Map<number, EncodedControl & { to: Pid }>();
  private readonly regSendControls = new Map<number, EncodedControl & { from: Pid; name: string }>();
  private readonly fragments = new Map<bigint, FragmentedMessage>();
  /** Bytes held by all fragmented messages in flight. */
  private fragmentBytes = 0;

  constructor(
    readonly socket: net.Socket,
    readonly peer: Peer,
    private readonly handler: ConnectionHandler,
    leftover: Buffer,
    tickTimeSeconds: number,
  ) {
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.receive(chunk));
    socket.on('close', () => this.close('connection_closed', 'the peer closed the connection'));
    socket.on('error', (err) => this.close('connection_closed', err.message));
    this.setTickTime(tickTimeSeconds);
    if (leftover.length > 0) queueMicrotask(() => this.receive(leftover));
  }

  get node(): string {
    return this.peer.name;
  }

  get isOpen(): boolean {
    return !this.closed;
  }

  /** Ticks every quarter of the tick time; four quarters without a byte mean the peer is gone. */
  setTickTime(seconds: number): void {
    if (this.tickTimer) clearInterval(this.tickTimer);
    this.tickTimer = setInterval(() => this.tick(), Math.max(1, (seconds * 1000) / 4));
    this.tickTimer.unref();
  }

  private tick(): void {
    if (this.closed) return;
    if (this.receivedSinceTick) this.silentTicks = 0;
    else if (++this.silentTicks >= 4) return this.close('net_tick_timeout', 'no answer within the tick time');
    this.receivedSinceTick = false;
    if (!this.sentSinceTick) this.socket.write(TICK);
    this.sentSinceTick = false;
  }

  /**
   * Whether frames carry a distribution header. BEAM insists on one once fragments are
   * negotiated; the header never has atom cache references (no atom cache is offered).
   */
  get withHeader(): boolean {
    return (this.peer.flags & DFLAG.FRAGMENTS) !== 0n;
  }

  /**
   * Sends a control message and, for sends, the message after it. The first frame of a turn
   * goes out at once (a round trip waits for it); the frames after it in the same turn are
   * encoded one after the other into one buffer, written at the end of the turn: a burst of
   * small messages costs one copy and a few syscalls, not a buffer and a syscall each. While
   * input is being handled (`holding`) every frame waits for the end of that input's handling.
   */
  send(ctrl: unknown, message?: unknown, hasMessage = message !== undefined): void {
    if (this.closed) return;
    if (this.writesThisTurn === 0 && holding === 0) return this.write(encodeFrame(ctrl, message, hasMessage, this.withHeader));
    const start = this.gather.length;
    encodeFrameInto(this.gather, ctrl, message, hasMessage, this.withHeader);
    this.gathered(start);
  }

  /** `to ! message`: a SEND, its control message encoded once for a run of sends to `to`. */
  sendToPid(to: Pid, message: unknown): void {
    if (this.closed) return;
    let ctrl = this.sendControls.get(to.id);
    if (ctrl === undefined || !samePid(ctrl.to, to)) {
      ctrl = { ...encodedControl([CTRL.SEND, '', to]), to };
      keep(this.sendControls, to.id, ctrl);
    }
    this.sendEncoded(ctrl, message);
  }

  /** `{name, node} ! message` from `from`: a REG_SEND, its control message encoded once likewise. */
  sendToName(from: Pid, name: string, message: unknown): void {
    if (this.closed) return;
    let ctrl = this.regSendControls.get(from.id);
    if (ctrl === undefined || ctrl.name !== name || !samePid(ctrl.from, from)) {
      ctrl = { ...encodedControl([CTRL.REG_SEND, from, '', name]), from, name };
      keep(this.regSendControls, from.id, ctrl);
    }
    this.sendEncoded(ctrl, message);
  }

  private sendEncoded(ctrl: EncodedControl, message: unknown): void {
    const header = this.withHeader;
    if (this.writesThisTurn === 0 && holding === 0) {
      const out = sharedWriter();
      encodeFrameInto(out, undefined, message, true, header, ctrl);
      return this.write(out.toBuffer());
    }
    const start = this.gather.length;
    encodeFrameInto(this.gather, undefined, message, true, header, ctrl);
    this.gathered(start);
  }

  /** A frame was encoded into the gather buffer at `start`. */
  private gathered(start: number): void {
    const gather = this.gather;
    this.sentSinceTick = true;
    if (this.writesThisTurn++ === 0) process.nextTick(this.endTurn);
    if (holding !== 0 && !this.inHeld) {
      this.inHeld = true;
      held.push(this);
    }
    if (gather.length - start > FRAGMENT_BYTES + 7 && this.withHeader && gather.buffer[start + 5] === DIST_HEADER) {
      const frame = Buffer.from(gather.buffer.subarray(start, gather.length));
      gather.length = start;
      return this.writeFragments(frame);
    }
    if (gather.length >= GATHER_BYTES) this.flushGathered();
  }

  /**
   * A large message behind a distribution header goes out in fragments, as BEAM sends them:
   * `131 69 seq id 0 payload` then `131 70 seq id payload` with ids counting down to 1.
   */
  private writeFragments(frame: Buffer): void {
    const payload = frame.subarray(7); // after [len:4][131 68 0]
    const count = Math.ceil(payload.length / FRAGMENT_BYTES);
    const sequence = ++this.fragmentSequence;
    for (let i = 0; i < count; i++) {
      const chunk = payload.subarray(i * FRAGMENT_BYTES, (i + 1) * FRAGMENT_BYTES);
      const head = i === 0 ? 23 : 22;
      const out = Buffer.allocUnsafe(head + chunk.length);
      out.writeUInt32BE(out.length - 4, 0);
      out[4] = VERSION_MAGIC;
      out[5] = i === 0 ? DIST_FRAG_HEADER : DIST_FRAG_CONT;
      out.writeBigUInt64BE(sequence, 6);
      out.writeBigUInt64BE(BigInt(count - i), 14);
      if (i === 0) out[22] = 0; // no atom cache references
      chunk.copy(out, head);
      this.write(out);
    }
  }

  /** Writes a message encoded before the connection was up. */
  writeQueued(queued: QueuedFrame): void {
    this.write(this.withHeader ? withDistHeader(queued) : queued.frame);
  }

  /** Writes a frame made by encodeFrame for this connection. */
  write(frame: Buffer): void {
    if (this.closed) return;
    if (frame.length > FRAGMENT_BYTES + 7 && this.withHeader && frame[5] === DIST_HEADER) return this.writeFragments(frame);
    if (this.writesThisTurn === 0 && holding === 0) {
      this.sentSinceTick = true;
      this.writesThisTurn = 1;
      process.nextTick(this.endTurn);
      this.socket.write(frame);
      return;
    }
    const start = this.gather.length;
    this.gather.bytes(frame);
    this.gathered(start);
  }

  private flushGathered(): void {
    const gather = this.gather;
    if (gather.length === 0 || this.closed) return;
    if (gather.length <= COPY_OUT_BYTES) {
      this.socket.write(gather.toBuffer());
      // A writer that grew for one huge message is not kept at that size.
      if (gather.buffer.length > WRITER_KEEP_BYTES) this.gather = new TermWriter(64 * 1024);
      else gather.reset();
      return;
    }
    // A big batch: the buffer itself goes to the socket, and a fresh one, big enough for the
    // next batch without growing, gathers the next frames.
    this.socket.write(gather.buffer.subarray(0, gather.length));
    this.gather = new TermWriter(gather.length >= GATHER_BYTES ? GATHER_BYTES + 64 * 1024 : 64 * 1024);
  }

  close(reason: DownReason, detail: string): void {
    if (this.closed) return;
    this.closed = true;
    if (this.tickTimer) clearInterval(this.tickTimer);
    this.fragments.clear();
    this.socket.destroy();
    this.handler.down(this, reason, detail);
  }

  /**
   * A chunk of input: every frame complete in it is handled, the processes the messages woke
   * run (in this same macrotask), and what they sent meanwhile is written once at the end.
   */
  private receive(chunk: Buffer): void {
    if (this.closed) return;
    this.receivedSinceTick = true;
    this.reader.push(chunk);
    holding++;
    try {
      deliverThenRun(this.handleFrames);
    } finally {
      if (--holding === 0) flushHeld();
    }
  }

  private readonly handleFrames = (): void => {
    for (;;) {
      let frame: Buffer | undefined;
      try {
        frame = this.reader.next();
        if (frame === undefined) return;
        if (frame.length > 0) this.frame(frame);
      } catch (err) {
        const why = err instanceof DecodeError ? `${err.reason}: ${err.message}` : err instanceof FrameError || err instanceof Error ? err.message : String(err);
        return this.close(`bad_frame: ${why}`, why);
      }
      if (this.closed) return;
    }
  };

  /** Writes what was gathered while holding. */
  flushHeldFrames(): void {
    this.inHeld = false;
    this.flushGathered();
  }

  private frame(frame: Buffer): void {
    const type = frame[0];
    if (type === PASS_THROUGH) return this.deliver(frame, 1);
    if (type !== VERSION_MAGIC) throw new Error(`unknown frame type ${type}`);
    switch (frame[1]) {
      case DIST_HEADER:
        return this.deliverBare(frame, afterEmptyAtomCache(frame, 2));
      case DIST_FRAG_HEADER: {
        if (frame.length < 18) throw new Error('truncated fragment header');
        const sequence = frame.readBigUInt64BE(2);
        const fragmentId = frame.readBigUInt64BE(10);
        const start = afterEmptyAtomCache(frame, 18);
        if (fragmentId === 1n) return this.deliverBare(frame, start);
        if (this.fragments.size >= 64) throw new Error('too many fragmented messages in flight');
        if (this.fragments.has(sequence)) throw new Error('a fragmented message started twice');
        this.fragmentBytes += frame.length - start;
        if (this.fragmentBytes > MAX_MESSAGE_BYTES) throw new Error('fragmented messages in flight exceed the limit');
        this.fragments.set(sequence, { parts: [frame.subarray(start)], bytes: frame.length - start, nextId: fragmentId - 1n });
        return;
      }
      case DIST_FRAG_CONT: {
        if (frame.length < 18) throw new Error('truncated fragment');
        const sequence = frame.readBigUInt64BE(2);
        const fragmentId = frame.readBigUInt64BE(10);
        const message = this.fragments.get(sequence);
        if (message === undefined || message.nextId !== fragmentId) throw new Error('fragment out of sequence');
        message.parts.push(frame.subarray(18));
        message.bytes += frame.length - 18;
        this.fragmentBytes += frame.length - 18;
        if (this.fragmentBytes > MAX_MESSAGE_BYTES) throw new Error('fragmented messages in flight exceed the limit');
        if (fragmentId > 1n) {
          message.nextId = fragmentId - 1n;
          return;
        }
        this.fragments.delete(sequence);
        this.fragmentBytes -= message.bytes;
        // One spare byte in front: deliverBare needs the byte before the first term.
        return this.deliverBare(Buffer.concat([SPARE_BYTE, ...message.parts], message.bytes + 1), 1);
      }
      default:
        throw new Error(`unknown distribution header ${frame[1]}`);
    }
  }

  /** The control term at `at` and the message after it, if any, to the handler. */
  private deliver(frame: Buffer, at: number, decode = decodeTermAt): void {
    const ctrl = decode(frame, at);
    const hasMessage = ctrl.next < frame.length;
    const message = hasMessage ? decode(frame, ctrl.next) : undefined;
    if (message !== undefined && message.next !== frame.length) throw new Error('trailing bytes after the message');
    this.handler.control(this, ctrl.value, message?.value, hasMessage);
  }

  /** After a distribution header the terms carry no version byte (see decodeBareAt). */
  private deliverBare(frame: Buffer, at: number): void {
    this.deliver(frame, at, decodeBareAt);
  }
}

/**
 * The unversioned term at `at` (> 0). The codec reads versioned terms: the byte before the
 * term (the header's last byte, or the control term's last byte, both already read) holds
 * 131 while the term is read, and is put back at once. No copy of the frame.
 */
function decodeBareAt(frame: Uint8Array, at: number): { value: unknown; next: number } {
  const before = frame[at - 1]!;
  frame[at - 1] = VERSION_MAGIC;
  try {
    return decodeTermAt(frame, at - 1);
  } finally {
    frame[at - 1] = before;
  }
}

/** Skips a distribution header's atom cache part, which must be empty: we offer no cache. */
function afterEmptyAtomCache(frame: Buffer, at: number): number {
  if (frame.length <= at) throw new Error('truncated distribution header');
  if (frame[at] !== 0) throw new Error('atom cache references, which were not negotiated');
  return at + 1;
}

function flushHeld(): void {
  // A flush cannot add to `held` (nothing is held now), so the list is read as it is.
  for (let i = 0; i < held.length; i++) held[i]!.flushHeldFrames();
  held.length = 0;
}

/** Whether two pids name the same process (a pid decoded from the wire is a new object each time). */
function samePid(a: Pid, b: Pid): boolean {
  return a === b || (a.id === b.id && a.serial === b.serial && a.remote === b.remote && a.creation === b.creation && a.node === b.node);
}

/** Encoded control messages kept per connection and kind. */
const CONTROLS_KEPT = 256;

function keep<T>(controls: Map<number, T>, key: number, ctrl: T): void {
  if (controls.size >= CONTROLS_KEPT) controls.clear();
  controls.set(key, ctrl);
}

function encodedControl(ctrl: unknown[]): EncodedControl {
  const versioned = termToBinary(ctrl);
  return { versioned, bare: versioned.subarray(1) };
}

let writer = new TermWriter(64 * 1024);
/** A writer that grew for one huge message is not kept at that size. */
const WRITER_KEEP_BYTES = 1024 * 1024;

/** The writer frames are encoded in before they are copied out, reset. */
function sharedWriter(): TermWriter {
  if (writer.buffer.length > WRITER_KEEP_BYTES) writer = new TermWriter(64 * 1024);
  writer.reset();
  return writer;
}

/**
 * Appends `value` without its version byte (after a distribution header): the encoder writes
 * its 131 over the last byte written before, which is put back after. No copy of the term.
 */
function encodeBareInto(out: TermWriter, value: unknown): void {
  const at = out.length;
  const before = out.buffer[at - 1]!;
  out.length = at - 1;
  encodeTermInto(out, value);
  out.buffer[at - 1] = before;
}

/**
 * `[len:4][112][131 ctrl][131 message]`, or with `header`, `[len:4][131 68 0][ctrl][message]`
 * (after a distribution header terms have no version byte). Encoding happens in the
 * sender's call, so a value with no Erlang term (a local function) raises badarg there, and
 * nothing is sent.
 */
export function encodeFrame(ctrl: unknown, message: unknown, hasMessage: boolean, header: boolean): Buffer {
  const out = sharedWriter();
  encodeFrameInto(out, ctrl, message, hasMessage, header);
  return out.toBuffer();
}

/**
 * Appends one frame to `out`, its control message `ctrl` or, when given, `encoded`; on badarg
 * nothing of it stays.
 */
function encodeFrameInto(out: TermWriter, ctrl: unknown, message: unknown, hasMessage: boolean, header: boolean, encoded?: EncodedControl): void {
  const start = out.length;
  try {
    out.uint32(0);
    if (header) {
      out.byte(VERSION_MAGIC);
      out.byte(DIST_HEADER);
      if (encoded !== undefined) {
        out.byte(0); // NumberOfAtomCacheRefs = 0
        out.bytes(encoded.bare);
      } else {
        encodeTermInto(out, ctrl);
        out.buffer[start + 6] = 0; // the version byte the encoder wrote: NumberOfAtomCacheRefs = 0
      }
      if (hasMessage) encodeBareInto(out, message);
    } else {
      out.byte(PASS_THROUGH);
      if (encoded !== undefined) out.bytes(encoded.versioned);
      else encodeTermInto(out, ctrl);
      if (hasMessage) encodeTermInto(out, message);
    }
  } catch (err) {
    out.length = start;
    throw err;
  }
  out.patchUint32(start, out.length - start - 4);
}

/** A pass-through frame encoded before its connection was up, and where its message starts. */
export interface QueuedFrame {
  frame: Buffer;
  messageAt: number;
}

export function encodeQueued(ctrl: unknown, message: unknown, hasMessage: boolean): QueuedFrame {
  const frame = encodeFrame(ctrl, undefined, false, false);
  if (!hasMessage) return { frame, messageAt: frame.length };
  const whole = encodeFrame(ctrl, message, true, false);
  return { frame: whole, messageAt: frame.length };
}

/** The same message behind a distribution header: `[len][131 68 0][ctrl][message]`. */
function withDistHeader({ frame, messageAt }: QueuedFrame): Buffer {
  const ctrl = frame.subarray(6, messageAt); // after [len][112][131]
  const message = messageAt < frame.length ? frame.subarray(messageAt + 1) : Buffer.alloc(0);
  const out = Buffer.allocUnsafe(7 + ctrl.length + message.length);
  out.writeUInt32BE(out.length - 4, 0);
  out[4] = VERSION_MAGIC;
  out[5] = DIST_HEADER;
  out[6] = 0;
  ctrl.copy(out, 7);
  message.copy(out, 7 + ctrl.length);
  return out;
}
