// The heap of a shell left running the demo: the seed's server and client exchange a message a
// second (docs/DEMO.md) while nobody types, for BENCH_IDLE_MINUTES (10 by default). Every minute
// the evaluator thread's heap is measured after a full GC (the shell runs with --expose-gc, and
// the measuring expression is typed at the prompt), with the process's RSS. Target: no growth.
// Prints one JSON line.  Usage: node bench/idle.mjs [minutes]
import { createRequire } from 'node:module';
import { readFileSync, mkdtempSync, rmSync, copyFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import os from 'node:os';
import path from 'node:path';

const require = createRequire(import.meta.url);
const pty = require('node-pty');
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const minutes = Number(process.argv[2] ?? process.env.BENCH_IDLE_MINUTES ?? 10);
const home = mkdtempSync(path.join(os.tmpdir(), 'eshell-ts-idle-'));
copyFileSync(process.env.IDLE_MODULE ?? path.join(root, 'modules', 'code_reload.ts'), path.join(home, 'code_reload.ts'));
const env = { ...process.env, HOME: home, ESHELL_TS_HISTORY: path.join(home, 'history'), TERM: 'xterm-256color', NO_COLOR: '1' };
delete env.ESHELL_TS_PATH;
delete env.ESHELL_TS_EVALUATOR;

const strip = (s) => s.replace(/\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b[@-Z\\-_]|\r/g, '');
const shell = pty.spawn(process.execPath, ['--expose-gc', path.join(root, 'bin', 'eshell-ts')], { cols: 120, rows: 30, cwd: home, env });
let text = '';
shell.onData((data) => {
  text = (text + strip(data)).slice(-20_000);
});
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
async function waitFor(re, ms = 20_000) {
  const deadline = Date.now() + ms;
  for (;;) {
    const found = re.exec(text);
    if (found) return found;
    if (Date.now() > deadline) throw new Error(`idle bench: no ${re} in ${text.slice(-500)}`);
    await sleep(20);
  }
}
let prompt = 1;
async function enter(line) {
  text = '';
  shell.write(`${line}\r`);
  prompt++;
  return waitFor(new RegExp(`\\n${prompt}> `));
}
function rssBytes() {
  const status = readFileSync(`/proc/${shell.pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)[1]) * 1024;
}
// The heap is sampled from inside the evaluator by a timer set up with one input, written to a
// file: typing a measuring expression each minute would itself grow the heap (each input adds
// a compiled script and a history entry, up to the shell's 20 kept), which is not the demo's
// growth. Each sample follows two full GCs.
const samplesFile = path.join(home, 'heap-samples');
function heapSamples() {
  try {
    return readFileSync(samplesFile, 'utf8').trim().split('\n').filter(Boolean).map(Number);
  } catch {
    return [];
  }
}
async function sampleCount(n, ms) {
  const deadline = Date.now() + ms;
  while (heapSamples().length < n) {
    if (Date.now() > deadline) throw new Error(`idle bench: ${heapSamples().length} heap samples, expected ${n}`);
    await sleep(200);
  }
}

try {
  await waitFor(/1> /);
  await enter('c(code_reload).');
  await enter('S = code_reload:start_server().');
  await enter('C = code_reload:start_client(S).');
  const minuteMs = Number(process.env.IDLE_MINUTE_MS ?? 60_000);
  const sample = `() => { globalThis.gc(); globalThis.gc(); require('fs').appendFileSync(${JSON.stringify(samplesFile)}, require('v8').getHeapStatistics().used_heap_size + '\\n'); }`;
  await enter(`['sampling', (globalThis.__idleSample = ${sample}, globalThis.__idleSample(), setInterval(globalThis.__idleSample, ${minuteMs}).unref(), ${minutes})].`);
  const samples = [];
  for (let minute = 0; minute <= minutes; minute++) {
    await sampleCount(minute + 1, minuteMs + 30_000);
    samples.push({ minute, heap: heapSamples()[minute], rss: rssBytes() });
  }
  // The first sample is taken before the demo settled (its first messages, first compile of
  // the hot paths): growth is measured from minute 1.
  const from = samples[Math.min(1, samples.length - 1)];
  const last = samples[samples.length - 1];
  console.log(JSON.stringify({
    bench: 'idle',
    minutes,
    heapMbAtStart: +(from.heap / 2 ** 20).toFixed(2),
    heapMbAtEnd: +(last.heap / 2 ** 20).toFixed(2),
    heapGrowthKb: Math.round((last.heap - from.heap) / 1024),
    rssMbAtEnd: +(last.rss / 2 ** 20).toFixed(1),
    rssGrowthMb: +((last.rss - from.rss) / 2 ** 20).toFixed(1),
    samples: samples.map((s) => ({ minute: s.minute, heapKb: Math.round(s.heap / 1024), rssMb: +(s.rss / 2 ** 20).toFixed(1) })),
  }));
} finally {
  shell.kill();
  rmSync(home, { recursive: true, force: true });
}
