// Links, monitors and exit signals to processes of other nodes. As with remoteSend.ts, the
// runtime knows nothing of networks: the distribution layer installs these hooks when the
// node comes alive. Without them a link or monitor to another node's process fails at once
// with 'noconnection', as erl's does when the node cannot be reached.
import type { Pid, Ref } from './pid';
import type { Process } from './process';
import type { Receive } from './receive';

/** A process monitored on another node: its pid, or `[name, node]`. */
export type RemoteTarget = Pid | readonly [string, string];

export interface RemoteSignals {
  /** `from` links to `to`, a process of another node. */
  link(from: Process, to: Pid): void;
  unlink(from: Process, to: Pid): void;
  /** `exit(to, reason)` from `from` (undefined: from outside any process). */
  exit(from: Pid | undefined, to: Pid, reason: unknown): void;
  /** `watcher` monitors `target` on another node; the 'DOWN' names `target` as given. */
  monitor(watcher: Process, target: RemoteTarget, ref: Ref): void;
  /** Stops a monitor on another node; false when `ref` is none of `watcher`'s. */
  demonitor(watcher: Process, ref: Ref): boolean;
  /**
   * `spawn(Node, Module, Function, Args)` and its _link/_monitor forms: the pid (or `[pid,
   * ref]`), or, for another node, a receive the caller waits in for it.
   */
  spawn(caller: Process | undefined, node: string, module: string, fn: string, args: readonly unknown[], how: 'spawn' | 'spawn_link' | 'spawn_monitor'): Receive | Pid | [Pid, Ref];
}

let hooks: RemoteSignals | undefined;

export function setRemoteSignals(next: RemoteSignals | undefined): void {
  hooks = next;
}

export function remoteSignals(): RemoteSignals | undefined {
  return hooks;
}
