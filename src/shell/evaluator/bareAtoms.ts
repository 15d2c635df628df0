// Erlang's bare atoms at the prompt. In erl, `hello.` is the atom hello; in JavaScript it is a
// ReferenceError. In code typed at the prompt (and the functions defined there), a lower-case
// name that nothing defines (no local, no declaration, no global) is the atom of that name:
// the string 'hello'. Nothing else changes meaning:
// * only names JavaScript could not resolve are affected, so a name that exists always wins;
// * only code compiled from the prompt's input (file `shell:N`) sees atoms: modules and
//   libraries keep their ReferenceErrors and their `typeof window === 'undefined'` checks;
// * the lookup is answered by a proxy placed in the global object's prototype chain, which
//   JavaScript consults only after the global object's own properties, so resolved names and
//   property reads of every other object never reach it.

import { isInputFile } from './inputCompiler';

/** Lower-case names, as Erlang atoms written bare (`ok`, `ping_pong`, `self`...). */
const BARE_ATOM = /^[a-z][\w$]*$/;

let installed = false;

/** Installs the atom fallback for the whole evaluator thread (once). */
export function installBareAtoms(): void {
  if (installed) return;
  installed = true;
  const globalPrototype = Object.getPrototypeOf(globalThis) as object;
  const handler: ProxyHandler<object> = {
    has(target, key) {
      return Reflect.has(target, key) || (isAtomName(key) && typedAtThePrompt(handler.has!));
    },
    get(target, key, receiver) {
      if (Reflect.has(target, key) || !isAtomName(key) || !typedAtThePrompt(handler.get!)) {
        return Reflect.get(target, key, receiver);
      }
      return key;
    },
  };
  Object.setPrototypeOf(globalPrototype, new Proxy(Object.getPrototypeOf(globalPrototype) as object, handler));
}

/** A lower-case name that stands for its atom where nothing defines it. */
export function isAtomName(key: string | symbol): key is string {
  return typeof key === 'string' && BARE_ATOM.test(key);
}

/** Whether the code that looked the name up was compiled from the prompt's input. */
function typedAtThePrompt(trap: (...args: never[]) => unknown): boolean {
  const savedPrepare = Error.prepareStackTrace;
  const savedLimit = Error.stackTraceLimit;
  try {
    Error.stackTraceLimit = 1;
    Error.prepareStackTrace = (_error, frames) => frames;
    const holder: { stack?: NodeJS.CallSite[] } = {};
    Error.captureStackTrace(holder, trap);
    const file = holder.stack?.[0]?.getFileName();
    return typeof file === 'string' && isInputFile(file);
  } finally {
    Error.prepareStackTrace = savedPrepare;
    Error.stackTraceLimit = savedLimit;
  }
}
