// Recorded sessions, for talks and docs: `--record FILE` writes the session as an asciinema v2
// file, `--replay FILE` types its input into a fresh shell. Loaded only with those options
// (dist/recording.js): an ordinary start never pays for it.
//
// The file: a header line `{"version": 2, "width", "height", "timestamp", "env", ...}`, then
// one event per line, `[seconds, code, data]`:
//   "o"  text the terminal thread wrote (what asciinema players show)
//   "i"  bytes typed on the keyboard
//   "m"  a marker (a chapter in asciinema's player): "edit modules/code_reload.ts"
//   "r"  the terminal was resized: "100x30"
//   "f"  a source file saved during the session (this tool's own code, beside v2's o/i/m/r;
//        the "m" before it is what a player shows of an edit): data is the JSON text of
//        `{ "path": relative to the recording's directory, "content": the new text,
//           "before": the text when recording started (null: no file), on a file's first edit }`
//
// A replay starts a fresh shell and types the "i" events at the recorded pace (or faster, or
// a line per key press); its output is the new shell's, live. "f" events are written to disk
// at their moment, so the edit that fixes a bug happens between the same two inputs. The
// files a recording edits are first put back as they were when it started, and when the
// replay ends they are restored to what they were before it: a replay leaves the directory
// as it found it. Only paths inside the directory are written.

import fs from 'node:fs';
import path from 'node:path';

/** What the recording watches for edits: source files, as the code path finds them. */
const SOURCE_FILE = /\.(ts|tsx|js|mjs)$/;
/** A file must be quiet this long before its content is taken (editors save in bursts). */
const EDIT_SETTLE_MS = 60;

type EventCode = 'o' | 'i' | 'm' | 'r' | 'f';
type CastEvent = [number, EventCode | string, string];

export interface CastHeader {
  version: 2;
  width: number;
  height: number;
  timestamp: number;
  idle_time_limit?: number;
  command?: string;
  title?: string;
  env?: Record<string, string>;
}

export interface FileEdit {
  path: string;
  content: string;
  before?: string | null;
}

// ---- recording ---------------------------------------------------------------------------

export interface RecordingOptions {
  width: number;
  height: number;
  /** The shell's directory: edited files are named relative to it. */
  cwd: string;
  /** Directories whose source files are watched for edits (the code path's). */
  watchDirs: string[];
}

export class SessionRecorder {
  private readonly fd: number;
  private readonly started = performance.now();
  private readonly watchers: fs.FSWatcher[] = [];
  /** The last content seen of each source file, from a snapshot taken at the start. */
  private readonly known = new Map<string, string | null>();
  private readonly edited = new Set<string>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private closed = false;

  constructor(file: string, private readonly options: RecordingOptions) {
    this.fd = fs.openSync(file, 'w');
    const header: CastHeader = {
      version: 2,
      width: options.width,
      height: options.height,
      timestamp: Math.floor(Date.now() / 1000),
      command: 'eshell-ts',
      env: { SHELL: process.env.SHELL ?? '', TERM: process.env.TERM ?? '' },
    };
    this.writeLine(header);
    // After the first prompt: reading the directories must not delay it.
    setImmediate(() => this.watchSources());
  }

  output(text: string): void {
    // As a player must show it: the terminal turns '\n' into '\r\n' (ONLCR), after us.
    this.event('o', text.replace(/\r?\n/g, '\r\n'));
  }

  input(chunk: Buffer | string): void {
    this.event('i', chunk.toString());
  }

  resized(width: number, height: number): void {
    this.event('r', `${width}x${height}`);
  }

  close(): void {
    if (this.closed) return;
    for (const file of this.timers.keys()) this.takeEdit(file);
    this.closed = true;
    for (const watcher of this.watchers) watcher.close();
    fs.closeSync(this.fd);
  }

  private event(code: EventCode, data: string): void {
    if (this.closed || data === '') return;
    const seconds = Math.round(performance.now() - this.started) / 1000;
    this.writeLine([seconds, code, data]);
  }

  private writeLine(value: unknown): void {
    // Synchronous, so that whatever way the session ends, every event is in the file.
    fs.writeSync(this.fd, `${JSON.stringify(value)}\n`);
  }

  private watchSources(): void {
    if (this.closed) return;
    for (const dir of new Set(this.options.watchDirs)) {
      if (!isInside(this.options.cwd, dir)) continue; // a replay writes only inside its directory
      let names: string[];
      try {
        names = fs.readdirSync(dir);
      } catch {
        continue;
      }
      for (const name of names) {
        if (SOURCE_FILE.test(name)) this.known.set(path.join(dir, name), readText(path.join(dir, name)));
      }
      try {
        const watcher = fs.watch(dir, { persistent: false }, (_event, name) => {
          if (name && SOURCE_FILE.test(String(name))) this.changed(path.join(dir, String(name)));
        });
        watcher.on('error', () => {});
        this.watchers.push(watcher);
      } catch {
        // a directory that cannot be watched records no edits
      }
    }
  }

