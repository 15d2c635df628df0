// The module table, with Erlang's two-version rule: each module has at most a *current* and an
// *old* version. Loading a new version makes current old and the new one current; the version
// that was old is purged first, and processes still running it are killed, as Erlang's
// code server does (since OTP 19 purging kills lingering processes).
//
// Order of a load, chosen so that a failure changes nothing: find, read, compile, evaluate the
// new code into a fresh exports object, and only when all of that succeeded purge the old
// version and swap. (Erlang purges before loading; evaluating first means a module whose top
// level throws leaves every version and every process as it was. What the failed top level
// did before throwing, such as spawning a process, cannot be undone.)
import { compile, compileSync, type CompileOptions, type Compiled } from './compile';
import { displayName, findModule, type ModuleLocation } from './codePath';
import { evaluateModule, type ModuleObject } from './evaluate';
import { isFailure, type Failure } from './failure';
import { moduleRequire } from './moduleRequire';
import { typeErrorsOf, warnAboutTypeErrors } from './typeCheck';
import { allProcesses, api, currentProcess, exitProcess, formatThrown, runAs, runningProcess, writeOutput } from './runtimeLinks';
import { currentHash, readSource, type SourceText } from './sourceFile';
import { registerCode, unregisterCode, versionedFileName } from './stackTraces';

export interface ModuleVersion {
  readonly module: string;
  /** 1 for the first load of the module in this session, then 2, 3, ... */
  readonly version: number;
  readonly exports: Readonly<Record<string, unknown>>;
  readonly file: string;
  /** sha1 of the source the version was compiled from. */
  readonly hash: string;
  /** Compiled JavaScript, reused by `l(m)` while the source is unchanged. */
  readonly code: string;
  /** The file name its stack frames carry before mapping (see stackTraces.ts). */
  readonly compiledName: string;
  readonly compiledAt: Date;
  readonly loadedAt: Date;
}

interface ModuleEntry {
  current?: ModuleVersion;
  old?: ModuleVersion;
  lastVersion: number;
}

export type LoadResult = ['module', string] | ['error', unknown];

export class CodeServer {
  private readonly table = new Map<string, ModuleEntry>();
  /** Modules whose top level is running, for require cycles. */
  private readonly loading = new Map<string, ModuleObject>();
  /** Told of every version installed (watch mode follows modules loaded after it started). */
  private readonly loadListeners = new Set<(name: string, file: string) => void>();

  /** Calls `listener` after each new version is installed; returns how to stop. */
  onLoad(listener: (name: string, file: string) => void): () => void {
    this.loadListeners.add(listener);
    return () => this.loadListeners.delete(listener);
  }

  /** The current version of `name`, if loaded. The hot path of every handle call. */
  current(name: string): ModuleVersion | undefined {
    return this.table.get(name)?.current;
  }

  old(name: string): ModuleVersion | undefined {
    return this.table.get(name)?.old;
  }

  /** Eshell's `c(Mod)`: find, compile (asynchronously), purge, load. Prints diagnostics. */
  async c(spec: string, options: CompileOptions = {}): Promise<['ok', string] | ['error', unknown]> {
    const location = findModule(spec);
    if (isFailure(location)) return this.fail(location);
    const source = readSource(location.file);
    if (isFailure(source)) return this.fail(source);
    const caller = currentProcess();
    // Under 'strict' the type checker must agree before anything loads; otherwise it reports
    // type errors as warnings shortly after, while the new code already runs.
    const [compiled, typeErrors] = await Promise.all([
      compile(location.file, source.text, options),
      options.strict ? typeErrorsOf(location.file, source.text) : undefined,
    ]);
    // The caller was interrupted (Ctrl-C) while esbuild compiled: nobody waits for this load
    // any more, and nothing is loaded.
    if (caller !== undefined && !api.is_process_alive(caller.pid)) return ['error', 'interrupted'];
    if (isFailure(compiled)) return this.fail(compiled);
    if (typeErrors) return this.fail(typeErrors);
    const loaded = this.install(location, source, compiled, { purge: true });
    if (isFailure(loaded)) return this.fail(loaded);
    if (!options.strict) warnAboutTypeErrors(location.file, source.text);
    return ['ok', location.name];
  }

  /**
   * Eshell's `l(Mod)`: purge and load again from the source, without compiling when the
   * compiled output of the current version matches the file's hash. A module loaded from a
   * path the user named is reloaded from that path.
   */
  l(name: string): LoadResult {
    return this.loadFile(name, { purge: true });
  }

  /**
   * Erlang's `code:load_file`: like l/1 but without purging, so it fails with `not_purged`
   * while an old version exists.
   */
  loadFile(name: string, { purge = false }: { purge?: boolean } = {}): LoadResult {
    const loadedFrom = this.current(name)?.file;
    const location = loadedFrom ? { name, file: loadedFrom } : findModule(name);
    const loaded = isFailure(location) ? location : this.loadSync(location, { purge });
    return isFailure(loaded) ? this.fail(loaded) : ['module', name];
  }

