// Another node as its tab on the observer's page shows it: its processes and figures, read by
// rpc with the BIFs every node answers about itself (erlang:processes/0, process_info/2 with a
// list of items, system_info/1, statistics/1, memory/0), so that a BEAM node and an eshell-ts
// node are read the same way. Each call is time-boxed; a node that does not answer in time
// shows as not answering, and nothing here ever waits on the evaluator thread: the calls run
// in processes of their own (ObserverDistribution.call) and the page gets what was last read.
// A node is read only while some page has its tab open.
import type { Pid } from '../runtime/pid';
import { rt } from './observerRuntime';
import { MAILBOX_SHOWN, PRINT_WIDTH } from './actions';
import type { ProcessDetail, ProcessRow, RemoteState, RemoteSystemPoint } from './protocol';

/** How long one rpc may take before the node counts as not answering. */
export const CALL_TIMEOUT_MS = 2000;
/** process_info calls in flight at once: a node with many processes is read in slices. */
const CALLS_AT_ONCE = 16;
/** Processes whose rows are read per reading; the page says when there are more. */
const PROCESSES_READ = 1000;
/** A node is read again no sooner than this after its last reading began. */
const READ_EVERY_MS = 1000;
/** Points kept for the System charts (five minutes at one point a second). */
const SERIES_POINTS = 300;
/** Opened processes whose details are kept (one per page looking at this node). */
const DETAILS_KEPT = 8;

const ROW_ITEMS = ['registered_name', 'initial_call', 'current_function', 'status', 'message_queue_len', 'reductions', 'memory'];
const DETAIL_ITEMS = [...ROW_ITEMS, 'messages', 'links', 'monitors', 'monitored_by', 'trap_exit'];

export class RemoteNodeReader {
  private rows: ProcessRow[] = [];
  /** The pids of the last reading, by their text on the page (for details and actions). */
  private pids = new Map<string, Pid>();
  private unread = 0;
  private readAt: number | null = null;
  private readMs: number | null = null;
  private error: string | null = null;
  private readonly series: RemoteSystemPoint[] = [];
  private readonly details = new Map<string, ProcessDetail>();
  private reading = false;
  private readingDetails = new Set<string>();
  private lastStarted = 0;
  private closed = false;

  /** `onRead` runs after each reading (and each detail read), to push it to the pages. */
  constructor(readonly node: string, private readonly onRead: (reader: RemoteNodeReader) => void) {}

  /** Starts a reading unless one runs or the last began less than READ_EVERY_MS ago. */
  refresh(opened: Iterable<string>): void {
    const now = performance.now();
    if (this.closed || this.reading || now - this.lastStarted < READ_EVERY_MS) return;
    this.reading = true;
    this.lastStarted = now;
    const wanted = [...opened];
    void this.read()
      .then(() => Promise.all(wanted.map((pid) => this.readDetail(pid))))
      .catch((error: unknown) => {
        this.error = `the observer could not read ${this.node}: ${error instanceof Error ? error.message : String(error)}`;
      })
      .finally(() => {
        this.reading = false;
        if (!this.closed) this.onRead(this);
      });
  }

  /** Reads one process's details now (a page has just opened it). */
  openDetail(pid: string): void {
    if (this.closed || this.readingDetails.has(pid)) return;
    void this.readDetail(pid).then(() => {
      if (!this.closed) this.onRead(this);
    });
  }

  close(): void {
    this.closed = true;
  }

  rowsRead(): ProcessRow[] {
    return this.rows;
  }

  /** The pid shown as `text` in the last reading (`<0.85.0>`), if it was there. */
  pidOf(text: string): Pid | undefined {
    return this.pids.get(text.trim());
  }

  detail(pid: string): ProcessDetail | null {
    return this.details.get(pid) ?? null;
  }

  state(withSeries: boolean): RemoteState {
    const state: RemoteState = {
      node: this.node,
      error: this.error,
      readAt: this.readAt,
      readMs: this.readMs,
      unread: this.unread,
      system: this.series[this.series.length - 1] ?? null,
    };
    if (withSeries) state.series = [...this.series];
    return state;
  }

  private async read(): Promise<void> {
    const { dist } = rt();
    const started = performance.now();
    const [listed, count, runQueue, memory] = await Promise.all([
      this.call('erlang', 'processes', []),
      this.call('erlang', 'system_info', ['process_count']),
      this.call('erlang', 'statistics', ['run_queue']),
      this.call('erlang', 'memory', []),
    ]);
    const pids = dist.listItems(listed);
    if (pids === undefined) {
      this.error = failure(this.node, listed);
      return;
    }
    const rows: ProcessRow[] = [];
    const byText = new Map<string, Pid>();
    const toRead = pids.slice(0, PROCESSES_READ).filter((pid): pid is Pid => dist.isPid(pid));
    for (let i = 0; i < toRead.length; i += CALLS_AT_ONCE) {
      const slice = toRead.slice(i, i + CALLS_AT_ONCE);
      const answers = await Promise.all(slice.map((pid) => this.call('erlang', 'process_info', [pid, dist.list(ROW_ITEMS)])));
      for (let k = 0; k < slice.length; k++) {
        const items = itemsOf(answers[k]);
        if (items === undefined) {
          if (answers[k] === 'undefined') continue; // exited since the list was read
          this.error = failure(this.node, answers[k]);
          return;
        }
        const row = rowOf(slice[k], items);
        rows.push(row);
        byText.set(row.pid, slice[k]);
      }
    }
    this.rows = rows;
    this.pids = byText;
    this.unread = Math.max(0, pids.length - PROCESSES_READ);
    this.readAt = Date.now();
    this.readMs = Math.round(performance.now() - started);
    this.error = null;
    const figures = itemsOf(memory);
    if (typeof count === 'number' && typeof runQueue === 'number' && figures !== undefined) {
      this.series.push({
        at: this.readAt,
        processes: count,
        runQueue,
        memoryTotal: Number(figures.get('total') ?? 0),
        memoryProcesses: Number(figures.get('processes') ?? 0),
      });
      if (this.series.length > SERIES_POINTS) this.series.shift();
    }
  }

