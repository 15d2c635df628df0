// The interactive terminal: routes keys to the current mode (prompt, BREAK menu, User switch
// menu), evaluator messages to the screen, and keeps the one invariant of the terminal
// thread: at any moment either a prompt block is drawn (and output is written above it) or an
// evaluation runs (and output is written straight out).

import { OutputInterleaver, PromptDisplay } from '../../io/interleave';
import type { ConnectionHandlers, EvaluatorConnection } from './evaluatorThreadConnection';
import type { History } from './history';
import { KeyDecoder, ESCAPE_TIMEOUT_MS, pasteAsKeys, type KeyEvent } from './keys';
import { PromptMode, type PromptHost } from './promptMode';
import { unreachable, type FromEvaluator, type SessionMessage, type MenuRequest } from '../protocol';
import {
  BREAK_MENU_TEXT, BreakMenu, USER_SWITCH_HEADER, UserSwitchMenu,
  type MenuHost, type MenuReply, type TerminalMode,
} from './terminalMenus';

export interface TerminalSessionOptions {
  history: History;
  isComplete(source: string): boolean;
  write(text: string): void;
  columns(): number;
  /** Restores the terminal, stops the threads and exits. */
  exit(code: number): void;
  /** Ctrl-Z: hand the terminal back and stop the process (job control). */
  suspend(): void;
  /** TERM=dumb: draw without escape sequences. */
  plain?: boolean;
  /** The node name the first prompt shows (-sname/-name), before the evaluator confirms it. */
  node?: string;
  /** The line a new job starts with (`Eshell-TS V… (abort with ^G)`), as at launch. */
  banner(): string;
}

export class TerminalSession implements ConnectionHandlers {
  private connection!: EvaluatorConnection;
  private readonly display: PromptDisplay;
  private readonly output: OutputInterleaver;
  private readonly prompt: PromptMode;
  private readonly decoder = new KeyDecoder();
  private escapeTimer: NodeJS.Timeout | undefined;
  /** Keys typed while an evaluation runs (type-ahead), replayed at the next prompt. They
   *  belong to the shell: a menu opened meanwhile takes only the keys typed after it. */
  private readonly typeAhead: KeyEvent[] = [];
  /** The result of an evaluation that ended while a menu had the keyboard: printed when the
   *  menu closes, above the prompt, where erl prints it. */
  private resultWhileInMenu = '';
  private menu: TerminalMode | undefined;
  private promptNumber = 1;
  /** This node's name while distribution runs, for the prompt. */
  private promptNode: string | undefined;
  private evaluating: number | undefined;
  private stopRunawayWatch: (() => void) | undefined;
  /** Requests waiting for their answer, by id; resolved with undefined if the thread is replaced. */
  private readonly pending = new Map<number, (answer: FromEvaluator | undefined) => void>();
  private closing = false;
  /** Runaways stopped and threads replaced on the user's behalf, for BREAK's k. */
  private runawaysStopped = 0;

  constructor(private readonly options: TerminalSessionOptions) {
    this.display = new PromptDisplay(options.write, options.columns, options.plain ?? false);
    this.promptNode = options.node;
    this.output = new OutputInterleaver(this.display);
    this.prompt = new PromptMode(this.promptHost(), options.history);
  }

  attach(connection: EvaluatorConnection): void {
    this.connection = connection;
  }

  /** Draws the first prompt (the banner is already out). */
  start(): void {
    this.showPrompt();
  }

  // ---- keyboard ------------------------------------------------------------------------------

  input(chunk: Buffer | string): void {
    this.handleKeys(this.decoder.feed(chunk));
    if (this.escapeTimer) clearTimeout(this.escapeTimer);
    this.escapeTimer = undefined;
    if (this.decoder.hasPending()) {
      this.escapeTimer = setTimeout(() => this.handleKeys(this.decoder.flush()), ESCAPE_TIMEOUT_MS);
    }
  }

  private handleKeys(events: KeyEvent[]): void {
    for (const ev of events) {
      const keys = ev.kind === 'paste' && !this.menu ? pasteAsKeys(ev.text) : [ev];
      for (const key of keys) {
        if (this.closing) return;
        if (key.kind === 'key' && key.name === 'ctrl-z') {
          this.drainKeys(); // what was typed before Ctrl-Z is on the line when we stop
          this.options.suspend();
          continue;
        }
        if (this.menu) {
          this.menu.key(key);
        } else if (this.evaluating !== undefined && key.kind === 'key' && key.name === 'ctrl-c') {
          // Ctrl-C and Ctrl-G act at once, even with type-ahead waiting.
          this.interrupt();
        } else if (this.evaluating !== undefined && key.kind === 'key' && key.name === 'ctrl-g') {
          this.openUserSwitch();
        } else {
          this.typeAhead.push(key);
          // One key at a time: a key that opens a menu hands the keys after it to the menu.
          this.drainKeys();
        }
      }
    }
  }

  private drainKeys(): void {
    while (this.typeAhead.length && !this.closing && !this.menu && this.evaluating === undefined) {
      this.prompt.key(this.typeAhead.shift()!);
    }
  }

