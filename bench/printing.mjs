// Printing: one process writes N lines through io.format to a real terminal (a pty), as a
// chatty server does, one line per turn of its loop. Measures lines per second until the last line is on the terminal, and
// how long the prompt takes to answer `40 + 2.` typed while the flood runs (target: under
// 100 ms). Erlang's shell does the same in the same run. Prints one JSON line.
//   Usage: node bench/printing.mjs [N] [runs]
import { createRequire } from 'node:module';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { median } from './measure.mjs';

const require = createRequire(import.meta.url);
const pty = require('node-pty');
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const n = Number(process.argv[2] ?? 50_000);
const runs = Number(process.argv[3] ?? 3);
const home = mkdtempSync(path.join(os.tmpdir(), 'eshell-ts-printing-'));
const env = { ...process.env, HOME: home, ESHELL_TS_HISTORY: path.join(home, 'history'), TERM: 'xterm-256color', NO_COLOR: '1' };
delete env.ESHELL_TS_PATH;
delete env.ESHELL_TS_EVALUATOR;

const SHELLS = {
  eshell: {
    command: process.execPath,
    args: [path.join(root, 'bin', 'eshell-ts')],
    // A loop that returns to the scheduler after each line, as a server does between two
    // messages: a step that never returns cannot be preempted (cooperative scheduling).
    flood: `spawn(function flood(i: number = 1): unknown { io.format('line ~b~n', [i]); return i < ${n} ? receive(after(0, () => flood(i + 1))) : 'done'; }).`,
  },
  erl: {
    command: 'erl',
    args: [],
    flood: `spawn(fun() -> [io:format("line ~b~n", [I]) || I <- lists:seq(1, ${n})] end).`,
  },
};

const strip = (s) => s.replace(/\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b[@-Z\\-_]|\r/g, '');

function once(shell) {
  return new Promise((resolve, reject) => {
    const p = pty.spawn(shell.command, shell.args, { cols: 100, rows: 30, cwd: home, env });
    let seen = '';
    let phase = 'start';
    let floodAt = 0;
    let askedAt = 0;
    let answerMs;
    let doneMs;
    const timer = setTimeout(() => {
      p.kill();
      reject(new Error(`printing bench timed out in phase ${phase}`));
    }, 120_000);
    // Only the newest text is searched (with a short tail of what came before, for a line cut
    // in two): scanning everything seen on each chunk would slow the reader, and a slow reader
    // holds the shell's writes back.
    let tail = '';
    p.onData((data) => {
      const now = performance.now();
      const text = tail + strip(data);
      tail = text.slice(-64);
      if (phase === 'start') {
        seen += data;
        if (!seen.includes('1> ')) return;
        phase = 'flood';
        floodAt = now;
        p.write(`${shell.flood}\r`);
        return;
      }
      if (phase === 'flood' && text.includes('line 1000\n')) {
        // the flood runs: ask the shell something
        phase = 'ask';
        askedAt = now;
        p.write('40 + 2.\r');
      }
      if (answerMs === undefined && askedAt && /\n42\n/.test(text)) answerMs = now - askedAt;
      if (doneMs === undefined && text.includes(`line ${n}\n`)) doneMs = now - floodAt;
      if (doneMs !== undefined && answerMs !== undefined) {
        clearTimeout(timer);
        p.kill();
        resolve({ linesPerSec: (n * 1000) / doneMs, answerMs });
      }
    });
  });
}

const hasErl = spawnSync('erl', ['-version'], { stdio: 'ignore' }).error === undefined;
const results = { eshell: [], erl: [] };
for (let i = 0; i < runs; i++) {
  results.eshell.push(await once(SHELLS.eshell));
  if (hasErl) results.erl.push(await once(SHELLS.erl));
}
rmSync(home, { recursive: true, force: true });

const best = (xs) => (xs.length ? Math.max(...xs) : null);
const mid = (xs) => (xs.length ? median(xs) : null);
const eshellRate = best(results.eshell.map((r) => r.linesPerSec));
const erlRate = best(results.erl.map((r) => r.linesPerSec));
console.log(JSON.stringify({
  bench: 'printing',
  lines: n,
  eshellLinesPerSec: Math.round(eshellRate),
  erlLinesPerSec: erlRate === null ? null : Math.round(erlRate),
  vsErl: erlRate === null ? null : Math.round((eshellRate / erlRate) * 100) / 100,
  eshellAnswerDuringFloodMs: Math.round(mid(results.eshell.map((r) => r.answerMs))),
  erlAnswerDuringFloodMs: hasErl ? Math.round(mid(results.erl.map((r) => r.answerMs))) : null,
  ...(hasErl ? {} : { erlSkipped: 'erl not found (apt-get install erlang-base)' }),
}));
