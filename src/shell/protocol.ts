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
  /** A BREAK-menu (Ctrl-C on an empty line) or User-switch (Ctrl-G) query that needs the runtime:
   *  p = process info, i = system info, l = loaded modules, v = version,
   *  j = list jobs, s = start a new shell job, c = connect to job n, i = interrupt job n,
   *  k = kill job n. The answer is a `menu-answer` with text to print. */
  | { t: 'menu'; id: number; command: string; arg?: number }
  /** The terminal was resized: width for printing terms (pretty-printing, tables). */
  | { t: 'resize'; columns: number }
  /** The terminal is going away (Ctrl-D, q(), SIGTERM, SIGHUP): stop cleanly. */
  | { t: 'shutdown' };

/** Sent by the evaluator thread. */
export type FromEvaluator =
  /** The runtime is up; `prompt` is the first prompt number. */
  | { t: 'ready'; prompt: number }
  /** Text printed by a process (io.format, console.log, crash reports); already ends with '\n'
   *  unless the process printed a partial line. */
  | { t: 'output'; text: string }
  /** An evaluation finished. `text` is the printed value or the exception message (may be
   *  empty for built-ins that print and return nothing worth showing, like Eshell's `ok`),
   *  `prompt` the number of the next prompt (unchanged after a syntax error). */
  | { t: 'result'; id: number; text: string; ok: boolean; prompt: number }
  | { t: 'completion'; id: number; replaceFrom: number; candidates: string[] }
  /** `prompt`: the prompt number of the job now connected (after `c`, `k` or `s`). */
  | { t: 'menu-answer'; id: number; text: string; prompt: number }
  /** cd(Dir) moved the shell: worker threads cannot chdir, so the terminal thread does it
   *  for the whole process (relative paths in user code follow). */
  | { t: 'chdir'; dir: string }
  /** q() / halt(): the terminal thread saves history, restores the terminal and exits. */
  | { t: 'halt'; code: number };

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
  /** --observer: start the observer once the evaluator is ready. */
  observer?: boolean;
}

