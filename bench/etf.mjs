// External term format speed: term_to_binary and binary_to_term of a 100-element mixed term
// (bench/erlang/etf.erl builds it: integers, floats, atoms, binaries, tuples, a string, maps,
// bignums, lists), eshell-ts's termToBinary/binaryToTerm against BEAM's, measured in the same
// run. The JS side decodes BEAM's own bytes, so both measure the very same term. Each side
// runs `runs` rounds of about 200 ms of CPU time and keeps its best: CPU time, because on a
// shared machine a preempted round would count other programs' time. BEAM runs with one
// scheduler and no busy waiting, so its CPU time is the loop's (Node's includes its GC threads).
// Prints one JSON line.  Usage: node bench/etf.mjs [runs]
import { createRequire } from 'node:module';
import { runErlang } from './erlang/run.mjs';

const runs = Number(process.argv[2] ?? 5);
const require = createRequire(import.meta.url);
const { termToBinary, binaryToTerm } = require('../dist/index.js');

const beam = runErlang('etf', `etf:main(${runs})`, ['+S', '1:1', '+sbwt', 'none', '+sbwtdcpu', 'none', '+sbwtdio', 'none']);
if (beam.skipped) {
  console.log(JSON.stringify({ bench: 'etf', beamSkipped: beam.skipped }));
  process.exit(0);
}
const bytes = Buffer.from(beam.hex, 'hex');
const term = binaryToTerm(bytes);
if (!termToBinary(term).equals(bytes)) throw new Error('the JS encoding differs from BEAM\'s: not the same work');

let sink = 0;
const encodeOps = best(() => (sink += termToBinary(term).length));
const decodeOps = best(() => (sink += binaryToTerm(bytes) === null ? 1 : 0));

console.log(JSON.stringify({
  bench: 'etf',
  bytes: bytes.length,
  eshellEncodeOpsPerSec: Math.round(encodeOps),
  eshellDecodeOpsPerSec: Math.round(decodeOps),
  beamEncodeOpsPerSec: beam.encodeOpsPerSec,
  beamDecodeOpsPerSec: beam.decodeOpsPerSec,
  encodeVsBeam: round2(encodeOps / beam.encodeOpsPerSec),
  decodeVsBeam: round2(decodeOps / beam.decodeOpsPerSec),
  sink: sink > 0,
}));

function best(op) {
  let n = 1000;
  for (;;) {
    const ms = cpuMs(op, n);
    if (ms >= 20) {
      n = Math.max(1, Math.round((n * 200) / ms));
      break;
    }
    n *= 4;
  }
  let top = 0;
  for (let r = 0; r < runs; r++) top = Math.max(top, (n * 1000) / cpuMs(op, n));
  return top;
}

function cpuMs(op, n) {
  const started = process.cpuUsage();
  for (let i = 0; i < n; i++) op();
  const used = process.cpuUsage(started);
  return (used.user + used.system) / 1000;
}

function round2(x) {
  return Math.round(x * 100) / 100;
}
