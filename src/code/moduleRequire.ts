// What `import`/`require` means inside a loaded module.
//
// * 'eshell-ts' is the one live runtime, never a second copy from node_modules (a second copy
//   would have its own scheduler and its own pids).
// * './other' (a source file next to the module) or 'other' (a module on the code path) is the
//   code server's module: its *current* exports, loaded now if needed. Such a static import
//   binds the version current at the moment the importing module loads, and keeps it: it is
//   the TypeScript face of Erlang's local calls. Calls that must follow upgrades go through a
//   module handle (`moduleHandle('other').fn()`), Erlang's remote calls.
// * Anything else (npm packages, node builtins, JSON, .cjs files) is resolved by Node from the
//   module's own directory.
import { createRequire, isBuiltin } from 'node:module';
import path from 'node:path';
import { findModule, findRelative, type ModuleLocation } from './codePath';
import { isModuleName } from './moduleName';
import { isFailure } from './failure';

export interface CodeModules {
  /** The public API object modules get for 'eshell-ts' (a function: see runtimeImports.ts). */
  api(): unknown;
  /** Exports of `name` if it is loaded or being loaded (a require cycle). */
  loadedExports(name: string): Record<string, unknown> | undefined;
  /** Loads the module at `location` now and returns its exports; throws if that fails. */
  loadExports(location: ModuleLocation): Record<string, unknown>;
}

export function moduleRequire(file: string, modules: CodeModules): (spec: string) => unknown {
  let nodeRequire: NodeJS.Require | undefined;
  return (spec: string) => {
    if (spec === 'eshell-ts') return modules.api();
    const codeModule = codeModuleExports(spec, path.dirname(file), modules);
    if (codeModule) return codeModule;
    nodeRequire ??= createRequire(file);
    return nodeRequire(spec);
  };
}

function codeModuleExports(spec: string, fromDir: string, modules: CodeModules): Record<string, unknown> | undefined {
  if (spec.startsWith('./') || spec.startsWith('../')) {
    const location = findRelative(fromDir, spec);
    return location && (modules.loadedExports(location.name) ?? modules.loadExports(location));
  }
  if (!isModuleName(spec) || isBuiltin(spec)) return undefined;
  const loaded = modules.loadedExports(spec);
  if (loaded) return loaded;
  const found = findModule(spec);
  return isFailure(found) ? undefined : modules.loadExports(found);
}
