// Spawn benchmark: N processes that each wait in a receive. Measures the time to spawn them
// all until every one has reached its receive, and the heap each waiting process costs (after
// a full GC). Runs, each in a fresh child process started with --expose-gc:
//   eshell  the runtime (dist/index.js);
//   naive   N plain objects with a message queue and a pending promise (docs anchors);
//   beam    bench/erlang/spawn.erl under `erl -noshell +P`, when Erlang is installed.
// Prints one JSON line.  Usage: node bench/spawn.mjs [N]
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { runErlang } from './erlang/run.mjs';
import { runInFreshNode } from './measure.mjs';

const [, , first, ...rest] = process.argv;

if (first === '--child') {
  const [impl, n] = rest;
  const result = impl === 'naive' ? await naiveSpawn(+n) : await eshellSpawn(+n);
  console.log(JSON.stringify(result));
} else {
  const n = Number(first ?? 1_000_000);
  const eshell = child('eshell', n);
  const naive = child('naive', n);
  const beam = runErlang('spawn', `spawn:main(${n})`, ['+P', String(Math.max(2 * n, 1_100_000))]);
  console.log(
    JSON.stringify({
      bench: 'spawn',
      processes: n,
      eshellMs: round1(eshell.ms),
      // CPU time of the same interval (all of the process's threads, the collector's helpers
      // included): on a shared machine it varies less than the wall time.
      eshellCpuMs: round1(eshell.cpuMs),
      eshellBytesPerProcess: round1(eshell.bytesPerProcess),
      naiveMs: round1(naive.ms),
      naiveCpuMs: round1(naive.cpuMs),
      naiveBytesPerProcess: round1(naive.bytesPerProcess),
      beamMs: beam.ms ?? null,
      beamBytesPerProcess: beam.bytesPerProcess ?? null,
      ...(beam.skipped ? { beamSkipped: beam.skipped } : {}),
    }),
  );
}

function child(impl, n) {
  return runInFreshNode(fileURLToPath(import.meta.url), ['--child', impl, n], ['--expose-gc', '--max-old-space-size=4096']);
}

function round1(x) {
  return Math.round(x * 10) / 10;
}

function cpuMsSince(before) {
  const cpu = process.cpuUsage(before);
  return (cpu.user + cpu.system) / 1000;
}

function heapAfterGc() {
  globalThis.gc();
  globalThis.gc();
  return process.memoryUsage().heapUsed;
}

async function eshellSpawn(n) {
  // Loaded with require: an ESM import of the CommonJS bundle would first scan it for export
  // names, and the scanner's own optimisation would still be compiling when the clock starts.
  const { spawn, receive, _, process_info } = createRequire(import.meta.url)('../dist/index.js');
  let waiting = 0;
  let allWaiting;
  const done = new Promise((resolve) => (allWaiting = resolve));
  // The counter moves as each process enters its receive: the last one resolves `done`.
  function waiter() {
    if (++waiting === n) allWaiting();
    return receive([_, () => 'ok']);
  }
  const before = heapAfterGc();
  const started = performance.now();
  const cpuBefore = process.cpuUsage();
  const pids = new Array(n);
  for (let i = 0; i < n; i++) pids[i] = spawn(waiter);
  await done;
  await new Promise((resolve) => setImmediate(resolve)); // the last step has returned
  const ms = performance.now() - started;
  const cpuMs = cpuMsSince(cpuBefore);
  const status = process_info(pids[n - 1]).status;
  // The pids array is the benchmark's own: 8 bytes a slot, not counted against a process.
  const bytes = heapAfterGc() - before - 8 * n;
  return { impl: 'eshell', ms, cpuMs, bytesPerProcess: bytes / n, lastStatus: status, alive: pids.length };
}

async function naiveSpawn(n) {
  class Proc {
    queue = [];
    waiter = null;
    constructor(id) {
      this.id = id;
      this.pending = new Promise((resolve) => (this.waiter = resolve));
    }
  }
  const before = heapAfterGc();
  const started = performance.now();
  const cpuBefore = process.cpuUsage();
  const procs = new Array(n);
  for (let i = 0; i < n; i++) procs[i] = new Proc(i);
  const ms = performance.now() - started;
  const cpuMs = cpuMsSince(cpuBefore);
  const bytes = heapAfterGc() - before - 8 * n;
  return { impl: 'naive', ms, cpuMs, bytesPerProcess: bytes / n, alive: procs.length };
}
