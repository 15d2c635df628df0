// The canonical process loop runs in constant memory: a handler returning the next receive is
// a trampoline, not a recursion and not a promise chain.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';

const bundle = new URL('../dist/internal.js', import.meta.url).href;

/** Runs `body` (module source using `rt`) in a fresh node with --expose-gc; returns its JSON. */
function measure(body) {
  const source = `import * as rt from ${JSON.stringify(bundle)};\n${body}`;
  const out = execFileSync(process.execPath, ['--expose-gc', '--input-type=module', '-e', source], {
    encoding: 'utf8',
    timeout: 60_000,
  });
  return JSON.parse(out.trim().split('\n').pop());
}

const LOOP_HARNESS = `
const { receive, _, self, send, spawn } = rt;
const N = 1_000_000;
const heap = () => { gc(); gc(); return process.memoryUsage().heapUsed; };
let early;
function checkpoint(n) {
  if (n === 100_000) early = heap();
  if (n === N) { console.log(JSON.stringify({ early, late: heap(), n })); return true; }
  return false;
}
`;

test('function loop(n) { return receive([_, () => loop(n + 1)]) } runs 1,000,000 times in constant heap', { timeout: 60_000 }, () => {
  const result = measure(`${LOOP_HARNESS}
function loop(n) {
  if (checkpoint(n)) return 'done';
  send(self(), n);
  return receive([_, () => loop(n + 1)]);
}
spawn(loop, [0]);
`);
  assert.equal(result.n, 1_000_000);
  const growth = result.late - result.early;
  assert.ok(growth < 2_000_000, `heap grew by ${growth} bytes over 900,000 iterations`);
});

test('the same loop through a module handle (recording code versions) stays constant too', { timeout: 60_000 }, () => {
  const result = measure(`${LOOP_HARNESS}
const exportsV1 = { loop };
const M = {
  [Symbol.for('eshell-ts.module')]: 'looper',
  loop: (n) => { rt.currentProcess().enterCode('looper', 1, 'looper:loop/1'); return exportsV1.loop(n); },
};
function loop(n) {
  if (checkpoint(n)) return 'done';
  send(self(), ['tick', n]);
  return receive([['tick', (x) => typeof x === 'number'], ([, k]) => M.loop(k + 1)]);
}
spawn(M, 'loop', [0]);
`);
  assert.equal(result.n, 1_000_000);
  const growth = result.late - result.early;
  assert.ok(growth < 2_000_000, `heap grew by ${growth} bytes over 900,000 iterations`);
});

test('a ping-pong pair exchanges 1,000,000 messages in constant heap', { timeout: 60_000 }, () => {
  const result = measure(`${LOOP_HARNESS}
function ping(n, peer) {
  if (checkpoint(n)) return 'done';
  send(peer, [self(), n]);
  return receive([['pong', _], ([, k]) => ping(k + 1, peer)]);
}
const pong = spawn(function pong() { return receive([[_, _], ([from, k]) => { send(from, ['pong', k]); return pong(); }]); });
spawn(ping, [0, pong]);
`);
  const growth = result.late - result.early;
  assert.ok(growth < 2_000_000, `heap grew by ${growth} bytes`);
});
