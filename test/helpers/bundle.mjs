// Builds one TypeScript source file (and what it imports) into a throw-away CommonJS bundle and
// loads it, so a unit test can exercise a module before it is wired into src/internal.ts.
// Each call site gets the same loaded copy for the same entry (one runtime copy per test
// process); the bundles live in a per-process temporary directory removed on exit.
import { buildSync } from 'esbuild';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { mkdtempSync, rmSync } from 'node:fs';
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
export function bundleForTest(entry) {
  const entries = Array.isArray(entry) ? entry : [entry];
  const sources = entries.map((file) => path.resolve(root, file));
  const key = sources.join('\n');
  if (loaded.has(key)) return loaded.get(key);
  if (!outDir) {
    outDir = mkdtempSync(path.join(os.tmpdir(), 'eshell-ts-test-'));
    process.on('exit', () => rmSync(outDir, { recursive: true, force: true }));
  }
  const name = path.basename(entries[0]).replace(/\.[cm]?tsx?$/, '');
  const outfile = path.join(outDir, `${loaded.size}-${name}.cjs`);
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
