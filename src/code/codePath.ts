// The code path: the ordered list of directories searched for a module's source file, as in
// Erlang's code server. It is the directories given with `-pa DIR` or in `ESHELL_TS_PATH`
// (first, as Erlang's -pa puts them at the head), then the shell's current directory, then
// `./modules` when that exists, then the lessons shipped in the package's own modules/;
// `code.add_path` appends (Erlang's add_pathz). A module name never contains a path:
// `c(code_reload)` searches, while a spec the user spells as a path (`c("../lib/util.ts")`)
// names one file and skips the search.
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { isFailure, type Failure } from './failure';
import { isModuleName } from './moduleName';

/** Source extensions, in the order they are tried in each directory. */
const SOURCE_EXTENSIONS = ['.ts', '.tsx', '.js', '.mjs'] as const;

/** A module's source file, found on the code path or named by the user. */
export interface ModuleLocation {
  name: string;
  file: string;
}

let cwd = process.cwd();
/** Says why a name cannot be a module's (the shell reserves its globals), else undefined. */
let reservedBecause: (name: string) => string | undefined = () => undefined;

/**
 * Installed by the shell: names it resolves itself (its built-ins, the API, JavaScript's
 * globals) are refused as module names, as Erlang's sticky directories protect its own
 * modules. Otherwise `c:hello()` would hide `c()` and `process:hello()` every `process`.
 */
export function reserveModuleNames(because: (name: string) => string | undefined): void {
  reservedBecause = because;
}

function reserved(name: string, spec: string): Failure | undefined {
  const why = reservedBecause(name);
  if (why === undefined) return undefined;
  return { error: 'reserved_name', message: `${spec}: cannot be a module: '${name}' is ${why}; rename the file` };
}
/** Undefined until initCodePath, or until the first lookup sets up the default path. */
let dirs: string[] | undefined;

/**
 * Called once by the shell at start-up: `extraDirs` come from `-pa DIR` and `ESHELL_TS_PATH`.
 * Returns the directories that could not be added (missing), for the shell to report.
 */
export function initCodePath(options: {
  cwd: string;
  extraDirs?: readonly string[];
  /** Searched last: the lessons shipped with eshell-ts, reachable from any directory. */
  fallbackDirs?: readonly string[];
}): Failure[] {
  cwd = path.resolve(options.cwd);
  dirs = [];
  const rejected = (options.extraDirs ?? []).map(addPath).filter(isFailure);
  addPath(cwd);
  addPath(path.join(cwd, 'modules'));
  for (const dir of options.fallbackDirs ?? []) addPath(dir);
  return rejected;
}

/**
 * The directories searched. Code that never calls initCodePath (a program importing the
 * runtime directly) gets the default path for the process's directory, set up on first use
 * so the shell, which always calls initCodePath, does not look up directories twice.
 */
function pathDirs(): string[] {
  if (dirs === undefined) initCodePath({ cwd });
  return dirs!;
}

/** Erlang's `code:add_pathz`: appends a directory (relative to the shell's directory). */
export function addPath(dir: string): true | Failure {
  const absolute = path.resolve(cwd, dir);
  if (!isDirectory(absolute)) {
    return { error: 'bad_directory', message: `${dir}: no such directory` };
  }
  const searched = pathDirs();
  if (!searched.includes(absolute)) searched.push(absolute);
  return true;
}

export function getPath(): string[] {
  return [...pathDirs()];
}

/** How a file is named in messages: relative to the shell's directory when inside it. */
export function displayName(file: string): string {
  const relative = path.relative(cwd, file);
  return relative.startsWith('..') || path.isAbsolute(relative) ? file : relative;
}

/** A user-given spec that names a file rather than a module to search for. */
function isPathSpec(spec: string): boolean {
  return spec.includes('/') || SOURCE_EXTENSIONS.some((ext) => spec.endsWith(ext));
}

/**
 * Where the source of `spec` lives. A module name is searched for in each code path
 * directory, trying every source extension; a path spec is taken as given (relative to the
 * shell's directory), and its base name must still be a module name, because that is how
 * handles and `mod:fn()` in the shell address it.
 */
export function findModule(spec: string): ModuleLocation | Failure {
  if (isPathSpec(spec)) return locateFile(path.resolve(cwd, spec), spec);
  if (!isModuleName(spec)) {
    return { error: 'badarg', message: `${JSON.stringify(spec)} is not a module name` };
  }
  const refused = reserved(spec, spec);
  if (refused) return refused;
  const searched = pathDirs();
  for (const dir of searched) {
    const file = sourceIn(dir, spec);
    if (file) return { name: spec, file };
  }
  return {
    error: 'nofile',
    message: `no ${spec}${SOURCE_EXTENSIONS.join('|')} in the code path: ${searched.join(', ')}`,
  };
}

/** Resolves a relative `require('./other')` from a loaded module to a source file, if any. */
export function findRelative(fromDir: string, spec: string): ModuleLocation | undefined {
  const base = path.resolve(fromDir, spec);
  const candidates = SOURCE_EXTENSIONS.some((ext) => base.endsWith(ext))
    ? [base]
    : SOURCE_EXTENSIONS.map((ext) => base + ext);
  const file = candidates.find(isFile);
  if (!file) return undefined;
  const located = locateFile(file, spec);
  return isFailure(located) ? undefined : located;
}

/** The names of all modules on the code path (for completion and auto-loading). */
export function listModules(): string[] {
  const names = new Set<string>();
  for (const dir of pathDirs()) {
    let entries: string[];
    try {
      entries = readdirSync(dir);
    } catch {
      continue; // a directory removed after it was added is skipped, as Erlang does
    }
    for (const entry of entries) {
      const ext = SOURCE_EXTENSIONS.find((e) => entry.endsWith(e));
      const name = ext && entry.slice(0, -ext.length);
      if (name && isModuleName(name) && isFile(path.join(dir, entry))) names.add(name);
    }
  }
  return [...names].sort();
}

function locateFile(file: string, spec: string): ModuleLocation | Failure {
  const ext = SOURCE_EXTENSIONS.find((e) => file.endsWith(e));
  if (!ext) {
    const known = SOURCE_EXTENSIONS.join(', ');
    return { error: 'badarg', message: `${spec}: not a source file (expected ${known})` };
  }
  const name = path.basename(file, ext);
  if (!isModuleName(name)) {
    return {
      error: 'badarg',
      message: `${spec}: ${JSON.stringify(name)} is not a module name (a lower-case letter, then letters, digits, _ or $)`,
    };
  }
  const refused = reserved(name, spec);
  if (refused) return refused;
  if (!isFile(file)) return { error: 'nofile', message: `${spec}: no such file (${file})` };
  return { name, file };
}

function sourceIn(dir: string, name: string): string | undefined {
  for (const ext of SOURCE_EXTENSIONS) {
    const file = path.join(dir, name + ext);
    if (isFile(file)) return file;
  }
  return undefined;
}

function isFile(file: string): boolean {
  return statSync(file, { throwIfNoEntry: false })?.isFile() ?? false;
}

function isDirectory(dir: string): boolean {
  return statSync(dir, { throwIfNoEntry: false })?.isDirectory() ?? false;
}
