// The esbuild options every bundle of the sources shares: the shell's bundles in dist/ (built by
// scripts/build.mjs) and the ones the tests build of single source files (test/helpers/bundle.mjs).
import { fileURLToPath } from 'node:url';
export const BUNDLE_OPTIONS = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  // Loaded at run time from node_modules: esbuild and TypeScript ship native or very large
  // code, node-pty is a native addon (tests only).
  external: ['esbuild', 'typescript', 'node-pty'],
  // Timer functions captured when a bundle loads: user code that replaces or deletes the
  // globals cannot reach the runtime's (src/runtime/primordials.ts).
  inject: [fileURLToPath(new URL('../src/runtime/primordials.ts', import.meta.url))],
};
