// Launch to first prompt: time from spawning `bin/eshell-ts` on a pseudo-terminal to the first
// `1> ` on screen, median of 20 launches (target < 150 ms, docs/DESIGN.md "Threads").
// Also times `node -e 0` the same way, the floor any Node program pays. Prints one JSON line.
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
// Erlang's own shell to its first prompt, in the same run, when Erlang is installed.
const erlPrompt = [];
if (hasErl()) for (let i = 0; i < 5; i++) erlPrompt.push(await launch([], '1> ', 'erl'));
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
  target_ms: 150,
  runs: RUNS,
}));
