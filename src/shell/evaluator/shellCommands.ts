// The shell's commands over the code server, as Erlang's c.erl sits over the public `code`
// API: they print what went wrong and answer with the shell's tuples, while the code server
// only loads modules and keeps their versions.
import { codeServer, type LoadResult } from '../../code/codeServer';
import type { CompileOptions } from '../../code/compile';
import { isFailure } from '../../code/failure';

/** `c(Mod)`: find, compile, purge, load; `['ok', mod]`, or the error printed and returned. */
export async function c(spec: string, options: CompileOptions = {}): Promise<['ok', string] | ['error', unknown]> {
  const loaded = await codeServer.compileAndLoad(spec, options);
  return isFailure(loaded) ? codeServer.reportFailure(loaded) : ['ok', loaded.module];
}

/** `l(Mod)`: purge and load again from the source, without compiling while it is unchanged. */
export function l(name: string): LoadResult {
  const loaded = codeServer.load(name, { purge: true });
  return isFailure(loaded) ? codeServer.reportFailure(loaded) : ['module', name];
}

/** `lm()`: loads again every module whose source changed since it was loaded (Erlang's lm/0). */
export function lm(): LoadResult[] {
  return codeServer.modifiedModules().map(l);
}
