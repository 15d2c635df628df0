// gen_server.call round trips: one client calls one server N times, and waits for each reply
// before the next call. Each call is what OTP's is: a monitor on the server, the
// ['$gen_call', [pid, ref], request] message, a receive for [ref, reply] (or the DOWN, or the
// 5 s timeout), the demonitor. Measured, each in a fresh Node process:
//   eshell  the server's callbacks in a module loaded by the code server and called through
//           its handle (so an upgrade would take over); the client a process loop that goes
//           on with each reply through `gen_server.call(...).andThen(...)`, as a server loop
//           is written (no promise per call);
//   await   the same with an async client that writes `await gen_server.call(...)`;
//   beam    bench/erlang/gen_server_call.erl under `erl -noshell`: gen_server:call/2.
// Prints one JSON line.  Usage: node bench/gen_server.mjs [calls] [runs]
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runErlang } from './erlang/run.mjs';
import { runInFreshNode } from './measure.mjs';

const SERVER_MODULE = `
import { gen_server, moduleHandle, type CallResult, type From } from 'eshell-ts';

export function init(n: number): ['ok', number] {
  return ['ok', n];
}

export function handle_call([, k]: ['bump', number], _from: From, n: number): CallResult<number, number> {
  return ['reply', k, n + 1];
}
`;

const [, , first, ...rest] = process.argv;

if (first === '--child') {
  console.log(JSON.stringify(await eshellCalls(Number(rest[0]), rest[1])));
} else {
  const calls = Number(first ?? 300_000);
  const runs = Number(rest[0] ?? 5);
  const eshell = [];
  const awaited = [];
  const beams = [];
  // Interleaved, and the best of each: the machines these run on are shared and noisy.
  for (let i = 0; i < runs; i++) {
    eshell.push(runInFreshNode(fileURLToPath(import.meta.url), ['--child', calls, 'andThen']).callsPerSec);
    awaited.push(runInFreshNode(fileURLToPath(import.meta.url), ['--child', calls, 'await']).callsPerSec);
    const run = runErlang('gen_server_call', `gen_server_call:main(${calls})`);
    beams.push(run);
    if (run.skipped) break;
  }
  const best = Math.max(...eshell);
  const beam = beams.find((run) => run.skipped) ?? beams.reduce((a, b) => (b.callsPerSec > a.callsPerSec ? b : a));
  console.log(JSON.stringify({
    bench: 'gen_server',
    calls,
    eshellCallsPerSec: Math.round(best),
    eshellAwaitCallsPerSec: Math.round(Math.max(...awaited)),
    beamCallsPerSec: beam.callsPerSec ?? null,
    vsBeam: beam.callsPerSec ? Math.round((best / beam.callsPerSec) * 100) / 100 : null,
    runs: { eshell: eshell.map(Math.round), await: awaited.map(Math.round), beam: beams.map((run) => run.callsPerSec ?? null) },
    ...(beam.skipped ? { beamSkipped: beam.skipped } : { beamSchedulers: beam.schedulers }),
  }));
}

async function eshellCalls(n, style) {
  // Loaded with require, as in bench/ring.mjs: the CommonJS bundle, compiled before the clock.
  const require = createRequire(import.meta.url);
  const { spawn, gen_server, code, initCodePath, moduleHandle } = require('../dist/internal.js');
  const dir = mkdtempSync(path.join(tmpdir(), 'eshell-ts-gen-server-'));
  try {
    writeFileSync(path.join(dir, 'bench_server.ts'), SERVER_MODULE);
    initCodePath({ cwd: dir });
    const loaded = code.load_file('bench_server');
    if (loaded[0] !== 'module') throw new Error(`code.load_file('bench_server') failed: ${String(loaded[1])}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const server = () => gen_server.start(moduleHandle('bench_server'), 0)[1];
  const ms = await new Promise((resolve, reject) => {
    spawn(style === 'await' ? () => awaitClient(server(), resolve).catch(reject) : () => loopClient(server(), resolve));
  });
  return { impl: style, calls: n, ms, callsPerSec: (n * 1000) / ms };

  // The client as a process loop writes it: each reply goes on with the next call.
  function loop(pid, k, done) {
    if (k === 0) return done();
    return gen_server.call(pid, ['bump', k]).andThen((reply) => {
      if (reply !== k) throw new Error('wrong reply');
      return loop(pid, k - 1, done);
    });
  }

  function loopClient(pid, resolve) {
    let started = 0;
    return loop(pid, 10_000, () => { // warm up
      started = performance.now();
      return loop(pid, n, () => resolve(performance.now() - started));
    });
  }

  async function awaitClient(pid, resolve) {
    const calls = async (k) => {
      for (; k > 0; k--) {
        if ((await gen_server.call(pid, ['bump', k])) !== k) throw new Error('wrong reply');
      }
    };
    await calls(10_000); // warm up
    const started = performance.now();
    await calls(n);
    resolve(performance.now() - started);
  }
}
