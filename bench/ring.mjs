// Ring benchmark: N processes pass a token around M times (N*M hops). Runs, each in a fresh
// child process so they cannot slow each other down (the runtime turns on async hooks):
//   eshell  the runtime with every feature on: spawn_link'ed processes, a selective receive with
//           a real pattern and guard, pids, and per-call code-version tracking as a module
//           handle does it;
//   naive   the plain Node ring of docs anchors: an async function per process, a promise
//           mailbox, no pattern matching;
//   beam    bench/erlang/ring.erl under `erl -noshell`, when Erlang is installed.
// Prints one JSON line.  Usage: node bench/ring.mjs [N] [M] [runs]
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { runErlang } from './erlang/run.mjs';

const [, , first, ...rest] = process.argv;

if (first === '--child') {
  const [impl, n, m] = rest;
  const result = impl === 'naive' ? await naiveRing(+n, +m) : await eshellRing(+n, +m);
  console.log(JSON.stringify(result));
} else {
  const n = Number(first ?? 1000);
  const m = Number(rest[0] ?? 1000);
  const runs = Number(rest[1] ?? 3);
  const eshell = [];
  const naive = [];
  for (let i = 0; i < runs; i++) {
    eshell.push(child('eshell', n, m).hopsPerSec);
    naive.push(child('naive', n, m).hopsPerSec);
  }
  const beam = runErlang('ring', `ring:main(${n}, ${m})`);
  const best = (xs) => Math.max(...xs);
  const result = {
    bench: 'ring',
    processes: n,
    rounds: m,
    hops: n * m,
    eshellHopsPerSec: Math.round(best(eshell)),
    naiveHopsPerSec: Math.round(best(naive)),
    beamHopsPerSec: beam.hopsPerSec ?? null,
    vsNaive: round2(best(eshell) / best(naive)),
    vsBeam: beam.hopsPerSec ? round2(best(eshell) / beam.hopsPerSec) : null,
    runs: { eshell: eshell.map(Math.round), naive: naive.map(Math.round) },
    ...(beam.skipped ? { beamSkipped: beam.skipped } : { beamSchedulers: beam.schedulers }),
  };
  console.log(JSON.stringify(result));
}

function child(impl, n, m) {
  const out = execFileSync(process.execPath, [fileURLToPath(import.meta.url), '--child', impl, n, m], {
    encoding: 'utf8',
  });
  return JSON.parse(out.trim().split('\n').pop());
}

function round2(x) {
  return Math.round(x * 100) / 100;
}

async function eshellRing(n, m) {
  // internal.js is index.js plus internals; the internals simulate a module handle here.
  const { spawn, spawn_link, receive, send, self, currentProcess } = await import('../dist/internal.js');
  const isCount = (k) => typeof k === 'number';

  // What moduleHandle('ring').node(...) does per call: find the current version, record it on
  // the calling process, call the function.
  const versions = new Map([['ring', { version: 1, exports: { node } }]]);
  const ring = {
    [Symbol.for('eshell-ts.module')]: 'ring',
    node(next) {
      const loaded = versions.get('ring');
      currentProcess().enterCode('ring', loaded.version, 'ring:node/1');
      return loaded.exports.node(next);
    },
  };

  function node(next) {
    return receive(
      [['token', isCount], ([, k]) => {
        send(next, ['token', k - 1]);
        return ring.node(next);
      }],
    );
  }

  let finished;
  const done = new Promise((resolve) => (finished = resolve));
  const started = performance.now();
  spawn(() => {
    let next = self();
    for (let i = 1; i < n; i++) next = spawn_link(ring, 'node', [next]);
    send(next, ['token', n * m]);
    const head = () =>
      receive([['token', isCount], ([, k]) => {
        if (k <= 0) return finished();
        send(next, ['token', k - 1]);
        return head();
      }]);
    return head();
  });
  await done;
  const ms = performance.now() - started;
  return { impl: 'eshell', hops: n * m, ms, hopsPerSec: (n * m * 1000) / ms };
}

async function naiveRing(n, m) {
  class Mailbox {
    queue = [];
    waiter = null;
    put(message) {
      const waiter = this.waiter;
      if (waiter !== null) {
        this.waiter = null;
        waiter(message);
      } else {
        this.queue.push(message);
      }
    }
    take() {
      if (this.queue.length > 0) return Promise.resolve(this.queue.shift());
      return new Promise((resolve) => (this.waiter = resolve));
    }
  }
  // Messages have the same shape as in the eshell ring: ['token', k].
  async function node(mailbox, next) {
    for (;;) {
      const [, k] = await mailbox.take();
      next.put(['token', k - 1]);
    }
  }
  const started = performance.now();
  const headBox = new Mailbox();
  let next = headBox;
  for (let i = 1; i < n; i++) {
    const box = new Mailbox();
    node(box, next);
    next = box;
  }
  next.put(['token', n * m]);
  for (;;) {
    const [, k] = await headBox.take();
    if (k <= 0) break;
    next.put(['token', k - 1]);
  }
  const ms = performance.now() - started;
  return { impl: 'naive', hops: n * m, ms, hopsPerSec: (n * m * 1000) / ms };
}
