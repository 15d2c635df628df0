// The tables Eshell prints for i(), i(Pid), regs(), m(), m(Mod) and the BREAK menu's
// (p)roc info / (i)nfo / (l)oaded. Plain text with fixed columns, like Erlang's c.erl.

import { allProcesses, liveProcessCount, lookupProcessById } from '../../runtime/table';
import { registered, whereis } from '../../runtime/registry';
import { process_info } from '../../runtime/introspection';
import type { Process } from '../../runtime/process';
import type { Pid } from '../../runtime/pid';
import { codeServer } from '../../code/codeServer';
import { formatTerm } from '../../io/print';
import { List } from '../../runtime/terms';

const column = (text: string, width: number): string =>
  text.length >= width ? `${text} ` : text.padEnd(width);

/** `i()`: one pair of lines per process, as Erlang's i/0 (heap and stack replaced by status). */
export function processTable(): string {
  const lines = [
    `${column('Pid', 18)}${column('Initial Call', 36)}${'Reds'.padStart(10)}${'Msgs'.padStart(8)}`,
    `${column('Registered', 18)}${column('Current Function', 36)}${'Status'.padStart(10)}`,
  ];
  let count = 0;
  let messages = 0;
  for (const proc of allProcesses()) {
    count++;
    messages += proc.mailbox.length;
    lines.push(
      `${column(String(proc.pid), 18)}${column(proc.initialCall, 36)}${String(proc.reductions).padStart(10)}${String(proc.mailbox.length).padStart(8)}`,
      `${column(proc.registeredName ?? '', 18)}${column(proc.currentFunction ?? proc.initialCall, 36)}${proc.status.padStart(10)}`,
    );
  }
  lines.push(`Total: ${count} processes, ${messages} messages queued`);
  return lines.join('\n');
}

/** `i(Pid)`: what process_info says, one item a line (the first ten messages of a long queue);
 *  undefined when the process is gone. */
export function processDetails(pid: Pid): string | undefined {
  const info = process_info(pid);
  if (!info) return undefined;
  return Object.entries(info)
    .map(([key, value]) => `${column(key, 20)}${formatTerm(key === 'messages' ? info.messages.slice(0, 10) : value)}`)
    .join('\n');
}

/** i(Pid) for a process of another node: the `[item, value]` list its node answered. */
export function remoteProcessDetails(info: unknown): string | undefined {
  const items = info instanceof List ? info.items : undefined;
  if (items === undefined) return undefined;
  return items.map((item) => (Array.isArray(item) && item.length === 2 ? `${column(String(item[0]), 20)}${formatTerm(item[1])}` : formatTerm(item))).join('\n');
}

/** `regs()`: registered names with their processes. */
export function registeredTable(): string {
  const lines = [`${column('Name', 24)}${column('Pid', 14)}${column('Initial Call', 36)}${'Msgs'.padStart(6)}`];
  for (const name of registered().sort()) {
    const pid = whereis(name);
    const proc: Process | undefined = pid && lookupProcessById(pid.id);
    if (!proc) continue;
    lines.push(`${column(name, 24)}${column(String(pid), 14)}${column(proc.initialCall, 36)}${String(proc.mailbox.length).padStart(6)}`);
  }
  return lines.join('\n');
}

/** `m()`: loaded modules with their version and source. */
export function loadedModulesTable(): string {
  const rows = codeServer.loadedModules();
  const lines = [`${column('Module', 24)}${column('Version', 10)}File`];
  for (const m of rows) {
    lines.push(`${column(m.module, 24)}${column(`${m.version}${m.hasOld ? ' (+old)' : ''}`, 10)}${m.path}`);
  }
  if (rows.length === 0) lines.push('(no modules loaded yet: c(mod) loads one)');
  return lines.join('\n');
}

/** `m(Mod)`: exports, version and source of one module. */
export function moduleDetails(name: string): string {
  const info = codeServer.moduleInfo(name);
  if (!info) return `Module ${name} is not loaded (c(${name}) loads it).`;
  const exports = info.exports.map(([fn, arity]) => `${fn}/${arity ?? '?'}`).join(', ');
  return [
    `Module: ${info.module}`,
    `Version: ${info.version}${info.hasOld ? ' (an old version is still loaded)' : ''}`,
    `Source: ${info.path}`,
    `Compiled: ${info.compiledAt.toISOString()}`,
    `Loaded: ${info.loadedAt.toISOString()}`,
    `Exports: ${exports || '(none)'}`,
  ].join('\n');
}

/** `memory()`: Erlang returns a proplist; here an object of byte counts. */
export function memorySummary(): Record<string, number> {
  const usage = process.memoryUsage();
  return {
    total: usage.rss,
    heap_used: usage.heapUsed,
    heap_total: usage.heapTotal,
    external: usage.external,
    array_buffers: usage.arrayBuffers,
    process_count: liveProcessCount(),
  };
}
