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
import { allProcesses, api, currentProcess, exitProcess, formatThrown, runAs, runningProcess, writeOutput } from './runtimeImports';
import { currentHash, readSource, sourceOfText, type SourceText } from './sourceFile';
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

/** A module's versions. One object per module name for the server's whole life (never replaced). */
export interface ModuleEntry {
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

  /** The current version of `name`, if loaded. */
  current(name: string): ModuleVersion | undefined {
    return this.table.get(name)?.current;
  }

  /**
   * The versions of `name` once it was ever loaded: the same object from then on, so a module
   * handle keeps it and reads `current` off it on each call (no map lookup on that hot path).
   */
  entry(name: string): Readonly<ModuleEntry> | undefined {
    return this.table.get(name);
  }

  old(name: string): ModuleVersion | undefined {
    return this.table.get(name)?.old;
  }

  /**
   * Finds, compiles (asynchronously), purges and loads `spec` (a module name or a path), the
   * load behind the shell's c/1. Compile warnings are printed; a failure is returned, not
   * printed. With `strict` the type checker must agree before anything loads; otherwise it
   * reports type errors as warnings shortly after, while the new code already runs.
   */
  async compileAndLoad(spec: string, options: CompileOptions = {}): Promise<ModuleVersion | Failure> {
    const location = findModule(spec);
    if (isFailure(location)) return location;
    const source = readSource(location.file);
    if (isFailure(source)) return source;
    const caller = currentProcess();
    const [compiled, typeErrors] = await Promise.all([
      compile(location.file, source.text, options),
      options.strict ? typeErrorsOf(location.file, source.text) : undefined,
    ]);
    // The caller was interrupted (Ctrl-C) while esbuild compiled: nobody waits for this load
    // any more, and nothing is loaded.
    if (caller !== undefined && !api.is_process_alive(caller.pid)) {
      return { error: 'interrupted', message: `${displayName(location.file)}: not loaded: the load was interrupted while compiling` };
    }
    if (isFailure(compiled)) return compiled;
    if (typeErrors) return typeErrors;
    const loaded = this.install(location, source, compiled, { purge: true });
    if (!isFailure(loaded) && !options.strict) warnAboutTypeErrors(location.file, source.text);
    return loaded;
  }

  /**
   * @deprecated The shell's c/1 is `c` in shell/evaluator/shellCommands.ts. This delegate stays
   * only for callers below the shell written against it; use compileAndLoad.
   */
  async c(spec: string, options: CompileOptions = {}): Promise<['ok', string] | ['error', unknown]> {
    const loaded = await this.compileAndLoad(spec, options);
    return isFailure(loaded) ? this.reportFailure(loaded) : ['ok', loaded.module];
  }

  /**
   * Loads `name` again from its source, from the file it was loaded from when it is loaded
   * (a path the user named stays that path), else from the code path. The compiled output of
   * the current version is reused while the file's hash matches. Without `purge` it fails
   * with `not_purged` while an old version exists (Erlang's code:load_file); with it, the old
   * version is purged first (c:l/1). A failure is returned, not printed.
   */
  load(name: string, { purge }: { purge: boolean }): ModuleVersion | Failure {
    const loadedFrom = this.current(name)?.file;
    const location = loadedFrom ? { name, file: loadedFrom } : findModule(name);
    return isFailure(location) ? location : this.loadSync(location, { purge });
  }

  /** Erlang's `code:load_file`: load again, failing with `not_purged` while old code exists. */
  loadFile(name: string): LoadResult {
    const loaded = this.load(name, { purge: false });
    return isFailure(loaded) ? this.reportFailure(loaded) : ['module', name];
  }

  /**
   * Erlang's `code:load_binary`, for nl/1: `name` from source text another node sent, as if
   * read from `file` (the sender's path, named in messages and stack traces). Replaces the
   * current version as c/1 does.
   */
  loadSource(name: string, file: string, text: string): LoadResult {
    const source = sourceOfText(text);
    const compiled = this.cachedCompile(name, source) ?? compileSync(file, text);
    const loaded = isFailure(compiled) ? compiled : this.install({ name, file }, source, compiled, { purge: true });
    return isFailure(loaded) ? this.reportFailure(loaded) : ['module', name];
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

  /**
   * Makes `compiled` the current version of `location.name`. Its phases, in the order that
   * lets a failure change nothing (see the top of this file): refuse while old code is not
   * purged (unless asked to purge), evaluate the new code, refuse a version that would take
   * every function away, purge the old version, swap, warn about an empty module, and tell
   * the load listeners.
   */
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
    const evaluated = this.evaluateVersion(location, compiled, compiledName);
    if (isFailure(evaluated)) return evaluated;
    const refused = refuseFunctionless(entry, location, evaluated);
    if (refused) {
      unregisterCode(compiledName);
      return refused;
    }
    if (entry.old) this.purgeOld(entry);
    const loaded: ModuleVersion = {
      module: name, version, exports: evaluated.exports, file, hash: source.hash,
      code: compiled.code, compiledName, compiledAt: compiled.compiledAt, loadedAt: new Date(),
    };
    this.swapIn(name, entry, loaded);
    if (Object.keys(loaded.exports).length === 0) {
      writeOutput(`${displayName(file)}: warning: module ${name} exports nothing\n`);
    }
    for (const listener of this.loadListeners) listener(name, file);
    return loaded;
  }

  /**
   * Runs the new code's top level into a fresh exports object, as the process that asked for
   * the load. On failure its code is unregistered again and nothing else has changed.
   */
  private evaluateVersion(location: ModuleLocation, compiled: Compiled, compiledName: string): ModuleObject | Failure {
    const { name, file } = location;
    const module: ModuleObject = { exports: {} };
    registerCode(compiledName, file, compiled.code);
    this.loading.set(name, module);
    const evaluation = guardedAsCaller(() =>
      evaluateModule(module, compiled.code, file, compiledName, moduleRequire(file, this.requireHooks)),
    );
    this.loading.delete(name);
    if (evaluation.outcome === 'done') return module;
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

  /** Erlang's purge before a load: processes still in the old version are killed, it is dropped. */
  private purgeOld(entry: ModuleEntry): void {
    if (!entry.old) return;
    this.killLingering(entry.old);
    this.dropOld(entry);
  }

  /** The two-version rule: current becomes old, the new version current. */
  private swapIn(name: string, entry: ModuleEntry, loaded: ModuleVersion): void {
    entry.old = entry.current;
    entry.current = loaded;
    entry.lastVersion = loaded.version;
    this.table.set(name, entry);
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

  /** Prints the failure, as the code server reports its own (a load on first call, an import),
   *  and returns it as Erlang's `{error, Reason}`. */
  reportFailure(failure: Failure): ['error', unknown] {
    this.report(failure);
    return ['error', failure.error];
  }

  private report(failure: Failure): void {
    writeOutput(failure.message.endsWith('\n') ? failure.message : `${failure.message}\n`);
  }
}

/** The one code server of the runtime. */
export const codeServer = new CodeServer();

/**
 * A types-only file compiles to nothing: loading it over a version with functions would leave
 * every process that calls through the module with no function to call. Refusing keeps the
 * running system whole.
 */
function refuseFunctionless(entry: ModuleEntry, location: ModuleLocation, module: ModuleObject): Failure | undefined {
  if (!entry.current || !exportsFunctions(entry.current.exports) || exportsFunctions(module.exports)) return undefined;
  return {
    error: 'no_functions',
    message: `${displayName(location.file)}: error: the new version exports no functions (only types?); not loaded, ${location.name} version ${entry.current.version} keeps running\n`,
  };
}

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
