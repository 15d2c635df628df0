// Eshell's two escape hatches: the BREAK menu (Ctrl-C on an empty prompt) and the User switch
// command mode (Ctrl-G). Both take over the keyboard until the user goes back to the prompt.

import type { PromptView } from '../../io/interleave';
import type { MenuRequest } from '../protocol';
import type { KeyEvent } from './keys';
import { LineEditor } from './lineEditor';

/** What the runtime answered: text to print, and whether the terminal is now connected to a job. */
export interface MenuReply {
  text: string;
  connected: boolean;
}

/** What a menu needs from the terminal session. */
export interface MenuHost {
  /** Prints text above the menu's input line. */
  print(text: string): void;
  /**
   * Sends a menu query and resolves with the answer. If the worker is stuck in runaway code,
   * `rescue` stops that code first; without it the query gives up and says the worker is busy.
   */
  ask(request: MenuRequest, rescue: boolean): Promise<MenuReply>;
  /** BREAK's (k)ill runaway: stops whatever holds the evaluator thread; resolves with text. */
  stopRunaway(): Promise<string>;
  /** Leaves the menu: back to the prompt (or to the evaluation that was running). */
  resume(): void;
  quit(code: number): void;
  /** The menu's input line changed: redraw it. */
  redraw(): void;
}

/** A keyboard mode of the terminal: the prompt's editor, a search, a menu. */
export interface TerminalMode {
  key(ev: KeyEvent): void;
  view(): PromptView;
}

export const BREAK_MENU_TEXT =
  'BREAK: (a)bort (c)ontinue (p)roc info (i)nfo (l)oaded\n' +
  '       (v)ersion (k)ill runaway\n';

/** Waits for one key: a, c, p, i, l, v or k. */
export class BreakMenu implements TerminalMode {
  private waiting = false;

  constructor(private readonly host: MenuHost) {}

  key(ev: KeyEvent): void {
    if (this.waiting) return;
    if (ev.kind === 'key' && ev.name === 'ctrl-c') return this.host.quit(0);
    if (ev.kind !== 'text') return;
    const choice = ev.text[0];
    switch (choice) {
      case 'a':
        return this.host.quit(0);
      case 'c':
        return this.host.resume();
      case 'p':
        return this.answer(this.host.ask({ t: 'process-info' }, true).then((reply) => reply.text));
      case 'i':
        return this.answer(this.host.ask({ t: 'system-info' }, true).then((reply) => reply.text));
      case 'l':
        return this.answer(this.host.ask({ t: 'loaded-modules' }, true).then((reply) => reply.text));
      case 'v':
        return this.answer(this.host.ask({ t: 'version' }, true).then((reply) => reply.text));
      case 'k':
        return this.answer(this.host.stopRunaway());
      default:
        // Erlang ignores anything else and keeps waiting for a choice.
        return;
    }
  }

  view(): PromptView {
    return { lines: [''], cursorLine: 0, cursorIndex: 0 };
  }

  /** Prints the answer, then back to the prompt: BREAK answers one question. */
  private answer(text: Promise<string>): void {
    this.waiting = true;
    this.host.redraw();
    void text.then((answer) => {
      this.host.print(answer);
      this.host.resume();
    });
  }
}

export const USER_SWITCH_HEADER = "User switch command (enter 'h' for help)\n";
const USER_SWITCH_PROMPT = ' --> ';

const USER_SWITCH_HELP =
  '  c [nn]            - connect to job\n' +
  '  i [nn]            - interrupt job\n' +
  '  k [nn]            - kill job\n' +
  '  j                 - list all jobs\n' +
  '  s [shell]         - start local shell\n' +
  '  q                 - quit eshell-ts\n' +
  '  ? | h             - this message\n';

/** The ` --> ` line: j, s, c [nn], i [nn], k [nn], q, h / ?. */
export class UserSwitchMenu implements TerminalMode {
  private readonly editor = new LineEditor();
  private waiting = false;

  constructor(private readonly host: MenuHost) {}

  key(ev: KeyEvent): void {
    if (this.waiting) return;
    if (ev.kind === 'text' || ev.kind === 'paste') {
      this.editor.insert(ev.text.replace(/[\r\n\t]/g, ' '));
      return this.host.redraw();
    }
    switch (ev.name) {
      case 'enter':
        return this.run(this.editor.text.trim());
      case 'ctrl-d': this.editor.deleteForward(); break;
      default:
        if (!this.editor.applyKey(ev.name)) return;
    }
    this.host.redraw();
  }

  view(): PromptView {
    return {
      lines: [USER_SWITCH_PROMPT + this.editor.text],
      cursorLine: 0,
      cursorIndex: USER_SWITCH_PROMPT.length + this.editor.cursor,
    };
  }

  /** Runs a command line; its text stays on screen above the answer, as in Erlang. */
  private run(line: string): void {
    const match = /^([a-z?])(?:\s+(\d+))?$/.exec(line);
    const command = match?.[1];
    const arg = match?.[2] === undefined ? undefined : Number(match[2]);
    if (!line) return this.answerWith('');
    switch (command) {
      case 'h':
      case '?':
        return this.answerWith(USER_SWITCH_HELP);
      case 'q':
        return this.host.quit(0);
      case 'j':
        return this.ask({ t: 'list-jobs' }, false);
      case 's':
        return this.ask({ t: 'start-job' }, false);
      case 'c':
        return this.ask({ t: 'connect-job', ...(arg === undefined ? {} : { job: arg }) }, false);
      case 'i':
        return this.ask({ t: 'interrupt-job', ...(arg === undefined ? {} : { job: arg }) }, true);
      case 'k':
        return this.ask({ t: 'kill-job', ...(arg === undefined ? {} : { job: arg }) }, true);
      default:
        return this.answerWith('Unknown command\n');
    }
  }

  private answerWith(text: string): void {
    this.editor.clear();
    this.host.print(text);
  }

  /** Asks the runtime; `c` leaves the menu once connected, everything else stays in it (a
   *  failed `c` too: erl says `Unknown job` and waits for another command). */
  private ask(request: MenuRequest, rescue: boolean): void {
    this.waiting = true;
    void this.host.ask(request, rescue).then((reply) => {
      this.waiting = false;
      this.answerWith(reply.text);
      if (reply.connected) this.host.resume();
    });
  }
}
