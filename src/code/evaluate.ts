// Runs a module's compiled CommonJS once, producing one version's exports. The code is
// compiled with `vm.compileFunction` rather than imported: an ES module can never be garbage
// collected, and Erlang keeps at most two versions of a module alive, so a thousand reloads
// must not keep a thousand copies.
import path from 'node:path';
import vm from 'node:vm';
import { wrapTimers } from './runtimeImports';

/** What the module sees as `module`; `exports` is replaced by esbuild's CommonJS prologue. */
export interface ModuleObject {
  exports: Record<string, unknown>;
}

const TIMER_NAMES = [
  'setTimeout', 'setInterval', 'setImmediate',
  'clearTimeout', 'clearInterval', 'clearImmediate', 'queueMicrotask',
] as const;

const PARAMETERS = ['exports', 'require', 'module', '__filename', '__dirname', ...TIMER_NAMES];

let timers: ReturnType<typeof wrapTimers> | undefined;

/**
 * Evaluates `code` into `module` (throws whatever the module's top level throws).
 * `compiledName` is the name its stack frames carry; `file` the real source path.
 * Timers are the runtime's wrapped ones, so a callback scheduled by module code runs as the
 * process that scheduled it and its exceptions are that process's.
 */
export function evaluateModule(
  module: ModuleObject,
  code: string,
  file: string,
  compiledName: string,
  require: (spec: string) => unknown,
): void {
  const body = vm.compileFunction(code, PARAMETERS, { filename: compiledName });
  timers ??= wrapTimers();
  const timerArgs = TIMER_NAMES.map((name) => timers![name]);
  body.call(module.exports, module.exports, require, module, file, path.dirname(file), ...timerArgs);
}
