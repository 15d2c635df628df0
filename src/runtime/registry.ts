// Registered names (Erlang's register/2, whereis/1 ...). A name is freed when its process exits.
import { badarg } from './errors';
import { Pid } from './pid';
import { type Process, EXITED } from './process';

const byName = new Map<string, Process>();

export function register(name: string, pid: Pid): true {
  if (typeof name !== 'string' || name === '' || name === 'undefined') {
    throw badarg(`register: the name must be a non-empty string other than 'undefined', got ${String(name)}`);
  }
  if (!(pid instanceof Pid)) throw badarg(`register: expected a pid, got ${typeof pid}`);
  const proc = pid.proc;
  if (proc === undefined || proc.state === EXITED) throw badarg(`register: process ${pid} is not alive`);
  if (byName.has(name)) throw badarg(`register: the name '${name}' is already taken by ${byName.get(name)!.pid}`);
  const ext = proc.extras();
  if (ext.registeredName !== undefined) {
    throw badarg(`register: process ${pid} is already registered as '${ext.registeredName}'`);
  }
  ext.registeredName = name;
  byName.set(name, proc);
  return true;
}

export function unregister(name: string): true {
  const proc = byName.get(name);
  if (proc === undefined) throw badarg(`unregister: no process is registered as '${String(name)}'`);
  forgetName(proc);
  return true;
}

export function whereis(name: string): Pid | undefined {
  return byName.get(name)?.pid;
}

export function registered(): string[] {
  return [...byName.keys()];
}

/** The live process registered as `name`. */
export function lookupName(name: string): Process | undefined {
  return byName.get(name);
}

/** Frees the process's name, if it has one (on exit or unregister). */
export function forgetName(proc: Process): void {
  const ext = proc.ext;
  if (ext === null || ext.registeredName === undefined) return;
  byName.delete(ext.registeredName);
  ext.registeredName = undefined;
}
