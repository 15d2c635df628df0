// `npm run bench`: runs every benchmark under bench/ in its own Node process (one at a time,
// so they do not compete for the two cores), then prints one table. Each benchmark prints a
// JSON line as its last line; this script only reads those lines.
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));

const BENCHMARKS = ['ring', 'spawn', 'messaging', 'printing', 'reload', 'startup', 'typecheck', 'idle', 'gen_server', 'etf', 'dist', 'rpc', 'observer', 'observerNodes', 'prompt_functions'];

function run(name) {
  process.stderr.write(`running bench/${name}.mjs ...\n`);
  const result = spawnSync(process.execPath, ['--expose-gc', path.join(here, `${name}.mjs`)], {
    encoding: 'utf8',
    timeout: 15 * 60 * 1000,
    maxBuffer: 64 * 1024 * 1024,
  });
  const lastJson = result.stdout
    ?.trim()
    .split('\n')
    .reverse()
    .find((line) => line.startsWith('{'));
  if (result.status !== 0 || !lastJson) {
    process.stderr.write(`bench/${name}.mjs failed (exit ${result.status}):\n${result.stderr}\n`);
    return undefined;
  }
  return JSON.parse(lastJson);
}

const results = Object.fromEntries(BENCHMARKS.map((name) => [name, run(name)]));
const { ring, spawn, messaging, printing, reload, startup, typecheck, idle, gen_server, etf, dist, observer } = results;
const { rpc, observerNodes, prompt_functions: promptFunctions } = results;

const fmt = (n, digits = 0) => (n === undefined || n === null ? 'n/a' : Number(n).toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits }));
const millions = (n) => (n === undefined ? 'n/a' : `${(n / 1e6).toFixed(2)} M`);

