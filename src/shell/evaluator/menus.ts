// Answers for the terminal's BREAK menu (Ctrl-C on an empty line) and User switch command
// menu (Ctrl-G), which need the runtime: process info, system info, loaded modules, jobs.
// The menus' texts and help (`h`) live with the menus, in src/shell/terminal/terminalMenus.ts.

import { processTable, loadedModulesTable, memorySummary } from './reports';
import type { Shell } from './shell';
import { versionLine } from '../version';
import { stopTopPrinter } from './printers';

/** Read once, on the first (v)ersion. */
let version: string | undefined;

export function menuAnswer(shell: Shell, command: string, arg?: number): string {
  switch (command) {
    case 'p':
      return processTable();
    case 'i': {
      if (arg !== undefined) return shell.interruptJob(arg) ? '' : `Unknown job ${arg} or nothing to interrupt`;
      const memory = memorySummary();
      return Object.entries(memory).map(([key, value]) => `${key}: ${value}`).join('\n');
    }
    case 'l':
      return loadedModulesTable();
    case 'v':
      return (version ??= versionLine(__dirname));
    case 'j':
      return shell.listJobs();
    case 's':
      return `started job ${shell.startJob().id}`;
    case 'c':
      return shell.connect(arg ?? shell.activeJob.id) ? '' : `Unknown job ${arg}`;
    case 'k':
      return shell.killJob(arg ?? shell.activeJob.id) ? '' : `Unknown job ${arg}`;
    case 'o':
      return stopTopPrinter();
    default:
      return `Unknown command ${command}`;
  }
}
