// The prompt's answer while a process floods the output: `bin/eshell-ts` on a pseudo-terminal,
// a process printing a line per receive timeout of 0 (it yields after each line), then 20
// times `N + 1000.` typed and Enter pressed: milliseconds from Enter to the answer on the
// screen (target < 100 ms). The same with `erl` and an io:format loop, when erl is installed.
// Prints one JSON line.
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { mkdtempSync, rmSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { median } from './measure.mjs';

const require = createRequire(import.meta.url);
const pty = require('node-pty');
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const ROUNDS = 20;
const home = mkdtempSync(path.join(os.tmpdir(), 'eshell-ts-flood-'));
const env = { ...process.env, HOME: home, ESHELL_TS_HISTORY: path.join(home, 'history'), TERM: 'xterm-256color', NO_COLOR: '1' };
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Starts `command`, runs `flood`, then times ROUNDS answers; resolves with their median. */
async function answersDuringFlood(command, args, flood, answerOf) {
  const p = pty.spawn(command, args, { cols: 120, rows: 40, cwd: home, env });
  // Only what arrived since the last mark is searched: the flood makes the whole too big.
  let fresh = '';
  p.onData((data) => {
    fresh += data;
    if (fresh.length > 1 << 20) fresh = fresh.slice(-(1 << 16));
  });
  const waitFor = async (text) => {
    const deadline = Date.now() + 20000;
    while (!fresh.includes(text)) {
      if (Date.now() > deadline) throw new Error(`no ${JSON.stringify(text)}`);
      await sleep(1);
    }
  };
  try {
    await waitFor('1> ');
    p.write(`${flood}\r`);
    await sleep(1000);
    const times = [];
    for (let i = 0; i < ROUNDS; i++) {
      p.write(`${i} + 1000.`);
      await sleep(50);
      fresh = '';
      const start = performance.now();
      p.write('\r');
      await waitFor(answerOf(1000 + i));
      times.push(performance.now() - start);
      await sleep(100);
    }
    return median(times);
  } finally {
    p.kill();
  }
}

const eshell = await answersDuringFlood(
  process.execPath,
  [path.join(root, 'bin', 'eshell-ts')],
  'spawn(function flood(n = 0): any { io.format("flood ~p~n", [n]); return receive(after(0, () => flood(n + 1))); }).',
  (n) => `\n${n}\r\n`,
);

let beam = null;
try {
  execFileSync('erl', ['-noshell', '-eval', 'halt().'], { timeout: 10000 });
  beam = await answersDuringFlood(
    'erl',
    [],
    'spawn(fun() -> F = fun Loop(N) -> io:format("flood ~p~n", [N]), receive after 0 -> Loop(N + 1) end end, F(0) end).',
    (n) => `\n${n}\r\n`,
  );
} catch {
  // no erl here: the BEAM column reads n/a
}
rmSync(home, { recursive: true, force: true });
console.log(JSON.stringify({ answer_during_flood_median_ms: eshell, beam_answer_during_flood_median_ms: beam }));
