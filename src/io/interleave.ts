// Process output and the line being typed share one terminal. The prompt and its input are a
// block of rows that we can erase and redraw; output is written where the block was and the
// block is redrawn beneath it, with the cursor where it was. So output never lands inside the
// line being typed, and since all output arrives on one channel it is never reordered.

import { ANSI_SEQUENCE, charWidth, displayWidth } from './textWidth';

/** What is on screen at a prompt: whole lines (prompt included) and where the cursor is. */
export interface PromptView {
  lines: string[];
  cursorLine: number;
  /** Index into lines[cursorLine]. */
  cursorIndex: number;
}

/** An escape sequence starting exactly at `lastIndex`. */
const ANSI_AT = new RegExp(ANSI_SEQUENCE.source, 'y');

interface Layout {
  text: string;
  endRow: number;
  cursorRow: number;
  cursorCol: number;
}

/**
 * Lays the view out on `columns`-wide rows the way the terminal will wrap it. When a row is
 * filled exactly the terminal keeps the cursor on it ("pending wrap"); we emit '\r\n' there so
 * the cursor's row is always known.
 */
export function layoutView(view: PromptView, columns: number): Layout {
  const cols = Math.max(1, columns);
  let row = 0;
  let col = 0;
  let cursorRow = 0;
  let cursorCol = 0;
  let text = '';
  view.lines.forEach((line, li) => {
    if (li > 0) {
      text += '\r\n';
      row++;
      col = 0;
    }
    const markCursor = (index: number) => {
      if (li === view.cursorLine && index === view.cursorIndex) {
        [cursorRow, cursorCol] = col >= cols ? [row + 1, 0] : [row, col];
      }
    };
    let i = 0;
    while (i < line.length) {
      ANSI_AT.lastIndex = i;
      const ansi = ANSI_AT.exec(line);
      if (ansi) {
        i += ansi[0].length;
        continue;
      }
      markCursor(i);
      const cp = line.codePointAt(i)!;
      [row, col] = placeChar(charWidth(cp), row, col, cols);
      i += cp > 0xffff ? 2 : 1;
    }
    markCursor(line.length);
    text += line;
    // A non-last line that fills its row exactly is left by the '\r\n' separator; the last
    // one steps onto a fresh row so the cursor position is certain.
    if (col >= cols && li === view.lines.length - 1) {
      text += '\r\n';
      row++;
      col = 0;
    }
  });
  return { text, endRow: row, cursorRow, cursorCol };
}

/** Where the cursor is after a character `width` columns wide, wrapping as the terminal does. */
function placeChar(width: number, row: number, col: number, cols: number): [number, number] {
  if (width > 0 && col + width > cols) return [row + 1, width];
  return [row, col + width];
}

function up(n: number): string {
  return n > 0 ? `\x1b[${n}A` : '';
}

function right(n: number): string {
  return n > 0 ? `\x1b[${n}C` : '';
}

/** Draws, erases and redraws the prompt block; knows which row of the block the cursor is on. */
export class PromptDisplay {
  private view: PromptView | undefined;
  private cursorRow = 0;
  private cursorCol = 0;
  /** False when the last thing written outside the block did not end a line. */
  private atLineStart = true;

  /** Plain mode (TERM=dumb): how wide the row drawn last is, to blank it with spaces. */
  private plainWidth = 0;

  constructor(
    private readonly write: (s: string) => void,
    private readonly columns: () => number,
    /**
     * TERM=dumb: no escape sequences. Only the cursor's line is redrawn, with carriage return,
     * spaces and backspaces; lines above it stay on screen as they were typed.
     */
    private readonly plain = false,
  ) {}

  get shown(): boolean {
    return this.view !== undefined;
  }

