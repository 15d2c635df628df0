// The observer page: four tabs fed by one Server-Sent Events stream (an update about every
// 500 ms). The page tells the server what it looks at (sort, filter, opened process) so that
// each update carries only that; everything else is drawn here, in plain DOM and canvas.
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
  view: { sort: 'pid' as SortKey, descending: false, filter: '', selected: null },
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
  system: new SystemTab(),
};
type TabName = keyof typeof tabs;
const TAB_TITLES: Record<TabName, string> = { processes: 'Processes', graph: 'Graph', code: 'Code', system: 'System' };

let active: TabName = (location.hash.slice(1) as TabName) in tabs ? (location.hash.slice(1) as TabName) : 'processes';
let latest: Update | undefined;

const status = h('span', { class: 'status connecting' }, 'connecting…');
const summary = h('span', { class: 'summary' });
const buttons = Object.fromEntries(
  (Object.keys(tabs) as TabName[]).map((name) => [
    name,
    h('button', { class: 'tab', data: { tab: name }, on: { click: () => select(name) } }, TAB_TITLES[name]),
  ]),
) as Record<TabName, HTMLButtonElement>;
const main = h('main');

document.body.append(
  h('header', {}, h('h1', {}, 'eshell-ts observer'), h('nav', {}, ...Object.values(buttons)), summary, status),
  main,
);

function select(name: TabName): void {
  if (active !== name) (tabs[active] as Tab).hide?.();
  active = name;
  history.replaceState(null, '', `${location.pathname}${location.search}#${name}`);
  for (const [tab, button] of Object.entries(buttons)) button.classList.toggle('active', tab === name);
  main.replaceChildren(tabs[name].element);
  tabs[name].show(latest);
}

function receive(update: Update): void {
  latest = update;
  tabs.system.record(update);
  summary.textContent = `${update.system.processes.toLocaleString('en-US')} processes · ${update.system.messagesPerSecond.toLocaleString('en-US')} msg/s`;
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
