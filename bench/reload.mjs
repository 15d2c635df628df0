// c(code_reload) latency and memory over many reloads.
//   node --expose-gc bench/reload.mjs      (after `npm run build`)
// Prints one JSON line: median and p90 of 100 c(code_reload) calls (find, read, compile with
// esbuild, purge, evaluate, swap) while the demo's server and client run and upgrade through
// their handles, then the heap growth over 1,000 further reloads (after forced GCs).
// Erlang/OTP's own c(code_reload) is measured in the same run when `erl` is installed
// (bench/erlang/reload.erl); bench/README.md lists the targets.
import { mkdtempSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import os from 'node:os';
import path from 'node:path';
import { runErlang } from './erlang/run.mjs';
import { percentile } from './measure.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const rt = createRequire(import.meta.url)(path.join(root, 'dist', 'internal.js'));
const gc = globalThis.gc ?? (() => { throw new Error('run with node --expose-gc'); });

const demo = readFileSync(path.join(root, 'modules', 'code_reload.ts'), 'utf8');
const fixed = demo.replace('M.server_loop(count)', 'M.server_loop(count + 1)');
const dir = mkdtempSync(path.join(os.tmpdir(), 'eshell-bench-reload-'));
const file = path.join(dir, 'code_reload.ts');

rt.setOutputSink(() => {});
rt.initCodePath({ cwd: dir });

const tick = () => new Promise((resolve) => setImmediate(resolve));
let server;

/**
 * One c(code_reload) of a freshly edited file, as the user does it; returns milliseconds.
 * Then the server gets a message, so it moves to the new version through its handle (a
 * server left idle in a version two loads old is killed by the purge, as in Erlang).
 */
async function reload(i) {
  writeFileSync(file, i % 2 ? fixed : demo);
  const start = performance.now();
  const result = await rt.shellCommands.c('code_reload');
  const elapsed = performance.now() - start;
  if (result[0] !== 'ok') throw new Error(`c(code_reload) failed: ${JSON.stringify(result)}`);
  if (server) {
    rt.send(server, [server, 'tick']);
    await tick();
  }
  return elapsed;
}

await reload(0);
server = rt.moduleHandle('code_reload').start_server();
for (let i = 1; i <= 10; i++) await reload(i); // warm esbuild's service and V8

const times = [];
for (let i = 0; i < 100; i++) times.push(await reload(i));
times.sort((a, b) => a - b);

gc(); gc();
const heapBefore = process.memoryUsage().heapUsed;
for (let i = 0; i < 1000; i++) await reload(i);
gc(); gc();
const heapAfter = process.memoryUsage().heapUsed;

const beamDir = mkdtempSync(path.join(os.tmpdir(), 'eshell-bench-reload-beam-'));
const beam = runErlang('reload', `reload:run("${beamDir}")`);
rmSync(beamDir, { recursive: true, force: true });

console.log(JSON.stringify({
  bench: 'reload',
  beam_c_median_ms: beam.beamReloadMedianMs,
  beamSkipped: beam.skipped,
  c_median_ms: +percentile(times, 0.5).toFixed(2),
  c_p90_ms: +percentile(times, 0.9).toFixed(2),
  target_ms: 5,
  heap_growth_mb_1000_reloads: +((heapAfter - heapBefore) / 1048576).toFixed(2),
  server_alive: rt.is_process_alive(server),
}));
rmSync(dir, { recursive: true, force: true });
process.exit(0);
