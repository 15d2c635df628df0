// Messages between the terminal thread (src/shell/terminal/main.ts) and the evaluator thread
// (src/shell/evaluator/evaluatorThread.ts). Only the terminal thread writes to the terminal.

/** Sent by the terminal thread. */
export type ToEvaluator =
  /** A complete input (main has already checked `isComplete` from src/shell/forms.ts). */
  | {
      t: 'eval'; id: number; source: string;
      /** `-e`: a promise the input evaluates to is awaited, so a rejection is an exception
       *  (and a non-zero exit status) rather than a value printed just before the exit. */
      awaitValue?: boolean;
    }
  /** Tab pressed: candidates for the text before the cursor. */
  | { t: 'complete'; id: number; line: string; cursor: number }
  /** Ctrl-C while an evaluation runs: stop it (the job's evaluator process dies and is
   *  replaced, as in Eshell; the thread stays). */
  | { t: 'interrupt' }
  /** A BREAK-menu (Ctrl-C on an empty line) or User-switch (Ctrl-G) query that needs the runtime:
   *  p = process info, i = system info, l = loaded modules, v = version,
   *  j = list jobs, s = start a new shell job, c = connect to job n, i = interrupt job n,
   *  k = kill job n, o = kill the process flooding the output (BREAK's k, when nothing runs
   *  away). The answer is a `menu-answer` with text to print. */
  | { t: 'menu'; id: number; command: string; arg?: number }
  /** The terminal was resized: width for printing terms (pretty-printing, tables). */
  | { t: 'resize'; columns: number }
  /** The terminal is going away (Ctrl-D, q(), SIGTERM, SIGHUP): stop cleanly. */
  | { t: 'shutdown' }
  /** esbuild's answer to a `transform`: the code, or esbuild's errors, or why esbuild failed. */
  | { t: 'transformed'; id: number; code?: string; warnings?: unknown[]; errors?: unknown[]; failure?: string };

/** The esbuild transform options the evaluator may ask the terminal thread for. */
export interface TransformRequestOptions {
  loader?: string;
  format?: string;
  platform?: string;
  target?: string;
  sourcefile?: string;
  sourcemap?: 'inline' | boolean;
  logLevel?: string;
}

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
  | { t: 'halt'; code: number }
  /**
   * Compile TypeScript with esbuild's service, which runs in the terminal thread: its child
   * process outlives a replaced evaluator thread instead of staying behind as a zombie.
   */
  | { t: 'transform'; id: number; source: string; options: TransformRequestOptions };

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
}

const isText = (v: unknown): v is string => typeof v === 'string';
const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0;

/**
 * Whether `msg` is a well-formed FromEvaluator: the terminal checks every message, so that
 * nothing a worker sends (a bug, or user code that reached the port) can take it down.
 */
export function isFromEvaluator(msg: unknown): msg is FromEvaluator {
  if (typeof msg !== 'object' || msg === null) return false;
  const m = msg as Record<string, unknown>;
  switch (m.t) {
    case 'ready':
      return isCount(m.prompt);
    case 'output':
      return isText(m.text);
    case 'result':
      return isCount(m.id) && isText(m.text) && typeof m.ok === 'boolean' && isCount(m.prompt);
    case 'completion':
      return isCount(m.id) && isCount(m.replaceFrom) && Array.isArray(m.candidates) && m.candidates.every(isText);
    case 'menu-answer':
      return isCount(m.id) && isText(m.text) && isCount(m.prompt);
    case 'chdir':
      return isText(m.dir);
    case 'halt':
      return typeof m.code === 'number' && Number.isInteger(m.code);
    case 'transform':
      return isCount(m.id) && isText(m.source) && isTransformOptions(m.options);
    default:
      return false;
  }
}

const TRANSFORM_TEXT_OPTIONS = new Set(['loader', 'format', 'platform', 'target', 'sourcefile', 'logLevel']);

function isTransformOptions(options: unknown): options is TransformRequestOptions {
  if (typeof options !== 'object' || options === null) return false;
  return Object.entries(options).every(([key, value]) =>
    key === 'sourcemap' ? value === 'inline' || typeof value === 'boolean' : TRANSFORM_TEXT_OPTIONS.has(key) && isText(value),
  );
}
