// Loads one of eshell-ts's own bundles (dist/main.js, dist/evaluator.js) the way Node's
// CommonJS loader would, but with V8's code cache beside it (`main.js.cache`): compiling a
// bundle from source is a good part of the time to the first prompt and the first answer, and
// Node 20 has no compile cache of its own (`module.enableCompileCache` came in Node 22).
//
// The cache is written when a run ends (so it holds the functions that run compiled, not only
// the top level), and only when there was none or V8 refused it: after a Node upgrade the next
// run pays the compile once and the one after is fast again. `npm install` makes it at build
// time (scripts/build.mjs runs the shell once). Where the package directory is not writable the
// bundle simply compiles from source each time.
//
// Only Node built-ins here: this file is what loads everything else.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import Module, { createRequire } from 'node:module';
import path from 'node:path';
import vm from 'node:vm';

/** Runs the bundle `file` as a CommonJS module and returns its exports. */
export function runBundle(file: string): unknown {
  const source = fs.readFileSync(file, 'utf8');
  const cacheFile = `${file}.cache`;
  // V8 checks a cache against the source's length only: a rebuilt bundle of the same length
  // would run stale code. The cache therefore starts with a digest of the source it belongs to.
  const digest = createHash('sha1').update(source).digest();
  let cachedData: Buffer | undefined;
  try {
    const stored = fs.readFileSync(cacheFile);
    if (stored.subarray(0, digest.length).equals(digest)) cachedData = stored.subarray(digest.length);
  } catch {
    // no cache yet: compiled from source, and a cache written at exit
  }
  const script = new vm.Script(Module.wrap(source), {
    filename: file,
    cachedData,
    // a bundle that imports dynamically gets Node's own loader, as under require()
    importModuleDynamically: vm.constants?.USE_MAIN_CONTEXT_DEFAULT_LOADER,
  } as vm.ScriptOptions);
  if (cachedData === undefined || script.cachedDataRejected) {
    process.once('exit', () => writeCache(script, digest, cacheFile));
  }
  const module = { exports: {}, filename: file, id: file, loaded: false };
  const wrapper = script.runInThisContext() as (...args: unknown[]) => void;
  wrapper.call(module.exports, module.exports, createRequire(file), module, file, path.dirname(file));
  module.loaded = true;
  return module.exports;
}

function writeCache(script: vm.Script, digest: Buffer, cacheFile: string): void {
  const temporary = `${cacheFile}.${process.pid}.${Math.random().toString(36).slice(2)}`;
  try {
    // Written aside and renamed: two shells ending at once never leave half a cache.
    fs.writeFileSync(temporary, Buffer.concat([digest, script.createCachedData()]));
    fs.renameSync(temporary, cacheFile);
  } catch {
    try {
      fs.rmSync(temporary, { force: true });
    } catch {
      // a read-only package directory: nothing was written
    }
  }
}
