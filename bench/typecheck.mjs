// What the background type checker costs c(code_reload), and how soon its warning follows.
//   node bench/typecheck.mjs      (after `npm run build`)
// Prints one JSON line:
//   c_median_ms_no_checker    c(code_reload) back to back, background checks off (esbuild only)
//   c_median_ms_checker_busy  the same with checks on: the checker is still checking the last load
//   c_median_ms_no_checker_paced  checks off, 40 ms between loads
//   c_median_ms_checker_idle  checks on, each load after the previous warning was printed
//   c_strict_median_ms        c(code_reload, ['strict']): waits for the warm checker
//   first_warning_ms          from the first c/1 returning to its warning printed (cold checker:
//                             thread start, TypeScript loaded, standard library parsed)
//   warning_delay_ms          the same, median, with the checker warm
// Anchors: Erlang's c(code_reload) takes 7.2 ms here; `ts-node -i` needs 2.1 s to start
// (bench/README.md). The targets: c/1 unchanged by the checker, the warning well under a second.
import { mkdtempSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import os from 'node:os';
import path from 'node:path';
import { median } from './measure.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const rt = createRequire(import.meta.url)(path.join(root, 'dist', 'internal.js'));
rt.useTypeCheckWorker(path.join(root, 'dist', 'typecheck.js'));

const demo = readFileSync(path.join(root, 'modules', 'code_reload.ts'), 'utf8');
// A type error the user could make while fixing the bug: the count passed as a string.
const mistyped = demo.replace('M.server_loop(count)', 'M.server_loop(`${count}`)');
if (mistyped === demo) throw new Error('modules/code_reload.ts no longer has the line this benchmark edits');
const dir = mkdtempSync(path.join(os.tmpdir(), 'eshell-bench-typecheck-'));
const file = path.join(dir, 'code_reload.ts');
rt.initCodePath({ cwd: dir });

let warningAt = 0;
rt.setOutputSink((text) => {
  if (text.includes(': warning: ')) warningAt = performance.now();
});

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** One c(code_reload) of freshly edited source (a comment makes each edit unique). */
async function reload(source, i, { strict = false } = {}) {
  writeFileSync(file, `${source}\n// edit ${i}\n`);
  const start = performance.now();
  const result = await rt.shellCommands.c('code_reload', { strict });
  const elapsed = performance.now() - start;
  if (result[0] !== 'ok') throw new Error(`c(code_reload) failed: ${JSON.stringify(result)}`);
  return { elapsed, returnedAt: start + elapsed };
}

/** Milliseconds from c/1 returning to the warning printed. */
async function warningDelay(returnedAt) {
  for (let waited = 0; warningAt < returnedAt; waited += 2) {
    if (waited > 30000) throw new Error('no warning within 30 s');
    await sleep(2);
  }
  return warningAt - returnedAt;
}

rt.setBackgroundChecks(false);
for (let i = 0; i < 10; i++) await reload(demo, i); // warm esbuild's service and V8
const noChecker = [];
for (let i = 0; i < 30; i++) noChecker.push((await reload(demo, i)).elapsed);
// Paced like the idle-checker runs below, which wait for each warning: an idle pause of a few
// tens of milliseconds slows the next compile by itself (esbuild's service goes to sleep).
const noCheckerPaced = [];
for (let i = 0; i < 30; i++) {
  noCheckerPaced.push((await reload(demo, i)).elapsed);
  await sleep(40);
}

rt.setBackgroundChecks(true);
if (rt.typeCheckerStarted()) throw new Error('the checker started before anything asked for it');
const first = await reload(mistyped, 0);
const firstWarning = await warningDelay(first.returnedAt);

const idle = [];
const delays = [];
for (let i = 1; i <= 30; i++) {
  const { elapsed, returnedAt } = await reload(mistyped, i);
  idle.push(elapsed);
  delays.push(await warningDelay(returnedAt));
}

const busy = [];
for (let i = 0; i < 30; i++) busy.push((await reload(i % 2 ? mistyped : demo, i)).elapsed);

const strict = [];
for (let i = 0; i < 20; i++) strict.push((await reload(demo, i, { strict: true })).elapsed);

console.log(JSON.stringify({
  bench: 'typecheck',
  c_median_ms_no_checker: +median(noChecker).toFixed(2),
  c_median_ms_checker_busy: +median(busy).toFixed(2),
  c_median_ms_no_checker_paced: +median(noCheckerPaced).toFixed(2),
  c_median_ms_checker_idle: +median(idle).toFixed(2),
  c_strict_median_ms: +median(strict).toFixed(1),
  first_warning_ms: Math.round(firstWarning),
  warning_delay_ms: +median(delays).toFixed(1),
  warning_delay_max_ms: +Math.max(...delays).toFixed(1),
}));
await rt.stopTypeChecker();
rmSync(dir, { recursive: true, force: true });
process.exit(0);
