// Error reports for processes, printed through the one output channel in Erlang's layout.
// When to report is the runtime's business (exits.ts, rejections.ts); how a report reads is
// the io layer's, which installs its formatter here (src/io/exception.ts) so that the runtime
// never imports the layer above it. Until it does, reports are plain text.
import { writeOutput } from './output';
import type { Pid } from './pid';

export interface ErrorReportFormat {
  /** Erlang's report for a process that ended by an uncaught error or throw. */
  processCrash(pidText: string, reason: unknown, thrown?: unknown): string;
  /** A report with Erlang's header and a free-form first line, for failures with no process. */
  error(headline: string, value: unknown): string;
}

let format: ErrorReportFormat = {
  processCrash: (pidText, reason) => `=ERROR REPORT====\nError in process ${pidText} with exit value:\n${String(reason)}\n\n`,
  error: (headline, value) => `=ERROR REPORT====\n${headline}\n${String(value)}\n`,
};

/** Called by the io layer when it loads. */
export function setErrorReportFormat(next: ErrorReportFormat): void {
  format = next;
}

/** Erlang's report for a process that ended by an uncaught error or throw; `thrown` may explain it. */
export function reportProcessCrash(pid: Pid, reason: unknown, thrown?: unknown): void {
  writeOutput(format.processCrash(String(pid), reason, thrown));
}

/** A report with Erlang's header and a free-form first line, for failures with no process. */
export function reportError(headline: string, value: unknown): void {
  writeOutput(format.error(headline, value));
}
