// Answers for the terminal's BREAK menu (Ctrl-C on an empty line) and User switch command
// menu (Ctrl-G), which need the runtime: process info, system info, loaded modules, jobs.

import { processTable, loadedModulesTable, memorySummary } from './reports';
import type { Shell } from './shell';

const VERSION = `Eshell-TS V0.1.0 (Node ${process.version})`;

export const JOB_HELP = `  c [nn]            - connect to job
  i [nn]            - interrupt job
  k [nn]            - kill job
  j                 - list all jobs
  s [shell]         - start local shell
  q                 - quit eshell-ts
  ? | h             - this message`;

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
      return VERSION;
    case 'j':
      return shell.listJobs();
    case 's':
      return `started job ${shell.startJob().id}`;
    case 'c':
      return shell.connect(arg ?? shell.activeJob.id) ? '' : `Unknown job ${arg}`;
    case 'k':
      return shell.killJob(arg ?? shell.activeJob.id) ? '' : `Unknown job ${arg}`;
    case 'h':
    case '?':
      return JOB_HELP;
    default:
      return `Unknown command ${command}`;
  }
}
