// Functions declared at the prompt: each job owns its declarations, and input reaches them
// through the job's object (`fib` → `__eshell_scope_1.fib`, docs/DESIGN.md "Declarations at
// the prompt"). This times such functions in the real shell (piped input) against the same
// source run as plain globals in this Node process, and behind `with (scope)`, the design
// not taken; and a fun typed at erl's prompt (erl_eval interprets it), in the same run.
// Two figures: fib(25) where fib reaches itself through a `const`, and a loop of 1e6 that
// reads a declared `divisor` and the global `Math` on every turn. Prints one JSON line.
import { spawnSync, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';
import os from 'node:os';
import path from 'node:path';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const RUNS = 20;

const DECLARATIONS = [
  'const divisor = 3',
  'const fib = (n) => n < 2 ? n : fib(n - 1) + fib(n - 2)',
  'function spread(n) { let s = 0; for (let i = 0; i < n; i++) s += Math.floor(i / divisor); return s }',
  // The median of `runs` timings after a warm-up, in ms.
  'function timeIt(f, arg, runs) { for (let i = 0; i < 5; i++) f(arg); const times = []; for (let i = 0; i < runs; i++) { const t = performance.now(); f(arg); times.push(performance.now() - t) } return times.sort((a, b) => a - b)[runs >> 1] }',
];
const FIB = `timeIt(fib, 25, ${RUNS})`;
const SPREAD = `timeIt(spread, 1e6, ${RUNS})`;

function inTheShell() {
  const home = mkdtempSync(path.join(os.tmpdir(), 'eshell-ts-bench-'));
  try {
    const input = [...DECLARATIONS, FIB, SPREAD].map((form) => `${form}.\n`).join('');
    const env = { ...process.env, HOME: home, ESHELL_TS_HISTORY: '/dev/null', NO_COLOR: '1' };
    delete env.ESHELL_TS_PATH;
    const out = spawnSync(process.execPath, [path.join(root, 'bin/eshell-ts')], { cwd: home, input, encoding: 'utf8', env, timeout: 120_000 }).stdout;
    const values = out.split('\n').map((line) => /^\d+> ([\d.]+)$/.exec(line)?.[1]).filter((v) => v !== undefined).map(Number);
    if (values.length !== 2) throw new Error(`unexpected shell output:\n${out}`);
    return { fibMs: values[0], spreadMs: values[1] };
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}

/** The same source as scripts of this Node process: globals, as Node's REPL has them. */
function asGlobals() {
  for (const declaration of DECLARATIONS) vm.runInThisContext(declaration.replace(/^const /, 'var '));
  return { fibMs: vm.runInThisContext(FIB), spreadMs: vm.runInThisContext(SPREAD) };
}

/** The same source inside `with (scope)`, the names being properties of `scope`. */
function behindWith() {
  const scope = Object.create(null);
  globalThis.__withScope = scope;
  const names = ['divisor', 'fib', 'spread', 'timeIt'];
  for (const name of names) scope[name] = undefined;
  for (const declaration of DECLARATIONS) {
    const assignment = declaration.replace(/^const (\w+)/, '$1').replace(/^function (\w+)/, '$1 = function $1');
    vm.runInThisContext(`with (__withScope) { ${assignment} }`);
  }
  return { fibMs: vm.runInThisContext(`with (__withScope) { ${FIB} }`), spreadMs: vm.runInThisContext(`with (__withScope) { ${SPREAD} }`) };
}

/** fib(25) as a fun typed at erl's prompt (erl -eval evaluates as the shell does). */
function erlShellFun() {
  const script =
    'Fib = fun F(N) when N < 2 -> N; F(N) -> F(N - 1) + F(N - 2) end, Fib(20),' +
    `Times = lists:sort([element(1, timer:tc(fun() -> Fib(25) end)) || _ <- lists:seq(1, 5)]),` +
    'io:format("~p~n", [lists:nth(3, Times) / 1000]), halt().';
  try {
    return Number(execFileSync('erl', ['-noshell', '-eval', script], { encoding: 'utf8', timeout: 300_000 }).trim());
  } catch {
    return undefined;
  }
}

const shell = inTheShell();
const globals = asGlobals();
const withScope = behindWith();
const beamShellFibMs = erlShellFun();
console.log(JSON.stringify({
  fibMs: shell.fibMs,
  spreadMs: shell.spreadMs,
  globalsFibMs: globals.fibMs,
  globalsSpreadMs: globals.spreadMs,
  withFibMs: withScope.fibMs,
  withSpreadMs: withScope.spreadMs,
  beamShellFibMs,
}));
