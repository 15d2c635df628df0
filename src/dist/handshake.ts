// The distribution handshake, version 6 (OTP 23+), both sides: the connecting node (A) and
// the accepting one (B) exchange names, flags and creations, then prove to each other that
// they know the cookie with MD5 digests of a random challenge (erts User's Guide,
// "Distribution Handshake"). The cookie itself never crosses the wire; it is the only
// protection, as in Erlang.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type net from 'node:net';
import { DFLAG, MANDATORY_FLAGS } from './protocol';
import { FrameError, FrameReader, frame16 } from './frames';

/** What both sides know once the handshake succeeded. */
export interface Peer {
  name: string;
  flags: bigint;
  creation: number;
}

export interface HandshakeSelf {
  name: string;
  flags: bigint;
  creation: number;
  cookie: string;
}

export class HandshakeError extends Error {
  constructor(
    message: string,
    /** Printed as erl prints it (a refused cookie), or undefined for a quiet failure. */
    readonly report?: string,
    /** The status the acceptor answered, when it refused (`nok`, `not_allowed`). */
    readonly status?: string,
  ) {
    super(message);
  }
}

/** A handshake message is small: a name and a few numbers. */
const MAX_HANDSHAKE_FRAME = 2048;
/** erl's net_setuptime: a handshake that does not finish in this time is dropped. */
export const HANDSHAKE_TIMEOUT_MS = 7000;

export function digest(challenge: number, cookie: string): Buffer {
  return createHash('md5').update(cookie + String(challenge >>> 0)).digest();
}

function newChallenge(): number {
  return randomBytes(4).readUInt32BE(0);
}

function sameDigest(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Reads 2-byte-length frames from the socket, one at a time, with one deadline for all. */
class HandshakeStream {
  readonly reader = new FrameReader(2, MAX_HANDSHAKE_FRAME);
  private waiting: { resolve: (b: Buffer) => void; reject: (e: Error) => void } | undefined;
  private failure: Error | undefined;
  private readonly timer: NodeJS.Timeout;
  private readonly onData = (chunk: Buffer): void => {
    this.reader.push(chunk);
    this.pump();
  };
  private readonly onClose = (): void => this.fail(new HandshakeError('connection closed during the handshake'));
  private readonly onError = (err: Error): void => this.fail(new HandshakeError(err.message));

  constructor(readonly socket: net.Socket, timeoutMs: number) {
    this.timer = setTimeout(() => this.fail(new HandshakeError('handshake timed out')), timeoutMs);
    socket.on('data', this.onData);
    socket.on('close', this.onClose);
    socket.on('error', this.onError);
  }

  read(): Promise<Buffer> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.waiting = { resolve, reject };
      this.pump();
    });
  }

  write(body: Buffer): void {
    this.socket.write(frame16(body));
  }

  private pump(): void {
    if (!this.waiting) return;
    let body: Buffer | undefined;
    try {
      body = this.reader.next();
    } catch (err) {
      return this.fail(new HandshakeError(err instanceof FrameError ? err.message : String(err)));
    }
    if (body === undefined) return;
    const { resolve } = this.waiting;
    this.waiting = undefined;
    resolve(body);
  }

  private fail(err: Error): void {
    if (this.failure) return;
    this.failure = err;
    const waiting = this.waiting;
    this.waiting = undefined;
    waiting?.reject(err);
  }

  /** Stops listening; what arrived after the last handshake frame stays in `reader`. */
  detach(): void {
    clearTimeout(this.timer);
    this.socket.removeListener('data', this.onData);
    this.socket.removeListener('close', this.onClose);
    this.socket.removeListener('error', this.onError);
  }
}

function nameMessage(self: HandshakeSelf): Buffer {
  const name = Buffer.from(self.name, 'utf8');
  const out = Buffer.alloc(15 + name.length);
  out[0] = 0x4e; // 'N'
  out.writeBigUInt64BE(self.flags, 1);
  out.writeUInt32BE(self.creation >>> 0, 9);
  out.writeUInt16BE(name.length, 13);
  name.copy(out, 15);
  return out;
}

function parseName(body: Buffer): Peer {
  if (body[0] === 0x6e) throw new HandshakeError('peer uses the old handshake (before OTP 23), not supported');
  if (body[0] !== 0x4e || body.length < 15) throw new HandshakeError('malformed name message');
  const flags = body.readBigUInt64BE(1);
  const creation = body.readUInt32BE(9);
  const length = body.readUInt16BE(13);
  if (body.length < 15 + length) throw new HandshakeError('malformed name message');
  return { flags, creation, name: body.toString('utf8', 15, 15 + length) };
}

function checkFlags(peer: Peer): void {
  const missing = MANDATORY_FLAGS & ~peer.flags;
  if (missing !== 0n) {
    throw new HandshakeError(`${peer.name} lacks mandatory capabilities (flags 0x${missing.toString(16)})`);
  }
}

function status(text: string): Buffer {
  return Buffer.concat([Buffer.from('s'), Buffer.from(text, 'latin1')]);
}

/** Result of a finished handshake: the peer and any bytes that followed it. */
export interface Handshaken {
  peer: Peer;
  /** Bytes already received after the handshake (the first frames of the connection). */
  leftover: Buffer;
}

/**
 * Side A: we connected to `expected`. `connected()` says whether a connection to it came up
 * meanwhile (from its side): then a peer answering `alive` is told to keep that one.
 */
