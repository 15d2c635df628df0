// The Code tab: every loaded module with its current and old version, when each was loaded,
// and which processes run each: the moment of a hot reload, when the server still runs the
// old version until its next message takes it through the module handle into the new one.
import type { ModuleRow, Update, VersionInfo } from '../protocol';
import { clock, h } from './dom';
import type { Page, Tab } from './main';

export class CodeTab implements Tab {
  readonly element = h('section', { class: 'code' });

  constructor(private readonly page: Page) {}

  show(update: Update | undefined): void {
    if (update === undefined) return;
    if (update.modules.length === 0) {
      this.element.replaceChildren(h('p', { class: 'empty' }, 'No modules loaded yet: c(code_reload) in the shell loads one.'));
      return;
    }
    this.element.replaceChildren(...update.modules.map((module) => this.card(module)));
  }

  private card(module: ModuleRow): HTMLElement {
    return h('article', { class: 'module', data: { module: module.module } },
      h('h2', {}, module.module, h('span', { class: 'path' }, module.path)),
      h('div', { class: 'versions' },
        this.version('current', module.current),
        module.old === null
          ? h('div', { class: 'version old none' }, h('h3', {}, 'old'), h('p', {}, 'no old version'))
          : this.version('old', module.old),
      ),
    );
  }

  private version(kind: 'current' | 'old', info: VersionInfo): HTMLElement {
    return h('div', { class: `version ${kind}`, data: { version: String(info.version) } },
      h('h3', {}, `${kind} `, h('span', { class: 'number' }, `v${info.version}`)),
      h('p', { class: 'loaded' }, `loaded ${clock(info.loadedAt)}`),
      info.processes.length === 0
        ? h('p', { class: 'pids none' }, 'no process runs it')
        : h('p', { class: 'pids' }, ...info.processes.map(({ pid, name }) =>
          h('button', { class: 'pid-link', on: { click: () => this.page.openProcess(pid) } }, name === '' ? pid : `${pid} ${name}`))),
    );
  }
}
