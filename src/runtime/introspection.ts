// What the shell's i() and process_info/1 show about processes.
import { Pid } from './pid';
import { type Process, type ProcessStatus, EXITED } from './process';
import { allProcesses, lookupProcessById, processOf } from './table';

export interface ProcessInfo {
  registered_name?: string;
  /** `module:fn/arity` last entered through a module handle, else the initial call. */
  current_function: string;
  initial_call: string;
  status: ProcessStatus;
  message_queue_len: number;
  messages: unknown[];
  links: Pid[];
  /** The processes this one monitors. */
  monitors: ['process', Pid][];
  trap_exit: boolean;
  reductions: number;
}

export function processes(): Pid[] {
  const pids: Pid[] = [];
  for (const proc of allProcesses()) pids.push(proc.pid);
  return pids;
}

export function is_process_alive(pid: Pid): boolean {
  return liveProcess(pid) !== undefined;
}

/** The process's info, or undefined when it is not alive. With `item`: `[item, value]`. */
export function process_info(pid: Pid): ProcessInfo | undefined;
export function process_info<K extends keyof ProcessInfo>(pid: Pid, item: K): [K, ProcessInfo[K]] | undefined;
export function process_info(pid: Pid, item?: keyof ProcessInfo): unknown {
  const proc = liveProcess(pid);
  if (proc === undefined) return undefined;
  if (item !== undefined) return [item, PROCESS_INFO_ITEMS[item](proc)];
  const info: Partial<Record<keyof ProcessInfo, unknown>> = {};
  for (const [name, read] of Object.entries(PROCESS_INFO_ITEMS) as [keyof ProcessInfo, (p: Process) => unknown][]) {
    const value = read(proc);
    if (value !== undefined) info[name] = value; // registered_name only when registered
  }
  return info as ProcessInfo;
}

/**
 * How each process_info item is read, in the order process_info(Pid) lists them. One at a
 * time, so that asking for one item (here, or another node asking by rpc) reads only that
 * one: a message_queue_len does not copy the mailbox.
 */
export const PROCESS_INFO_ITEMS: { readonly [K in keyof ProcessInfo]-?: (proc: Process) => ProcessInfo[K] } = {
  registered_name: (proc) => proc.registeredName,
  current_function: (proc) => proc.currentFunction ?? proc.initialCall,
  initial_call: (proc) => proc.initialCall,
  status: (proc) => proc.status,
  message_queue_len: (proc) => proc.mailbox.length,
  messages: (proc) => [...proc.mailbox],
  links: (proc) => [...proc.links].map((other) => other.pid),
  monitors: (proc) => [...(proc.ext?.monitors?.values() ?? [])].map((m): ['process', Pid] => ['process', m.target.pid]),
  trap_exit: (proc) => proc.trapExit,
  reductions: (proc) => proc.reductions,
};

/** Like lookupProcess, for a value that user code claims is a pid. */
function liveProcess(pid: Pid): Process | undefined {
  return pid instanceof Pid ? lookupProcess(pid) : undefined;
}

/** The live process for a pid or pid number. */
export function lookupProcess(pidOrId: Pid | number): Process | undefined {
  const proc = typeof pidOrId === 'number' ? lookupProcessById(pidOrId) : processOf(pidOrId);
  return proc === undefined || proc.state === EXITED ? undefined : proc;
}

/**
 * A rough size in bytes (the observer's Memory column, erlang:process_info(Pid, memory) for
 * other nodes): the process object and its side record, plus its queued messages measured
 * shallowly. JavaScript has no per-process heap to ask, so this is an estimate, and the
 * observer's page says so.
 */
export function processMemory(proc: Process): number {
  let bytes = 120 + (proc.ext === null ? 0 : 160);
  const mailbox = proc.mailbox;
  const measured = Math.min(mailbox.length, 50);
  let messageBytes = 0;
  for (let i = 0; i < measured; i++) messageBytes += valueBytes(mailbox[i], 2);
  if (measured > 0) bytes += Math.round((messageBytes / measured) * mailbox.length);
  return bytes;
}

function valueBytes(value: unknown, depth: number): number {
  switch (typeof value) {
    case 'string':
      return 16 + value.length * 2;
    case 'object': {
      if (value === null) return 8;
      if (Array.isArray(value)) {
        let bytes = 16 + value.length * 8;
        if (depth > 0) for (let i = 0; i < Math.min(value.length, 20); i++) bytes += valueBytes(value[i], depth - 1);
        return bytes;
      }
      return 64;
    }
    default:
      return 8;
  }
}
