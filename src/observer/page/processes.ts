// The Processes tab: a sortable, filterable table (sorting and filtering happen on the server,
// which sends the first rows), and the opened process beside it with its actions.
import type { ActionReply, ProcessDetail, ProcessRow, SortKey, Update } from '../protocol';
import { clock, formatBytes, formatCount, h } from './dom';
import type { Page, Tab } from './main';
import { confirmAction } from './confirm';

interface Column {
  key: SortKey;
  title: string;
  cell: (row: ProcessRow) => string;
  numeric?: boolean;
}

const COLUMNS: Column[] = [
  { key: 'pid', title: 'Pid', cell: (r) => r.pid },
  { key: 'name', title: 'Name', cell: (r) => r.name },
  { key: 'initialCall', title: 'Initial call', cell: (r) => r.initialCall },
  { key: 'currentFunction', title: 'Current function', cell: (r) => r.currentFunction },
  { key: 'code', title: 'Code', cell: codeText },
  { key: 'status', title: 'Status', cell: (r) => r.status },
  { key: 'messages', title: 'Msgs', cell: (r) => formatCount(r.messages), numeric: true },
  { key: 'reductions', title: 'Reds', cell: (r) => formatCount(r.reductions), numeric: true },
  { key: 'memory', title: 'Memory ≈', cell: (r) => formatBytes(r.memory), numeric: true },
];

const OPENABLE_PID = /^<0\.\d+\.\d+>$/;

function codeText(row: ProcessRow): string {
  return row.module === '' ? '' : `v${row.version}${row.code === '' ? '' : ` · ${row.code}`}`;
}

export class ProcessesTab implements Tab {
  readonly element: HTMLElement;
  private readonly body = h('tbody');
  private readonly head = h('tr');
  private readonly count = h('span', { class: 'count' });
  private readonly panel = h('aside', { class: 'detail' });
  private readonly filter: HTMLInputElement;
  private detailPid: string | null = null;
  /** The node whose rows the table holds (null: this node). */
  private rowsNode: string | null = null;
  /** Rows are kept per pid and updated in place: a click never lands on a row being replaced. */
  private readonly rowElements = new Map<string, HTMLTableRowElement>();
  private readonly messageInput = h('input', { class: 'term', attrs: { placeholder: "['hello', 42]", 'aria-label': 'message' } });
  private readonly reasonInput = h('input', { class: 'term', attrs: { value: "'shutdown'", 'aria-label': 'exit reason' } });
  private readonly actionResult = h('div', { class: 'action-result', attrs: { role: 'status' } });
  private readonly detailBody = h('div');
  /** After the actions: a long mailbox must not push them out of sight. */
  private readonly mailboxBody = h('div');

  constructor(private readonly page: Page) {
    this.filter = h('input', {
      class: 'filter',
      attrs: { type: 'search', placeholder: 'Filter: pid, name, function, status…', 'aria-label': 'filter' },
      on: { input: () => this.page.setView({ filter: this.filter.value }) },
    });
    for (const column of COLUMNS) {
      this.head.append(
        h('th', { class: column.numeric ? 'num' : '', data: { key: column.key }, on: { click: () => this.sortBy(column.key) } }, column.title),
      );
    }
    this.panel.append(
      this.detailBody,
      h('section', { class: 'actions' },
        h('h3', {}, 'Actions'),
        h('label', {}, 'Send a message', this.messageInput),
        h('button', { class: 'send', on: { click: () => this.act('send') } }, 'Send…'),
        h('label', {}, 'Exit with reason', this.reasonInput),
        h('button', { class: 'exit', on: { click: () => this.act('exit') } }, 'Exit…'),
        h('button', { class: 'kill danger', on: { click: () => this.act('kill') } }, 'Kill…'),
        this.actionResult,
      ),
      this.mailboxBody,
      h('button', { class: 'close', title: 'close', on: { click: () => this.close() } }, '×'),
    );
    this.element = h('section', { class: 'processes' },
      h('div', { class: 'table-side' },
        h('div', { class: 'toolbar' }, this.filter, this.count),
        h('div', { class: 'scroll' }, h('table', { class: 'table' }, h('thead', {}, this.head), this.body)),
      ),
      this.panel,
    );
  }

