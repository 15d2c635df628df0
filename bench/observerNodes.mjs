// What an observer page costs when it opens another node's tab: a BEAM node (`erl -sname`)
// running 1,000 extra waiting processes, read by an eshell-ts node's observer (processes/0,
// then process_info/2 per process by rpc, 16 calls in flight, see src/observer/remoteNode.ts),
// with a page (a streaming client, as a browser is) looking at that node's tab. Measured in
// the same run:
//   eshell-ts → BEAM   the observer's reading: ms per reading (as the page is told), the CPU
//                      time a second it adds to the observing node over its local tab alone,
//                      and the longest the evaluator thread's event loop was held meanwhile
//   BEAM → BEAM        the same reading written in Erlang (rpc:async_call, 16 in flight)
// Every node on 127.0.0.1, a private epmd port and HOME. Prints one JSON line.
// Usage: node bench/observerNodes.mjs [processes] [seconds]
import { createRequire } from 'node:module';
import http from 'node:http';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { HOST, erlAvailable, withCluster } from './distHarness.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const COOKIE = 'observerbench';
const [, , first, ...rest] = process.argv;

if (first === '--ts-observer') await tsObserver(rest[0], rest[1], Number(rest[2]));
else await main(Number(first ?? 1000), Number(rest[0] ?? 10));

/** An eshell-ts node with the observer, a page on `target`'s tab for `seconds`: one JSON line. */
async function tsObserver(name, target, seconds) {
  const require = createRequire(import.meta.url);
  const I = require(path.join(here, '..', 'dist', 'internal.js'));
  const { startObserver } = require(path.join(here, '..', 'dist', 'observer.js'));
  await new Promise((resolve, reject) => {
    I.spawn(async () => {
      const started = await I.net_kernel.start([name, 'shortnames']);
      if (started[0] !== 'ok') return reject(new Error(`${name}: ${started}`));
      if ((await I.net_adm.ping(target)) !== 'pong') return reject(new Error(`${target} does not answer`));
      resolve();
    });
  });
  const url = new URL(await startObserver(I.observerRuntime(), { pageDir: path.join(here, '..', 'dist') }));
  const at = (pathname) => `${url.origin}${pathname}?token=${url.searchParams.get('token')}&client=bench`;
  const view = (node) => fetch(at('/api/view'), { method: 'POST', body: JSON.stringify({ node, sort: 'pid', descending: false, filter: '', selected: null }) });
  const readings = new Map();
  await new Promise((resolve) => {
    http.get(at('/events'), (response) => {
      let buffer = '';
      response.setEncoding('utf8');
      response.on('data', (chunk) => {
        buffer += chunk;
        let end;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const event = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          if (!event.startsWith('data: ')) continue;
          const { remote } = JSON.parse(event.slice(6));
          if (remote?.readAt != null) readings.set(remote.readAt, remote.readMs);
        }
      });
      resolve();
    });
  });
  const window = async () => {
    const delay = monitorEventLoopDelay({ resolution: 5 });
    delay.enable();
    const cpu = process.cpuUsage();
    const t0 = performance.now();
    await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
    const used = process.cpuUsage(cpu);
    delay.disable();
    return { cpuMsPerSec: (used.user + used.system) / 1000 / ((performance.now() - t0) / 1000), maxLoopDelayMs: delay.max / 1e6 };
  };
  await view(null);
  const local = await window();
  await view(target);
  await new Promise((resolve) => setTimeout(resolve, 2000)); // the first, cold reading
  readings.clear();
  const remote = await window();
  const times = [...readings.values()].sort((a, b) => a - b);
  console.log(JSON.stringify({
    readings: times.length,
    medianReadMs: times[Math.floor(times.length / 2)] ?? null,
    localCpuMsPerSec: Math.round(local.cpuMsPerSec * 10) / 10,
    remoteCpuMsPerSec: Math.round(remote.cpuMsPerSec * 10) / 10,
    maxLoopDelayMs: Math.round(remote.maxLoopDelayMs * 10) / 10,
  }));
  process.exit(0);
}

/** The same reading in Erlang, timed `runs` times: the median ms. */
function beamReader(target, runs) {
  const read = [
    `Items = [registered_name, initial_call, current_function, status, message_queue_len, reductions, memory]`,
    `Slice = fun S([], Acc) -> Acc; S(Pids, Acc) -> {Now, Later} = lists:split(min(16, length(Pids)), Pids), `
      + `Keys = [rpc:async_call('${target}', erlang, process_info, [P, Items]) || P <- Now], S(Later, [rpc:yield(K) || K <- Keys] ++ Acc) end`,
    `Read = fun() -> Pids = rpc:call('${target}', erlang, processes, []), _ = rpc:call('${target}', erlang, system_info, [process_count]), `
      + `_ = rpc:call('${target}', erlang, statistics, [run_queue]), _ = rpc:call('${target}', erlang, memory, []), `
      + `Slice(lists:sublist(Pids, 1000), []) end`,
    `Time = fun() -> T0 = erlang:monotonic_time(microsecond), Read(), (erlang:monotonic_time(microsecond) - T0) / 1000 end`,
    `Read()`,
    `Times = lists:sort([Time() || _ <- lists:seq(1, ${runs})])`,
    `io:format("{\\"medianReadMs\\": ~p}~n", [round(lists:nth(${Math.floor(runs / 2) + 1}, Times))])`,
    `halt()`,
  ];
  return `${read.join(', ')}.`;
}

async function main(processes, seconds) {
  if (!erlAvailable()) {
    console.log(JSON.stringify({ bench: 'observerNodes', skipped: 'erl not found (apt-get install erlang-base)' }));
    return;
  }
  await withCluster(COOKIE, async ({ erl, node, ready, result }) => {
    const target = erl('obtarget', `[spawn(fun() -> receive stop -> ok end end) || _ <- lists:seq(1, ${processes})], io:format("ready~n").`);
    await ready(target);
    const ts = await result(node(fileURLToPath(import.meta.url), '--ts-observer', 'obts', `obtarget@${HOST}`, String(seconds)));
    const beam = await result(erl('obbeam', beamReader(`obtarget@${HOST}`, 9)));
    console.log(JSON.stringify({
      bench: 'observerNodes',
      processes,
      seconds,
      tsReadMs: ts.medianReadMs,
      beamReadMs: beam.medianReadMs,
      readings: ts.readings,
      addedCpuMsPerSec: Math.round((ts.remoteCpuMsPerSec - ts.localCpuMsPerSec) * 10) / 10,
      localCpuMsPerSec: ts.localCpuMsPerSec,
      maxLoopDelayMs: ts.maxLoopDelayMs,
    }));
  });
}
