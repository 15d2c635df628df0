// What an open observer page costs the processes: the ring benchmark (bench/ring.mjs's eshell
// ring, 1000 processes) without and with the observer running and a page receiving its updates
// (a streaming client in another process, as a browser is). Each run in a fresh Node process,
// interleaved, best of each. Without a page the observer installs nothing: its message tap is
// a null check in the scheduler's deliver, measured by bench/ring.mjs itself.
// Prints one JSON line.  Usage: node bench/observer.mjs [N] [M] [runs]
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runInFreshNode } from './measure.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const [n = 1000, m = 20000, runs = 5] = process.argv.slice(2).map(Number);

const plain = [];
const observed = [];
const plainCpu = [];
const observedCpu = [];
const updates = [];
for (let i = 0; i < runs; i++) {
  const alone = runInFreshNode(path.join(here, 'ring.mjs'), ['--child', 'eshell', n, m]);
  plain.push(alone.hopsPerSec);
  plainCpu.push(alone.cpuMs);
  const run = runInFreshNode(path.join(here, 'ring.mjs'), ['--child', 'observed', n, m]);
  observed.push(run.hopsPerSec);
  observedCpu.push(run.cpuMs);
  updates.push(run.updates);
}
const best = (xs) => Math.max(...xs);
const least = (xs) => Math.min(...xs);
console.log(JSON.stringify({
  bench: 'observer',
  processes: n,
  rounds: m,
  plainHopsPerSec: Math.round(best(plain)),
  observedHopsPerSec: Math.round(best(observed)),
  overheadPercent: Math.round((1 - best(observed) / best(plain)) * 1000) / 10,
  // The same, from the CPU time the ring took (less sensitive to other work on the machine).
  cpuOverheadPercent: Math.round((least(observedCpu) / least(plainCpu) - 1) * 1000) / 10,
  runs: { plain: plain.map(Math.round), observed: observed.map(Math.round), plainCpuMs: plainCpu.map(Math.round), observedCpuMs: observedCpu.map(Math.round), updatesDuringRing: updates },
}));