  show(update: Update | undefined): void {
    const view = this.page.view;
    if (view.node !== this.rowsNode) {
      // Another node's tab: its pids are not this table's, even when they print the same.
      this.rowsNode = view.node;
      this.rowElements.clear();
      this.body.replaceChildren();
      this.count.textContent = '';
      this.detailPid = null;
    }
    this.element.classList.toggle('remote', view.node !== null);
    for (const th of this.head.children) {
      const key = (th as HTMLElement).dataset.key;
      th.classList.toggle('sorted', key === view.sort);
      th.classList.toggle('descending', key === view.sort && view.descending);
    }
    this.panel.hidden = view.selected === null;
    this.element.classList.toggle('with-detail', view.selected !== null);
    if (update !== undefined) this.element.classList.toggle('no-names', update.rows.every((row) => row.name === ''));
    if (update === undefined) return;
    this.count.textContent =
      update.matching === update.total
        ? `${formatCount(update.total)} processes`
        : `${formatCount(update.matching)} of ${formatCount(update.total)} processes`;
    if (update.rows.length < update.matching) this.count.textContent += ` (first ${update.rows.length} shown)`;
    const remote = update.remote;
    if (remote !== undefined && remote.unread > 0) this.count.textContent += ` (${formatCount(remote.unread)} more on the node, not read)`;
    const rows = update.rows.map((row) => this.rowOf(row, view.selected));
    const shown = new Set(rows);
    for (const [pid, tr] of this.rowElements) if (!shown.has(tr)) this.rowElements.delete(pid);
    const children = this.body.children;
    if (children.length !== rows.length || rows.some((tr, i) => children[i] !== tr)) this.body.replaceChildren(...rows);
    if (view.selected !== null && update.detail !== null && update.detail.pid === view.selected) this.showDetail(update.detail);
  }

  private rowOf(row: ProcessRow, selected: string | null): HTMLTableRowElement {
    let tr = this.rowElements.get(row.pid);
    if (tr === undefined) {
      tr = h('tr', { data: { pid: row.pid }, on: { click: () => this.page.openProcess(row.pid) } },
        ...COLUMNS.map((column) => h('td', { class: `${column.numeric ? 'num' : ''} col-${column.key}` })));
      this.rowElements.set(row.pid, tr);
    }
    const className = `${row.code === 'old' ? 'old-code' : ''}${row.pid === selected ? ' selected' : ''}`;
    if (tr.className !== className) tr.className = className;
    COLUMNS.forEach((column, i) => {
      const cell = tr.children[i];
      const text = column.cell(row);
      if (cell.textContent !== text) cell.textContent = text;
    });
    return tr;
  }

  private sortBy(key: SortKey): void {
    const view = this.page.view;
    this.page.setView(view.sort === key ? { descending: !view.descending } : { sort: key, descending: ['messages', 'reductions', 'memory'].includes(key) });
    this.show(undefined);
  }

  private close(): void {
    this.page.setView({ selected: null });
    this.detailPid = null;
    this.show(undefined);
  }

