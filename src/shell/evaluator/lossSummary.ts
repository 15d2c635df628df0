// What replacing the evaluator thread would lose, in words: the user's processes, the shell's
// variable bindings and declarations, and the loaded modules. Written ahead of time (see
// evaluatorThreadHealth.ts), because when the thread has to be replaced it can no longer be
// asked.

import { allProcesses, liveProcessCount, lookupProcessById } from '../../runtime/table';
import { codeServer } from '../../code/codeServer';
import { plural } from '../../io/plural';
import type { Shell } from './shell';

/** Processes named one by one; beyond this the summary only counts them. */
const PROCESSES_NAMED = 8;

export function lossSummary(shell: Shell): string {
  const parts = [describeProcesses(shell), describeBindings(shell), describeDeclarations(shell), describeModules()].filter((part) => part !== '');
  return parts.length > 0 ? parts.join('\n') : 'nothing but the shell itself';
}

function describeProcesses(shell: Shell): string {
  // The connected job's own processes (shell:server, shell:eval_loop) come back with the new
  // thread; everything else, other jobs' processes included, is gone for good.
  const job = shell.activeJob;
  const shellPids = new Set([job.controller?.id, job.evaluator?.id].filter((id) => id !== undefined && lookupProcessById(id)));
  const count = liveProcessCount() - shellPids.size;
  if (count <= 0) return '';
  const named: string[] = [];
  for (const proc of allProcesses()) {
    if (named.length === PROCESSES_NAMED) break;
    if (shellPids.has(proc.pid.id)) continue;
    const name = proc.registeredName === undefined ? '' : ` registered as ${proc.registeredName}`;
    named.push(`${proc.pid} ${proc.currentFunction ?? proc.initialCall}${name}`);
  }
  const more = count > named.length ? `, and ${count - named.length} more` : '';
  return `${plural(count, 'process', 'processes')}: ${named.join(', ')}${more}`;
}

function describeBindings(shell: Shell): string {
  const names = shell.activeJob.bindings.entries().map(([name]) => name);
  if (names.length === 0) return '';
  return `variable bindings: ${names.join(', ')}`;
}

function describeDeclarations(shell: Shell): string {
  const names = shell.activeJob.scope.declaredNames().filter((name) => !name.startsWith('__'));
  if (names.length === 0) return '';
  return `declarations: ${names.sort().join(', ')}`;
}

function describeModules(): string {
  const modules = codeServer.loadedModules().map((row) => row.module);
  if (modules.length === 0) return '';
  return `loaded modules (they load again when called): ${modules.join(', ')}`;
}
