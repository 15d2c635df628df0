// The process runtime as a module author sees it: pids, spawn, send, selective receive,
// timeouts, async processes, exits and crash reports.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { inspect } from 'node:util';
import {
  spawn, spawn_monitor, self, send, exit, receive, after, _, pid, isPid, Pid, Ref, erlang, timer,
  ErlangException, process_info, processes, is_process_alive, currentProcess,
  lookupProcess, onProcessExit, wrapTimers, setReceiveClock, SimulatedClock,
} from '../dist/internal.js';
import { output, inProcess, sleep } from './helpers/runtime.mjs';
import { until } from './helpers/env.mjs';

/** Spawns `fn` under a monitor from a helper process; resolves with its exit reason. */
function exitReasonOf(fn) {
  return inProcess(async () => {
    const [, ref] = spawn_monitor(fn);
    return receive([['DOWN', ref, 'process', _, _], (m) => m[4]]);
  });
}

test('pids print as <0.N.0> everywhere', async () => {
  const p = await inProcess(() => self());
  assert.ok(isPid(p));
  assert.match(inspect(p), /^<0\.\d+\.0>$/);
  assert.equal(String(p), `<0.${p.id}.0>`);
  assert.equal(`${p}`, `<0.${p.id}.0>`);
  assert.equal(JSON.stringify({ p }), `{"p":"<0.${p.id}.0>"}`);
  assert.equal(inspect([p, 'x']), `[ <0.${p.id}.0>, 'x' ]`);
  const ref = erlang.make_ref();
  assert.match(inspect(ref), /^#Ref<0\.0\.0\.\d+>$/);
});

test('pid(0, N, 0) returns the live Pid object, else an equal-by-id Pid', async () => {
  const live = spawn(() => receive([_, () => 'ok']));
  assert.equal(pid(0, live.id, 0), live);
  send(live, 'go');
  await until(() => !is_process_alive(live), 'the process to end');
  const again = pid(0, live.id, 0);
  assert.notEqual(again, live);
  assert.ok(again.equals(live));
  assert.ok(!is_process_alive(again));
  assert.throws(() => pid(1, 2, 3), RangeError);
});

test('self() outside a process throws not_a_process with a clear message', () => {
  assert.throws(() => self(), (e) => e instanceof ErlangException && e.reason === 'not_a_process' && /self\(\) called outside a process/.test(e.message));
});

test('self() is right inside async processes after foreign awaits', async () => {
  const results = await Promise.all(
    [1, 2, 3].map(() =>
      inProcess(async () => {
        const me = self();
        await new Promise((r) => setTimeout(r, 10));
        const afterTimer = self();
        await Promise.resolve();
        return [me, afterTimer, self()];
      }),
    ),
  );
  for (const [a, b, c] of results) {
    assert.equal(a, b);
    assert.equal(a, c);
  }
  assert.equal(new Set(results.map(([a]) => a.id)).size, 3);
});

test('spawn passes arguments; spawn(module, name, args) calls through the module', async () => {
  const got = await inProcess(async () => {
    const me = self();
    spawn((to, a, b) => send(to, ['sum', a + b]), [me, 2, 3]);
    const mod = { [Symbol.for('eshell-ts.module')]: 'calc', twice: (to, x) => send(to, ['twice', x * 2]) };
    spawn(mod, 'twice', [me, 21]);
    const sum = await receive([['sum', _], ([, s]) => s]);
    const twice = await receive([['twice', _], ([, t]) => t]);
    return [sum, twice];
  });
  assert.deepEqual(got, [5, 42]);
});

test('initial_call names module:function/arity for module spawns', async () => {
  const mod = { [Symbol.for('eshell-ts.module')]: 'code_reload', server_loop: (n) => receive([_, () => n]) };
  const p = spawn(mod, 'server_loop', [0]);
  await until(() => process_info(p).status === 'waiting', 'the server to wait');
  const info = process_info(p);
  assert.equal(info.initial_call, 'code_reload:server_loop/1');
  assert.equal(info.status, 'waiting');
  exit(p, 'kill');
});

test('spawn of bad input throws badarg naming the problem', () => {
  const isBadarg = (pattern) => (e) => e instanceof ErlangException && e.reason === 'badarg' && pattern.test(e.message);
  assert.throws(() => spawn(42), isBadarg(/expected a function/));
  assert.throws(() => spawn({}, 'missing'), isBadarg(/no function 'missing'/));
  assert.throws(() => spawn({ [Symbol.for('eshell-ts.module')]: 'm' }, 'f'), isBadarg(/module m has no function 'f'/));
  assert.throws(() => spawn(() => 1, 'notargs'), isBadarg(/no function 'notargs'/));
  assert.throws(() => spawn((x) => x, 5), isBadarg(/arguments must be an array/));
});

test('send returns the message, ignores dead pids, rejects unknown names and bad destinations', async () => {
  const dead = spawn(() => 'done');
  await until(() => !is_process_alive(dead), 'the process to end');
  assert.equal(send(dead, 'hello'), 'hello');
  assert.throws(() => send('nobody_here', 1), (e) => e.reason === 'badarg' && /nobody_here/.test(e.message));
  assert.throws(() => send(42, 1), (e) => e.reason === 'badarg');
});

test('messages between two processes keep their order', async () => {
  const got = await inProcess(async () => {
    const me = self();
    spawn(() => {
      for (let i = 0; i < 100; i++) send(me, ['n', i]);
    });
    const seen = [];
    for (let i = 0; i < 100; i++) seen.push(await receive([['n', _], ([, n]) => n]));
    return seen;
  });
  assert.deepEqual(got, [...Array(100).keys()]);
});

test('selective receive takes the first matching message and keeps the others in order', async () => {
  const got = await inProcess(async () => {
    const me = self();
    send(me, 'a');
    send(me, ['b', 1]);
    send(me, 'c');
    send(me, ['b', 2]);
    const first = await receive([['b', _], ([, n]) => n]);
    const rest = [];
    for (let i = 0; i < 3; i++) rest.push(await receive([_, (m) => m]));
    return [first, rest, process_info(me).message_queue_len];
  });
  assert.deepEqual(got, [1, ['a', 'c', ['b', 2]], 0]);
});

test('for each message the first matching clause wins', async () => {
  const got = await inProcess(async () => {
    send(self(), ['x', 1]);
    return receive([['y', _], () => 'y'], [['x', _], () => 'first x'], [[_, _], () => 'any pair']);
  });
  assert.equal(got, 'first x');
});

test('patterns: literals, NaN, wildcard, tuples by length, objects by subset, pids, guards', async () => {
  const got = await inProcess(async () => {
    const me = self();
    const other = pid(0, me.id, 0);
    const isNumber = (v) => typeof v === 'number';
    const cases = [
      [[1, 2], [1, 2], true],
      [[1, 2], [1, 2, 3], false],
      [[_, 'x'], [{ any: 1 }, 'x'], true],
      [NaN, NaN, true],
      [{ kind: 'ping' }, { kind: 'ping', extra: 1 }, true],
      [{ kind: 'ping', n: isNumber }, { kind: 'ping', n: 'no' }, false],
      [{ kind: 'ping' }, ['ping'], false],
      [[other, _], [me, 1], true],
      [[new Pid(me.id + 100000), _], [me, 1], false],
      [['n', isNumber], ['n', 4], true],
      [['n', (v) => v > 3], ['n', 2], false],
      [['n', () => { throw new Error('guard blew up'); }], ['n', 2], false],
      ['5', 5, false],
    ];
    const results = [];
    for (const [pattern, message] of cases) {
      send(me, message);
      results.push(await receive([pattern, () => true], [_, () => false]));
    }
    return [results, cases.map((c) => c[2])];
  });
  assert.deepEqual(got[0], got[1]);
});

test('after(ms) runs when nothing matched in time; non-matching messages do not stop the clock', async (t) => {
  const clock = new SimulatedClock();
  const previous = setReceiveClock(clock);
  t.after(() => setReceiveClock(previous));
  let waiter;
  let settled = false;
  const result = inProcess(() => {
    waiter = self();
    return receive([['wanted'], () => 'matched'], after(60, () => 'timeout'));
  });
  result.then(() => (settled = true));
  await until(() => waiter && process_info(waiter)?.status === 'waiting', 'the receive waits');
  for (let i = 1; i <= 11; i++) {
    send(waiter, 'noise');
    clock.advance(5);
    await until(() => process_info(waiter)?.message_queue_len === i, `noise ${i} arrived`);
  }
  clock.advance(4);
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(settled, false, 'at 59 ms, with noise arriving every 5 ms, the receive still waits');
  const queued = process_info(waiter).message_queue_len;
  clock.advance(1);
  await until(() => settled, 'the after clause at 60 ms', 5000);
  assert.equal(await result, 'timeout');
  assert.equal(queued, 11, 'the noise messages stay in the mailbox');
});

test('after(0) polls and Infinity never fires', async () => {
  const got = await inProcess(async () => {
    const polled = await receive([_, () => 'message'], after(0, () => 'empty'));
    send(self(), 'here');
    const found = await receive([_, (m) => m], after(0, () => 'empty'));
    const never = await Promise.race([
      receive([['none'], () => 'matched'], after(Infinity, () => 'fired')),
      new Promise((r) => setTimeout(() => r('still waiting'), 30)),
    ]);
    return [polled, found, never];
  });
  assert.deepEqual(got, ['empty', 'here', 'still waiting']);
});

test('a trampolined process loop waits, times out and ends normally', async () => {
  const reason = await exitReasonOf(() => {
    const loop = (n) => receive([['tick'], () => loop(n + 1)], after(20, () => (n === 0 ? 'ok' : 'bad')));
    return loop(0);
  });
  assert.equal(reason, 'normal');
});

test('malformed clause lists raise badarg in the calling process only', async () => {
  output.length = 0;
  const [reasons, bystander] = await inProcess(async () => {
    const me = self();
    const bystander = spawn(() => receive([_, (m) => send(me, ['bystander got', m])]));
    const reasons = [];
    for (const bad of [() => receive(), () => receive(['just one']), () => receive(after(5, () => 1), [_, () => 1]), () => receive([_, 'not a fn'])]) {
      const [, ref] = spawn_monitor(bad);
      reasons.push(await receive([['DOWN', ref, _, _, _], (m) => m[4]]));
    }
    send(bystander, 'still here');
    return [reasons, await receive([['bystander got', _], ([, m]) => m])];
  });
  // Erlang's exit reason for an error: [reason, stack]; the explanation is in the crash report.
  for (const reason of reasons) {
    assert.ok(Array.isArray(reason) && Array.isArray(reason[1]), String(reason));
    assert.equal(reason[0], 'badarg');
  }
  await until(() => (output.join('').match(/ERROR REPORT/g) ?? []).length >= 4, 'the crash reports');
  const reports = output.join('');
  assert.match(reports, /at least one clause/);
  assert.match(reports, /clause 1 must be a \[pattern, handler\] pair/);
  assert.match(reports, /after\(\) must be the last clause/);
  assert.equal(bystander, 'still here');
});

test('exit reasons as Erlang builds them: return → normal, throw v → [[nocatch, v], stack], exit(r) → r, error → [reason, stack]', async () => {
  assert.equal(await exitReasonOf(() => 42), 'normal');
  assert.deepEqual(await exitReasonOf(() => { throw 'unexpected_message'; }), [['nocatch', 'unexpected_message'], []]);
  assert.equal(await exitReasonOf(() => exit('bye')), 'bye');
  assert.deepEqual(await exitReasonOf(async () => { await sleep(1); throw 'async boom'; }), [['nocatch', 'async boom'], []]);
  assert.equal(await exitReasonOf(async () => { await sleep(1); return 'fine'; }), 'normal');
  const [error, stack] = await exitReasonOf(() => { throw new TypeError('bad'); });
  assert.ok(error instanceof TypeError);
  assert.ok(Array.isArray(stack));
  const [reason, frames] = await exitReasonOf(() => erlang.error(['bad_value', 1]));
  assert.deepEqual(reason, ['bad_value', 1]);
  assert.ok(Array.isArray(frames));
});

test('await receive(...) resolves with the handler result; a throwing handler rejects the await', async () => {
  const got = await inProcess(async () => {
    send(self(), ['add', 2, 3]);
    const sum = await receive([['add', _, _], ([, a, b]) => a + b]);
    send(self(), 'boom');
    try {
      await receive([_, () => { throw new Error('handler failed'); }]);
      return 'no error';
    } catch (e) {
      return [sum, e.message];
    }
  });
  assert.deepEqual(got, [5, 'handler failed']);
});

test('timer.sleep works in loops and with await', async () => {
  const started = Date.now();
  const got = await inProcess(async () => [await timer.sleep(20), self()]);
  assert.equal(got[0], 'ok');
  assert.ok(Date.now() - started >= 18);
  assert.equal(await exitReasonOf(() => timer.sleep(5)), 'normal');
});

test('erlang.now() is [mega, secs, micro] and strictly increasing', () => {
  const stamps = Array.from({ length: 1000 }, () => erlang.now());
  for (let i = 1; i < stamps.length; i++) {
    const [a, b] = [stamps[i - 1], stamps[i]];
    assert.ok(a[0] * 1e12 + a[1] * 1e6 + a[2] < b[0] * 1e12 + b[1] * 1e6 + b[2]);
  }
  const [mega, secs] = stamps[0];
  assert.ok(Math.abs(mega * 1e6 + secs - Date.now() / 1000) < 5);
  assert.ok(erlang.monotonic_time() <= erlang.monotonic_time());
  assert.throws(() => erlang.error('oops'), (e) => e instanceof ErlangException && e.reason === 'oops');
});

test('a crash with no links prints an error report; normal ends and kills print nothing', async () => {
  output.length = 0;
  const crasher = spawn(() => { throw 'unexpected_message'; });
  spawn(() => 'fine');
  const victim = spawn(() => receive([_, () => 1]));
  await until(() => !is_process_alive(crasher) && process_info(victim)?.status === 'waiting', 'the processes to run');
  exit(victim, 'kill');
  await sleep(5);
  const text = output.join('');
  assert.match(
    text,
    new RegExp(`^=ERROR REPORT==== \\d\\d-[A-Z][a-z]{2}-\\d{4}::\\d\\d:\\d\\d:\\d\\d\\.\\d{6} ===\\nError in process ${String(crasher).replace(/[.<>]/g, '\\$&')} with exit value:\\n.*unexpected_message`),
  );
  assert.equal(text.match(/ERROR REPORT/g).length, 1);
  output.length = 0;
  spawn(() => { throw new Error('kaput'); });
  await until(() => output.join('').includes('kaput'), 'the crash report');
  assert.match(output.join(''), /with exit value:\n\[\s*\[Error: kaput\],/);
});

test('process_info, processes, is_process_alive', async () => {
  const p = spawn(() => receive([['never'], () => 1]));
  send(p, 'm1');
  send(p, 'm2');
  await until(() => process_info(p).status === 'waiting', 'the process to wait');
  assert.ok(processes().some((q) => q.equals(p)));
  assert.ok(is_process_alive(p));
  const info = process_info(p);
  assert.equal(info.message_queue_len, 2);
  assert.deepEqual(info.messages, ['m1', 'm2']);
  assert.equal(info.status, 'waiting');
  assert.equal(info.trap_exit, false);
  assert.deepEqual(info.links, []);
  assert.equal(typeof info.reductions, 'number');
  assert.equal(info.registered_name, undefined);
  assert.deepEqual(process_info(p, 'message_queue_len'), ['message_queue_len', 2]);
  exit(p, 'kill');
  assert.equal(process_info(p), undefined);
  assert.ok(!is_process_alive(p));
  assert.ok(!processes().some((q) => q.equals(p)));
});

test('a busy process cannot starve the others', async () => {
  const got = await inProcess(async () => {
    const me = self();
    let count = 0;
    spawn(() => {
      const loop = () => receive([['spin'], () => {
        if (++count === 200000) return send(me, 'busy done');
        send(self(), ['spin']);
        return loop();
      }]);
      send(self(), ['spin']);
      return loop();
    });
    spawn(() => send(me, ['quick one ran at', count]));
    const [, at] = await receive([['quick one ran at', _], (m) => m]);
    await receive(['busy done', () => 1]);
    return at;
  });
  assert.ok(got < 200000, `the quick process ran only after ${got} spins`);
});

test('internals: Process records code versions and the current function', async () => {
  const got = await inProcess(async () => {
    const proc = currentProcess();
    proc.enterCode('m', 1, 'm:f/0');
    proc.enterCode('other', 7, 'other:g/1');
    proc.enterCode('m', 2, 'm:h/2');
    return [proc.codeVersion('m'), proc.codeVersion('other'), proc.codeVersion('none'), process_info(self()).current_function, lookupProcess(self()) === proc];
  });
  assert.deepEqual(got, [2, 7, undefined, 'm:h/2', true]);
});

test('onProcessExit tells listeners who exited and why', async () => {
  const seen = [];
  const stop = onProcessExit((proc, reason) => seen.push([proc.pid, reason]));
  const p = spawn(() => exit('listened'));
  await until(() => !is_process_alive(p), 'the process to end');
  stop();
  assert.ok(seen.some(([q, reason]) => q === p && reason === 'listened'));
});

test('wrapTimers: callbacks run as their process, a throw ends it, exit cancels pending timers', async () => {
  const timers = wrapTimers();
  const got = await inProcess(async () => {
    const me = self();
    const [, ref] = spawn_monitor(() => {
      const owner = self();
      timers.setTimeout(() => send(me, ['timer ran as', self().equals(owner)]), 1);
      timers.setTimeout(() => { throw 'timer failure'; }, 10);
      return receive([['never'], () => 1]);
    });
    const ranAs = await receive([['timer ran as', _], ([, same]) => same]);
    const reason = await receive([['DOWN', ref, _, _, _], (m) => m[4]]);
    let fired = false;
    const [, ref2] = spawn_monitor(() => {
      timers.setTimeout(() => { fired = true; }, 20);
      timers.setInterval(() => { fired = true; }, 20);
      return exit('leaving');
    });
    await receive([['DOWN', ref2, _, _, _], () => 1]);
    await sleep(40);
    return [ranAs, reason, fired];
  });
  assert.deepEqual(got, [true, [['nocatch', 'timer failure'], []], false]);
});

test('a Receive prints as #Receive<owner, clauses, after>, never its internals', async () => {
  const shown = await inProcess(async () => {
    const r = receive([_, () => 1], [['a', _], () => 2], after(5, () => 3));
    const text = [inspect(r), String(r)];
    await r;
    return text;
  });
  assert.match(shown[0], /^#Receive<<0\.\d+\.0>, 2 clauses, after 5>$/);
  assert.equal(shown[1], shown[0]);
});
