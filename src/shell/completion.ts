// Tab completion candidates, computed where the values live (the evaluator thread): built-ins,
// bound variables and globals by name; a module's exports after `mod:` or `mod.`; properties
// of a value after `value.`. Getters are never invoked: completing must not run user code.

import { runInThisContext } from 'node:vm';
import { codeServer } from '../code/codeServer';
import { listModules } from '../code/codePath';
import { lastIdentifierChain } from './forms';
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
      return { replaceFrom: target.replaceFrom, candidates: withPrefix(moduleExports(target.module), target.prefix) };
    case 'property':
      return { replaceFrom: target.replaceFrom, candidates: withPrefix(propertiesOf(shell, target.object), target.prefix) };
    case 'name':
      return {
        replaceFrom: target.replaceFrom,
        candidates: withPrefix([...shell.globalNames(), ...listModules()], target.prefix),
      };
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

function moduleExports(module: string): string[] {
  const version = codeServer.current(module) ?? codeServer.ensureLoaded(module);
  return version ? Object.keys(version.exports) : [];
}

function propertiesOf(shell: Shell, chain: string): string[] {
  const head = chain.split('.')[0];
  if (!chain.includes('.') && shell.isModule(head) && !(head in globalThis)) return moduleExports(head);
  const value = lookupChain(chain);
  if (value === null || value === undefined) return [];
  const module = (value as Record<symbol, unknown>)[Symbol.for('eshell-ts.module')];
  if (typeof module === 'string') return moduleExports(module);
  const names: string[] = [];
  for (let o: object | null = Object(value); o !== null && o !== Object.prototype; o = Object.getPrototypeOf(o)) {
    for (const name of Object.getOwnPropertyNames(o)) if (name !== 'constructor') names.push(name);
  }
  return names;
}

/** Follows `a.b.c` through data properties only. */
function lookupChain(chain: string): unknown {
  if (!IDENTIFIER_CHAIN.test(chain)) return undefined;
  const [head, ...rest] = chain.split('.');
  let value: unknown;
  try {
    value = runInThisContext(head); // a bare identifier: also finds const/let declared at the prompt
  } catch {
    return undefined;
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