  /**
   * The current version of `name`, loading it from the code path first if it is not loaded
   * (Erlang's interactive mode). Failures are printed; undefined means "not available",
   * also while the module's own top level runs (its functions do not exist yet).
   */
  ensureLoaded(name: string): ModuleVersion | undefined {
    const loaded = this.current(name);
    if (loaded || this.loading.has(name)) return loaded;
    const location = findModule(name);
    if (isFailure(location)) return undefined;
    const version = this.loadSync(location, { purge: false });
    if (!isFailure(version)) return version;
    this.report(version);
    return undefined;
  }

  /** Erlang's `mm()`: loaded modules whose source file changed since they were loaded. */
  modifiedModules(): string[] {
    const modified: string[] = [];
    for (const [name, { current }] of this.table) {
      if (!current) continue;
      const hash = currentHash(current.file); // undefined: the file is gone, nothing to reload
      if (hash !== undefined && hash !== current.hash) modified.push(name);
    }
    return modified.sort();
  }

  /** Erlang's `lm()`: reloads every modified module. */
  loadModified(): LoadResult[] {
    return this.modifiedModules().map((name) => this.l(name));
  }

  /** Erlang's `code:soft_purge`: drops old code unless a process still runs it. */
  softPurge(name: string): boolean {
    const entry = this.table.get(name);
    if (!entry?.old) return true;
    if (this.processesIn(entry.old).length > 0) return false;
    this.dropOld(entry);
    return true;
  }

  /** Erlang's `code:purge`: kills processes running old code, drops it; true if any was killed. */
  purge(name: string): boolean {
    const entry = this.table.get(name);
    if (!entry?.old) return false;
    const killed = this.killLingering(entry.old);
    this.dropOld(entry);
    return killed > 0;
  }

  /** Erlang's `code:delete`: current code becomes old; false while old code is not purged. */
  deleteModule(name: string): boolean {
    const entry = this.table.get(name);
    if (!entry?.current || entry.old) return false;
    entry.old = entry.current;
    entry.current = undefined;
    return true;
  }

  /** For `m()`: every loaded module. */
  loadedModules(): { module: string; version: number; path: string; loadedAt: Date; hasOld: boolean }[] {
    const rows = [];
    for (const [module, { current, old }] of this.table) {
      if (current) rows.push({ module, version: current.version, path: current.file, loadedAt: current.loadedAt, hasOld: !!old });
    }
    return rows.sort((a, b) => a.module.localeCompare(b.module));
  }

  /** For `m(Mod)`: exports with arities, source, version, load time. */
  moduleInfo(name: string) {
    const entry = this.table.get(name);
    const current = entry?.current;
    if (!current) return undefined;
    const exports = Object.entries(current.exports).map(
      ([fn, value]) => [fn, typeof value === 'function' ? value.length : undefined] as [string, number | undefined],
    );
    return {
      module: name,
      version: current.version,
      path: current.file,
      hash: current.hash,
      compiledAt: current.compiledAt,
      loadedAt: current.loadedAt,
      hasOld: !!entry.old,
      exports,
    };
  }

  /** Erlang's `code:which`: where the module is loaded from, or would be. */
  which(name: string): string {
    return this.sourceFile(name) ?? 'non_existing';
  }

  /** The current version's file (what runs), else the file the code path would load. */
  sourceFile(name: string): string | undefined {
    const loaded = this.current(name);
    if (loaded) return loaded.file;
    const found = findModule(name);
    return isFailure(found) ? undefined : found.file;
  }

  /** Reuses the current version's compiled output when the source is unchanged (for l/1). */
  private cachedCompile(name: string, source: SourceText): Compiled | undefined {
    const current = this.current(name);
    if (!current || current.hash !== source.hash) return undefined;
    return { code: current.code, warnings: '', compiledAt: current.compiledAt };
  }

  /** A load without awaiting: for l/1, code:load_file and modules met inside a call. */
  private loadSync(location: ModuleLocation, options: { purge: boolean }): ModuleVersion | Failure {
    const source = readSource(location.file);
    if (isFailure(source)) return source;
    const compiled = this.cachedCompile(location.name, source) ?? compileSync(location.file, source.text);
    if (isFailure(compiled)) return compiled;
    return this.install(location, source, compiled, options);
  }

