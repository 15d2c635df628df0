// The process table: every live process by pid number, in spawn order.
import type { Pid } from './pid';
import type { Process } from './process';

// Pid numbers are handed out in order, so the table is an array indexed by pid number, cut
// into pages so that the processes of long ago cost nothing once they are gone: a page whose
// processes have all exited is dropped. (A Map of a million entries spent a fifth of the time
// of spawning them on its own growth, and kept its size after they were gone.)
const PAGE_BITS = 10;
const PAGE_SIZE = 1 << PAGE_BITS;
const PAGE_MASK = PAGE_SIZE - 1;

interface Page {
  slots: (Process | undefined)[];
  live: number;
}

const pages: (Page | undefined)[] = [];
let liveCount = 0;
let lastPidId = 0;

export function allocatePidId(): number {
  return ++lastPidId;
}

export function addProcess(proc: Process): void {
  const id = proc.pid.id;
  const index = id >>> PAGE_BITS;
  let page = pages[index];
  if (page === undefined) {
    // pages that were never made (pids allocated but not added) stay holes
    while (pages.length < index) pages.push(undefined);
    page = pages[index] = { slots: new Array(PAGE_SIZE).fill(undefined), live: 0 };
  }
  if (page.slots[id & PAGE_MASK] === undefined) {
    page.live++;
    liveCount++;
  }
  page.slots[id & PAGE_MASK] = proc;
}

export function removeProcess(proc: Process): void {
  const id = proc.pid.id;
  const index = id >>> PAGE_BITS;
  const page = pages[index];
  if (page === undefined || page.slots[id & PAGE_MASK] !== proc) return;
  page.slots[id & PAGE_MASK] = undefined;
  liveCount--;
  if (--page.live === 0) pages[index] = undefined;
}

export function lookupProcessById(id: number): Process | undefined {
  return pages[id >>> PAGE_BITS]?.slots[id & PAGE_MASK];
}

/**
 * The process behind `pid`, through the pid's own link when it has one (no map lookup). It
 * may already be EXITED while its exit is still being propagated. Never one for a pid of
 * another node, whatever its number.
 */
export function processOf(pid: Pid): Process | undefined {
  return pid.proc ?? (pid.remote ? undefined : lookupProcessById(pid.id));
}

/** Every live process, in spawn order. */
export function* allProcesses(): IterableIterator<Process> {
  for (let index = 0; index < pages.length; index++) {
    const page = pages[index];
    if (page === undefined) continue;
    for (const proc of page.slots) if (proc !== undefined) yield proc;
  }
}

export function liveProcessCount(): number {
  return liveCount;
}