  private async readDetail(text: string): Promise<void> {
    const pid = this.pids.get(text);
    if (pid === undefined) {
      this.remember(text, { pid: text, alive: false });
      return;
    }
    this.readingDetails.add(text);
    try {
      let answer = await this.call('erlang', 'process_info', [pid, rt().dist.list(DETAIL_ITEMS)]);
      let mailboxError: string | undefined;
      if (itemsOf(answer) === undefined && answer !== 'undefined' && !unreachable(answer)) {
        // A message that cannot travel (an eshell-ts process may hold a function): the rest can.
        mailboxError = `its messages could not be read from ${this.node} (one of them cannot travel between nodes)`;
        answer = await this.call('erlang', 'process_info', [pid, rt().dist.list(DETAIL_ITEMS.filter((item) => item !== 'messages'))]);
      }
      const items = itemsOf(answer);
      if (items === undefined) {
        if (answer === 'undefined') return this.remember(text, { pid: text, alive: false });
        this.error = failure(this.node, answer);
        return;
      }
      const { dist, formatValue } = rt();
      const messages = dist.listItems(items.get('messages')) ?? [];
      const pidTexts = (value: unknown): string[] => (dist.listItems(value) ?? []).map((each) => this.pidText(each));
      this.remember(text, {
        pid: text,
        alive: true,
        row: rowOf(pid, items),
        mailbox: messages.slice(0, MAILBOX_SHOWN).map((message) => formatValue(message, { width: PRINT_WIDTH })),
        mailboxLength: mailboxError === undefined ? messages.length : Number(items.get('message_queue_len') ?? 0),
        ...(mailboxError === undefined ? {} : { mailboxError }),
        links: pidTexts(items.get('links')),
        // {process, Pid} or {process, {Name, Node}} (a monitor by name)
        monitors: (dist.listItems(items.get('monitors')) ?? []).map((m) => (Array.isArray(m) && m[0] === 'process' ? this.pidText(m[1]) : formatValue(m, { singleLine: true }))),
        monitoredBy: pidTexts(items.get('monitored_by')),
        trapExit: items.get('trap_exit') === true,
      });
    } finally {
      this.readingDetails.delete(text);
    }
  }

  private remember(pid: string, detail: ProcessDetail): void {
    this.details.delete(pid);
    this.details.set(pid, detail);
    if (this.details.size > DETAILS_KEPT) this.details.delete(this.details.keys().next().value!);
  }

  /** A pid as the node it belongs to prints it, with that node named when it is not this tab's. */
  private pidText(value: unknown): string {
    const { dist, formatValue } = rt();
    if (!dist.isPid(value)) return formatValue(value, { singleLine: true });
    const text = peerPidText(value);
    return value.node === this.node ? text : `${text} on ${value.node}`;
  }

  private call(module: string, fn: string, args: unknown[]): Promise<unknown> {
    return rt().dist.call(this.node, module, fn, args, CALL_TIMEOUT_MS);
  }
}

/** `<0.85.0>`: a pid as its own node prints it. */
function peerPidText(pid: Pid): string {
  return `<0.${pid.id}.${pid.serial}>`;
}

/** process_info's `[{Item, Value}]` as a map; undefined for anything else (undefined, badrpc). */
function itemsOf(answer: unknown): Map<unknown, unknown> | undefined {
  const items = rt().dist.listItems(answer);
  if (items === undefined) return undefined;
  return new Map(items.filter((item): item is [unknown, unknown] => Array.isArray(item) && item.length === 2));
}

function rowOf(pid: Pid, items: Map<unknown, unknown>): ProcessRow {
  const name = items.get('registered_name');
  const initialCall = functionText(items.get('initial_call'));
  return {
    id: pid.id,
    pid: peerPidText(pid),
    name: typeof name === 'string' ? name : '',
    initialCall,
    currentFunction: functionText(items.get('current_function')) || initialCall,
    module: '',
    version: 0,
    code: '',
    status: String(items.get('status') ?? ''),
    messages: Number(items.get('message_queue_len') ?? 0),
    reductions: Number(items.get('reductions') ?? 0),
    memory: Number(items.get('memory') ?? 0),
  };
}

/** `{M, F, A}` (BEAM) as `M:F/A`; an eshell-ts node sends the text already. */
function functionText(value: unknown): string {
  if (Array.isArray(value) && value.length === 3) return `${String(value[0])}:${String(value[1])}/${String(value[2])}`;
  return typeof value === 'string' ? value : value === undefined ? '' : rt().formatValue(value, { singleLine: true });
}

/** A call that failed for want of an answer (not for what was asked). */
function unreachable(answer: unknown): boolean {
  return Array.isArray(answer) && answer[0] === 'badrpc' && (answer[1] === 'timeout' || answer[1] === 'nodedown');
}

/** What the page says when a call to `node` failed. */
function failure(node: string, answer: unknown): string {
  if (Array.isArray(answer) && answer[0] === 'badrpc') {
    if (answer[1] === 'timeout') return `node not answering: ${node} did not reply within ${CALL_TIMEOUT_MS / 1000} s`;
    if (answer[1] === 'nodedown') return `node not answering: ${node} is not connected`;
    return `${node} refused the call: ${rt().formatValue(answer, { singleLine: true })}`;
  }
  return `${node} answered ${rt().formatValue(answer, { singleLine: true })}`;
}
