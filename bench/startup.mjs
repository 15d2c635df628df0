// Launch to first prompt: time from spawning `bin/eshell-ts` on a pseudo-terminal to the first
// `1> ` on screen, median of 20 launches (target < 150 ms, docs/DESIGN.md "Startup").
// Launch to first answer: `1 + 1.` typed the moment `1> ` appears, until `2` is printed, as a
// user who pastes a line meets it; and `eshell-ts -e 1` as a whole process, as a script meets
// it (targets < 150 ms). Also times `node -e 0` the same way, the floor any Node program pays,
// and erl's prompt, answer and `erl -noshell -eval 'halt().'` in the same run. Prints one JSON line.
import { createRequire } from 'node:module';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { median } from './measure.mjs';

const require = createRequire(import.meta.url);
const pty = require('node-pty');
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const RUNS = 20;
const home = mkdtempSync(path.join(os.tmpdir(), 'eshell-ts-startup-'));
const env = { ...process.env, HOME: home, ESHELL_TS_HISTORY: path.join(home, 'history'), TERM: 'xterm-256color' };

/** Spawns `command args` on a pty; types `line` at the first `1> `; resolves with ms until `answer` is printed. */
function firstAnswer(args, line, answer, command = process.execPath) {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const p = pty.spawn(command, args, { cols: 80, rows: 24, cwd: root, env });
    let seen = '';
    let typedAt = -1;
    const timer = setTimeout(() => reject(new Error(`no answer after 10 s: ${seen}`)), 10000);
    p.onData((data) => {
      seen += data;
      if (typedAt < 0 && seen.includes('1> ')) {
        typedAt = seen.length;
        p.write(`${line}\r`);
      } else if (typedAt >= 0 && answer.test(seen.slice(typedAt).replace(/\x1b\[[0-9;?]*[ -\/]*[@-~]/g, ''))) {
        clearTimeout(timer);
        const elapsed = performance.now() - start;
        p.kill();
        resolve(elapsed);
      }
    });
  });
}

/** Runs `command args` to its end without a terminal; resolves with the ms it took. */
function wholeProcess(args, command = process.execPath) {
  const start = performance.now();
  spawnSync(command, args, { cwd: root, env, stdio: 'ignore', timeout: 10000 });
  return performance.now() - start;
}

/** Spawns `command args` on a pty; resolves with ms until `marker` appears (or the process exits). */
function launch(args, marker, command = process.execPath, cwd = root) {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const p = pty.spawn(command, args, { cols: 80, rows: 24, cwd, env });
    let seen = '';
    let elapsed;
    const timer = setTimeout(() => reject(new Error(`no ${JSON.stringify(marker)} after 10 s: ${seen}`)), 10000);
    p.onData((data) => {
      seen += data;
      if (elapsed === undefined && marker && seen.includes(marker)) {
        elapsed = performance.now() - start;
        p.kill(); // the figure is taken: no need to wait for a clean exit
      }
    });
    p.onExit(() => {
      clearTimeout(timer);
      resolve(elapsed ?? performance.now() - start);
    });
  });
}

// A directory with a startup file that loads a module and binds names: it runs after the
// first prompt, so that prompt must come as fast as without one.
const withStartupFile = mkdtempSync(path.join(os.tmpdir(), 'eshell-ts-startup-rc-'));
copyFileSync(path.join(root, 'modules', 'code_reload.ts'), path.join(withStartupFile, 'code_reload.ts'));
writeFileSync(path.join(withStartupFile, '.eshell-ts.ts'), "c(code_reload).\nconst twice = (x: number) => x * 2;\nGreeting = 'hello'.\n");

const firstPrompt = [];
const firstPromptWithStartupFile = [];
const nodeBaseline = [];
for (let i = 0; i < RUNS; i++) {
  firstPrompt.push(await launch([path.join(root, 'bin', 'eshell-ts')], '1> '));
  firstPromptWithStartupFile.push(await launch([path.join(root, 'bin', 'eshell-ts')], '1> ', process.execPath, withStartupFile));
  nodeBaseline.push(await launch(['-e', '0'], undefined));
}
rmSync(withStartupFile, { recursive: true, force: true });
const answer = [];
const evalOne = [];
const nodeWhole = [];
const TWO = /\n2\r?\n/;
for (let i = 0; i < RUNS; i++) {
  answer.push(await firstAnswer([path.join(root, 'bin', 'eshell-ts')], '1 + 1.', TWO));
  evalOne.push(wholeProcess([path.join(root, 'bin', 'eshell-ts'), '-e', '1']));
  nodeWhole.push(wholeProcess(['-e', '0']));
}
// Erlang's own shell in the same run, when Erlang is installed.
const erlPrompt = [];
const erlAnswer = [];
const erlHalt = [];
if (hasErl()) {
  for (let i = 0; i < 5; i++) {
    erlPrompt.push(await launch([], '1> ', 'erl'));
    erlAnswer.push(await firstAnswer([], '1 + 1.', TWO, 'erl'));
    erlHalt.push(wholeProcess(['-noshell', '-eval', 'halt().'], 'erl'));
  }
}
rmSync(home, { recursive: true, force: true });

function hasErl() {
  return spawnSync('erl', ['-version'], { stdio: 'ignore' }).error === undefined;
}

console.log(JSON.stringify({
  bench: 'startup',
  first_prompt_median_ms: +median(firstPrompt).toFixed(1),
  first_prompt_min_ms: +Math.min(...firstPrompt).toFixed(1),
  first_prompt_with_startup_file_median_ms: +median(firstPromptWithStartupFile).toFixed(1),
  node_e0_median_ms: +median(nodeBaseline).toFixed(1),
  erl_first_prompt_median_ms: erlPrompt.length ? +median(erlPrompt).toFixed(1) : undefined,
  first_answer_median_ms: +median(answer).toFixed(1),
  erl_first_answer_median_ms: erlAnswer.length ? +median(erlAnswer).toFixed(1) : undefined,
  eval_one_median_ms: +median(evalOne).toFixed(1),
  node_e0_whole_median_ms: +median(nodeWhole).toFixed(1),
  erl_halt_median_ms: erlHalt.length ? +median(erlHalt).toFixed(1) : undefined,
  target_ms: 150,
  runs: RUNS,
}));
