// Request/reply between two processes, as every call to a server is made: the client makes a
// fresh ref, sends [self(), ref, 'ping'] and receives [ref, 'pong']. Round trips per second:
//   empty    the client's mailbox holds nothing else;
//   crowded  10,000 unrelated messages wait in the client's mailbox the whole time. A receive
//            for a ref made after they arrived starts behind them (BEAM's receive marker), so
//            the figure should stay within 2x of the empty one, as it does on BEAM.
// BEAM runs bench/erlang/messaging.erl in the same run. Each eshell-ts figure comes from a fresh
// Node process; best of `runs`. Prints one JSON line.  Usage: node bench/messaging.mjs [N] [noise] [runs]
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { runErlang } from './erlang/run.mjs';
import { runInFreshNode } from './measure.mjs';

const [, , first, ...rest] = process.argv;

if (first === '--child') {
  const [n, noise] = rest.map(Number);
  console.log(JSON.stringify({ perSec: await eshellRoundTrips(n, noise) }));
} else {
  const n = Number(first ?? 200_000);
  const noise = Number(rest[0] ?? 10_000);
  const runs = Number(rest[1] ?? 3);
  const empty = [];
  const crowded = [];
  const beams = [];
  for (let i = 0; i < runs; i++) {
    empty.push(child(n, 0));
    crowded.push(child(n, noise));
    const beam = runErlang('messaging', `messaging:main(${n}, ${noise})`);
    beams.push(beam);
    if (beam.skipped) break;
  }
  const best = (xs) => Math.max(...xs);
  const beamEmpty = beams.some((b) => b.skipped) ? null : best(beams.map((b) => b.emptyPerSec));
  const beamCrowded = beams.some((b) => b.skipped) ? null : best(beams.map((b) => b.crowdedPerSec));
  const result = {
    bench: 'messaging',
    roundTrips: n,
    noise,
    eshellEmptyPerSec: Math.round(best(empty)),
    eshellCrowdedPerSec: Math.round(best(crowded)),
    beamEmptyPerSec: beamEmpty,
    beamCrowdedPerSec: beamCrowded,
    emptyVsBeam: beamEmpty ? round2(best(empty) / beamEmpty) : null,
    crowdedVsBeam: beamCrowded ? round2(best(crowded) / beamCrowded) : null,
    crowdedVsEmpty: round2(best(crowded) / best(empty)),
    runs: { empty: empty.map(Math.round), crowded: crowded.map(Math.round), beam: beams },
  };
  console.log(JSON.stringify(result));
}

function child(n, noise) {
  return runInFreshNode(fileURLToPath(import.meta.url), ['--child', n, noise]).perSec;
}

function round2(x) {
  return Math.round(x * 100) / 100;
}

async function eshellRoundTrips(n, noise) {
  const require = createRequire(import.meta.url);
  const { spawn, spawn_link, receive, send, self, erlang, exit, isPid, Ref } = require('../dist/internal.js');
  const isRef = (x) => x instanceof Ref;
  let finished;
  const done = new Promise((resolve) => (finished = resolve));
  spawn(() => {
    const server = spawn_link(function serve() {
      return receive([[isPid, isRef, 'ping'], ([from, ref]) => {
        send(from, [ref, 'pong']);
        return serve();
      }]);
    });
    const me = self();
    for (let k = 1; k <= noise; k++) send(me, ['noise', k]);
    const started = performance.now();
    const client = (left) => {
      if (left === 0) {
        finished((n * 1000) / (performance.now() - started));
        return exit(server, 'kill');
      }
      const ref = erlang.make_ref();
      send(server, [me, ref, 'ping']);
      return receive([[ref, 'pong'], () => client(left - 1)]);
    };
    return client(n);
  });
  return done;
}
