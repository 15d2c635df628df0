// Answers for the terminal's BREAK menu (Ctrl-C on an empty line) and User switch command
// menu (Ctrl-G), which need the runtime: process info, system info, loaded modules, jobs.
// The menus' texts and help (`h`) live with the menus, in src/shell/terminal/terminalMenus.ts.

import { processTable, loadedModulesTable, memorySummary } from './reports';
import type { Shell } from './shell';
import { versionLine } from '../version';
import { stopTopPrinter } from './printers';
import { unreachable, type FromEvaluator, type MenuRequest } from '../protocol';

/** Read once, on the first (v)ersion. */
let version: string | undefined;

/** erl's answer to a job number it does not know (and to `c`/`i` with no current job). */
const UNKNOWN_JOB = 'Unknown job';

export function menuAnswer(shell: Shell, request: MenuRequest & { id: number }): FromEvaluator {
  const text = (answer: string): FromEvaluator => ({ t: 'menu-answer', id: request.id, text: answer });
  switch (request.t) {
    case 'process-info':
      return text(processTable());
    case 'system-info':
      return text(Object.entries(memorySummary()).map(([key, value]) => `${key}: ${value}`).join('\n'));
    case 'loaded-modules':
      return text(loadedModulesTable());
    case 'version':
      return text((version ??= versionLine(__dirname)));
    case 'list-jobs':
      return text(shell.listJobs());
    case 'start-job':
      shell.startJob();
      return text('');
    case 'connect-job': {
      const connected = shell.connect(request.job);
      if (!connected) return text(UNKNOWN_JOB);
      return { t: 'job-connected', id: request.id, ...connected };
    }
    case 'interrupt-job':
      return text(shell.interruptJob(request.job) ? '' : UNKNOWN_JOB);
    case 'kill-job':
      return text(shell.killJob(request.job) ? '' : UNKNOWN_JOB);
    case 'kill-printer':
      return text(stopTopPrinter());
    default:
      return unreachable(request);
  }
}
