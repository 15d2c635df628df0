// Shared by the benchmarks (not one itself: bench/run.mjs lists the benchmarks it runs).
import { execFileSync } from 'node:child_process';

/** The value at fraction `p` (0.5: the median) of an ascending array. */
export function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))];
}

export function median(values) {
  return percentile([...values].sort((a, b) => a - b), 0.5);
}

/**
 * Runs `script` with `args` in a fresh Node process, so that one measurement cannot slow
 * another down (the runtime turns on async hooks, and heaps differ), and returns the JSON
 * object it printed as its last line.
 */
export function runInFreshNode(script, args, nodeFlags = []) {
  const out = execFileSync(process.execPath, [...nodeFlags, script, ...args.map(String)], { encoding: 'utf8' });
  return JSON.parse(out.trim().split('\n').pop());
}
