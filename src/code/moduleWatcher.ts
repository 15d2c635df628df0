// Watch mode: a module whose source file is saved is compiled and loaded again, exactly as
// `c(mod)` would (the two-version rule, its error messages, the processes it kills, the type
// warnings after). Made safe for the way editors save:
//
// * The directory is watched, not the file: an editor that writes a temporary file and renames
//   it over the source replaces the inode a file watch would be stuck on.
// * Events are debounced per module and the load happens only when the file's content hash
//   differs from the version loaded (and from the last save that failed): a burst of writes,
//   or a rename dance, loads once; a save that changes nothing loads nothing.
// * A save that does not compile changes nothing: c/1 never installs a failed version.
//
// Nothing is polled: fs.watch is the kernel's notification (inotify on Linux). Nothing of this
// exists until the first watch: no watcher, no timer.
import { watch as watchDirectory, type FSWatcher } from 'node:fs';
import path from 'node:path';
import { codeServer } from './codeServer';
import { displayName, findModule } from './codePath';
import { isFailure } from './failure';
import { currentHash } from './sourceFile';
import { formatTerm, spawn, writeOutput } from './runtimeImports';

/** How long a module's file must stay quiet after an event before it is loaded. */
export const WATCH_DEBOUNCE_MS = 120;

interface WatchedModule {
  readonly name: string;
  readonly file: string;
  timer?: NodeJS.Timeout;
  /** A load of this module is under way; another save waits for it. */
  loading: boolean;
  changedWhileLoading: boolean;
  /** The hash of the last save that failed to load: not tried again until it changes. */
  failedHash?: string;
}

export class ModuleWatcher {
  private readonly modules = new Map<string, WatchedModule>();
  private readonly directories = new Map<string, FSWatcher>();
  /** `watch()` / `--watch`: every module loaded from now on is watched too. */
  private everyModule = false;
  private stopListening: (() => void) | undefined;

  /** Watches one module's source file; the module need not be loaded yet. */
  watch(name: string): ['ok', string] | ['error', unknown] {
    const existing = this.modules.get(name);
    if (existing) return ['ok', displayName(existing.file)];
    const file = codeServer.current(name)?.file ?? locate(name);
    if (file === undefined) return ['error', 'nofile'];
    this.add(name, file);
    return ['ok', displayName(file)];
  }

  /** Watches every loaded module, and every module loaded later. */
  watchAll(): string[] {
    this.everyModule = true;
    this.stopListening ??= codeServer.onLoad((name, file) => {
      if (this.everyModule && !this.modules.has(name)) this.add(name, file);
    });
    for (const { module, path: file } of codeServer.loadedModules()) {
      if (!this.modules.has(module)) this.add(module, file);
    }
    return this.watched();
  }

  /** Stops watching one module, or with no name every module (and watch()'s "from now on"). */
  unwatch(name?: string): 'ok' {
    const names = name === undefined ? [...this.modules.keys()] : [name];
    if (name === undefined) {
      this.everyModule = false;
      this.stopListening?.();
      this.stopListening = undefined;
    }
    for (const each of names) {
      const entry = this.modules.get(each);
      if (!entry) continue;
      clearTimeout(entry.timer);
      this.modules.delete(each);
    }
    this.closeUnusedDirectories();
    return 'ok';
  }

  /** The names of the modules watched, sorted. */
  watched(): string[] {
    return [...this.modules.keys()].sort();
  }

  private add(name: string, file: string): void {
    this.modules.set(name, { name, file, loading: false, changedWhileLoading: false });
    const dir = path.dirname(file);
    if (this.directories.has(dir)) return;
    try {
      const watcher = watchDirectory(dir, { persistent: false }, (_event, filename) => this.changed(dir, filename));
      watcher.on('error', () => this.directories.delete(dir));
      this.directories.set(dir, watcher);
    } catch (e) {
      writeOutput(`watch: cannot watch ${displayName(dir)}: ${(e as Error).message}\n`);
    }
  }

  private changed(dir: string, filename: string | Buffer | null): void {
    const base = filename === null ? undefined : String(filename);
    for (const entry of this.modules.values()) {
      // Without a file name (some platforms) every module of the directory is a candidate:
      // the hash check below keeps the unchanged ones from loading.
      if (path.dirname(entry.file) !== dir || (base !== undefined && path.basename(entry.file) !== base)) continue;
      clearTimeout(entry.timer);
      entry.timer = setTimeout(() => this.settled(entry), WATCH_DEBOUNCE_MS);
      entry.timer.unref?.();
    }
  }

  /** The file has been quiet for a moment: load it if its content is new. */
  private settled(entry: WatchedModule): void {
    entry.timer = undefined;
    if (this.modules.get(entry.name) !== entry) return; // unwatched meanwhile
    if (entry.loading) {
      entry.changedWhileLoading = true;
      return;
    }
    const hash = currentHash(entry.file);
    // Gone (mid-rename, or deleted): the next event brings it back, or nothing happens.
    if (hash === undefined || hash === entry.failedHash) return;
    if (hash === codeServer.current(entry.name)?.hash) return;
    entry.loading = true;
    // The load runs in a process of its own, as a c/1 typed at the prompt runs in the shell's
    // evaluator: a module whose top level loops forever is then stopped by Ctrl-C like any
    // runaway process, and nothing else is held.
    spawn(async () => {
      try {
        await this.reload(entry, hash);
      } finally {
        entry.loading = false;
        if (entry.changedWhileLoading) {
          entry.changedWhileLoading = false;
          this.settled(entry);
        }
      }
    });
  }

  private async reload(entry: WatchedModule, hash: string): Promise<void> {
    const before = codeServer.current(entry.name);
    const result = await codeServer.c(entry.file);
    const what = `watch: ${displayName(entry.file)} changed`;
    if (result[0] === 'ok') {
      entry.failedHash = undefined;
      writeOutput(`${what}, loaded: ${formatTerm(result)}\n`);
      return;
    }
    entry.failedHash = hash;
    const kept = before && codeServer.current(entry.name) === before ? `; version ${before.version} keeps running` : '';
    writeOutput(`${what}, not loaded: ${formatTerm(result)}${kept}\n`);
  }

  private closeUnusedDirectories(): void {
    const used = new Set([...this.modules.values()].map((entry) => path.dirname(entry.file)));
    for (const [dir, watcher] of this.directories) {
      if (used.has(dir)) continue;
      watcher.close();
      this.directories.delete(dir);
    }
  }
}

function locate(name: string): string | undefined {
  const found = findModule(name);
  return isFailure(found) ? undefined : found.file;
}

let watcher: ModuleWatcher | undefined;

/** The one watcher, made on first use: when nobody watches, none exists. */
export function moduleWatcher(): ModuleWatcher {
  return (watcher ??= new ModuleWatcher());
}
