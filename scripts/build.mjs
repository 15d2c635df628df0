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
  // Timer functions captured at load: user code that replaces the globals cannot reach ours.
  inject: ['src/runtime/primordials.ts'],
  logLevel: 'warning',
});
