// Input history: the file on disk and navigation through it (Up/Down, Ctrl-R).
//
// File format: one JSON-encoded string per line, so multi-line entries survive. Every entry is
// written with a single appendFileSync on a file opened O_APPEND: two shells writing at once
// interleave whole lines and never corrupt each other. A line that does not parse is skipped.
// Only a regular file of this user is ever touched; one grown past a limit is compacted on
// start to its newest entries.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const HISTORY_LOAD_LIMIT = 1000;
/** Longer entries are kept in memory for this session but not written (keeps the file light). */
const HISTORY_ENTRY_MAX_CHARS = 64 * 1024;

export function defaultHistoryFile(env: NodeJS.ProcessEnv = process.env): string {
  return env.ESHELL_TS_HISTORY || path.join(os.homedir(), '.eshell_ts_history');
}

/** Only the end of a file is read: a history grown huge must not delay the first answer. */
const HISTORY_READ_TAIL_BYTES = 1024 * 1024;
/** A file larger than this is rewritten on start with the entries kept (the newest). */
const HISTORY_COMPACT_AT_BYTES = 2 * HISTORY_READ_TAIL_BYTES;

/** Reads the last `limit` entries; a missing or unreadable file is an empty history. */
export function loadHistoryFile(file: string, limit = HISTORY_LOAD_LIMIT): string[] {
  let raw: string;
  try {
    raw = readTail(file, HISTORY_READ_TAIL_BYTES);
  } catch {
    return [];
  }
  const entries: string[] = [];
  for (const line of raw.split('\n')) {
    if (!line) continue;
    try {
      const entry: unknown = JSON.parse(line);
      if (typeof entry === 'string' && entry.trim()) entries.push(entry);
    } catch {
      // a torn or hand-edited line (or the cut first line of a tail): skip it
    }
  }
  return entries.slice(-limit);
}

function readTail(file: string, bytes: number): string {
  const fd = fs.openSync(file, 'r');
  try {
    const size = fs.fstatSync(fd).size;
    const length = Math.min(size, bytes);
    const buffer = Buffer.alloc(length);
    fs.readSync(fd, buffer, 0, length, size - length);
    return buffer.toString('utf8');
  } finally {
    fs.closeSync(fd);
  }
}

/** Appends one entry as one line; returns false (and stays quiet) if the file can't be written. */
export function appendHistoryFile(file: string, entry: string): boolean {
  if (entry.length > HISTORY_ENTRY_MAX_CHARS) return false;
  try {
    // JSON.stringify escapes newlines and lone surrogates, so the line is always valid UTF-8.
    fs.appendFileSync(file, JSON.stringify(entry) + '\n', { mode: 0o600, flag: 'a' });
    return true;
  } catch {
    return false;
  }
}

/**
 * Whether the shell may use `file` for its history: missing (it will be created 0600), or a
 * regular file this user owns. Anything else (a directory, a device, another user's file) is
 * left untouched, and the reason is returned.
 */
export function historyFileProblem(file: string): string | undefined {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ENOENT' ? undefined : `cannot be read (${(error as Error).message})`;
  }
  if (stat.isDirectory()) return 'is a directory';
  if (!stat.isFile()) return 'is not a regular file';
  if (typeof process.getuid === 'function' && stat.uid !== process.getuid()) return 'belongs to another user';
  return undefined;
}

/** Tightens an existing history file to owner-only: it may hold secrets typed at the prompt. */
function restrictHistoryFileMode(file: string): void {
  try {
    const { mode } = fs.statSync(file);
    if (mode & 0o077) fs.chmodSync(file, 0o600);
  } catch {
    // missing file: appendHistoryFile creates it with 0600
  }
}

/** Rewrites a file grown past the limit with just `entries` (atomically: write, then rename). */
function compactHistoryFile(file: string, entries: readonly string[]): void {
  try {
    if (fs.statSync(file).size <= HISTORY_COMPACT_AT_BYTES) return;
    const temporary = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(temporary, entries.map((entry) => JSON.stringify(entry) + '\n').join(''), { mode: 0o600, flag: 'wx' });
    fs.renameSync(temporary, file);
  } catch {
    // compaction is housekeeping: the history still works uncompacted
  }
}

/**
 * The in-memory history plus a browsing cursor. `position === entries.length` means "at the
 * draft" (the text the user was typing before pressing Up), which is kept and given back.
 */
export class History {
  readonly entries: string[] = [];
  private position = 0;
  private draft = '';

  /** Entries typed this session go to `file`, if given; call load() to read the older ones. */
  constructor(private file?: string) {}

  /**
   * Reads the file (after the first prompt is up: nothing heavy before it). Returns a warning
   * when the file is not one the shell may use; the session then runs without saving history.
   */
  load(): string | undefined {
    if (!this.file) return undefined;
    const problem = historyFileProblem(this.file);
    if (problem !== undefined) {
      const warning = `*** history: ${this.file} ${problem}; running without saving history (set ESHELL_TS_HISTORY to a file)\n`;
      this.file = undefined;
      return warning;
    }
    restrictHistoryFileMode(this.file);
    const saved = loadHistoryFile(this.file);
    compactHistoryFile(this.file, saved);
    this.entries.unshift(...saved);
    this.entries.splice(0, Math.max(0, this.entries.length - HISTORY_LOAD_LIMIT));
    this.resetBrowsing();
    return undefined;
  }

  /** Records a submitted input: skips blanks and repeats of the previous entry. */
  add(entry: string): void {
    this.resetBrowsing();
    if (!entry.trim() || this.entries[this.entries.length - 1] === entry) return;
    this.entries.push(entry);
    if (this.entries.length > HISTORY_LOAD_LIMIT) this.entries.shift();
    this.position = this.entries.length;
    if (this.file) appendHistoryFile(this.file, entry);
  }

  resetBrowsing(): void {
    this.position = this.entries.length;
    this.draft = '';
  }

  /** Up: the previous entry, or undefined at the oldest. `current` is saved as the draft. */
  previous(current: string): string | undefined {
    if (this.position === 0) return undefined;
    if (this.position === this.entries.length) this.draft = current;
    return this.entries[--this.position];
  }

  /** Down: the next entry, the draft after the newest, undefined when already at the draft. */
  next(): string | undefined {
    if (this.position >= this.entries.length) return undefined;
    this.position++;
    return this.position === this.entries.length ? this.draft : this.entries[this.position];
  }

  /**
   * Reverse incremental search: the newest entry at index < `before` that contains `query`.
   * Returns its index and where the match starts, or undefined.
   */
  searchBackward(query: string, before = this.entries.length): { index: number; at: number } | undefined {
    for (let i = Math.min(before, this.entries.length) - 1; i >= 0; i--) {
      const at = this.entries[i].lastIndexOf(query);
      if (at >= 0) return { index: i, at };
    }
    return undefined;
  }
}
