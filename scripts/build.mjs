// Bundles the TypeScript sources into dist/ with esbuild. Runs on `npm install` (prepare),
// before tests and benchmarks, and before packing, so bin/eshell-ts never needs a
// TypeScript loader on the path to the first prompt.
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { existsSync } from 'node:fs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const entryPoints = {
  index: 'src/index.ts',                       // the public API, for code running outside the shell
  internal: 'src/internal.ts',                 // the public API plus internals, for tests and benchmarks
  main: 'src/shell/terminal/main.ts',                   // the terminal thread: line editing, history, keys
  evaluator: 'src/shell/evaluator/evaluatorThread.ts',   // the worker thread: runtime, code server, evaluator
  'sigint-anchor': 'src/runtime/sigintAnchor.ts',
  typecheck: 'src/code/typeCheckThread.ts',     // the type checker thread: warnings for c/1, docs for h/1
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
      if (/^src[\\/](runtime|code|io|shell)[\\/]|runtimeHost$/.test(target)) {
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
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: 'linked',
  external: ['esbuild', 'typescript', 'ts-node', 'node-pty'],
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
