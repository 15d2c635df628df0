// Bundles the TypeScript sources into dist/ with esbuild. Runs on `npm install` (prepare),
// before tests and benchmarks, and before packing, so bin/eshell-ts never needs a
// TypeScript loader on the path to the first prompt.
import { build } from 'esbuild';
import { BUNDLE_OPTIONS } from './esbuildOptions.mjs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import os from 'node:os';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const entryPoints = {
  index: 'src/index.ts',                       // the public API, for code running outside the shell
  internal: 'src/internal.ts',                 // the public API plus internals, for tests and benchmarks
  main: 'src/shell/terminal/main.ts',                   // the terminal thread: line editing, history, keys
  'main-boot': 'src/shell/terminal/boot.ts',            // loads main.js through V8's code cache
  evaluator: 'src/shell/evaluator/evaluatorThread.ts',   // the worker thread: runtime, code server, evaluator
  'evaluator-boot': 'src/shell/evaluator/boot.ts',       // loads evaluator.js through V8's code cache
  'sigint-anchor': 'src/runtime/sigintAnchorWorker.ts',
  typecheck: 'src/code/typeCheckThread.ts',     // the type checker thread: warnings for c/1, docs for h/1
  'editor-setup': 'src/shell/terminal/editorSetup.ts', // --init, loaded only then
  recording: 'src/shell/terminal/recording.ts',  // --record and --replay, loaded only then
  observer: 'src/observer/observer.ts',         // the observer's server, required by observer() on first use
};

// The observer bundle reaches the runtime only through the ObserverRuntime it is handed: a
// module of the runtime bundled into it would be a second runtime with an empty process table.
const observerStaysSeparate = {
  name: 'observer-stays-separate',
  setup(b) {
    b.onResolve({ filter: /^\./ }, (args) => {
      const importer = path.relative(root, args.importer);
      // runtimeHost.ts is the bridge, imported by the shell (never by the observer bundle).
      if (!importer.startsWith(path.join('src', 'observer')) || importer.endsWith('runtimeHost.ts')) return undefined;
      const target = path.relative(root, path.resolve(args.resolveDir, args.path));
      if (/^src[\\/](runtime|code|io|dist|otp|shell)[\\/]|runtimeHost$/.test(target)) {
        return { errors: [{ text: `${importer} imports ${target}: the observer reaches the runtime through ObserverRuntime (src/observer/observerRuntime.ts)` }] };
      }
      return undefined;
    });
  },
};

await build({
  absWorkingDir: root,
  entryPoints: Object.fromEntries(
    Object.entries(entryPoints).filter(([, file]) => existsSync(path.join(root, file))),
  ),
  outdir: 'dist',
  ...BUNDLE_OPTIONS,
  sourcemap: 'linked',
  logLevel: 'warning',
  plugins: [observerStaysSeparate],
});

// The observer's page, for the browser: one script and one stylesheet, served by the observer's
// own server (src/observer/server.ts) and never fetched from anywhere else.
await build({
  absWorkingDir: root,
  entryPoints: { 'observer-page': 'src/observer/page/main.ts' },
  outdir: 'dist',
  bundle: true,
  platform: 'browser',
  target: 'chrome110',
  format: 'iife',
  minify: true,
  sourcemap: 'linked',
  logLevel: 'warning',
});

// V8 code caches for the bundles on the way to the first answer (src/shell/codeCache.ts): the
// old ones go, and one run of the shell writes new ones as it exits.
for (const name of readdirSync(path.join(root, 'dist'))) {
  if (name.endsWith('.cache')) rmSync(path.join(root, 'dist', name), { force: true });
}
const home = mkdtempSync(path.join(os.tmpdir(), 'eshell-ts-build-'));
try {
  const env = { ...process.env, HOME: home, ESHELL_TS_HISTORY: path.join(home, 'history') };
  delete env.ESHELL_TS_EVALUATOR;
  delete env.ESHELL_TS_PATH;
  spawnSync(process.execPath, [path.join(root, 'bin', 'eshell-ts'), '-e', '1'], { cwd: home, env, stdio: 'ignore', timeout: 30_000 });
} finally {
  rmSync(home, { recursive: true, force: true });
}