const rows = [
  ['ring 1000 × 1000, hops/s', millions(ring?.eshellHopsPerSec), millions(ring?.beamHopsPerSec), millions(ring?.naiveHopsPerSec), '≥ 2× BEAM, ≥ 75% naive'],
  ['ring: eshell-ts / naive Node', fmt(ring?.vsNaive, 2), '', '', '≥ 0.75'],
  ['ring: eshell-ts / BEAM', fmt(ring?.vsBeam, 2), '', '', '≥ 2'],
  ['spawn 1,000,000 waiting processes, ms', fmt(spawn?.eshellMs), fmt(spawn?.beamMs), fmt(spawn?.naiveMs), '< 2,000'],
  ['bytes per waiting process', fmt(spawn?.eshellBytesPerProcess), fmt(spawn?.beamBytesPerProcess), fmt(spawn?.naiveBytesPerProcess), '< 500'],
  ['request/reply with a fresh ref, round trips/s', millions(messaging?.eshellEmptyPerSec), millions(messaging?.beamEmptyPerSec), '', '≥ BEAM'],
  ['the same behind 10,000 waiting messages, round trips/s', millions(messaging?.eshellCrowdedPerSec), millions(messaging?.beamCrowdedPerSec), '', '≥ BEAM, ≥ 0.5× empty'],
  ['request/reply: eshell-ts / BEAM, empty / crowded', `${fmt(messaging?.emptyVsBeam, 2)} / ${fmt(messaging?.crowdedVsBeam, 2)}`, '', '', '≥ 1'],
  ['io.format to the terminal, lines/s', fmt(printing?.eshellLinesPerSec), `${fmt(printing?.erlLinesPerSec)} (erl)`, '', '≥ erl'],
  ['prompt answer while that runs, ms', fmt(printing?.eshellAnswerDuringFloodMs), `${fmt(printing?.erlAnswerDuringFloodMs)} (erl)`, '', '< 100'],
  ['c(code_reload) median of 100, ms', fmt(reload?.c_median_ms, 2), fmt(reload?.beam_c_median_ms, 2), '', '< 5'],
  ['heap growth after 1,000 reloads, MB', fmt(reload?.heap_growth_mb_1000_reloads, 2), '', '', '< 20'],
  ['launch to first prompt, median of 20, ms', fmt(startup?.first_prompt_median_ms, 1), `${fmt(startup?.erl_first_prompt_median_ms, 1)} (erl)`, `${fmt(startup?.node_e0_median_ms, 1)} (node -e 0)`, '< 150'],
  ['launch to the answer of `1 + 1.` typed at the first prompt, ms', fmt(startup?.first_answer_median_ms, 1), `${fmt(startup?.erl_first_answer_median_ms, 1)} (erl)`, '', '< 150'],
  ['`eshell-ts -e 1`, whole process, ms', fmt(startup?.eval_one_median_ms, 1), `${fmt(startup?.erl_halt_median_ms, 1)} (erl -noshell -eval 'halt().')`, `${fmt(startup?.node_e0_whole_median_ms, 1)} (node -e 0)`, '< 150'],
  ['launch to first prompt with a startup file (loads a module), ms', fmt(startup?.first_prompt_with_startup_file_median_ms, 1), '', '', '< 150'],
  [`idle shell running the demo: heap after GC, minute 1 → ${idle?.minutes ?? 10}, MB`, idle ? `${fmt(idle.heapMbAtStart, 2)} → ${fmt(idle.heapMbAtEnd, 2)}` : 'n/a', '', '', 'no growth'],
  ['c(code_reload) without / with warm type checker, ms', `${fmt(typecheck?.c_median_ms_no_checker, 2)} / ${fmt(typecheck?.c_median_ms_checker_idle, 2)}`, '', '', '< 5'],
  ["c(code_reload, ['strict']) median, ms", fmt(typecheck?.c_strict_median_ms, 1), '', '', ''],
  ['gen_server call round trips/s (andThen client / await client)', `${millions(gen_server?.eshellCallsPerSec)} / ${millions(gen_server?.eshellAwaitCallsPerSec)}`, millions(gen_server?.beamCallsPerSec), '', '≥ BEAM'],
  ['gen_server call: eshell-ts / BEAM', fmt(gen_server?.vsBeam, 2), '', '', '≥ 1'],
  ['type warning after the prompt returns (warm / first), ms', `${fmt(typecheck?.warning_delay_ms, 1)} / ${fmt(typecheck?.first_warning_ms)}`, '', '', ''],
  ['term_to_binary, 100-element mixed term, ops/CPU-s', fmt(etf?.eshellEncodeOpsPerSec), fmt(etf?.beamEncodeOpsPerSec), '', '≥ BEAM'],
  ['binary_to_term, 100-element mixed term, ops/CPU-s', fmt(etf?.eshellDecodeOpsPerSec), fmt(etf?.beamDecodeOpsPerSec), '', '≥ BEAM'],
  ['dist round trips/s: eshell-ts→BEAM / BEAM→eshell-ts', `${fmt(dist?.tsToBeam?.roundTripsPerSec)} / ${fmt(dist?.beamToTs?.roundTripsPerSec)}`, `${fmt(dist?.beamToBeam?.roundTripsPerSec)} (BEAM↔BEAM)`, '', '≥ BEAM↔BEAM'],
  ['dist round trips/s: eshell-ts↔eshell-ts', fmt(dist?.tsToTs?.roundTripsPerSec), `${fmt(dist?.beamToBeam?.roundTripsPerSec)} (BEAM↔BEAM)`, '', '≥ BEAM↔BEAM'],
  ['dist round trips/s, 8 processes at once: eshell-ts→BEAM / BEAM→eshell-ts / eshell-ts↔eshell-ts', `${fmt(dist?.tsToBeam?.concurrentRoundTripsPerSec)} / ${fmt(dist?.beamToTs?.concurrentRoundTripsPerSec)} / ${fmt(dist?.tsToTs?.concurrentRoundTripsPerSec)}`, `${fmt(dist?.beamToBeam?.concurrentRoundTripsPerSec)} (BEAM↔BEAM)`, '', ''],
  ['rpc calls/s, one at a time: eshell-ts→BEAM / BEAM→eshell-ts', `${fmt(rpc?.tsToBeam)} / ${fmt(rpc?.beamToTs)}`, `${fmt(rpc?.beamToBeam)} (BEAM→BEAM)`, '', '≥ BEAM→BEAM'],
  ['dist 1 KB messages/s one way: eshell-ts→BEAM / eshell-ts→eshell-ts', `${fmt(dist?.tsToBeam?.messagesPerSec)} / ${fmt(dist?.tsToTs?.messagesPerSec)}`, `${fmt(dist?.beamToBeam?.messagesPerSec)} (BEAM→BEAM)`, '', '≥ BEAM→BEAM'],
  ['functions declared at the prompt: fib(25) / a 1e6 loop reading a const, ms', `${fmt(promptFunctions?.fibMs, 2)} / ${fmt(promptFunctions?.spreadMs, 2)}`, `${fmt(promptFunctions?.beamShellFibMs, 1)} / n/a (erl shell fun)`, `${fmt(promptFunctions?.globalsFibMs, 2)} / ${fmt(promptFunctions?.globalsSpreadMs, 2)} (globals)`, '≤ 1.5× Node'],
  ['the same behind `with (scope)`, the design not taken, ms', `${fmt(promptFunctions?.withFibMs, 1)} / ${fmt(promptFunctions?.withSpreadMs, 1)}`, '', '', ''],
  ['ring 1000 × 20000 without / with an observer page open, hops/s', `${millions(observer?.plainHopsPerSec)} / ${millions(observer?.observedHopsPerSec)}`, '', '', ''],
  ['ring: cost of an open observer page (wall / CPU time), %', `${fmt(observer?.overheadPercent, 1)} / ${fmt(observer?.cpuOverheadPercent, 1)}`, '', '', '< 5'],
  ['observer: one reading of a BEAM node with 1,000 processes by rpc, ms', fmt(observerNodes?.tsReadMs), `${fmt(observerNodes?.beamReadMs)} (BEAM→BEAM)`, '', ''],
  ['observer: CPU a node tab adds, ms/s; longest pause of the shell meanwhile, ms', `${fmt(observerNodes?.addedCpuMsPerSec, 1)}; ${fmt(observerNodes?.maxLoopDelayMs, 1)}`, '', '', ''],
];

const headers = ['figure', 'eshell-ts', 'BEAM', 'Node', 'target'];
const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
const line = (cells) => `| ${cells.map((c, i) => String(c).padEnd(widths[i])).join(' | ')} |`;
console.log(line(headers));
console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
for (const row of rows) console.log(line(row));

mkdirSync(path.join(here, 'results'), { recursive: true });
writeFileSync(path.join(here, 'results', 'latest.json'), `${JSON.stringify(results, null, 2)}\n`);
