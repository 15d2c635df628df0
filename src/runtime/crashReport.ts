// Error reports for processes, printed through the one output channel in Erlang's layout
// (the formatting itself lives with the other exception printing in src/io/exception.ts).
import { writeOutput } from './output';
import { errorReportHeader, formatCrashReport } from '../io/exception';
import { formatValue } from '../io/print';
import type { Pid } from './pid';

export function reportProcessCrash(pid: Pid, reason: unknown): void {
  writeOutput(formatCrashReport(String(pid), reason));
}

/** A report with Erlang's header and a free-form first line, for failures with no process. */
export function reportError(headline: string, value: unknown): void {
  const shown = value instanceof Error ? (value.stack ?? `${value.name}: ${value.message}`) : formatValue(value);
  writeOutput(`${errorReportHeader()}${headline}\n${shown}\n`);
}
