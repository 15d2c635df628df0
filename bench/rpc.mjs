// rpc benchmark: sequential rpc calls per second (`erlang:node()` on the other node, one call
// at a time), between real nodes on 127.0.0.1, measured in the same run for
//   BEAM → BEAM            rpc:call from one `erl -sname` node to another
//   eshell-ts → BEAM       rpc.call from an eshell-ts node (dist/index.js in plain Node)
//   BEAM → eshell-ts       rpc:call from BEAM (OTP 23+: erpc's spawn request) to eshell-ts
// Every node uses a private epmd port and a temporary HOME. Prints one JSON line.
// Usage: node bench/rpc.mjs [calls]
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { HOST, erlAvailable, withCluster } from './distHarness.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const COOKIE = 'rpcbench';
const RUNS = 3;
/** Calls before the measurement, on both sides: enough for V8 to have optimised the eshell-ts side. */
const WARMUP = 5000;
const [, , first, ...rest] = process.argv;

if (first === '--ts-serve') await tsServe(rest[0]);
else if (first === '--ts-client') await tsClient(rest[0], rest[1], Number(rest[2]));
else await main(Number(first ?? 10000));

function runtime() {
  return createRequire(import.meta.url)(path.join(here, '..', 'dist', 'index.js'));
}

/** An eshell-ts node (its rex answers), until killed. */
async function tsServe(name) {
  // A profiled server (node --cpu-prof) writes its profile when stopped with SIGTERM.
  process.once('SIGTERM', () => process.exit(0));
  const { spawn: spawnProcess, net_kernel } = runtime();
  spawnProcess(async () => {
    const started = await net_kernel.start([name, 'shortnames']);
    if (started[0] !== 'ok') throw new Error(`${name}: ${started}`);
    console.log('ready');
  });
}

/** An eshell-ts node making `calls` sequential rpc calls to `target`, as a user writes them. */
async function tsClient(name, target, calls) {
  const { spawn: spawnProcess, net_kernel, net_adm, rpc } = runtime();
  spawnProcess(async () => {
    await net_kernel.start([name, 'shortnames']);
    if ((await net_adm.ping(target)) !== 'pong') throw new Error(`${target} does not answer`);
    const run = async (n) => {
      for (let i = 0; i < n; i++) {
        const answer = await rpc.call(target, 'erlang', 'node', []);
        if (answer !== target) throw new Error(`unexpected answer ${answer}`);
      }
    };
    await run(WARMUP);
    const t0 = performance.now();
    await run(calls);
    const t1 = performance.now();
    console.log(JSON.stringify({ callsPerSec: Math.round(calls / ((t1 - t0) / 1000)) }));
    process.exit(0);
  });
}

/** The BEAM client, as an -eval expression: the same loop with rpc:call. */
function beamClient(target, calls) {
  const loop = `L = fun(N) -> lists:foreach(fun(_) -> '${target}' = rpc:call('${target}', erlang, node, []) end, lists:seq(1, N)) end`;
  return `${loop}, L(${WARMUP}), T0 = erlang:monotonic_time(microsecond), L(${calls}), T1 = erlang:monotonic_time(microsecond), io:format("{\\"callsPerSec\\": ~p}~n", [round(${calls} / ((T1 - T0) / 1.0e6))]), halt().`;
}

async function main(calls) {
  if (!erlAvailable()) {
    console.log(JSON.stringify({ bench: 'rpc', skipped: 'erl not found (apt-get install erlang-base)' }));
    return;
  }
  await withCluster(COOKIE, async ({ erl, node, ready, result }) => {
    const tsNode = (...args) => node(fileURLToPath(import.meta.url), ...args);
    const beamServer = erl('rbserve', 'io:format("ready~n").');
    const tsServer = tsNode('--ts-serve', 'rtserve');
    await Promise.all([ready(beamServer), ready(tsServer)]);
    const pairs = {
      beamToBeam: (i) => erl(`rbclient${i}`, beamClient(`rbserve@${HOST}`, calls)),
      tsToBeam: (i) => tsNode('--ts-client', `rtclient${i}`, `rbserve@${HOST}`, calls),
      beamToTs: (i) => erl(`rbclientt${i}`, beamClient(`rtserve@${HOST}`, calls)),
    };
    // One client at a time, interleaved, best of RUNS: the machine is shared and noisy.
    const runs = {};
    for (let i = 0; i < RUNS; i++) {
      for (const [pair, client] of Object.entries(pairs)) (runs[pair] ??= []).push(await result(client(i)));
    }
    const best = (pair) => Math.max(...runs[pair].map((r) => r.callsPerSec));
    console.log(JSON.stringify({
      bench: 'rpc',
      calls,
      ...Object.fromEntries(Object.keys(pairs).map((pair) => [pair, best(pair)])),
      runs,
    }));
  });
}
