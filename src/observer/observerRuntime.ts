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
}

let installed: ObserverRuntime | undefined;

export function useRuntime(runtime: ObserverRuntime): void {
  installed = runtime;
}

export function rt(): ObserverRuntime {
  if (installed === undefined) throw new Error('the observer was used before startObserver handed it the runtime');
  return installed;
}
