// Links, monitors, trap_exit, exit signals and the registry, following Erlang's rules.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  spawn, spawn_link, spawn_monitor, self, send, exit, link, unlink, monitor, demonitor, process_flag,
  receive, after, _, register, unregister, whereis, registered, is_process_alive, process_info,
  ErlangException, exitProcess, lookupProcess, isPid, Ref,
} from '../dist/internal.js';
import { output, inProcess, sleep } from './helpers/runtime.mjs';

const idle = () => receive([['never'], () => 'ok']);
const down = (ref) => receive([['DOWN', ref, 'process', _, _], (m) => m[4]], after(500, () => 'no DOWN'));
const exitMessage = (from) => receive([['EXIT', from, _], (m) => m[2]], after(500, () => 'no EXIT'));

test('an abnormal exit kills linked processes; a normal exit does not', async () => {
  const got = await inProcess(async () => {
    // a ← linked → b; a crashes: b dies with the same reason.
    const b = spawn(idle);
    const a = spawn(() => {
      link(b);
      return receive([['crash'], () => { throw 'boom'; }]);
    });
    const ref = monitor('process', b);
    await new Promise((r) => setTimeout(r, 5));
    send(a, ['crash']);
    const bReason = await down(ref);
    // c ← linked → d; c ends normally: d lives on.
    const d = spawn(idle);
    const c = spawn(() => {
      link(d);
      return 'done';
    });
    const refC = monitor('process', c);
    await down(refC);
    return [bReason, is_process_alive(d)];
  });
  assert.deepEqual(got, [[['nocatch', 'boom'], []], true]);
});

test('trap_exit turns exit signals into EXIT messages and returns the previous value', async () => {
  const got = await inProcess(async () => {
    const before = process_flag('trap_exit', true);
    const again = process_flag('trap_exit', true);
    const crasher = spawn_link(() => receive([['go'], () => exit('bad thing')]));
    const normal = spawn_link(() => 'bye');
    send(crasher, ['go']);
    const crashReason = await exitMessage(crasher);
    const normalReason = await exitMessage(normal);
    process_flag('trap_exit', false);
    return [before, again, crashReason, normalReason, is_process_alive(self())];
  });
  assert.deepEqual(got, [false, true, 'bad thing', 'normal', true]);
});

test("exit(pid, 'kill') cannot be trapped and spreads as 'killed'", async () => {
  const got = await inProcess(async () => {
    const me = self();
    const trapper = spawn(() => {
      process_flag('trap_exit', true);
      send(me, 'trapping');
      return receive([_, (m) => send(me, ['trapper got', m])]);
    });
    await receive(['trapping', () => 1]);
    const linkedWatcher = spawn(() => {
      process_flag('trap_exit', true);
      link(trapper);
      send(me, 'linked');
      return receive([['EXIT', _, _], (m) => send(me, ['watcher got', m[2]])]);
    });
    await receive(['linked', () => 1]);
    const ref = monitor('process', trapper);
    exit(trapper, 'kill');
    const reason = await down(ref);
    const watcher = await receive([['watcher got', _], ([, r]) => r]);
    return [reason, watcher, is_process_alive(linkedWatcher)];
  });
  assert.deepEqual(got, ['killed', 'killed', false]);
});

test("exit(pid, 'normal') is ignored by others unless they trap; exit(self(), 'normal') ends the caller", async () => {
  const got = await inProcess(async () => {
    const plain = spawn(idle);
    exit(plain, 'normal');
    await new Promise((r) => setTimeout(r, 5));
    const plainAlive = is_process_alive(plain);
    const me = self();
    const trapper = spawn(() => {
      process_flag('trap_exit', true);
      send(me, 'ready');
      return receive([['EXIT', _, _], (m) => send(me, ['trapped', m[2]])]);
    });
    await receive(['ready', () => 1]);
    exit(trapper, 'normal');
    const trapped = await receive([['trapped', _], ([, r]) => r]);
    const [, ref] = spawn_monitor(() => {
      exit(self(), 'normal');
      return 'unreachable';
    });
    const selfExit = await down(ref);
    exit(plain, 'kill');
    return [plainAlive, trapped, selfExit];
  });
  assert.deepEqual(got, [true, 'normal', 'normal']);
});