  private changed(file: string): void {
    clearTimeout(this.timers.get(file));
    this.timers.set(file, setTimeout(() => this.takeEdit(file), EDIT_SETTLE_MS));
  }

  private takeEdit(file: string): void {
    clearTimeout(this.timers.get(file));
    this.timers.delete(file);
    const content = readText(file);
    const before = this.known.has(file) ? this.known.get(file)! : null;
    if (content === null || content === before) return;
    this.known.set(file, content);
    const relative = path.relative(this.options.cwd, file).split(path.sep).join('/');
    const edit: FileEdit = { path: relative, content };
    if (!this.edited.has(file)) edit.before = before;
    this.edited.add(file);
    this.event('m', `edit ${relative}`);
    this.event('f', JSON.stringify(edit));
  }
}

export function startRecording(file: string, options: RecordingOptions): SessionRecorder {
  return new SessionRecorder(file, options);
}

// ---- replaying ---------------------------------------------------------------------------

export interface Recording {
  header: CastHeader;
  events: CastEvent[];
}

/** Reads a recording; throws an Error with a message for the user. */
export function readRecording(file: string): Recording {
  const lines = fs.readFileSync(file, 'utf8').split('\n').filter((line) => line.trim() !== '');
  const parse = (line: string, n: number): unknown => {
    try {
      return JSON.parse(line);
    } catch {
      throw new Error(`${file}:${n}: not a JSON line`);
    }
  };
  const header = parse(lines[0] ?? '', 1) as CastHeader;
  if (typeof header !== 'object' || header === null || header.version !== 2) {
    throw new Error(`${file}: not an asciinema v2 recording (the first line must be a header with "version": 2)`);
  }
  const events = lines.slice(1).map((line, i) => {
    const event = parse(line, i + 2);
    if (!Array.isArray(event) || typeof event[0] !== 'number' || typeof event[1] !== 'string' || typeof event[2] !== 'string') {
      throw new Error(`${file}:${i + 2}: not an event [time, code, data]`);
    }
    return event as CastEvent;
  });
  return { header, events };
}

/** One thing the replay does: type some input, or save a file. */
type Step =
  | { kind: 'type'; chunks: { delay: number; text: string }[] }
  | { kind: 'edit'; edit: FileEdit; delay: number };

export interface ReplayOptions {
  speed: number;
  /** One step (an input line, or a file edit) per key press. */
  step: boolean;
  cwd: string;
}

export interface ReplayHost {
  /** Feeds bytes to the shell as if typed. */
  type(text: string): void;
  /** Prints a note above the prompt. */
  note(text: string): void;
}

const CTRL_C = '\x03';
/** Within a line typed in step mode, no pause longer than this: the presenter is waiting. */
const STEP_TYPING_GAP_MS = 120;
const FINISH_NOTE_AFTER_MS = 1000;

export class Replay {
  private readonly steps: Step[];
  private next = 0;
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private finished = false;
  /** What the files the recording edits held before the replay, to put back at the end. */
  private readonly originals = new Map<string, string | null>();

  constructor(
    recording: Recording,
    private readonly options: ReplayOptions,
    private readonly host: ReplayHost,
  ) {
    this.steps = stepsOf(recording);
  }

  /**
   * Puts every file the recording edits back as it was when the recording started. Returns
   * what it changed, for the user to read.
   */
  prepareFiles(): string[] {
    const notes: string[] = [];
    for (const step of this.steps) {
      if (step.kind !== 'edit' || step.edit.before === undefined) continue;
      const file = this.fileOf(step.edit.path);
      if (!file || this.originals.has(file)) continue;
      this.originals.set(file, readText(file));
      if (readText(file) === step.edit.before) continue;
      writeText(file, step.edit.before);
      notes.push(`replay: ${step.edit.path} set as it was when the recording started\n`);
    }
    return notes;
  }

  /** Starts replaying (timed) or waits for the first key (step). */
  start(): void {
    if (this.options.step) {
      const lines = this.steps.filter((s) => s.kind === 'type').length;
      this.host.note(`replay: ${this.steps.length} steps (${lines} input lines): press a key for each, then the shell is yours; Ctrl-C stops\n`);
      return;
    }
    this.scheduleNext();
  }

  /** A key pressed on the real keyboard. True when the replay took it. */
  key(chunk: Buffer | string): boolean {
    if (this.finished) return false;
    const text = chunk.toString();
    if (text === CTRL_C) {
      this.stop('replay stopped: the shell is yours\n');
      return true;
    }
    if (this.options.step && !this.running) this.runStep(() => this.afterStep());
    return true; // while replaying, the keyboard belongs to the replay
  }

  /** Puts the edited files back as they were before the replay. */
  restoreFiles(): string[] {
    const notes: string[] = [];
    for (const [file, original] of this.originals) {
      if (readText(file) === original) continue;
      if (original === null) fs.rmSync(file, { force: true });
      else writeText(file, original);
      notes.push(`replay: restored ${path.relative(this.options.cwd, file)}\n`);
    }
    this.originals.clear();
    return notes;
  }

