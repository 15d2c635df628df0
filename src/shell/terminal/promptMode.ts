// The keyboard at an `N> ` prompt: editing keys, history (Up/Down, Ctrl-R), Tab completion and
// Enter (evaluate a complete input, or open a continuation line).

import type { PromptView } from '../../io/interleave';
import type { History } from './history';
import type { KeyEvent, KeyName } from './keys';
import { LineEditor } from './lineEditor';
import { displayWidth } from '../../io/textWidth';
import { commonPrefix, formatColumns } from '../columns';
import type { TerminalMode } from './terminalMenus';

export interface PromptHost {
  promptNumber(): number;
  /** This node's name while it is alive: the prompt reads `(ping@host)1> ` as erl's does. */
  promptNode(): string | undefined;
  isComplete(source: string): boolean;
  /** Enter on a complete input. */
  submit(source: string): void;
  complete(line: string, cursor: number): Promise<{ replaceFrom: number; candidates: string[] }>;
  /** Ctrl-C on a non-empty input: keep it on screen, start over below it. */
  discardInput(): void;
  openBreakMenu(): void;
  openUserSwitch(): void;
  quit(code: number): void;
  redraw(): void;
  printAbove(text: string): void;
  clearScreen(): void;
  columns(): number;
  bell(): void;
}

export function promptText(n: number, node?: string): string {
  return node === undefined ? `${n}> ` : `(${node})${n}> `;
}

/** `.. `, right-aligned under the prompt: `1> ` → `.. `, `10> ` → ` .. `. */
function continuationPrompt(prompt: string): string {
  return '.. '.padStart(Math.max(3, displayWidth(prompt)));
}

type Search = { query: string; index: number; at: number; failed: boolean; original: string };

export class PromptMode implements TerminalMode {
  readonly editor = new LineEditor();
  private search: Search | undefined;
  private tabsInARow = 0;
  private completionSeq = 0;

  constructor(
    private readonly host: PromptHost,
    private readonly history: History,
  ) {}

  /** A fresh, empty prompt. */
  reset(): void {
    this.editor.clear();
    this.search = undefined;
    this.tabsInARow = 0;
    this.history.resetBrowsing();
  }

  view(): PromptView {
    if (this.search) return this.searchView(this.search);
    const prompt = promptText(this.host.promptNumber(), this.host.promptNode());
    const continuation = continuationPrompt(prompt);
    const { text, cursor } = this.editor;
    const lines = text.split('\n');
    const cursorLine = text.slice(0, cursor).split('\n').length - 1;
    const lineStart = text.lastIndexOf('\n', cursor - 1) + 1;
    const prefix = (i: number) => (i === 0 ? prompt : continuation);
    return {
      lines: lines.map((line, i) => prefix(i) + line),
      cursorLine,
      cursorIndex: prefix(cursorLine).length + cursor - lineStart,
    };
  }

  key(ev: KeyEvent): void {
    if (this.search) return this.searchKey(ev, this.search);
    this.tabsInARow = ev.kind === 'key' && ev.name === 'tab' ? this.tabsInARow + 1 : 0;
    if (ev.kind === 'text' || ev.kind === 'paste') {
      this.editor.insert(ev.text);
      return this.host.redraw();
    }
    this.editKey(ev.name);
  }

  private editKey(name: KeyName): void {
    const e = this.editor;
    switch (name) {
      case 'enter': return this.enter();
      case 'tab': return this.tab();
      case 'ctrl-c': return e.text ? this.host.discardInput() : this.host.openBreakMenu();
      case 'ctrl-g': return this.host.openUserSwitch();
      case 'ctrl-d':
        if (!e.text) return this.host.quit(0);
        e.deleteForward();
        break;
      case 'ctrl-l': return this.host.clearScreen();
      case 'ctrl-r': return this.startSearch();
      case 'up': case 'ctrl-p': {
        const entry = this.history.previous(e.text);
        if (entry === undefined) return this.host.bell();
        e.set(entry);
        break;
      }
      case 'down': case 'ctrl-n': {
        const entry = this.history.next();
        if (entry === undefined) return this.host.bell();
        e.set(entry);
        break;
      }
      case 'word-left': case 'meta-b': e.wordLeft(); break;
      case 'word-right': case 'meta-f': e.wordRight(); break;
      case 'meta-backspace': e.killWordBack(); break;
      case 'meta-d': e.killWordForward(); break;
      case 'ctrl-y': e.yank(); break;
      default:
        if (!e.applyKey(name)) return;
    }
    this.host.redraw();
  }

  private enter(): void {
    const source = this.editor.text;
    if (this.host.isComplete(source)) {
      this.history.add(source);
      return this.host.submit(source);
    }
    this.editor.set(source + '\n');
    this.host.redraw();
  }

  private tab(): void {
    const { line, cursor, start } = this.editor.currentLine();
    const before = this.editor.text;
    const seq = ++this.completionSeq;
    const tabs = this.tabsInARow;
    void this.host.complete(line, cursor).then(({ replaceFrom, candidates }) => {
      // Typing went on while we waited: the answer is for a line that no longer exists.
      if (seq !== this.completionSeq || this.editor.text !== before || this.search) return;
      if (candidates.length === 0) return this.host.bell();
      if (candidates.length === 1) {
        this.editor.replaceBeforeCursor(start + replaceFrom, candidates[0]);
        return this.host.redraw();
      }
      const prefix = commonPrefix(candidates);
      if (prefix.length > cursor - replaceFrom) {
        this.editor.replaceBeforeCursor(start + replaceFrom, prefix);
        return this.host.redraw();
      }
      if (tabs >= 2) return this.host.printAbove(formatColumns(candidates, this.host.columns()));
      this.host.bell();
    });
  }

  private startSearch(): void {
    this.search = { query: '', index: this.history.entries.length, at: 0, failed: false, original: this.editor.text };
    this.host.redraw();
  }

  private searchKey(ev: KeyEvent, s: Search): void {
    if (ev.kind === 'text' || ev.kind === 'paste') {
      s.query += ev.text;
      this.findMatch(s, Math.min(s.index + 1, this.history.entries.length));
      return this.host.redraw();
    }
    switch (ev.name) {
      case 'ctrl-r':
        if (s.query) this.findMatch(s, s.index);
        return this.host.redraw();
      case 'backspace':
        s.query = s.query.slice(0, -1);
        this.findMatch(s, this.history.entries.length);
        return this.host.redraw();
      case 'ctrl-g': case 'ctrl-c': case 'escape':
        this.search = undefined;
        this.editor.set(s.original);
        return this.host.redraw();
      default: {
        // Any other key accepts the match and then does its usual job (Enter evaluates it).
        this.search = undefined;
        const matched = this.history.entries[s.index];
        if (matched !== undefined && s.query) this.editor.set(matched, s.at);
        this.key(ev);
      }
    }
  }

  private findMatch(s: Search, before: number): void {
    const found = s.query ? this.history.searchBackward(s.query, before) : undefined;
    s.failed = !!s.query && !found;
    if (found) {
      s.index = found.index;
      s.at = found.at;
    }
  }

  private searchView(s: Search): PromptView {
    const label = `(${s.failed ? 'failed ' : ''}reverse-i-search)'${s.query}': `;
    const matched = s.query ? this.history.entries[s.index] ?? '' : '';
    // Show a multi-line entry on one row: its line breaks would break the search line.
    const shown = matched.replace(/\n/g, ' ');
    return { lines: [label + shown], cursorLine: 0, cursorIndex: label.length + (s.query ? s.at : 0) };
  }
}
