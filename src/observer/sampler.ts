// What the observer page shows, gathered on the evaluator thread. A *sample* walks the process
// table in slices (SLICE processes per turn of the event loop), so that 10,000 processes never
// hold the scheduler up for more than a moment; the page's views are then cut from the last
// complete sample. Messages are seen through the scheduler's message tap, installed only while
// a page is connected: with no page open the runtime pays nothing.
import type { Process } from '../runtime/process';
import type { MessageTap } from '../runtime/scheduler';
import { rt } from './observerRuntime';
import type { ProcessRow, ModuleRow, SystemPoint, MessageSample } from './protocol';

/** Processes looked at per turn of the event loop. */
const SLICE = 1000;
/** Points kept for the System charts: five minutes at one point per sample. */
const SERIES_POINTS = 600;
/** Messages recorded per sample for the Graph's animation; the rest are only counted. */
const MESSAGE_SAMPLES = 48;
/** The longest stride of the message tap: one message in about sixteen million. */
const MAX_STRIDE = 2 ** 24;
/** Samples the per-second rates are averaged over (two seconds' worth). */
const RATE_WINDOW = 4;

export interface Sample {
  at: number;
  rows: ProcessRow[];
  /** Links (each once, lower pid first) and monitors (watcher → target), by pid number. */
  links: [number, number][];
  monitors: [number, number][];
  modules: ModuleRow[];
  system: SystemPoint;
  messages: MessageSample[];
}

export class Sampler {
  private last: Sample | undefined;
  private walking = false;
  private stopped = false;
  /** The scheduler's count of tapped messages at the last sample. */
  private countedMessages = 0;
  private messageSamples: MessageSample[] = [];
  /**
   * The scheduler shows the tap one message in `every`, set from the last interval's count so
   * that about MESSAGE_SAMPLES spread over the whole interval: busy edges show in proportion,
   * and a quiet one still shows when the busy ones are not everything.
   */
  private readonly tap: MessageTap;

  constructor() {
    const samples = (): MessageSample[] => this.messageSamples;
    this.tap = {
      every: 1,
      sample(to) {
        const from = rt().currentProcess();
        const recorded = samples();
        const sample: MessageSample = [from === undefined ? 0 : from.pid.id, to.pid.id];
        // Traffic jumped within the interval (the stride is still the last one's, 1 after a
        // quiet one): keep what is recorded bounded, and look at half as many messages from
        // now on. Without the doubling a ring started under an open page had every message
        // sampled for half a second, and lost 8% of its speed.
        if (recorded.length < MESSAGE_SAMPLES * 4) recorded.push(sample);
        else {
          recorded[to.pid.id % (MESSAGE_SAMPLES * 4)] = sample;
          this.every = Math.min(this.every * 2, MAX_STRIDE);
        }
      },
    };
  }
  private previousReductions = new Map<number, number>();
  private previousAt = performance.now();
  /** False until the first walk: reductions made before observing started are not a rate. */
  private baselined = false;
  private readonly recent: { seconds: number; messages: number; reductions: number }[] = [];
  private readonly series: SystemPoint[] = [];

  start(): void {
    this.stopped = false;
    this.baselined = false;
    this.recent.length = 0;
    this.countedMessages = 0;
    this.messageSamples = [];
    this.tap.every = 1;
    this.previousAt = performance.now();
    rt().setMessageTap(this.tap);
  }

  stop(): void {
    this.stopped = true;
    rt().setMessageTap(null);
  }

  latest(): Sample | undefined {
    return this.last;
  }

  systemSeries(): SystemPoint[] {
    return this.series;
  }

