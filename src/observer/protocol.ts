// What travels between the observer's server (evaluator thread) and its page (the browser):
// the pushed updates, the view a page asks for, and the actions it may take. Types only, so
// that the page's bundle and the server agree without sharing code.

export type CodeState = 'current' | 'old' | '';

export interface ProcessRow {
  /** The pid number N of `<0.N.0>` (for another node's process, `<0.N.S>` as that node prints it). */
  id: number;
  pid: string;
  name: string;
  initialCall: string;
  currentFunction: string;
  /** The module its code runs in ('' for a process outside any module). */
  module: string;
  version: number;
  code: CodeState;
  status: string;
  messages: number;
  reductions: number;
  /** Estimated bytes (see sampler.ts). */
  memory: number;
}

export interface VersionInfo {
  version: number;
  loadedAt: number;
  /** The processes seen running this version. */
  processes: { pid: string; name: string }[];
}

export interface ModuleRow {
  module: string;
  path: string;
  current: VersionInfo;
  old: VersionInfo | null;
}

export interface SystemPoint {
  at: number;
  processes: number;
  messagesPerSecond: number;
  runQueue: number;
  heapUsed: number;
  reductionsPerSecond: number;
}

/** A delivered message seen by the tap: [sender pid number (0: not a process), receiver]. */
export type MessageSample = [number, number];

/** A process's move to a newer version of a module (at: ms since the epoch). */
export interface VersionChange {
  at: number;
  module: string;
  from: number;
  to: number;
}

export type SortKey = keyof ProcessRow;

/** Another node's figures, read by rpc (erlang:system_info/1, statistics/1, memory/0). */
export interface RemoteSystemPoint {
  at: number;
  processes: number;
  runQueue: number;
  /** erlang:memory(total) and erlang:memory(processes), in bytes. */
  memoryTotal: number;
  memoryProcesses: number;
}

/** What the page shows of a connected node while its tab is open. */
export interface RemoteState {
  node: string;
  /** Why the node's last reading failed ('node not answering ...'), or null. */
  error: string | null;
  /** When the process table shown was read (null: not read yet). */
  readAt: number | null;
  /** How long that reading took, all its calls included. */
  readMs: number | null;
  /** Processes beyond those the reading covers (it reads the first PROCESSES_READ, remoteNode.ts). */
  unread: number;
  system: RemoteSystemPoint | null;
  /** Sent with the first update for this node: the points gathered so far. */
  series?: RemoteSystemPoint[];
}

/** What one page looks at; sent with POST /api/view whenever it changes. */
export interface View {
  /** The node whose processes the page shows: null for this node, else a connected node. */
  node: string | null;
  sort: SortKey;
  descending: boolean;
  filter: string;
  /** The process opened in the side panel, by pid text. */
  selected: string | null;
}

export interface ProcessDetail {
  pid: string;
  alive: boolean;
  row?: ProcessRow;
  /** Messages in the shell's notation, oldest first (at most MAILBOX_SHOWN). */
  mailbox?: string[];
  mailboxLength?: number;
  /** Why the messages could not be read (another node's process holding a value that cannot travel). */
  mailboxError?: string;
  links?: string[];
  monitors?: string[];
  monitoredBy?: string[];
  trapExit?: boolean;
  /** A gen_server's state in the shell's notation (what sys:get_state answers). */
  state?: string;
  versions?: [string, number, CodeState][];
  history?: VersionChange[];
}

export interface GraphNode {
  /** A pid number, or for a group its initial call. */
  key: string;
  label: string;
  /** Processes the node stands for (1 unless grouped). */
  count: number;
  code: CodeState;
}

export interface GraphEdge {
  from: string;
  to: string;
  kind: 'link' | 'monitor';
  count: number;
}

export interface Graph {
  grouped: boolean;
  nodes: GraphNode[];
  edges: GraphEdge[];
  /** Messages seen since the last update: [from node key, to node key]. */
  messages: [string, string][];
}

export interface Update {
  at: number;
  system: SystemPoint;
  /** Sent with the first update of a connection: the points gathered so far. */
  series?: SystemPoint[];
  rows: ProcessRow[];
  /** Processes matching the filter, of which `rows` are the first ROWS_SHOWN. */
  matching: number;
  total: number;
  modules: ModuleRow[];
  graph: Graph;
  detail: ProcessDetail | null;
  /** This node and the nodes connected to it, this node first; empty while it is not alive. */
  nodes: string[];
  /** Present when the view's node is another node: rows and detail are that node's. */
  remote?: RemoteState;
}

/** `node` (absent or null: this node) is the node the pid belongs to, as the view names it. */
export type ActionRequest = { node?: string | null } & (
  | { action: 'send'; pid: string; message: string }
  | { action: 'exit'; pid: string; reason: string }
  | { action: 'kill'; pid: string }
);

export type ActionReply = { ok: true; text: string } | { ok: false; error: string };
