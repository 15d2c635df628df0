// A call that ends in a receive is a value wherever it is used at the prompt: bound, matched,
// passed as an argument, put in an array, sequenced. Each value is waited for where it occurs,
// so effects happen in Erlang's order. Typed in a real pseudo-terminal; the Erlang session each
// test mirrors is in its comment (erl 25, modules/kitchen.ts ported back to kitchen.erl).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openShell, enter, printedBefore } from './helpers/prompt.mjs';
import { tempDir } from './helpers/tempDir.mjs';

const shell = (t, options = {}) => openShell(t, { env: { NO_COLOR: '1' }, cols: 200, ...options });
const PID = /^<0\.\d+\.0>$/;
const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

test('kitchen: client calls bind, match, nest in arrays; b() shows plain values', async (t) => {
  // 1> F = kitchen:start([baking_soda]).
  // <0.83.0>
  // 2> X = kitchen:store(F, water).
  // ok
  // 3> X.
  // ok
  // 4> {ok, W} = kitchen:take(F, water).
  // {ok,water}
  // 5> [kitchen:take(F, baking_soda), kitchen:take(F, water)].
  // [{ok,baking_soda},not_found]
  // 6> b().
  // F = <0.83.0>
  // W = water
  // X = ok
  // ok
  const sh = await shell(t);
  const [fridge] = await enter(sh, "F = kitchen:start(['baking_soda']).", 2);
  assert.match(fridge, PID);
  assert.deepEqual(await enter(sh, "X = kitchen:store(F, 'water').", 3), ["'ok'"]);
  assert.deepEqual(await enter(sh, 'X.', 4), ["'ok'"]);
  assert.deepEqual(await enter(sh, "X === 'ok'.", 5), ['true']);
  assert.deepEqual(await enter(sh, "['ok', W] = kitchen:take(F, 'water').", 6), ["['ok', 'water']"]);
  assert.deepEqual(await enter(sh, "[kitchen:take(F, 'baking_soda'), kitchen:take(F, 'water')].", 7),
    ["[['ok', 'baking_soda'], 'not_found']"]);
  assert.deepEqual(await enter(sh, 'b().', 8), [`F = ${fridge}`, "W = 'water'", "X = 'ok'", "'ok'"]);
  // An argument: the reply is what io.format gets.
  assert.deepEqual(await enter(sh, "io.format('~p~n', [kitchen:store(F, 'milk')]).", 9), ["'ok'", "'ok'"]);
  // A sequence: store, then take, then take again, each reply before the next request.
  assert.deepEqual(await enter(sh, "A = kitchen:take(F, 'milk'), B = kitchen:take(F, 'milk'), [A, B].", 10),
    ["[['ok', 'milk'], 'not_found']"]);
});

test('a sequence waits at each value: timer.sleep, await, selective receive in an async module function', async (t) => {
  // 1> Self = self(), spawn(fun() -> receive after 100 -> Self ! late end end), timer:sleep(300), flush().
  // Shell got late
  // ok
  // 2> self() ! {15, high}, self() ! {7, low}, self() ! {1, low}, self() ! {17, high}.
  // {17,high}
  // 3> kitchen:important().
  // [high,high,low,low]
  // 4> kitchen:take2(pid(0, 250, 0), dog).
  // timeout
  const sh = await shell(t);
  assert.deepEqual(
    await enter(sh, "Self = self(), spawn(() => receive(after(100, () => send(Self, 'late')))), timer.sleep(300), flush().", 2),
    ["Shell got 'late'", "'ok'"],
  );
  assert.deepEqual(await enter(sh, 'await timer.sleep(100).', 3), ["'ok'"]);
  assert.deepEqual(await enter(sh, "self() ! 'x', await receive([_, (m) => [m, 'received']]).", 4), ["['x', 'received']"]);
  assert.deepEqual(
    await enter(sh, "self() ! [15, 'high'], self() ! [7, 'low'], self() ! [1, 'low'], self() ! [17, 'high'].", 5),
    ["[17, 'high']"],
  );
  assert.deepEqual(await enter(sh, 'kitchen:important().', 6), ["['high', 'high', 'low', 'low']"]);
  assert.deepEqual(await enter(sh, "kitchen:take2(pid(0, 250, 0), 'dog').", 7), ["'timeout'"]);
  assert.deepEqual(await enter(sh, 'flush().', 8), ["'ok'"], 'nothing was left in the mailbox');
});

test('Ctrl-C interrupts any wait: a receive, a promise, and a busy loop after a wait', async (t) => {
  const sh = await shell(t);
  await enter(sh, 'N = 41.', 2);
  const take = await enter(sh, "kitchen:take(pid(0, 250, 0), 'dog').");
  await pause(150);
  sh.key('ctrl-c');
  assert.deepEqual(await printedBefore(sh, take, 3), ['** exception exit: interrupted']);
  const promise = await enter(sh, 'await new Promise(() => {}).');
  await pause(150);
  sh.key('ctrl-c');
  assert.deepEqual(await printedBefore(sh, promise, 4), ['** exception exit: interrupted']);
  const spin = await enter(sh, 'timer.sleep(50), (() => { for (;;) {} })().');
  await pause(400);
  sh.key('ctrl-c');
  assert.equal((await printedBefore(sh, spin, 5)).at(-1), '** exception exit: killed');
  assert.deepEqual(await enter(sh, 'N + 1.', 6), ['42']);
});

test('runtime values print compactly, never their internals', async (t) => {
  // Erlang prints runtime objects opaquely (#Ref<0.1.2.3>, #Fun<kitchen.0.123>); here a module
  // handle, a remote function and a process object do too.
  const sh = await shell(t);
  assert.deepEqual(await enter(sh, 'kitchen.', 2), ['#Module<kitchen>']);
  assert.deepEqual(await enter(sh, 'kitchen.take.', 3), ['#Fun<kitchen.take>']);
  const [pid] = await enter(sh, 'P = kitchen:start([]).', 4);
  assert.deepEqual(await enter(sh, 'P.proc.', 5), [`#Process<${pid.slice(1, -1)}>`]);
  assert.deepEqual(await enter(sh, "io.format('~p~n', [[P.proc]]).", 6), [`[#Process<${pid.slice(1, -1)}>]`, "'ok'"]);
});

test('a receive a module function forgets to return is an error naming its file and line', async (t) => {
  const dir = tempDir(t, 'eshell-ts-forgetful-', {
    'forgetful.ts': [
      "import { receive, spawn, _ } from 'eshell-ts';",
      '',
      'export function loop(n: number) {',
      '  receive([_, () => loop(n + 1)]);',
      '}',
      '',
      'export function start() {',
      '  return spawn(loop, [0]);',
      '}',
      '',
    ].join('\n'),
  });
  const sh = await shell(t, { cwd: dir });
  assert.deepEqual(await enter(sh, 'c(forgetful).', 2), ["['ok', 'forgetful']"]);
  assert.deepEqual(await enter(sh, 'forgetful:loop(1).', 3), [
    '** exception error: the receive() at forgetful.ts:4 was neither returned nor awaited, so the process never waited in it (return receive(...), or await it in an async function)',
  ]);
  const printed = await enter(sh, 'forgetful:start(), timer.sleep(100).', 4);
  assert.ok(printed.some((line) => line.startsWith('Error in process <0.')), printed.join('\n'));
  assert.ok(printed.some((line) => line.includes('the receive() at forgetful.ts:4 was neither returned nor awaited')), printed.join('\n'));
});
