// Length-prefixed frames over a byte stream: EPMD and the handshake use a 2-byte length,
// connected nodes a 4-byte one. The reader never allocates in proportion to a length it was
// told: a frame's bytes are gathered only as they arrive, and a length above the limit closes
// the stream before a byte of it is buffered.

export class FrameError extends Error {}

export class FrameReader {
  private chunks: Buffer[] = [];
  private buffered = 0;

  constructor(
    /** Bytes of the length prefix: 2 or 4. */
    public lengthBytes: 2 | 4,
    /** The largest frame accepted; anything larger is an error, not an allocation. */
    public maxFrame: number,
  ) {}

  push(chunk: Buffer): void {
    if (chunk.length === 0) return;
    this.chunks.push(chunk);
    this.buffered += chunk.length;
  }

  get size(): number {
    return this.buffered;
  }

  /** The next complete frame's body, or undefined until all of it has arrived. */
  next(): Buffer | undefined {
    const prefix = this.lengthBytes;
    if (this.buffered < prefix) return undefined;
    const head = this.peek(prefix);
    const length = prefix === 2 ? head.readUInt16BE(0) : head.readUInt32BE(0);
    if (length > this.maxFrame) throw new FrameError(`frame of ${length} bytes exceeds the limit of ${this.maxFrame}`);
    if (this.buffered < prefix + length) return undefined;
    this.skip(prefix);
    return this.take(length);
  }

  /** Exactly n bytes, or undefined until they have arrived. */
  take(n: number): Buffer | undefined {
    if (this.buffered < n) return undefined;
    const first = this.chunks[0];
    if (first !== undefined && first.length >= n) {
      // The common case: the whole frame is in the first chunk, a view and no copy.
      const out = first.subarray(0, n);
      if (first.length === n) this.chunks.shift();
      else this.chunks[0] = first.subarray(n);
      this.buffered -= n;
      return out;
    }
    const out = Buffer.allocUnsafe(n);
    let filled = 0;
    while (filled < n) {
      const chunk = this.chunks[0]!;
      const want = n - filled;
      if (chunk.length <= want) {
        chunk.copy(out, filled);
        filled += chunk.length;
        this.chunks.shift();
      } else {
        chunk.copy(out, filled, 0, want);
        this.chunks[0] = chunk.subarray(want);
        filled += want;
      }
    }
    this.buffered -= n;
    return out;
  }

  /** Everything buffered so far. */
  rest(): Buffer {
    return this.take(this.buffered) ?? Buffer.alloc(0);
  }

  private peek(n: number): Buffer {
    const first = this.chunks[0]!;
    if (first.length >= n) return first;
    const out = Buffer.allocUnsafe(n);
    let filled = 0;
    for (const chunk of this.chunks) {
      filled += chunk.copy(out, filled, 0, Math.min(chunk.length, n - filled));
      if (filled === n) break;
    }
    return out;
  }

  private skip(n: number): void {
    this.take(n);
  }
}

/** A frame with a 2-byte length prefix. */
export function frame16(body: Buffer): Buffer {
  if (body.length > 0xffff) throw new RangeError('frame too long for a 16-bit length');
  const out = Buffer.allocUnsafe(2 + body.length);
  out.writeUInt16BE(body.length, 0);
  body.copy(out, 2);
  return out;
}
