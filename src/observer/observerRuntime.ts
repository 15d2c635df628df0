// The observer's view of the layers below it, handed in when it starts (see runtimeHost.ts
// for why it does not import them). Types only.
import type { Process } from '../runtime/process';
import type { Pid } from '../runtime/pid';
import type { MessageTap } from '../runtime/scheduler';
import type { CodeServer } from '../code/codeServer';
import type { PrintOptions } from '../io/print';

export interface ObserverRuntime {
  allProcesses(): Iterable<Process>;
  liveProcessCount(): number;
  lookupProcess(id: number): Process | undefined;
  currentProcess(): Process | undefined;
  runQueueLength(): number;
  setMessageTap(tap: MessageTap | null): void;
  /** Messages delivered since the tap was installed. */
  tappedMessages(): number;
  send(to: Pid, message: unknown): void;
  exitProcess(proc: Process, reason: unknown): void;
  /** The pid `<0.id.0>`. */
  pid(id: number): Pid;
  formatValue(value: unknown, options: PrintOptions): string;
  /** Prints on the shell's output, between prompts. */
  writeOutput(text: string): void;
  codeServer: Pick<CodeServer, 'loadedModules' | 'current' | 'old'>;
  /** The estimate of a process's memory in bytes (runtime/introspection.ts). */
  processMemory(proc: Process): number;
  dist: ObserverDistribution;
}

/** Distribution as the observer's node tabs need it; while the node is not alive, no nodes. */
export interface ObserverDistribution {
  /** This node's name ('nonode@nohost' while not alive). */
  localNode(): string;
  alive(): boolean;
  /** nodes(): the connected nodes. */
  nodes(): string[];
  /**
   * rpc:call(Node, Module, Fn, Args, TimeoutMs), made from a short-lived process of its own:
   * the answer, or erl's `['badrpc', Reason]` (`['badrpc', 'timeout']` after `timeoutMs`).
   */
  call(node: string, module: string, fn: string, args: readonly unknown[], timeoutMs: number): Promise<unknown>;
  /** An Erlang list of `items` (an array is a tuple). */
  list(items: unknown[]): unknown;
  /** The elements of an Erlang list, or undefined for anything else. */
  listItems(value: unknown): unknown[] | undefined;
  isPid(value: unknown): value is Pid;
  /** exit(Pid, Reason) to a process of another node, through distribution. */
  exitRemote(pid: Pid, reason: unknown): void;
}

let installed: ObserverRuntime | undefined;

export function useRuntime(runtime: ObserverRuntime): void {
  installed = runtime;
}

export function rt(): ObserverRuntime {
  if (installed === undefined) throw new Error('the observer was used before startObserver handed it the runtime');
  return installed;
}
