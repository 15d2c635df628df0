// The text being typed at a prompt and the editing operations on it, with the keys that run
// them on any input line (`applyKey`). The buffer holds the whole input, continuation lines
// included (joined with '\n'), so a multi-line entry recalled from history edits like any
// other; Home/End and the kill commands act on the cursor's line.
// Drawing is not done here: src/io/interleave.ts draws a `PromptView` built from this state.

import type { KeyName } from './keys';

const WORD_CHAR = /[\p{L}\p{N}_$]/u;

export class LineEditor {
  text = '';
  /** Index into `text` (UTF-16 units, always on a code point boundary). */
  cursor = 0;
  private killed = '';

  set(text: string, cursor = text.length): void {
    this.text = text;
    this.cursor = cursor;
  }

  clear(): void {
    this.set('');
  }

  insert(s: string): void {
    this.text = this.text.slice(0, this.cursor) + s + this.text.slice(this.cursor);
    this.cursor += s.length;
  }

  /** Replaces text[from, cursor) with `s` (used by completion). */
  replaceBeforeCursor(from: number, s: string): void {
    this.text = this.text.slice(0, from) + s + this.text.slice(this.cursor);
    this.cursor = from + s.length;
  }

  backspace(): void {
    if (this.cursor === 0) return;
    const from = prevBoundary(this.text, this.cursor);
    this.text = this.text.slice(0, from) + this.text.slice(this.cursor);
    this.cursor = from;
  }

  deleteForward(): void {
    if (this.cursor >= this.text.length) return;
    this.text = this.text.slice(0, this.cursor) + this.text.slice(nextBoundary(this.text, this.cursor));
  }

  left(): void {
    this.cursor = prevBoundary(this.text, this.cursor);
  }

  right(): void {
    this.cursor = nextBoundary(this.text, this.cursor);
  }

  home(): void {
    this.cursor = this.lineStart();
  }

  end(): void {
    this.cursor = this.lineEnd();
  }

  wordLeft(): void {
    this.cursor = wordStartBefore(this.text, this.cursor);
  }

  wordRight(): void {
    this.cursor = wordEndAfter(this.text, this.cursor);
  }

  /** Ctrl-K: kill to the end of the cursor's line. */
  killToEnd(): void {
    this.kill(this.cursor, this.lineEnd());
  }

  /** Ctrl-U: kill to the start of the cursor's line. */
  killToStart(): void {
    this.kill(this.lineStart(), this.cursor);
  }

  /** Ctrl-W: kill the whitespace-delimited word before the cursor (bash's unix-word-rubout). */
  killBigWordBack(): void {
    let from = this.cursor;
    while (from > this.lineStart() && /\s/.test(this.text[from - 1])) from--;
    while (from > this.lineStart() && !/\s/.test(this.text[from - 1])) from--;
    this.kill(from, this.cursor);
  }

  /** Alt-Backspace: kill the identifier-like word before the cursor. */
  killWordBack(): void {
    this.kill(wordStartBefore(this.text, this.cursor), this.cursor);
  }

  /** Alt-D: kill the word after the cursor. */
  killWordForward(): void {
    this.kill(this.cursor, wordEndAfter(this.text, this.cursor));
  }

  /** Ctrl-Y: insert the last killed text. */
  yank(): void {
    this.insert(this.killed);
  }

  /**
   * The editing keys every input line takes, the prompt's and the User switch menu's alike
   * (the prompt adds word keys, yank and history). False for any other key.
   */
  applyKey(name: KeyName): boolean {
    switch (name) {
      case 'backspace': this.backspace(); return true;
      case 'delete': this.deleteForward(); return true;
      case 'left': case 'ctrl-b': this.left(); return true;
      case 'right': case 'ctrl-f': this.right(); return true;
      case 'home': case 'ctrl-a': this.home(); return true;
      case 'end': case 'ctrl-e': this.end(); return true;
      case 'ctrl-k': this.killToEnd(); return true;
      case 'ctrl-u': this.killToStart(); return true;
      case 'ctrl-w': this.killBigWordBack(); return true;
      default: return false;
    }
  }

  /** The cursor's line and the cursor's offset in it (what completion works on). */
  currentLine(): { line: string; cursor: number; start: number } {
    const start = this.lineStart();
    return { line: this.text.slice(start, this.lineEnd()), cursor: this.cursor - start, start };
  }

  private kill(from: number, to: number): void {
    if (to <= from) return;
    this.killed = this.text.slice(from, to);
    this.text = this.text.slice(0, from) + this.text.slice(to);
    this.cursor = from;
  }

  private lineStart(): number {
    return this.text.lastIndexOf('\n', this.cursor - 1) + 1;
  }

  private lineEnd(): number {
    const nl = this.text.indexOf('\n', this.cursor);
    return nl < 0 ? this.text.length : nl;
  }
}

function prevBoundary(s: string, i: number): number {
  if (i <= 0) return 0;
  const low = s.charCodeAt(i - 1);
  return low >= 0xdc00 && low <= 0xdfff && i >= 2 ? i - 2 : i - 1;
}

function nextBoundary(s: string, i: number): number {
  if (i >= s.length) return s.length;
  const high = s.charCodeAt(i);
  return high >= 0xd800 && high <= 0xdbff && i + 1 < s.length ? i + 2 : i + 1;
}

function wordStartBefore(s: string, i: number): number {
  while (i > 0 && !WORD_CHAR.test(s[i - 1])) i--;
  while (i > 0 && WORD_CHAR.test(s[i - 1])) i--;
  return i;
}

function wordEndAfter(s: string, i: number): number {
  while (i < s.length && !WORD_CHAR.test(s[i])) i++;
  while (i < s.length && WORD_CHAR.test(s[i])) i++;
  return i;
}
