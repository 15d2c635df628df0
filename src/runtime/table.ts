// The process table: every live process by pid number, in spawn order.
import type { Pid } from './pid';
import type { Process } from './process';

const live = new Map<number, Process>();
let lastPidId = 0;

export function allocatePidId(): number {
  return ++lastPidId;
}

export function addProcess(proc: Process): void {
  live.set(proc.pid.id, proc);
}

export function removeProcess(proc: Process): void {
  live.delete(proc.pid.id);
}

export function lookupProcessById(id: number): Process | undefined {
  return live.get(id);
}

/**
 * The process behind `pid`, through the pid's own link when it has one (no map lookup). It
 * may already be EXITED while its exit is still being propagated. Never one for a pid of
 * another node, whatever its number.
 */
export function processOf(pid: Pid): Process | undefined {
  return pid.proc ?? (pid.remote ? undefined : live.get(pid.id));
}

export function allProcesses(): Iterable<Process> {
  return live.values();
}

export function liveProcessCount(): number {
  return live.size;
}