export async function handshakeAsConnector(socket: net.Socket, self: HandshakeSelf, expected: string, connected: () => boolean, timeoutMs = HANDSHAKE_TIMEOUT_MS): Promise<Handshaken> {
  const stream = new HandshakeStream(socket, timeoutMs);
  try {
    stream.write(nameMessage(self));
    const statusBody = await stream.read();
    if (statusBody[0] !== 0x73) throw new HandshakeError('malformed status message');
    const text = statusBody.toString('latin1', 1);
    if (text === 'alive') {
      if (connected()) {
        stream.write(status('false'));
        throw new HandshakeError(`${expected} is already connected`, undefined, text);
      }
      // The peer still has a connection from an earlier life of ours: it is stale.
      stream.write(status('true'));
    } else if (text !== 'ok' && text !== 'ok_simultaneous') {
      throw new HandshakeError(`${expected} refused the connection (${text})`, undefined, text);
    }
    const challengeBody = await stream.read();
    if (challengeBody[0] !== 0x4e || challengeBody.length < 19) throw new HandshakeError('malformed challenge message');
    const flags = challengeBody.readBigUInt64BE(1);
    const challenge = challengeBody.readUInt32BE(9);
    const creation = challengeBody.readUInt32BE(13);
    const length = challengeBody.readUInt16BE(17);
    if (challengeBody.length < 19 + length) throw new HandshakeError('malformed challenge message');
    const peer: Peer = { flags, creation, name: challengeBody.toString('utf8', 19, 19 + length) };
    if (peer.name !== expected) throw new HandshakeError(`connected to ${peer.name}, expected ${expected}`);
    checkFlags(peer);
    const ours = newChallenge();
    const reply = Buffer.alloc(21);
    reply[0] = 0x72; // 'r'
    reply.writeUInt32BE(ours, 1);
    digest(challenge, self.cookie).copy(reply, 5);
    stream.write(reply);
    const ack = await stream.read();
    if (ack[0] !== 0x61 || ack.length < 17 || !sameDigest(ack.subarray(1, 17), digest(ours, self.cookie))) {
      // Quiet, as erl's connecting side: the acceptor reports a refused cookie.
      throw new HandshakeError(`${expected} answered the challenge with a wrong digest`);
    }
    stream.detach();
    return { peer, leftover: stream.reader.rest() };
  } catch (err) {
    stream.detach();
    throw wrap(err);
  }
}

/** How the accepting side decides about a peer that is already connected or connecting. */
export interface AcceptPolicy {
  /** 'ok', or 'nok' (we are connecting to it ourselves and win), 'alive' (already connected), 'not_allowed'. */
  statusFor(peer: Peer): 'ok' | 'ok_simultaneous' | 'nok' | 'alive' | 'not_allowed';
}

/** Side B: `socket` connected to us. */
export async function handshakeAsAcceptor(socket: net.Socket, self: HandshakeSelf, policy: AcceptPolicy, timeoutMs = HANDSHAKE_TIMEOUT_MS): Promise<Handshaken & { replaced: boolean }> {
  const stream = new HandshakeStream(socket, timeoutMs);
  try {
    const claimed = parseName(await stream.read());
    checkFlags(claimed);
    const verdict = policy.statusFor(claimed);
    stream.write(status(verdict));
    let replaced = false;
    if (verdict === 'alive') {
      const answer = await stream.read();
      if (answer.toString('latin1') !== 'strue') throw new HandshakeError(`${claimed.name} kept its other connection`, undefined, 'false');
      replaced = true;
    } else if (verdict !== 'ok' && verdict !== 'ok_simultaneous') {
      throw new HandshakeError(`connection from ${claimed.name} refused (${verdict})`, undefined, verdict);
    }
    const ours = newChallenge();
    const name = Buffer.from(self.name, 'utf8');
    const challenge = Buffer.alloc(19 + name.length);
    challenge[0] = 0x4e; // 'N'
    challenge.writeBigUInt64BE(self.flags, 1);
    challenge.writeUInt32BE(ours, 9);
    challenge.writeUInt32BE(self.creation >>> 0, 13);
    challenge.writeUInt16BE(name.length, 17);
    name.copy(challenge, 19);
    stream.write(challenge);
    const reply = await stream.read();
    if (reply[0] !== 0x72 || reply.length < 21) throw new HandshakeError('malformed challenge reply');
    if (!sameDigest(reply.subarray(5, 21), digest(ours, self.cookie))) {
      throw new HandshakeError(`${claimed.name} answered the challenge with a wrong digest`,
        `** Connection attempt from node ${erlangAtom(claimed.name)} rejected. Invalid challenge reply. **`);
    }
    const ack = Buffer.alloc(17);
    ack[0] = 0x61; // 'a'
    digest(reply.readUInt32BE(1), self.cookie).copy(ack, 1);
    stream.write(ack);
    stream.detach();
    return { peer: claimed, leftover: stream.reader.rest(), replaced };
  } catch (err) {
    stream.detach();
    throw wrap(err);
  }
}

/** A node name as erl's reports print it (`~w`): quoted when it is not a plain atom. */
function erlangAtom(name: string): string {
  return /^[a-z][A-Za-z0-9_@]*$/.test(name) ? name : `'${name.replace(/['\\]/g, '\\$&')}'`;
}

function wrap(err: unknown): HandshakeError {
  return err instanceof HandshakeError ? err : new HandshakeError(err instanceof Error ? err.message : String(err));
}