  /** Walks the table in slices; `done` gets the sample (not called when a walk is running). */
  sample(done: (sample: Sample) => void): void {
    if (this.walking || this.stopped) return;
    this.walking = true;
    const rows: ProcessRow[] = [];
    const links: [number, number][] = [];
    const monitors: [number, number][] = [];
    const reductions = new Map<number, number>();
    let reductionsDelta = 0;
    const currentVersions = new Map<string, number>();
    for (const { module, version } of rt().codeServer.loadedModules()) currentVersions.set(module, version);
    // A snapshot of the table's entries: processes spawned during the walk wait for the next.
    const processes = [...rt().allProcesses()];
    let index = 0;
    const slice = (): void => {
      if (this.stopped) {
        this.walking = false;
        return;
      }
      const end = Math.min(index + SLICE, processes.length);
      for (; index < end; index++) {
        const proc = processes[index];
        if (proc.pid.proc === undefined) continue; // exited since the walk began
        const row = describe(proc, currentVersions);
        rows.push(row);
        const before = this.previousReductions.get(row.id);
        reductionsDelta += before === undefined ? proc.reductions : Math.max(0, proc.reductions - before);
        reductions.set(row.id, proc.reductions);
        const ext = proc.ext;
        if (ext !== null) {
          if (ext.links !== null) for (const other of ext.links) if (proc.pid.id < other.pid.id) links.push([proc.pid.id, other.pid.id]);
          if (ext.monitors !== null) for (const m of ext.monitors.values()) monitors.push([proc.pid.id, m.target.pid.id]);
        }
      }
      if (index < processes.length) return void setImmediate(slice);
      this.walking = false;
      const now = performance.now();
      const seconds = Math.max(0.001, (now - this.previousAt) / 1000);
      this.previousAt = now;
      this.previousReductions = reductions;
      if (!this.baselined) reductionsDelta = 0;
      this.baselined = true;
      const counted = rt().tappedMessages();
      const messageCount = counted - this.countedMessages;
      this.countedMessages = counted;
      this.recent.push({ seconds, messages: messageCount, reductions: reductionsDelta });
      if (this.recent.length > RATE_WINDOW) this.recent.shift();
      const span = this.recent.reduce((sum, r) => sum + r.seconds, 0);
      const rate = (key: 'messages' | 'reductions') => Math.round(this.recent.reduce((sum, r) => sum + r[key], 0) / span);
      const system: SystemPoint = {
        at: Date.now(),
        processes: rt().liveProcessCount(),
        messagesPerSecond: rate('messages'),
        runQueue: rt().runQueueLength(),
        heapUsed: process.memoryUsage().heapUsed,
        reductionsPerSecond: rate('reductions'),
      };
      this.series.push(system);
      if (this.series.length > SERIES_POINTS) this.series.shift();
      const recorded = this.messageSamples;
      const every = Math.max(1, recorded.length / MESSAGE_SAMPLES);
      const messages: MessageSample[] = [];
      for (let i = 0; i < recorded.length && messages.length < MESSAGE_SAMPLES; i += every) messages.push(recorded[Math.floor(i)]);
      this.messageSamples = [];
      this.tap.every = Math.max(1, Math.floor(messageCount / MESSAGE_SAMPLES));
      this.last = { at: system.at, rows, links, monitors, modules: moduleRows(rows), system, messages };
      done(this.last);
    };
    slice();
  }
}

/**
 * The module a process's code runs in: that of its current function, else the first it
 * entered, unless it has left it (a shell that once called `code_reload:start_server()`).
 */
function runningModule(proc: Process): string | undefined {
  const fn = proc.currentFunction;
  if (fn !== undefined) {
    const colon = fn.indexOf(':');
    if (colon > 0) return fn.slice(0, colon);
  }
  const ext = proc.ext;
  return ext !== null && ext.firstModuleVersion !== NOT_IN_MODULE ? ext.firstModule : undefined;
}

/** The version module handles record for a process that has left the module (moduleHandle.ts). */
export const NOT_IN_MODULE = 0;

function describe(proc: Process, currentVersions: Map<string, number>): ProcessRow {
  const module = runningModule(proc);
  const entered = module === undefined ? undefined : proc.codeVersion(module);
  const version = entered === NOT_IN_MODULE ? undefined : entered;
  const current = module === undefined ? undefined : currentVersions.get(module);
  const mailbox = proc.mailbox;
  return {
    id: proc.pid.id,
    pid: String(proc.pid),
    name: proc.registeredName ?? '',
    initialCall: proc.initialCall,
    currentFunction: proc.currentFunction ?? proc.initialCall,
    module: module ?? '',
    version: version ?? 0,
    code: version === undefined ? '' : version === current ? 'current' : 'old',
    status: proc.status,
    messages: mailbox.length,
    reductions: proc.reductions,
    memory: rt().processMemory(proc),
  };
}

function moduleRows(rows: ProcessRow[]): ModuleRow[] {
  const inVersion = new Map<string, { pid: string; name: string }[]>();
  for (const row of rows) {
    if (row.module === '' || row.code === '') continue;
    const key = `${row.module}\u0000${row.code}`;
    let pids = inVersion.get(key);
    if (pids === undefined) inVersion.set(key, (pids = []));
    pids.push({ pid: row.pid, name: row.name });
  }
  const { codeServer } = rt();
  return codeServer.loadedModules().map(({ module, version, path, loadedAt }) => {
    const old = codeServer.old(module);
    return {
      module,
      path,
      current: { version, loadedAt: loadedAt.getTime(), processes: inVersion.get(`${module}\u0000current`) ?? [] },
      old: old === undefined ? null : { version: old.version, loadedAt: old.loadedAt.getTime(), processes: inVersion.get(`${module}\u0000old`) ?? [] },
    };
  });
}
