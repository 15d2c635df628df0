// The observer page: four tabs fed by one Server-Sent Events stream (an update about every
// 500 ms), and while the node is alive a bar with a tab per node (this one and each connected
// node). The page tells the server what it looks at (node, sort, filter, opened process) so
// that each update carries only that; everything else is drawn here, in plain DOM and canvas.
import './style.css';
import type { SortKey, Update, View } from '../protocol';
import { h } from './dom';
import { ProcessesTab } from './processes';
import { GraphTab } from './graph';
import { CodeTab } from './code';
import { SystemTab } from './system';

export interface Page {
  readonly token: string;
  readonly view: View;
  /** Changes the view and tells the server. */
  setView(change: Partial<View>): void;
  /** Opens a process in the Processes tab. */
  openProcess(pid: string): void;
  /** A POST to the observer's API, with the token; the JSON answer. */
  post(path: string, body: unknown): Promise<unknown>;
}

export interface Tab {
  readonly element: HTMLElement;
  show(update: Update | undefined): void;
  hide?(): void;
}

const STOPPED = 'disconnected: the observer stopped (observer() in the shell starts a new one)';
const token = new URLSearchParams(location.search).get('token') ?? '';
const client = typeof crypto.randomUUID === 'function' ? crypto.randomUUID() : `c${Math.random().toString(36).slice(2)}`;
const query = `token=${encodeURIComponent(token)}&client=${encodeURIComponent(client)}`;

const page: Page = {
  token,
  view: { node: null, sort: 'pid' as SortKey, descending: false, filter: '', selected: null },
  setView(change) {
    Object.assign(this.view, change);
    void this.post('/api/view', this.view).catch(() => undefined);
  },
  openProcess(pid) {
    this.setView({ selected: pid });
    select('processes');
  },
  async post(path, body) {
    let response: Response;
    try {
      response = await fetch(`${path}?${query}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(body),
      });
    } catch {
      throw new Error(STOPPED);
    }
    const text = await response.text();
    if (!response.ok) throw new Error(text.trim() || `${response.status} ${response.statusText}`);
    return JSON.parse(text);
  },
};

const tabs = {
  processes: new ProcessesTab(page),
  graph: new GraphTab(page),
  code: new CodeTab(page),
  system: new SystemTab(page),
};
type TabName = keyof typeof tabs;
const TAB_TITLES: Record<TabName, string> = { processes: 'Processes', graph: 'Graph', code: 'Code', system: 'System' };

let active: TabName = (location.hash.slice(1) as TabName) in tabs ? (location.hash.slice(1) as TabName) : 'processes';
let latest: Update | undefined;

/** Tabs that show this node only (its module versions, its message flow). */
const LOCAL_ONLY: TabName[] = ['graph', 'code'];

const status = h('span', { class: 'status connecting' }, 'connecting…');
const summary = h('span', { class: 'summary' });
const buttons = Object.fromEntries(
  (Object.keys(tabs) as TabName[]).map((name) => [
    name,
    h('button', { class: 'tab', data: { tab: name }, on: { click: () => select(name) } }, TAB_TITLES[name]),
  ]),
) as Record<TabName, HTMLButtonElement>;
const main = h('main');
const nodeBar = h('nav', { class: 'node-bar', attrs: { 'aria-label': 'nodes' } });
const nodeState = h('div', { class: 'node-state', attrs: { role: 'status' } });
nodeBar.hidden = true;
nodeState.hidden = true;
let shownNodes = '';

document.body.append(
  h('header', {}, h('h1', {}, 'eshell-ts observer'), h('nav', {}, ...Object.values(buttons)), summary, status),
  nodeBar,
  nodeState,
  main,
);

/** Opens a node's tab: this node (null) or a connected one. */
function selectNode(node: string | null): void {
  if (node === page.view.node) return;
  page.setView({ node, selected: null });
  for (const name of LOCAL_ONLY) buttons[name].disabled = node !== null;
  if (node !== null && LOCAL_ONLY.includes(active)) select('processes');
  showNodes(latest);
  tabs[active].show(undefined);
}

/** The node bar (rebuilt when nodes come and go) and what the opened node's reading says. */
function showNodes(update: Update | undefined): void {
  const nodes = update?.nodes ?? [];
  const local = nodes[0];
  if (page.view.node !== null && update !== undefined && !nodes.includes(page.view.node)) {
    selectNode(null); // its node went away
    return;
  }
  if (nodes.join('\n') !== shownNodes) {
    shownNodes = nodes.join('\n');
    nodeBar.replaceChildren(...nodes.map((node) =>
      h('button', { class: 'node-tab', data: { node }, on: { click: () => selectNode(node === local ? null : node) } },
        node, node === local ? h('span', { class: 'this-node' }, ' (this node)') : null)));
  }
  nodeBar.hidden = nodes.length === 0;
  const opened = page.view.node ?? local;
  for (const button of nodeBar.children) {
    const node = (button as HTMLElement).dataset.node;
    button.classList.toggle('active', node === opened);
    button.classList.toggle('not-answering', update?.remote !== undefined && node === update.remote.node && update.remote.error !== null);
  }
  const remote = update?.remote;
  nodeState.hidden = page.view.node === null;
  if (page.view.node === null) return;
  nodeState.className = `node-state${remote?.error ? ' node-error' : ''}`;
  nodeState.textContent =
    remote === undefined || remote.node !== page.view.node || (remote.readAt === null && remote.error === null)
      ? `reading ${page.view.node} by rpc…`
      : remote.error !== null
        ? `${remote.error}${remote.readAt === null ? '' : ` (the table below was read at ${new Date(remote.readAt).toLocaleTimeString('en-GB')})`}`
        : `${page.view.node}: read by rpc at ${new Date(remote.readAt!).toLocaleTimeString('en-GB')} in ${remote.readMs} ms; graph and code show this node only`;
}

function select(name: TabName): void {
  if (active !== name) (tabs[active] as Tab).hide?.();
  active = name;
  history.replaceState(null, '', `${location.pathname}${location.search}#${name}`);
  for (const [tab, button] of Object.entries(buttons)) button.classList.toggle('active', tab === name);
  main.replaceChildren(tabs[name].element);
  tabs[name].show(latest);
}

function receive(update: Update): void {
  showNodes(update);
  tabs.system.record(update);
  // An update sent before the page opened another node's tab is not that node's.
  if ((update.remote?.node ?? null) !== page.view.node) return;
  latest = update;
  // With node tabs, the header still speaks of this node.
  summary.textContent = `${update.nodes.length > 0 ? 'this node: ' : ''}${update.system.processes.toLocaleString('en-US')} processes · ${update.system.messagesPerSecond.toLocaleString('en-US')} msg/s`;
  tabs.graph.record(update);
  tabs[active].show(update);
}

const stream = new EventSource(`/events?${query}`);
stream.onopen = () => {
  status.className = 'status live';
  status.textContent = 'live';
};
stream.onmessage = (event) => receive(JSON.parse(event.data) as Update);
stream.onerror = () => {
  status.className = 'status lost';
  status.textContent = STOPPED;
};

select(active);
