// Module handles: the TypeScript spelling of Erlang's remote call `?MODULE:fn(...)`.
//
//   const M = moduleHandle<typeof import('./code_reload')>('code_reload');
//   return M.server_loop(count + 1);
//
// `M.fn` looks `fn` up in the module's *current* version at each call, so a process looping
// through the handle moves to new code at its next call, while a plain local call
// (`server_loop(n)`) stays in the version that made it. Each call records on the calling
// process which version it entered, which is how the code server finds processes still
// running old code when it purges. A module on the code path that is not loaded yet is
// loaded at its first call, as in Erlang's interactive mode.
import { codeServer, type ModuleEntry } from './codeServer';
import { addPath, getPath } from './codePath';
import { isFailure } from './failure';
import { currentProcess, ErlangException, handleModuleName, MODULE_NAME_KEY, staysInCode } from './runtimeImports';

/** Where a handle carries its module's name, and the one way to read it off (spawn,
 *  initial_call, the behaviours and the shell all use it). */
export { handleModuleName, MODULE_NAME_KEY };

const handles = new Map<string, object>();

/** A handle on module `name`; `T` is usually `typeof import('./name')`. Cached per name. */
export function moduleHandle<T = Record<string, (...args: any[]) => any>>(name: string): T {
  let handle = handles.get(name);
  if (!handle) {
    handle = createHandle(name);
    handles.set(name, handle);
  }
  return handle as T;
}

/**
 * A plain object whose prototype is a Proxy: the first `M.fn` falls through to the Proxy,
 * which makes the remote function and stores it on the handle, so later calls are ordinary
 * property loads (a Proxy trap on every call would cost more than the call itself).
 */
function createHandle(name: string): object {
  const functionsOnDemand = new Proxy({}, {
    get(target, key, handle) {
      // Symbols are host protocols (inspection, iteration), Object.prototype names are what
      // every object has, and `then` would make a handle look like a promise to `await`.
      // None of them names a module function.
      if (typeof key === 'symbol' || key === 'then' || key in target) return Reflect.get(target, key, handle);
      const fn = remoteFunction(name, key);
      Object.defineProperty(handle, key, { value: fn, enumerable: true });
      return fn;
    },
    set: () => false,
  });
  const handle = Object.create(functionsOnDemand);
  Object.defineProperty(handle, MODULE_NAME_KEY, { value: name });
  Object.defineProperty(handle, INSPECT, { value: () => `#Module<${name}>` });
  return handle;
}

/**
 * The function behind `M.fn`. Each call looks `fn` up in the current version and marks the
 * calling process as running that version. A call that returns a suspension (a receive to
 * wait in, a promise) leaves the process in that code: it will run the handlers that version
 * created. A call that returns a value or throws has left the module, and the process is put
 * back where it was, so a shell that once called `code_reload:start_server()` is not taken
 * for a process still running that version.
 *
 * This is the hot path of every server loop: `arguments` and `apply` avoid building an array
 * per call, and the `name:fn/N` label is built once per arity.
 */
function remoteFunction(module: string, fn: string): (...args: unknown[]) => unknown {
  const labels: string[] = [];
  /** The module's versions, kept once it is loaded: the code server never replaces the object. */
  let versions: Readonly<ModuleEntry> | undefined;
  const remote = function remoteCall(): unknown {
    const version = (versions ??= codeServer.entry(module))?.current ?? codeServer.ensureLoaded(module);
    const target = version?.exports[fn];
    const arity = arguments.length;
    if (typeof target !== 'function') {
      const label = `${module}:${fn}/${arity}`;
      throw new ErlangException('error', ['undef', [module, fn, arity]], `undefined function ${label}`);
    }
    const process = currentProcess();
    if (!process) return target.apply(undefined, arguments);
    const label = (labels[arity] ??= `${module}:${fn}/${arity}`);
    let previousVersion: number;
    let previousFunction: string | undefined;
    const ext = process.ext;
    if (ext !== null && ext.currentFunction === label && ext.firstModule === module && ext.firstModuleVersion === version!.version) {
      // A loop through the handle: the process is in this very function of this version
      // already, which is also what a return would restore. Nothing to record.
      previousVersion = version!.version;
      previousFunction = label;
    } else {
      previousVersion = process.codeVersion(module) ?? NOT_IN_MODULE;
      previousFunction = process.currentFunction;
      process.enterCode(module, version!.version, label);
    }
    let result: unknown;
    try {
      result = target.apply(undefined, arguments);
    } catch (thrown) {
      process.enterCode(module, previousVersion, previousFunction);
      throw thrown;
    }
    if (!staysInCode(result)) process.enterCode(module, previousVersion, previousFunction);
    return result;
  };
  // Printed as Erlang prints a fun: `#Fun<kitchen.take>`.
  Object.defineProperty(remote, INSPECT, { value: () => `#Fun<${module}.${fn}>` });
  return remote;
}

const INSPECT = Symbol.for('nodejs.util.inspect.custom');

/** Versions count from 1: a process marked with 0 runs no version of the module. */
const NOT_IN_MODULE = 0;

/** Erlang's `code` module, for module code and the shell (`code.which('m')`). */
export const code = {
  which: (module: string): string => codeServer.which(module),
  soft_purge: (module: string): boolean => codeServer.softPurge(module),
  purge: (module: string): boolean => codeServer.purge(module),
  delete: (module: string): boolean => codeServer.deleteModule(module),
  all_loaded: (): [string, string][] => codeServer.loadedModules().map((m) => [m.module, m.path]),
  add_path: (dir: string): true | ['error', 'bad_directory'] => {
    const added = addPath(dir);
    return isFailure(added) ? ['error', 'bad_directory'] : true;
  },
  get_path: (): string[] => getPath(),
  is_loaded: (module: string): ['file', string] | false => {
    const loaded = codeServer.current(module);
    return loaded ? ['file', loaded.file] : false;
  },
  load_file: (module: string) => codeServer.loadFile(module),
};