  // ---- evaluator messages --------------------------------------------------------------------

  message(msg: SessionMessage): void {
    switch (msg.t) {
      case 'ready':
        if (this.evaluating === undefined && (msg.prompt !== this.promptNumber || msg.node !== this.promptNode)) {
          this.promptNumber = msg.prompt;
          this.promptNode = msg.node;
          this.redraw();
        }
        return;
      case 'output':
        return this.output.output(msg.text);
      case 'result':
        return this.result(msg);
      case 'job-connected':
        return this.connected(msg);
      case 'menu-answer':
      case 'completion':
        return this.answered(msg);
      case 'halt':
        return this.quit(msg.code);
      case 'chdir':
        return; // main.ts moves the whole process before messages reach the session
      default:
        return unreachable(msg);
    }
  }

  /** The answer goes to whoever asked. */
  private answered(msg: FromEvaluator & { id: number }): void {
    const waiting = this.pending.get(msg.id);
    this.pending.delete(msg.id);
    waiting?.(msg);
  }

  /**
   * Ctrl-G `c`: the terminal now shows that job, with its line numbers and, if it still runs an
   * evaluation, waiting for that one's result. An evaluation of the job left behind (or killed)
   * is no longer the terminal's business. A job shown the first time prints the banner.
   */
  private connected(msg: Extract<FromEvaluator, { t: 'job-connected' }>): void {
    if (msg.evaluating !== this.evaluating) {
      this.stopRunawayWatch?.();
      this.stopRunawayWatch = undefined;
      this.resultWhileInMenu = '';
      this.prompt.reset();
    }
    this.evaluating = msg.evaluating;
    this.promptNumber = msg.prompt;
    if (msg.fresh) this.resultWhileInMenu += this.options.banner();
    this.answered(msg);
  }

  strayOutput(text: string): void {
    this.output.output(text);
  }

  died(reason: string, wasReady: boolean): void {
    if (!wasReady) {
      this.output.flush();
      this.printLine(`*** evaluator thread failed to start: ${reason}\n`);
      return this.quit(1);
    }
    // Restart rather than exit: the session (history, screen) survives; the bindings and
    // processes, which lived in the worker, do not, and the user must know exactly what.
    this.carryOnWithNewEvaluator(`*** evaluator thread died: ${reason}`, () => {
      const lost = this.connection.lossSummary();
      this.connection.start();
      return lost;
    });
  }

  /** Ctrl-C could not reach the code holding the evaluator thread: replace the thread. */
  private replaceUnreachableEvaluator(): void {
    this.carryOnWithNewEvaluator(
      '*** the evaluator thread does not answer: code outside any process step (after an await, or in a callback) holds it',
      () => this.connection.restart(),
    );
  }

  private carryOnWithNewEvaluator(headline: string, replace: () => string): void {
    this.runawaysStopped++;
    this.output.flush();
    this.stopRunawayWatch?.();
    this.stopRunawayWatch = undefined;
    for (const waiting of this.pending.values()) waiting(undefined);
    this.pending.clear();
    const lost = replace();
    const lines = lost.split('\n').map((line) => `***   ${line}\n`).join('');
    this.printLine(`${headline}\n*** started a new evaluator thread: variable bindings and processes are lost, namely\n${lines}`);
    if (this.evaluating !== undefined) this.prompt.reset();
    this.evaluating = undefined;
    if (!this.menu) this.showPrompt();
    this.drainKeys();
  }

  private result(msg: Extract<FromEvaluator, { t: 'result' }>): void {
    if (msg.id !== this.evaluating) return;
    this.evaluating = undefined;
    this.stopRunawayWatch?.();
    this.stopRunawayWatch = undefined;
    this.promptNumber = msg.prompt;
    this.promptNode = msg.node;
    this.output.flush();
    const text = msg.text && !msg.text.endsWith('\n') ? msg.text + '\n' : msg.text;
    this.prompt.reset();
    if (this.menu) {
      // The menu keeps the keyboard; the result and the prompt come when it closes.
      this.resultWhileInMenu += text;
      return;
    }
    this.display.ensureLineStart();
    this.display.writeDirect(text);
    this.showPrompt();
    this.drainKeys();
  }

  // ---- actions -------------------------------------------------------------------------------

  private submit(source: string): void {
    this.output.flush();
    this.display.leave();
    const id = this.connection.nextId();
    this.evaluating = id;
    this.connection.send({ t: 'eval', id, source });
  }

  private interrupt(): void {
    this.connection.send({ t: 'interrupt' });
    // The evaluator answers an interrupt at once unless user code holds its thread: then the
    // watch stops that code with a real SIGINT.
    this.stopRunawayWatch ??= this.connection.watchRunaway({
      runaway: () => {},
      unreachable: () => this.replaceUnreachableEvaluator(),
    });
  }

  private request(msg: { t: 'complete'; line: string; cursor: number } | MenuRequest): Promise<FromEvaluator | undefined> {
    const id = this.connection.nextId();
    return new Promise((resolve) => {
      this.pending.set(id, resolve);
      this.connection.send({ ...msg, id });
    });
  }