test('an exit signal a process sends itself unwinds it, and catching it does not save it', async () => {
  const got = await inProcess(async () => {
    const [, ref] = spawn_monitor(() => {
      exit(self(), 'stop now');
      throw 'unreachable';
    });
    const [, caughtRef] = spawn_monitor(() => {
      try {
        exit(self(), 'caught anyway');
      } catch {
        // The signal already hit the process: it ends when its code returns.
      }
      return 'returned normally';
    });
    return [await down(ref), await down(caughtRef)];
  });
  assert.deepEqual(got, ['stop now', 'caught anyway']);
});

test("link to a dead pid: trapping callers get ['EXIT', pid, 'noproc'], others exit with noproc", async () => {
  const got = await inProcess(async () => {
    const [dead, deadRef] = spawn_monitor(() => 'gone');
    await down(deadRef);
    const [, ref] = spawn_monitor(() => link(dead));
    const plain = await down(ref);
    process_flag('trap_exit', true);
    link(dead);
    const trapped = await exitMessage(dead);
    process_flag('trap_exit', false);
    return [plain, trapped];
  });
  assert.deepEqual(got, ['noproc', 'noproc']);
});

test('unlink stops propagation; links are listed in process_info', async () => {
  const got = await inProcess(async () => {
    const other = spawn(idle);
    link(other);
    const linked = process_info(self()).links.map(String);
    unlink(other);
    const after = process_info(self()).links.length;
    exit(other, 'some reason');
    await new Promise((r) => setTimeout(r, 5));
    return [linked, String(other), after, is_process_alive(self())];
  });
  assert.deepEqual(got[0], [got[1]]);
  assert.equal(got[2], 0);
  assert.equal(got[3], true);
});

test("monitors: DOWN with the reason, 'noproc' for dead targets, demonitor with flush", async () => {
  const got = await inProcess(async () => {
    const target = spawn(() => receive([['die', _], ([, r]) => exit(r)]));
    const ref = monitor('process', target);
    const monitors = process_info(self()).monitors.map(([kind, p]) => [kind, String(p)]);
    send(target, ['die', 'reason x']);
    const reason = await down(ref);
    const refDead = monitor('process', target);
    const deadReason = await down(refDead);
    const byName = monitor('process', 'no_such_name');
    const nameReason = await down(byName);
    const quiet = spawn(idle);
    const refQuiet = monitor('process', quiet);
    demonitor(refQuiet);
    exit(quiet, 'kill');
    const afterDemonitor = await receive([['DOWN', refQuiet, _, _, _], () => 'got DOWN'], after(20, () => 'none'));
    const flushed = spawn(() => 'ends');
    const refFlush = monitor('process', flushed);
    while (process_info(self()).message_queue_len === 0) await new Promise((r) => setTimeout(r, 2));
    const queued = process_info(self()).message_queue_len;
    demonitor(refFlush, ['flush']);
    return [monitors, String(target), reason, deadReason, nameReason, afterDemonitor, queued, process_info(self()).message_queue_len];
  });
  assert.deepEqual(got[0], [['process', got[1]]]);
  assert.deepEqual(got.slice(2), ['reason x', 'noproc', 'noproc', 'none', 1, 0]);
});

test('spawn_monitor returns [pid, ref]; spawn_link links before the child runs', async () => {
  const got = await inProcess(async () => {
    process_flag('trap_exit', true);
    const [p, ref] = spawn_monitor(() => exit('from child'));
    // the DOWN names the monitor's ref and the spawned pid
    const downFor = await receive([['DOWN', ref, 'process', _, _], ([, , , who, why]) => [who, why]], after(500, () => ['none', 'no DOWN']));
    const child = spawn_link(() => exit('instant'));
    const linked = await exitMessage(child);
    return [isPid(p), ref instanceof Ref, downFor[0] === p || p.equals(downFor[0]), downFor[1], linked];
  });
  assert.deepEqual(got, [true, true, true, 'from child', 'instant']);
});

