// Messages between the terminal thread (src/shell/terminal/main.ts) and the evaluator thread
// (src/shell/evaluator/evaluatorThread.ts). Only the terminal thread writes to the terminal.

/** Sent by the terminal thread. */
export type ToEvaluator =
  /** A complete input (main has already checked `isComplete` from src/shell/forms.ts). */
  | { t: 'eval'; id: number; source: string }
  /** Tab pressed: candidates for the text before the cursor. */
  | { t: 'complete'; id: number; line: string; cursor: number }
  /** Ctrl-C while an evaluation runs: stop it (the job's evaluator process dies and is
   *  replaced, as in Eshell; the thread stays). */
  | { t: 'interrupt' }
  /** A question from the BREAK menu (Ctrl-C on an empty line) or the User switch command
   *  menu (Ctrl-G); see MenuRequest. Answered by `menu-answer` or `job-connected`. */
  | (MenuRequest & { id: number })
  /** The terminal was resized: width for printing terms (pretty-printing, tables). */
  | { t: 'resize'; columns: number }
  /** The terminal is going away (Ctrl-D, q(), SIGTERM, SIGHUP): stop cleanly. */
  | { t: 'shutdown' };

/** Sent by the evaluator thread. */
export type FromEvaluator =
  /** The runtime is up; `prompt` is the first prompt number; `node` this node's name when it
   *  is alive (the prompt shows it, as erl's `(ping@host)1>`). */
  | { t: 'ready'; prompt: number; node?: string }
  /** Text printed by a process (io.format, console.log, crash reports); already ends with '\n'
   *  unless the process printed a partial line. */
  | { t: 'output'; text: string }
  /** An evaluation finished. `text` is the printed value or the exception message (may be
   *  empty for built-ins that print and return nothing worth showing, like Eshell's `ok`),
   *  `prompt` the number of the next prompt (unchanged after a syntax error). */
  | { t: 'result'; id: number; text: string; ok: boolean; prompt: number; node?: string }
  | { t: 'completion'; id: number; replaceFrom: number; candidates: string[] }
  /** The answer to a MenuRequest: text to print (may be empty: erl prints nothing after a
   *  successful `s`, `k` or `i`). */
  | { t: 'menu-answer'; id: number; text: string }
  /** `connect-job` succeeded: the terminal now shows that job. `prompt` is its prompt number,
   *  `evaluating` the id of the `eval` it is still running (the terminal waits for its result
   *  instead of drawing a prompt), `fresh` is true the first time the job is connected (the
   *  terminal prints the banner, as a new Eshell does). */
  | { t: 'job-connected'; id: number; prompt: number; evaluating: number | undefined; fresh: boolean }
  /** cd(Dir) moved the shell: worker threads cannot chdir, so the terminal thread does it
   *  for the whole process (relative paths in user code follow). */
  | { t: 'chdir'; dir: string }
  /** q() / halt(): the terminal thread saves history, restores the terminal and exits. */
  | { t: 'halt'; code: number };

/**
 * One message per question the two menus ask the runtime. Answered only by the evaluator
 * thread (the menus' texts and help live with the menus in src/shell/terminal/terminalMenus.ts).
 * A job number left out means the current job (the one marked `*` by `j`), as in erl.
 */
export type MenuRequest =
  /** BREAK (p)roc info: the process table. */
  | { t: 'process-info' }
  /** BREAK (i)nfo: memory figures of the runtime. */
  | { t: 'system-info' }
  /** BREAK (l)oaded: the loaded modules. */
  | { t: 'loaded-modules' }
  /** BREAK (v)ersion; also BREAK (k)ill's probe (any answer means the thread is free). */
  | { t: 'version' }
  /** Ctrl-G j: the jobs, `*` on the current one. */
  | { t: 'list-jobs' }
  /** Ctrl-G s: start a new job and make it current (connect with `c`). */
  | { t: 'start-job' }
  /** Ctrl-G c [nn]: connect the terminal to a job. */
  | { t: 'connect-job'; job?: number }
  /** Ctrl-G i [nn]: stop the evaluation the job runs (its evaluator exits with `killed`). */
  | { t: 'interrupt-job'; job?: number }
  /** Ctrl-G k [nn]: kill the job; no job is current until `s`. */
  | { t: 'kill-job'; job?: number };

/** For the `default` of a switch over messages: the type checker proves it is never reached,
 *  so a new message type cannot be forgotten by one side. */
export function unreachable(value: never): never {
  throw new Error(`unexpected message ${JSON.stringify(value)}`);
}

/** The worker data the evaluator thread receives from the terminal thread. */
export interface EvaluatorWorkerData {
  /** BUSY_SLOTS (src/runtime/busySlots.ts): the runtime writes them, the terminal reads them. */
  shared: SharedArrayBuffer;
  /**
   * The sigint anchor's slots (null without one): the evaluator starts at the same time as the
   * anchor and waits for it (waitForAnchor) before it runs any code under the SIGINT watchdog.
   */
  anchor: SharedArrayBuffer | null;
  /** See evaluatorHealth.ts; a fresh one for every worker. */
  health: SharedArrayBuffer;
  /** `-pa` directories and ESHELL_TS_PATH, searched first. */
  pathDirs: string[];
  color: boolean;
  cwd: string;
  tty: boolean;
  columns: number;
  /** Evaluate the startup file (.eshell-ts.ts) first: interactive sessions without --no-rc. */
  startupFile: boolean;
  /** --watch: load every module again whenever its source file is saved. */
  watch: boolean;
  /** -sname/-name (start distribution before the first prompt), -setcookie, -kernel net_ticktime. */
  distribution?: { name?: string; cookie?: string; tickTime?: number };
  /** --observer: start the observer once the evaluator is ready. */
  observer?: boolean;
}

