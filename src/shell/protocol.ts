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
  /** A question from the BREAK menu (Ctrl-C on an empty line) or the User switch command
   *  menu (Ctrl-G); see MenuRequest. Answered by `menu-answer` or `job-connected`. */
  | (MenuRequest & { id: number })
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
  /** Free uses of each name replaced by the expression (the job's names, scopedInput.ts). */
  define?: Record<string, string>;
}

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
  | { t: 'halt'; code: number }
  /**
   * Compile TypeScript with esbuild's service, which runs in the terminal thread: its child
   * process outlives a replaced evaluator thread instead of staying behind as a zombie.
   */
  | { t: 'transform'; id: number; source: string; options: TransformRequestOptions };

/** What the terminal's sessions handle: everything but `transform`, which the connection
 *  answers itself (src/shell/terminal/esbuildService.ts). */
export type SessionMessage = Exclude<FromEvaluator, { t: 'transform' }>;

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
  | { t: 'kill-job'; job?: number }
  /** BREAK (k)ill, when nothing runs away: kill the process flooding the output, if one does. */
  | { t: 'kill-printer' };

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
  /** See evaluatorThreadHealth.ts; a fresh one for every worker. */
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
  distribution?: { name?: string; cookie?: string; tickTime?: number; remsh?: string };
  /** --observer: start the observer once the evaluator is ready. */
  observer?: boolean;
}

const isText = (v: unknown): v is string => typeof v === 'string';
const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0;
const isOptionalText = (v: unknown): boolean => v === undefined || typeof v === 'string';

/**
 * Whether `msg` is a well-formed FromEvaluator: the terminal checks every message, so that
 * nothing a worker sends (a bug, or user code that reached the port) can take it down.
 */
export function isFromEvaluator(msg: unknown): msg is FromEvaluator {
  if (typeof msg !== 'object' || msg === null) return false;
  const m = msg as Record<string, unknown>;
  switch (m.t) {
    case 'ready':
      return isCount(m.prompt) && isOptionalText(m.node);
    case 'output':
      return isText(m.text);
    case 'result':
      return isCount(m.id) && isText(m.text) && typeof m.ok === 'boolean' && isCount(m.prompt) && isOptionalText(m.node);
    case 'completion':
      return isCount(m.id) && isCount(m.replaceFrom) && Array.isArray(m.candidates) && m.candidates.every(isText);
    case 'menu-answer':
      return isCount(m.id) && isText(m.text);
    case 'job-connected':
      return isCount(m.id) && isCount(m.prompt) && (m.evaluating === undefined || isCount(m.evaluating)) && typeof m.fresh === 'boolean';
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
    key === 'sourcemap' ? value === 'inline' || typeof value === 'boolean'
      : key === 'define' ? typeof value === 'object' && value !== null && Object.values(value).every(isText)
      : TRANSFORM_TEXT_OPTIONS.has(key) && isText(value),
  );
}