  /** Draws `view`, replacing the block on screen (if any). */
  show(view: PromptView): void {
    const appended = this.appendedSequence(view);
    if (appended !== undefined) return this.write(appended);
    if (this.plain && this.view && view.cursorLine > this.view.cursorLine) {
      // A continuation line: the line above stays, as typed.
      this.view = undefined;
      return this.write('\r\n' + this.drawSequence(view));
    }
    this.write(this.eraseSequence() + this.drawSequence(view));
  }

  /**
   * When `view` only adds text at the end of the last line, with the cursor at the end before
   * and after (typing, or a paste arriving in chunks), the new characters alone: redrawing the
   * whole block for every chunk of a 1 MB line wrote hundreds of megabytes.
   */
  private appendedSequence(view: PromptView): string | undefined {
    const old = this.view;
    const last = view.lines.length - 1;
    if (!old || old.lines.length !== view.lines.length || old.cursorLine !== last || view.cursorLine !== last) return undefined;
    const before = old.lines[last];
    const after = view.lines[last];
    if (old.cursorIndex !== before.length || view.cursorIndex !== after.length || after.length <= before.length) return undefined;
    if (!after.startsWith(before)) return undefined;
    for (let i = 0; i < last; i++) if (old.lines[i] !== view.lines[i]) return undefined;
    const suffix = after.slice(before.length);
    if (suffix.includes('\x1b')) return undefined;
    const cols = Math.max(1, this.columns());
    let row = this.cursorRow;
    let col = this.cursorCol;
    for (let i = 0; i < suffix.length; ) {
      const cp = suffix.codePointAt(i)!;
      [row, col] = placeChar(charWidth(cp), row, col, cols);
      i += cp > 0xffff ? 2 : 1;
    }
    let text = suffix;
    this.plainWidth += displayWidth(suffix);
    if (col >= cols && !this.plain) {
      // as layoutView does: step onto a fresh row so the cursor's row stays certain
      text += '\r\n';
      row++;
      col = 0;
    }
    this.view = view;
    this.cursorRow = row;
    this.cursorCol = col;
    return text;
  }

  /** Writes text where the block is and redraws the block beneath it. */
  writeAbove(text: string): void {
    const view = this.view;
    if (!view) return this.writeDirect(text);
    this.write(this.eraseSequence() + text + this.drawSequence(view));
  }

  /** Text written while no prompt is shown (an evaluation runs). */
  writeDirect(text: string): void {
    if (!text) return;
    this.write(text);
    this.atLineStart = text.endsWith('\n');
  }

  /** Ends a line left open by output, so that what follows starts on a fresh row. */
  ensureLineStart(): void {
    if (!this.atLineStart) this.writeDirect('\n');
  }

  /**
   * Leaves the block on screen as history and moves below it (Enter, Ctrl-C); from now on no
   * prompt is shown until the next show(). A blank block (a menu waiting for a key) can be
   * dropped instead, so it leaves no empty row behind.
   */
  leave(options: { dropIfBlank?: boolean } = {}): void {
    if (!this.view) return;
    if (options.dropIfBlank && this.view.lines.every((line) => !line.trim())) return this.hide();
    if (this.plain) this.write('\r\n');
    else {
      const layout = layoutView(this.view, this.columns());
      const down = layout.endRow - this.cursorRow;
      this.write((down > 0 ? `\x1b[${down}B` : '') + '\r\n');
    }
    this.view = undefined;
    this.cursorRow = 0;
    this.atLineStart = true;
  }

  /** Erases the block and forgets it (the menus replace the prompt). */
  hide(): void {
    this.write(this.eraseSequence());
  }

  /** After a terminal resize: the terminal re-wrapped the block, redraw it for the new width. */
  redraw(): void {
    const view = this.view;
    if (!view) return;
    // Assume the terminal re-flowed the rows; where the cursor sits now is our best estimate.
    this.cursorRow = layoutView(view, this.columns()).cursorRow;
    this.show(view);
  }

