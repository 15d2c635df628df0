// Starting processes: spawn, spawn_link, spawn_monitor. A new process runs its first step in
// the scheduler's next batch, never inside the spawn call.
import { badarg, describeArgument as describe } from './errors';
import type { Pid, Ref } from './pid';
import { handleModuleName, NO_ARGS, Process } from './process';
import { callingProcess } from './caller';
import { linkProcesses, monitorProcess } from './links';
import { currentProcess, makeRunnable } from './scheduler';
import { addProcess } from './table';
import { remoteSignals } from './remoteSignals';
import type { Receive } from './receive';

type AnyFunction = (...args: any[]) => unknown;
type FunctionKeys<M> = { [K in keyof M]: M[K] extends AnyFunction ? K : never }[keyof M] & string;
type ArgsOf<F> = F extends (...args: infer A) => unknown ? A : never;

/**
 * `spawn(fn, args?)` runs `fn(...args)` in a new process; `spawn(module, 'name', args?)` runs
 * `module.name(...args)` — through a module handle, that call enters the module's current
 * version and records it on the process.
 */
export function spawn(fn: () => unknown): Pid;
export function spawn<A extends readonly unknown[]>(fn: (...args: A) => unknown, args: A): Pid;
export function spawn<M extends object, K extends FunctionKeys<M>>(module: M, fnName: K, args?: ArgsOf<M[K]>): Pid;
/** `spawn(node, 'module', 'fn', args)`: on `node`; waits (a receive) for the pid from another node. */
export function spawn(node: string, module: string, fnName: string, args: readonly unknown[]): Receive<Pid>;
export function spawn(target: unknown, fnNameOrArgs?: unknown, args?: unknown, nodeArgs?: unknown): Pid | Receive<Pid> {
  if (typeof args === 'string') return spawnOnNode('spawn', target, fnNameOrArgs, args, nodeArgs) as Receive<Pid>;
  return spawnProcess(newProcess('spawn', target, fnNameOrArgs, args)).pid;
}

/**
 * Erlang's spawn/4 family: `module.fn(...args)` in a process on `node`, found by name on that
 * node's code path. The distribution layer does it (also for this node, as the code server
 * is above this layer); without it, only this node's name is known and nothing can start.
 */
function spawnOnNode(how: 'spawn' | 'spawn_link' | 'spawn_monitor', node: unknown, module: unknown, fn: string, args: unknown): unknown {
  if (typeof node !== 'string' || typeof module !== 'string') throw badarg(`${how}(Node, Module, Function, Args): atoms for the node, module and function`);
  const hooks = remoteSignals();
  if (hooks === undefined) throw badarg(`${how}(Node, Module, Function, Args): this node is not alive (start it with -sname or net_kernel.start)`);
  const caller = how === 'spawn' ? undefined : callingProcess(`${how}()`);
  return hooks.spawn(caller, node, module, fn, checkArgs(how, args), how);
}

/** spawn, plus a link to the caller made before the new process runs. */
export function spawn_link(fn: () => unknown): Pid;
export function spawn_link<A extends readonly unknown[]>(fn: (...args: A) => unknown, args: A): Pid;
export function spawn_link<M extends object, K extends FunctionKeys<M>>(module: M, fnName: K, args?: ArgsOf<M[K]>): Pid;
export function spawn_link(node: string, module: string, fnName: string, args: readonly unknown[]): Receive<Pid>;
export function spawn_link(target: unknown, fnNameOrArgs?: unknown, args?: unknown, nodeArgs?: unknown): Pid | Receive<Pid> {
  if (typeof args === 'string') return spawnOnNode('spawn_link', target, fnNameOrArgs, args, nodeArgs) as Receive<Pid>;
  const parent = callingProcess('spawn_link()');
  const child = newProcess('spawn_link', target, fnNameOrArgs, args);
  linkProcesses(parent, child);
  return spawnProcess(child).pid;
}

/** spawn, plus a monitor held by the caller: returns `[pid, ref]`. */
export function spawn_monitor(fn: () => unknown): [Pid, Ref];
export function spawn_monitor<A extends readonly unknown[]>(fn: (...args: A) => unknown, args: A): [Pid, Ref];
export function spawn_monitor<M extends object, K extends FunctionKeys<M>>(module: M, fnName: K, args?: ArgsOf<M[K]>): [Pid, Ref];
export function spawn_monitor(node: string, module: string, fnName: string, args: readonly unknown[]): Receive<[Pid, Ref]>;
export function spawn_monitor(target: unknown, fnNameOrArgs?: unknown, args?: unknown, nodeArgs?: unknown): [Pid, Ref] | Receive<[Pid, Ref]> {
  if (typeof args === 'string') return spawnOnNode('spawn_monitor', target, fnNameOrArgs, args, nodeArgs) as Receive<[Pid, Ref]>;
  const parent = callingProcess('spawn_monitor()');
  const child = newProcess('spawn_monitor', target, fnNameOrArgs, args);
  const ref = monitorProcess(parent, child);
  return [spawnProcess(child).pid, ref];
}

/** Makes a process from the arguments of one of the spawn functions, checking them. */
function newProcess(what: string, target: unknown, fnNameOrArgs?: unknown, args?: unknown): Process {
  if (typeof fnNameOrArgs === 'string') {
    const module = target as Record<string, unknown> | null;
    if ((typeof module !== 'object' && typeof module !== 'function') || module === null) {
      throw badarg(`${what}: expected a module before the function name '${fnNameOrArgs}', got ${describe(target)}`);
    }
    if (typeof module[fnNameOrArgs] !== 'function') {
      const name = handleModuleName(module);
      throw badarg(`${what}: ${name !== undefined ? `module ${name}` : 'the module'} has no function '${fnNameOrArgs}'`);
    }
    return new Process(module, fnNameOrArgs, checkArgs(what, args));
  }
  if (typeof target !== 'function') {
    throw badarg(`${what}: expected a function (or a module and a function name), got ${describe(target)}`);
  }
  if (args !== undefined) throw badarg(`${what}: too many arguments; pass the function's arguments as one array`);
  const child = new Process(target, undefined, checkArgs(what, fnNameOrArgs));
  runsSpawnersCode(child);
  return child;
}

/**
 * A fun runs the code of the module version that made it, as in Erlang: a process spawned with
 * a closure is taken to run the version of the module its spawner's code is in (the closure
 * was made there), so purging that version kills it like any process in old code.
 */
function runsSpawnersCode(child: Process): void {
  const spawner = currentProcess();
  const label = spawner?.ext?.currentFunction;
  if (label === undefined) return;
  const module = label.slice(0, label.indexOf(':'));
  const version = spawner!.codeVersion(module);
  if (version !== undefined && version !== 0) child.enterCode(module, version, undefined);
}

function spawnProcess(proc: Process): Process {
  addProcess(proc);
  makeRunnable(proc);
  return proc;
}

function checkArgs(what: string, args: unknown): readonly unknown[] {
  if (args === undefined) return NO_ARGS;
  if (!Array.isArray(args)) throw badarg(`${what}: the arguments must be an array, got ${describe(args)}`);
  return args;
}
