// Error reports for processes, printed through the one output channel in Erlang's layout
// (the formatting itself lives with the other exception printing in src/io/exception.ts).
import { writeOutput } from '../io/output';
import { formatCrashReport, reportTimestamp } from '../io/exception';
import { formatValue } from '../io/print';
import type { Pid } from './pid';

export function reportProcessCrash(pid: Pid, reason: unknown): void {
  writeOutput(formatCrashReport(String(pid), reason));
}

/** A report with Erlang's header and a free-form first line, for failures with no process. */
export function reportError(headline: string, value: unknown): void {
  const nowMs = performance.timeOrigin + performance.now();
  const stamp = reportTimestamp(new Date(Math.floor(nowMs)), (nowMs % 1000) * 1000);
  const shown = value instanceof Error ? (value.stack ?? `${value.name}: ${value.message}`) : formatValue(value);
  writeOutput(`=ERROR REPORT==== ${stamp} ===\n${headline}\n${shown}\n`);
}
