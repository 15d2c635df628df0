// Runs one of the Erlang benchmarks with `erl -noshell` when Erlang is installed; returns the
// JSON object it printed, or undefined (with the reason) when it cannot run.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const here = path.dirname(fileURLToPath(import.meta.url));

export function runErlang(module, call, erlFlags = []) {
  const file = path.join(here, `${module}.erl`);
  // Compiled in memory: nothing is written next to the sources.
  const script =
    `{ok, M, Bin} = compile:file("${file}", [binary, report]),` +
    `{module, M} = code:load_binary(M, "${file}", Bin),` +
    `${call}, halt().`;
  try {
    const out = execFileSync('erl', ['-noshell', ...erlFlags, '-eval', script], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 300_000,
    });
    const line = out.trim().split('\n').filter((l) => l.startsWith('{')).pop();
    return line ? JSON.parse(line) : { skipped: `no result from erl: ${out.trim()}` };
  } catch (error) {
    if (error.code === 'ENOENT') return { skipped: 'erl not found (apt-get install erlang-base)' };
    return { skipped: `erl failed: ${String(error.stderr || error.message).trim().split('\n')[0]}` };
  }
}