  private install(
    location: ModuleLocation,
    source: SourceText,
    compiled: Compiled,
    { purge }: { purge: boolean },
  ): ModuleVersion | Failure {
    const { name, file } = location;
    if (compiled.warnings) writeOutput(compiled.warnings);
    const entry = this.table.get(name) ?? { lastVersion: 0 };
    if (entry.old && !purge) {
      return { error: 'not_purged', message: `${name}: old code must be purged before loading again\n` };
    }
    const version = entry.lastVersion + 1;
    const compiledName = versionedFileName(file, version);
    const module: ModuleObject = { exports: {} };
    registerCode(compiledName, file, compiled.code);
    this.loading.set(name, module);
    const evaluation = guardedAsCaller(() =>
      evaluateModule(module, compiled.code, file, compiledName, moduleRequire(file, this.requireHooks)),
    );
    this.loading.delete(name);
    if (evaluation.outcome !== 'done') {
      // Formatted before the code is unregistered: the stack is mapped through its source map.
      const message =
        evaluation.outcome === 'threw'
          ? `${displayName(file)}: error: loading failed, the module's top level raised:\n${formatThrown(evaluation.thrown)}\n`
          : `${displayName(file)}: error: loading was interrupted: the module's top level did not finish\n`;
      unregisterCode(compiledName);
      return evaluation.outcome === 'threw'
        ? { error: ['load_failed', evaluation.thrown], message }
        : { error: 'interrupted', message };
    }
    if (entry.current && exportsFunctions(entry.current.exports) && !exportsFunctions(module.exports)) {
      // A types-only file compiles to nothing: loading it would leave every process that calls
      // through the module with no function to call. Refusing keeps the running system whole.
      unregisterCode(compiledName);
      return {
        error: 'no_functions',
        message: `${displayName(file)}: error: the new version exports no functions (only types?); not loaded, ${name} version ${entry.current.version} keeps running\n`,
      };
    }
    if (entry.old) {
      this.killLingering(entry.old);
      this.dropOld(entry);
    }
    const loaded: ModuleVersion = {
      module: name, version, exports: module.exports, file, hash: source.hash,
      code: compiled.code, compiledName, compiledAt: compiled.compiledAt, loadedAt: new Date(),
    };
    entry.old = entry.current;
    entry.current = loaded;
    entry.lastVersion = version;
    this.table.set(name, entry);
    if (Object.keys(module.exports).length === 0) {
      writeOutput(`${displayName(file)}: warning: module ${name} exports nothing\n`);
    }
    for (const listener of this.loadListeners) listener(name, file);
    return loaded;
  }

  private readonly requireHooks = {
    api: () => api,
    loadedExports: (name: string) => this.loading.get(name)?.exports ?? this.current(name)?.exports,
    loadExports: (location: ModuleLocation) => {
      const loaded = this.loadSync(location, { purge: false });
      if (isFailure(loaded)) {
        this.report(loaded);
        throw new Error(`cannot load module ${location.name} (${String(loaded.error)})`);
      }
      return loaded.exports;
    },
  };

  private processesIn(version: ModuleVersion) {
    return [...allProcesses()].filter((p) => p.codeVersion(version.module) === version.version);
  }

  private killLingering(version: ModuleVersion): number {
    const lingering = this.processesIn(version);
    for (const process of lingering) {
      exitProcess(process, 'kill'); // untrappable, as Erlang's purge: the process ends 'killed'
      writeOutput(`${version.module}: killed ${String(process.pid)}, it was still running old code\n`);
    }
    return lingering.length;
  }

  private dropOld(entry: ModuleEntry): void {
    if (entry.old) unregisterCode(entry.old.compiledName);
    entry.old = undefined;
  }

  /** Prints the failure and returns it as Erlang's `{error, Reason}`. */
  private fail(failure: Failure): ['error', unknown] {
    this.report(failure);
    return ['error', failure.error];
  }

  private report(failure: Failure): void {
    writeOutput(failure.message.endsWith('\n') ? failure.message : `${failure.message}\n`);
  }
}

/** The one code server of the runtime. */
export const codeServer = new CodeServer();

function exportsFunctions(exports: Readonly<Record<string, unknown>>): boolean {
  return Object.values(exports).some((value) => typeof value === 'function');
}

type Evaluation = { outcome: 'done' } | { outcome: 'threw'; thrown: unknown } | { outcome: 'interrupted' };

/**
 * Runs a module's top level as the process that asked for the load, under the scheduler's
 * guard: a busy loop at a module's top level is then stopped by Ctrl-C like any runaway
 * (the caller is killed, nothing is loaded) instead of freezing the evaluator thread.
 */
function guardedAsCaller(run: () => void): Evaluation {
  let evaluation: Evaluation = { outcome: 'interrupted' };
  const attempt = (): void => {
    try {
      run();
      evaluation = { outcome: 'done' };
    } catch (thrown) {
      evaluation = { outcome: 'threw', thrown };
    }
  };
  const caller = runningProcess() ? undefined : currentProcess();
  if (caller) runAs(caller, attempt);
  else attempt();
  return evaluation;
}
