// Builds one TypeScript source file (and what it imports) into a throw-away CommonJS bundle and
// loads it, so a unit test can exercise a module before it is wired into src/internal.ts.
// Each call site gets the same loaded copy for the same entry (one runtime copy per test
// process); the bundles live in a per-process temporary directory removed on exit.
import { buildSync } from 'esbuild';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BUNDLE_OPTIONS } from '../../scripts/esbuildOptions.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const require = createRequire(import.meta.url);
const loaded = new Map();
let outDir;

/**
 * Loads `entry`, a path relative to the repository root ('src/io/format.ts'), or several paths
 * bundled together so they share one copy of what they import (an `ErlangException` made by
 * the test is then the class the module under test checks with `instanceof`).
 */
export function bundleForTest(entry, { requiresPackages = false } = {}) {
  const entries = Array.isArray(entry) ? entry : [entry];
  const sources = entries.map((file) => path.resolve(root, file));
  const key = sources.join('\n');
  if (loaded.has(key)) return loaded.get(key);
  if (!outDir) {
    outDir = mkdtempSync(path.join(os.tmpdir(), 'eshell-ts-test-'));
    process.on('exit', () => rmSync(outDir, { recursive: true, force: true }));
  }
  const name = path.basename(entries[0]).replace(/\.[cm]?tsx?$/, '');
  // A bundle that requires the external packages (esbuild...) must sit where Node finds them.
  const outfile = requiresPackages ? packageBundleFile(name) : path.join(outDir, `${loaded.size}-${name}.cjs`);
  const input =
    sources.length === 1
      ? { entryPoints: sources }
      : { stdin: { contents: sources.map((s) => `export * from ${JSON.stringify(s)};`).join('\n'), resolveDir: root, loader: 'ts' } };
  buildSync({
    absWorkingDir: root,
    ...input,
    outfile,
    ...BUNDLE_OPTIONS,
    logLevel: 'error',
  });
  const exports = require(outfile);
  loaded.set(key, exports);
  return exports;
}

let packageDir;

/** A file name for a bundle inside the repository, so that its requires resolve from the root. */
function packageBundleFile(name) {
  if (!packageDir) {
    const cache = path.join(root, 'node_modules', '.cache');
    mkdirSync(cache, { recursive: true });
    packageDir = mkdtempSync(path.join(cache, 'eshell-ts-test-'));
    process.on('exit', () => rmSync(packageDir, { recursive: true, force: true }));
  }
  return path.join(packageDir, `${loaded.size}-${name}.cjs`);
}