  /** Ctrl-L: clear the screen and draw the block at the top. */
  clearScreen(): void {
    const view = this.view;
    this.view = undefined;
    this.write(this.plain ? '\r\n' : '\x1b[H\x1b[2J');
    if (view) this.show(view);
  }

  private eraseSequence(): string {
    if (!this.view) return '';
    const s = this.plain ? `\r${' '.repeat(this.plainWidth)}\r` : up(this.cursorRow) + '\r\x1b[J';
    this.view = undefined;
    this.cursorRow = 0;
    this.cursorCol = 0;
    this.atLineStart = true;
    return s;
  }

  private drawSequence(view: PromptView): string {
    const prefix = this.atLineStart ? '' : '\r\n';
    this.atLineStart = true;
    if (this.plain) {
      const line = view.lines[view.cursorLine].replace(new RegExp(ANSI_SEQUENCE.source, 'g'), '');
      const before = view.lines[view.cursorLine].slice(0, view.cursorIndex).replace(new RegExp(ANSI_SEQUENCE.source, 'g'), '');
      this.view = view;
      this.cursorRow = 0;
      this.cursorCol = 0;
      this.plainWidth = displayWidth(line);
      return prefix + line + '\b'.repeat(this.plainWidth - displayWidth(before));
    }
    const layout = layoutView(view, this.columns());
    this.view = view;
    this.cursorRow = layout.cursorRow;
    this.cursorCol = layout.cursorCol;
    const last = view.lines.length - 1;
    // With the cursor at the very end, writing the text left it where it belongs.
    if (view.cursorLine === last && view.cursorIndex === view.lines[last].length) return prefix + layout.text;
    return prefix + layout.text + up(layout.endRow - layout.cursorRow) + '\r' + right(layout.cursorCol);
  }
}

/** Output is coalesced to at most one redraw per frame while a prompt is shown. */
const REDRAW_INTERVAL_MS = 16;
/** A partial line waits this long for its end before it is shown (with a newline). */
const PARTIAL_LINE_WAIT_MS = 30;

/**
 * Queues process output and writes it around the prompt block: in order, in whole lines,
 * in bursts of at most one per REDRAW_INTERVAL_MS so a process printing in a tight loop
 * cannot starve the keyboard.
 */
export class OutputInterleaver {
  private queued = '';
  private partialSince = 0;
  private lastFlush = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly display: PromptDisplay) {}

  output(text: string): void {
    if (!text) return;
    if (!this.display.shown && !this.queued) return this.display.writeDirect(text);
    this.queued += text;
    this.schedule();
  }

  /** Writes everything queued now, a held partial line included (before the prompt changes). */
  flush(): void {
    this.clearTimer();
    if (!this.queued) return;
    const text = this.queued;
    this.queued = '';
    this.partialSince = 0;
    this.lastFlush = Date.now();
    if (this.display.shown) this.display.writeAbove(text.endsWith('\n') ? text : text + '\n');
    else this.display.writeDirect(text);
  }

  private schedule(): void {
    if (this.timer) return;
    const now = Date.now();
    const wait = Math.max(0, this.lastFlush + REDRAW_INTERVAL_MS - now);
    this.timer = setTimeout(() => this.tick(), wait);
  }

  private tick(): void {
    this.timer = undefined;
    if (!this.display.shown) return this.flush();
    const now = Date.now();
    const lastNewline = this.queued.lastIndexOf('\n');
    const tail = this.queued.slice(lastNewline + 1);
    if (tail && !this.partialSince) this.partialSince = now;
    if (!tail || now - this.partialSince >= PARTIAL_LINE_WAIT_MS) return this.flush();
    // Write the complete lines now and hold the partial one a little longer.
    if (lastNewline >= 0) {
      this.display.writeAbove(this.queued.slice(0, lastNewline + 1));
      this.queued = tail;
      this.lastFlush = now;
    }
    this.timer = setTimeout(() => this.tick(), PARTIAL_LINE_WAIT_MS - (now - this.partialSince));
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }
}
