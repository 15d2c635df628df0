// Reads a module's source file once for both compiling and change detection: `mm()` compares
// the hash recorded at load time with the file's current hash, and `l(m)` reuses the cached
// compiled output while the hash is unchanged.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { displayName } from './codePath';
import type { Failure } from './failure';

export interface SourceText {
  text: string;
  /** sha1 of the file's bytes. */
  hash: string;
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

export function readSource(file: string): SourceText | Failure {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? 'eio';
    return { error: code === 'ENOENT' ? 'nofile' : code.toLowerCase(), message: `${displayName(file)}: ${(e as Error).message}` };
  }
  const text = decodeText(bytes);
  if (text === undefined) {
    return { error: 'not_text', message: `${displayName(file)}: not a text source file (binary or not UTF-8)` };
  }
  return { text, hash: hashOf(bytes) };
}

/** Source that came as text, not from a file (a module another node sent, see nl/1). */
export function sourceOfText(text: string): SourceText {
  return { text, hash: hashOf(Buffer.from(text, 'utf8')) };
}

/** The sha1 of a file now, or undefined when it cannot be read. */
export function currentHash(file: string): string | undefined {
  try {
    return hashOf(readFileSync(file));
  } catch {
    return undefined;
  }
}

function hashOf(bytes: Buffer): string {
  return createHash('sha1').update(bytes).digest('hex');
}

/** UTF-8 text without NUL bytes, which no source file contains but every binary does. */
function decodeText(bytes: Buffer): string | undefined {
  if (bytes.includes(0)) return undefined;
  try {
    return strictUtf8.decode(bytes);
  } catch {
    return undefined;
  }
}
