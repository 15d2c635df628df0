// Input history: the file on disk and navigation through it (Up/Down, Ctrl-R).
//
// File format: one JSON-encoded string per line, so multi-line entries survive. Every entry is
// written with a single appendFileSync on a file opened O_APPEND: two shells writing at once
// interleave whole lines and never corrupt each other. A line that does not parse is skipped.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const HISTORY_LOAD_LIMIT = 1000;
/** Longer entries are kept in memory for this session but not written (keeps the file light). */
const HISTORY_ENTRY_MAX_CHARS = 64 * 1024;

export function defaultHistoryFile(env: NodeJS.ProcessEnv = process.env): string {
  return env.ESHELL_TS_HISTORY || path.join(os.homedir(), '.eshell_ts_history');
}

/** Reads the last `limit` entries; a missing or unreadable file is an empty history. */
export function loadHistoryFile(file: string, limit = HISTORY_LOAD_LIMIT): string[] {
  let raw: string;
  try {
    raw = fs.readFileSync(file, 'utf8');
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
      // a torn or hand-edited line: skip it, the rest of the history is still good
    }
  }
  return entries.slice(-limit);
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

/** Tightens an existing history file to owner-only: it may hold secrets typed at the prompt. */
function restrictHistoryFileMode(file: string): void {
  try {
    const { mode } = fs.statSync(file);
    if (mode & 0o077) fs.chmodSync(file, 0o600);
  } catch {
    // missing file: appendHistoryFile creates it with 0600
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
  constructor(private readonly file?: string) {}

  /** Reads the file (after the first prompt is up: nothing heavy before it). */
  load(): void {
    if (!this.file) return;
    restrictHistoryFileMode(this.file);
    this.entries.unshift(...loadHistoryFile(this.file));
    this.entries.splice(0, Math.max(0, this.entries.length - HISTORY_LOAD_LIMIT));
    this.resetBrowsing();
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