test('crash reports as Erlang prints them: for every crash, linked or not; none for exit/1 or a process killed by a link', async () => {
  // erl 25:
  //   1> process_flag(trap_exit, true), spawn_link(fun() -> throw(linked_crash) end).
  //   =ERROR REPORT==== ... Error in process <0.84.0> with exit value:
  //   {{nocatch,linked_crash},[{shell,apply_fun,3,[{file,"shell.erl"},{line,912}]}]}
  //   2> spawn_link(fun() -> exit(r) end).      % no report
  //   (a process killed by its linked partner's crash: no report for it)
  output.length = 0;
  await inProcess(async () => {
    process_flag('trap_exit', true);
    const linkedCrasher = spawn_link(() => { throw 'linked crash'; });
    await exitMessage(linkedCrasher);
    const victim = spawn(idle);
    const [, ref] = spawn_monitor(() => {
      link(victim);
      throw 'crash with a link';
    });
    await down(ref);
    const leaver = spawn_link(() => exit('leaving'));
    await exitMessage(leaver);
  });
  await sleep(5);
  const text = output.join('');
  assert.equal(text.match(/ERROR REPORT/g)?.length, 2, text);
  assert.match(text, /with exit value:\n\[\['nocatch', 'linked crash'\], \[\]\]\n\n/);
  assert.match(text, /with exit value:\n\[\['nocatch', 'crash with a link'\], \[\]\]\n\n/);
  assert.doesNotMatch(text, /leaving/);
});

test('a long chain of linked processes dies without overflowing the stack', { timeout: 30_000 }, async () => {
  const reason = await inProcess(async () => {
    const me = self();
    process_flag('trap_exit', true);
    let next = me;
    const length = 20000;
    for (let i = 1; i <= length; i++) {
      const previous = next;
      next = spawn(() => {
        link(previous);
        if (i === length) send(me, 'chain linked'); // processes start in spawn order
        return idle();
      });
    }
    await receive(['chain linked', () => 1]);
    exit(next, 'chain');
    return receive([['EXIT', _, _], (m) => m[2]], after(20_000, () => 'no EXIT'));
  });
  assert.equal(reason, 'chain');
});

test('exitProcess (internal) delivers an exit signal as if from outside', async () => {
  const p = spawn(idle);
  exitProcess(lookupProcess(p), 'killed');
  assert.equal(is_process_alive(p), false);
});

test('registry: register, whereis, send by name, unregister, names freed on exit', async () => {
  const got = await inProcess(async () => {
    const me = self();
    const server = spawn(() => receive([[_, 'ping'], ([from]) => send(from, 'pong')]));
    register('pinger', server);
    const errors = [];
    for (const bad of [() => register('pinger', me), () => register('second_name', server), () => register('undefined', me), () => unregister('nobody')]) {
      try {
        bad();
      } catch (e) {
        errors.push(e instanceof ErlangException && e.reason === 'badarg');
      }
    }
    const found = whereis('pinger') === server;
    const names = registered();
    const info = process_info(server).registered_name;
    send('pinger', [me, 'ping']);
    const reply = await receive(['pong', () => 'pong']);
    await new Promise((r) => setTimeout(r, 5));
    const freed = whereis('pinger');
    register('mine', me);
    unregister('mine');
    const [dead, deadRef] = spawn_monitor(() => 1);
    await down(deadRef);
    let deadError = false;
    try {
      register('ghost', dead);
    } catch (e) {
      deadError = e.reason === 'badarg' && /not alive/.test(e.message);
    }
    return [errors, found, names.includes('pinger'), info, reply, freed, whereis('mine'), deadError];
  });
  assert.deepEqual(got, [[true, true, true, true], true, true, 'pinger', 'pong', undefined, undefined, true]);
});

test('link, monitor and friends outside a process explain themselves', () => {
  assert.throws(() => link(self), (e) => e instanceof ErlangException && /link\(\) called outside a process/.test(e.message));
  assert.throws(() => process_flag('trap_exit', true), /process_flag\(\) called outside a process/);
  assert.throws(() => spawn_link(() => 1), /spawn_link\(\) called outside a process/);
});