  private scheduleNext(): void {
    const step = this.steps[this.next];
    if (!step) {
      // A moment after the last input, so as not to land amid its output.
      this.timer = setTimeout(() => this.stop('replay finished: the shell is yours\n'), FINISH_NOTE_AFTER_MS);
      return;
    }
    const delay = step.kind === 'edit' ? step.delay : step.chunks[0]!.delay;
    this.timer = setTimeout(() => this.runStep(() => this.scheduleNext(), true), delay / this.options.speed);
  }

  private afterStep(): void {
    // Said at the start: a note now would land amid the last input's output.
    if (this.next >= this.steps.length) this.stop();
  }

  private runStep(done: () => void, firstChunkWaited = false): void {
    const step = this.steps[this.next++];
    if (!step) return done();
    if (step.kind === 'edit') {
      this.applyEdit(step.edit);
      return done();
    }
    this.running = true;
    const chunks = [...step.chunks];
    const typeNext = (first: boolean): void => {
      const chunk = chunks.shift();
      if (!chunk || this.finished) {
        this.running = false;
        return done();
      }
      const pause = first && (firstChunkWaited || this.options.step)
        ? 0
        : this.options.step ? Math.min(chunk.delay, STEP_TYPING_GAP_MS) : chunk.delay;
      this.timer = setTimeout(() => {
        this.host.type(chunk.text);
        typeNext(false);
      }, pause / this.options.speed);
    };
    typeNext(true);
  }

  private applyEdit(edit: FileEdit): void {
    const file = this.fileOf(edit.path);
    if (!file) return this.host.note(`replay: skipped an edit of ${edit.path}: only files inside this directory are written\n`);
    if (!this.originals.has(file)) this.originals.set(file, readText(file));
    const before = readText(file) ?? '';
    writeText(file, edit.content);
    this.host.note(`replay: ${edit.path} saved\n${lineDiff(before, edit.content)}`);
  }

  private stop(message?: string): void {
    if (this.finished) return;
    this.finished = true;
    clearTimeout(this.timer);
    if (message) this.host.note(message);
  }

  /** The absolute file for a recorded path, or undefined when it points outside cwd. */
  private fileOf(relative: string): string | undefined {
    if (path.isAbsolute(relative)) return undefined;
    const file = path.resolve(this.options.cwd, relative);
    return isInside(this.options.cwd, file) && file !== path.resolve(this.options.cwd) ? file : undefined;
  }
}

/** Groups the events into steps: input up to and including an Enter, or one file edit. */
function stepsOf(recording: Recording): Step[] {
  const idleLimit = recording.header.idle_time_limit;
  const steps: Step[] = [];
  let current: { delay: number; text: string }[] = [];
  let last = 0;
  const delaySince = (time: number): number => {
    const gap = Math.max(0, time - last) * 1000;
    last = time;
    return idleLimit ? Math.min(gap, idleLimit * 1000) : gap;
  };
  const endLine = (): void => {
    if (current.length) steps.push({ kind: 'type', chunks: current });
    current = [];
  };
  for (const [time, code, data] of recording.events) {
    if (code === 'i') {
      current.push({ delay: delaySince(time), text: data });
      if (/[\r\n]/.test(data)) endLine();
    } else if (code === 'f') {
      let edit: FileEdit;
      try {
        edit = JSON.parse(data) as FileEdit;
      } catch {
        continue;
      }
      if (typeof edit?.path !== 'string' || typeof edit.content !== 'string') continue;
      endLine();
      steps.push({ kind: 'edit', edit, delay: delaySince(time) });
    }
  }
  endLine();
  return steps;
}

/** The lines that changed, `-` old and `+` new, between the common head and tail. */
export function lineDiff(before: string, after: string, limit = 12): string {
  const a = before.split('\n');
  const b = after.split('\n');
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) tail++;
  const removed = a.slice(head, a.length - tail).map((line) => `- ${line}`);
  const added = b.slice(head, b.length - tail).map((line) => `+ ${line}`);
  const lines = [...removed, ...added];
  const shown = lines.slice(0, limit);
  if (lines.length > limit) shown.push(`  (${lines.length - limit} more changed lines)`);
  return shown.map((line) => `${line}\n`).join('');
}

export function startReplay(file: string, options: ReplayOptions, host: ReplayHost): Replay {
  return new Replay(readRecording(file), options, host);
}

function isInside(dir: string, file: string): boolean {
  const relative = path.relative(path.resolve(dir), path.resolve(file));
  return !relative.startsWith('..') && !path.isAbsolute(relative);
}

function readText(file: string): string | null {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return null;
  }
}

function writeText(file: string, text: string | null): void {
  if (text === null) return void fs.rmSync(file, { force: true });
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
}