  private showDetail(detail: ProcessDetail): void {
    if (this.detailPid !== detail.pid) {
      this.detailPid = detail.pid;
      this.actionResult.textContent = '';
      this.actionResult.className = 'action-result';
    }
    const title = h('h2', {}, detail.pid, detail.row?.name ? h('span', { class: 'name' }, ` ${detail.row.name}`) : null);
    if (!detail.alive) {
      this.detailBody.replaceChildren(title, h('p', { class: 'dead' }, `${detail.pid} has exited.`));
      this.mailboxBody.replaceChildren();
      return;
    }
    // A pid of another node than the one shown reads `<0.5.0> on node@host`: not one to open here.
    const pidList = (pids: string[] | undefined) =>
      pids === undefined || pids.length === 0
        ? h('span', { class: 'none' }, 'none')
        : h('span', {}, ...pids.map((pid) => OPENABLE_PID.test(pid)
          ? h('button', { class: 'pid-link', on: { click: () => this.page.openProcess(pid) } }, pid)
          : h('span', { class: 'other-node-pid' }, pid)));
    const remote = this.page.view.node !== null;
    const row = detail.row;
    const facts: [string, Node | string][] = [
      ['Initial call', row?.initialCall ?? ''],
      ['Current function', row?.currentFunction ?? ''],
      ['Status', row?.status ?? ''],
      ['Reductions', formatCount(row?.reductions ?? 0)],
      ['trap_exit', String(detail.trapExit)],
      ['Links', pidList(detail.links)],
      ['Monitors', pidList(detail.monitors)],
      ['Monitored by', pidList(detail.monitoredBy)],
    ];
    const versions = (detail.versions ?? []).map(([module, version, code]) =>
      h('li', { class: code === 'old' ? 'old-code' : 'current-code' }, `${module} v${version} (${code})`),
    );
    const history = (detail.history ?? []).map((change) => h('li', {}, `${clock(change.at)}  ${change.module} v${change.from} → v${change.to}`));
    const mailbox = detail.mailbox ?? [];
    const more = (detail.mailboxLength ?? 0) - mailbox.length;
    this.detailBody.replaceChildren(h('div', {},
      title,
      h('dl', {}, ...facts.flatMap(([term, value]) => [h('dt', {}, term), h('dd', {}, value)])),
      detail.state !== undefined ? h('h3', {}, 'State') : null,
      detail.state !== undefined ? h('pre', { class: 'state' }, detail.state) : null,
      remote ? null : h('h3', {}, 'Code versions'),
      remote ? null : versions.length > 0 ? h('ul', { class: 'versions' }, ...versions) : h('p', { class: 'none' }, 'runs no module code'),
      history.length > 0 ? h('h3', {}, 'Version changes') : null,
      history.length > 0 ? h('ul', { class: 'history' }, ...history) : null,
    ));
    this.mailboxBody.replaceChildren(h('div', {},
      h('h3', {}, `Mailbox (${formatCount(detail.mailboxLength ?? 0)})`),
      detail.mailboxError !== undefined
        ? h('p', { class: 'none' }, detail.mailboxError)
        : mailbox.length > 0
          ? h('ol', { class: 'mailbox' }, ...mailbox.map((message) => h('li', {}, h('pre', {}, message))))
          : h('p', { class: 'none' }, 'empty'),
      more > 0 && detail.mailboxError === undefined ? h('p', { class: 'none' }, `… and ${formatCount(more)} more`) : null,
    ));
  }

  private async act(action: 'send' | 'exit' | 'kill'): Promise<void> {
    const pid = this.page.view.selected;
    if (pid === null) return;
    const message = this.messageInput.value;
    const reason = this.reasonInput.value;
    const node = this.page.view.node;
    const target = node === null ? pid : `${pid} on ${node}`;
    const question =
      action === 'send' ? `Send ${message.trim() || '(nothing)'} to ${target}?` : action === 'exit' ? `Send ${target} an exit signal with reason ${reason}?` : `Kill ${target}? It cannot trap this.`;
    if (!(await confirmAction(question, action === 'send' ? 'Send' : action === 'exit' ? 'Exit' : 'Kill'))) return;
    let reply: ActionReply;
    try {
      reply = (await this.page.post('/api/action', { node: this.page.view.node, action, pid, message, reason })) as ActionReply;
    } catch (error) {
      reply = { ok: false, error: error instanceof Error ? error.message : String(error) };
    }
    this.actionResult.className = `action-result ${reply.ok ? 'ok' : 'error'}`;
    this.actionResult.textContent = reply.ok ? reply.text : reply.error;
  }
}
