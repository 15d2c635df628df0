// Tab completion candidates, computed where the values live (the evaluator thread): built-ins,
// bound variables and globals by name; a module's exports after `mod:` or `mod.`; properties
// of a value after `value.`. Getters are never invoked: completing must not run user code.
// As Erlang's edlin does, a module name completes with its `:` and a function of a module or
// a shell command with its `(`, so that the next Tab goes on from there.

import { runInThisContext } from 'node:vm';
import { codeServer } from '../../code/codeServer';
import { handleModuleName } from '../../code/moduleHandle';
import { listModules } from '../../code/codePath';
import { lastIdentifierChain } from '../forms';
import type { Shell } from './shell';

export interface Completion {
  replaceFrom: number;
  candidates: string[];
}

const IDENTIFIER_CHAIN = /^[A-Za-z_$][\w$]*(\.[A-Za-z_$][\w$]*)*$/;

export function complete(shell: Shell, line: string, cursor: number): Completion {
  const before = line.slice(0, cursor);
  const target = lastIdentifierChain(before);
  switch (target.kind) {
    case 'remote':
      return { replaceFrom: target.replaceFrom, candidates: withPrefix(moduleExports(shell, target.module), target.prefix) };
    case 'property':
      return { replaceFrom: target.replaceFrom, candidates: withPrefix(propertiesOf(shell, target.object), target.prefix) };
    case 'name':
      return { replaceFrom: target.replaceFrom, candidates: withPrefix(names(shell), target.prefix) };
    default:
      return { replaceFrom: cursor, candidates: [] };
  }
}

function withPrefix(names: Iterable<string>, prefix: string): string[] {
  const unique = new Set<string>();
  for (const name of names) {
    if (name.startsWith(prefix) && !name.startsWith('__')) unique.add(name);
  }
  return [...unique].sort();
}

/** Globals, bound variables and declared names as they are, but commands with `(` and module
 *  handles with `:`; then modules on the code path (or loaded) that no global hides, with `:`. */
function names(shell: Shell): string[] {
  const globals = shell.globalNames();
  const visible = new Set(globals);
  const modules = [...listModules(), ...codeServer.loadedModules().map((m) => m.module)];
  return [
    ...globals.map((name) => (shell.isCommand(name) ? `${name}(`
      : isModuleHandle(globalValue(name)) || isRuntimeModule(shell, name) ? `${name}:` : name)),
    ...modules.filter((name) => !visible.has(name)).map((name) => `${name}:`),
  ];
}

/** `io`, `erlang`... while the global of that name is still the runtime's module. */
function isRuntimeModule(shell: Shell, name: string): boolean {
  const module = shell.runtimeModule(name);
  return module !== undefined && module === globalValue(name);
}

/** A global's value when it is a data property: a getter is never run. */
function globalValue(name: string): unknown {
  const descriptor = Object.getOwnPropertyDescriptor(globalThis, name);
  return descriptor && 'value' in descriptor ? descriptor.value : undefined;
}

function isModuleHandle(value: unknown): boolean {
  return handleModuleName(value) !== undefined;
}

function moduleExports(shell: Shell, module: string): string[] {
  const exports = shell.runtimeModule(module) ?? (codeServer.current(module) ?? codeServer.ensureLoaded(module))?.exports;
  if (!exports) return [];
  return Object.entries(exports).map(([name, value]) => (typeof value === 'function' ? `${name}(` : name));
}

function propertiesOf(shell: Shell, chain: string): string[] {
  const head = chain.split('.')[0];
  if (!chain.includes('.') && shell.isModule(head) && !(head in globalThis)) return moduleExports(shell, head);
  const value = lookupChain(shell, chain);
  if (value === null || value === undefined) return [];
  const module = handleModuleName(value);
  if (module !== undefined) return moduleExports(shell, module);
  const names: string[] = [];
  for (let o: object | null = Object(value); o !== null && o !== Object.prototype; o = Object.getPrototypeOf(o)) {
    for (const name of Object.getOwnPropertyNames(o)) if (name !== 'constructor') names.push(name);
  }
  return names;
}

/** Follows `a.b.c` through data properties only, from a name of the current job or a global. */
function lookupChain(shell: Shell, chain: string): unknown {
  if (!IDENTIFIER_CHAIN.test(chain)) return undefined;
  const [head, ...rest] = chain.split('.');
  const job = shell.currentJob();
  let value: unknown;
  if (job.scope.has(head)) {
    value = job.scope.peek(head)?.value;
  } else {
    try {
      value = runInThisContext(head); // a bare identifier: a global, or a binding of the job
    } catch {
      return undefined;
    }
  }
  for (const key of rest) {
    if (value === null || value === undefined) return undefined;
    const descriptor = findDescriptor(Object(value), key);
    if (!descriptor || !('value' in descriptor)) return undefined;
    value = descriptor.value;
  }
  return value;
}

function findDescriptor(o: object | null, key: string): PropertyDescriptor | undefined {
  for (; o !== null; o = Object.getPrototypeOf(o)) {
    const descriptor = Object.getOwnPropertyDescriptor(o, key);
    if (descriptor) return descriptor;
  }
  return undefined;
}