  private ask(request: MenuRequest, rescue: boolean): Promise<MenuReply> {
    return new Promise((resolve) => {
      let stopWatch = (): void => {};
      const say = (text: string) => resolve({ text, connected: false });
      void this.request(request).then((answer) => {
        stopWatch();
        if (answer?.t === 'job-connected') resolve({ text: '', connected: true });
        else say(answer?.t === 'menu-answer' ? answer.text : '*** no answer: the evaluator thread restarted\n');
      });
      stopWatch = this.connection.watchRunaway({
        runaway: (pid) => {
          const who = `<0.${pid}.0>`;
          if (rescue) {
            this.runawaysStopped++;
            return this.printAbove(`*** runaway process ${who} stopped\n`);
          }
          stopWatch();
          say(`*** the evaluator is busy running ${who}; use 'i' or 'k' to stop it\n`);
        },
        unreachable: () => {
          // Replacing the thread answers the pending query (with "no answer") on the way.
          if (rescue) return this.replaceUnreachableEvaluator();
          say("*** the evaluator thread does not answer; use 'i' or 'k' to replace it\n");
        },
      }, rescue);
    });
  }

  /**
   * BREAK's (k)ill runaway: whatever holds the evaluator thread is stopped by the watch any
   * rescuing query runs; the query itself stops a process flooding the output. The shell
   * job and its bindings stay.
   */
  private async stopRunaway(): Promise<string> {
    const before = this.runawaysStopped;
    const answer = await this.ask({ t: 'kill-printer' }, true);
    return answer.text || (this.runawaysStopped === before ? '*** no runaway process\n' : '');
  }

  /** About to stop (Ctrl-Z): leave the block on screen and move below it, as a shell expects. */
  suspending(): void {
    this.output.flush();
    this.display.leave();
  }

  /** Continued after a stop (`fg`): the terminal is ours again, draw what was there. */
  resumed(): void {
    this.redraw();
  }

  quit(code: number): void {
    if (this.closing) return;
    this.closing = true;
    this.output.flush();
    this.display.leave({ dropIfBlank: true });
    this.options.exit(code);
  }

  /** Resize: redraw the block for the new width and tell the evaluator. */
  resized(): void {
    this.display.redraw();
    this.connection.send({ t: 'resize', columns: this.options.columns() });
  }

  private showPrompt(): void {
    this.display.show(this.prompt.view());
  }

  private redraw(): void {
    if (this.closing) return;
    if (this.menu) return this.display.show(this.menu.view());
    if (this.evaluating === undefined) this.showPrompt();
  }

  private printAbove(text: string): void {
    this.output.flush();
    this.display.writeAbove(text);
  }

  /** Prints a message on its own line whether or not a prompt is drawn. */
  private printLine(text: string): void {
    if (this.display.shown) return this.display.writeAbove(text);
    this.display.ensureLineStart();
    this.display.writeDirect(text);
  }

  private openBreakMenu(): void {
    this.output.flush();
    this.display.leave();
    this.display.writeDirect(BREAK_MENU_TEXT);
    this.menu = new BreakMenu(this.menuHost());
    this.redraw();
  }

  private openUserSwitch(): void {
    this.output.flush();
    if (this.display.shown) this.display.leave();
    else this.display.ensureLineStart();
    this.display.writeDirect(USER_SWITCH_HEADER);
    this.menu = new UserSwitchMenu(this.menuHost());
    this.redraw();
  }

  private closeMenu(): void {
    this.output.flush();
    this.display.hide();
    this.menu = undefined;
    const text = this.resultWhileInMenu;
    this.resultWhileInMenu = '';
    if (text) {
      this.display.ensureLineStart();
      this.display.writeDirect(text);
    }
    this.redraw();
    this.drainKeys();
  }

  private menuHost(): MenuHost {
    return {
      print: (text) => {
        this.output.flush();
        this.display.leave({ dropIfBlank: true });
        this.display.writeDirect(text);
        this.redraw();
      },
      ask: (request, rescue) => this.ask(request, rescue),
      stopRunaway: () => this.stopRunaway(),
      resume: () => this.closeMenu(),
      quit: (code) => this.quit(code),
      redraw: () => this.redraw(),
    };
  }

  private promptHost(): PromptHost {
    return {
      promptNumber: () => this.promptNumber,
      promptNode: () => this.promptNode,
      isComplete: (source) => this.options.isComplete(source),
      submit: (source) => this.submit(source),
      complete: async (line, cursor) => {
        const answer = await this.request({ t: 'complete', line, cursor });
        return answer?.t === 'completion' ? answer : { replaceFrom: cursor, candidates: [] };
      },
      discardInput: () => {
        this.output.flush();
        this.display.leave();
        this.prompt.reset();
        this.showPrompt();
      },
      openBreakMenu: () => this.openBreakMenu(),
      openUserSwitch: () => this.openUserSwitch(),
      quit: (code) => this.quit(code),
      redraw: () => this.redraw(),
      printAbove: (text) => this.printAbove(text),
      clearScreen: () => this.display.clearScreen(),
      columns: () => this.options.columns(),
      bell: () => this.options.write('\x07'),
    };
  }
}
