// gen_server: starting, calls and casts in OTP's wire shapes, the callback answers, timeouts,
// and what a failing server and its callers see.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  gen_server, spawn, spawn_link, send, self, receive, after, _, process_flag, exit, whereis, monitor,
  is_process_alive, erlang, process_info, ErlangException, Receive,
} from '../dist/internal.js';
import { output, inProcess, sleep } from './helpers/runtime.mjs';

/** A counter server as a plain callback object (modules loaded by c/1 are tested elsewhere). */
const counter = {
  init: (n) => (n === 'refuse' ? ['stop', 'refused'] : n === 'skip' ? 'ignore' : n === 'junk' ? ['what'] : ['ok', n]),
  handle_call: (request, from, n) => {
    if (request === 'get') return ['reply', n, n];
    if (request === 'bump') return ['reply', n + 1, n + 1];
    if (request === 'later') {
      gen_server.reply(from, ['answered', 'by', 'reply']);
      return ['noreply', n];
    }
    if (request === 'bad') return ['oops', n];
    if (request === 'throw') throw ['reply', 'thrown', n];
    if (request === 'error') throw new Error('boom');
    if (request === 'stop') return ['stop', 'normal', 'stopping', n];
    if (request === 'slow') return ['noreply', n];
    if (request === 'timeout') return ['reply', 'ok', n, 20];
    if (request === 'continue') return ['reply', 'ok', n, ['continue', 'more']];
    if (request === 'hibernate') return ['reply', 'zz', n, 'hibernate'];
    return ['reply', ['unknown', request], n];
  },
  handle_cast: (message, n) => (message === 'reset' ? ['noreply', 0] : ['noreply', n + message]),
  handle_info: (message, n) => {
    if (message === 'timeout') return ['noreply', 'timed out'];
    if (Array.isArray(message) && message[0] === 'tell') {
      send(message[1], ['state', n]);
      return ['noreply', n];
    }
    return ['noreply', n];
  },
  handle_continue: (info, n) => ['noreply', [info, n]],
  terminate: (reason, n) => {
    if (counter.onTerminate) counter.onTerminate(reason, n);
  },
};

const catchExit = async (call) => {
  try {
    return ['returned', await (typeof call === 'function' ? call() : call)];
  } catch (e) {
    return [e instanceof ErlangException ? e.kind : 'other', e instanceof ErlangException ? e.reason : e];
  }
};

test('start, call, cast, info: the state moves through the callbacks', async () => {
  const got = await inProcess(async () => {
    const [ok, pid] = gen_server.start(counter, 10);
    const a = await gen_server.call(pid, 'bump');
    gen_server.cast(pid, 5);
    const b = await gen_server.call(pid, 'get');
    send(pid, ['tell', self()]);
    const c = await receive([['state', _], ([, n]) => n]);
    const later = await gen_server.call(pid, 'later');
    return [ok, a, b, c, later, await gen_server.call(pid, 'hibernate')];
  });
  assert.deepEqual(got, ['ok', 11, 16, 16, ['answered', 'by', 'reply'], 'zz']);
});

test("the wire shapes are OTP's: ['$gen_call', [pid, tag], req] answered by [tag, reply]; ['$gen_cast', msg]", async () => {
  const got = await inProcess(async () => {
    const [, pid] = gen_server.start(counter, 1);
    const tag = erlang.make_ref();
    send(pid, ['$gen_call', [self(), tag], 'get']);
    const reply = await receive([[tag, _], (m) => m], after(500, () => 'no reply'));
    send(pid, ['$gen_cast', 41]);
    const after41 = await gen_server.call(pid, 'get');
    const sysTag = erlang.make_ref();
    send(pid, ['system', [self(), sysTag], 'get_state']);
    const state = await receive([[sysTag, _], ([, s]) => s], after(500, () => 'no reply'));
    return [reply[0] === tag, reply[1], after41, state];
  });
  assert.deepEqual(got, [true, 1, 42, 42]);
});

test("['local', name] registers the server; a second start answers already_started", async () => {
  const got = await inProcess(async () => {
    const [ok, pid] = gen_server.start(['local', 'gs_named'], counter, 3);
    const again = gen_server.start(['local', 'gs_named'], counter, 4);
    const value = await gen_server.call('gs_named', 'get');
    const viaTuple = await gen_server.call(['local', 'gs_named'], 'bump');
    await gen_server.stop('gs_named');
    return [ok, whereis('gs_named'), again[0], again[1][0], again[1][1] === pid, value, viaTuple];
  });
  assert.deepEqual(got, ['ok', undefined, 'error', 'already_started', true, 3, 4]);
});

test("init's answers: ['stop', r] is ['error', r], 'ignore', and anything else is bad_return_value", async () => {
  const got = await inProcess(async () => {
    const refused = gen_server.start(counter, 'refuse');
    const skipped = gen_server.start(counter, 'skip');
    const junk = gen_server.start(counter, 'junk');
    const thrown = gen_server.start({ init: () => { throw new Error('no init'); } }, []);
    const answered = gen_server.start({ init: () => { throw ['ok', 'thrown state']; } }, []);
    return [refused, skipped, junk, thrown[0], thrown[1][0].message, Array.isArray(thrown[1][1]), answered[0]];
  });
  // An error in init is [reason, stack], as OTP's {Reason, Stacktrace}; a thrown value is init's answer.
  assert.deepEqual(got, [['error', 'refused'], 'ignore', ['error', ['bad_return_value', ['what']]], 'error', 'no init', true, 'ok']);
});

test('start_link: a failing init answers the caller with an error instead of killing it', async () => {
  const got = await inProcess(async () => {
    const result = gen_server.start_link(counter, 'refuse');
    await sleep(10);
    const [, pid] = gen_server.start_link(counter, 0);
    const links = process_info(self()).links.map(String);
    return [result, is_process_alive(self()), links.includes(String(pid))];
  });
  assert.deepEqual(got, [['error', 'refused'], true, true]);
});

test("call times out with ['timeout', ['gen_server', 'call', [server, request, timeout]]]", async () => {
  const got = await inProcess(async () => {
    const [, pid] = gen_server.start(counter, 0);
    const result = await catchExit(gen_server.call(pid, 'slow', 30));
    return [result[0], result[1][0], result[1][1][0], result[1][1][1], result[1][1][2][0] === pid, result[1][1][2].slice(1)];
  });
  assert.deepEqual(got, ['exit', 'timeout', 'gen_server', 'call', true, ['slow', 30]]);
});

test("a call to an unknown name or a dead pid exits with ['noproc', ['gen_server', 'call', [server, request]]]", async () => {
  const got = await inProcess(async () => {
    const unknown = await catchExit(() => gen_server.call('gs_nobody', 'get'));
    const [, pid] = gen_server.start(counter, 0);
    await gen_server.stop(pid);
    const dead = await catchExit(() => gen_server.call(pid, 'get'));
    return [unknown, dead[0], dead[1][0], dead[1][1][2][1]];
  });
  assert.deepEqual(got[0], ['exit', ['noproc', ['gen_server', 'call', ['gs_nobody', 'get']]]]);
  assert.deepEqual(got.slice(1), ['exit', 'noproc', 'get']);
});

test('a malformed callback answer stops the server with bad_return_value and an OTP error report', async () => {
  output.length = 0;
  const got = await inProcess(async () => {
    const [, pid] = gen_server.start(['local', 'gs_bad'], counter, 7);
    const ref = monitor('process', pid);
    const result = await catchExit(gen_server.call(pid, 'bad'));
    const reason = await receive([['DOWN', ref, _, _, _], (m) => m[4]], after(500, () => 'no DOWN'));
    return [result, reason];
  });
  assert.deepEqual(got[1], ['bad_return_value', ['oops', 7]]);
  assert.deepEqual(got[0], ['exit', [['bad_return_value', ['oops', 7]], ['gen_server', 'call', [got[0][1][1][2][0], 'bad']]]]);
  const text = output.join('');
  assert.match(text, /=ERROR REPORT==== \d\d-\w{3}-\d{4}::\d\d:\d\d:\d\d\.\d{6} ===\n\*\* Generic server gs_bad terminating \n\*\* Last message in was 'bad'\n\*\* When Server state == 7\n\*\* Reason for termination ==\n\*\* \['bad_return_value', \['oops', 7\]\]\n/);
  assert.match(text, /=CRASH REPORT==== .* ===\n  crasher:\n    initial call: anonymous:init\/1\n    pid: <0\.\d+\.0>\n    registered_name: gs_bad\n    exception exit: \['bad_return_value', \['oops', 7\]\]\n    ancestors: \[<0\.\d+\.0>\]/);
  assert.doesNotMatch(text, /Error in process/);
});

test('a callback that raises stops the server with the error; a thrown value is the answer', async () => {
  output.length = 0;
  const got = await inProcess(async () => {
    const [, pid] = gen_server.start(counter, 1);
    const thrown = await gen_server.call(pid, 'throw');
    const failed = await catchExit(gen_server.call(pid, 'error'));
    return [thrown, failed[0], failed[1][0][0].message, failed[1][0][1].length > 0, is_process_alive(pid)];
  });
  // The server ends with [error, stack], OTP's {Reason, Stacktrace}.
  assert.deepEqual(got, ['thrown', 'exit', 'boom', true, false]);
  assert.match(output.join(''), /\*\* Reason for termination ==\n\*\* \[\[Error: boom\], \[\[/);
  // Where the error was thrown, as erl's crash report says `in function`.
  assert.match(output.join(''), /    exception error: Error: boom\n      in function  \S+:\S*handle_call\/\d+ \(/);
});

test("['stop', reason, reply, state] answers, runs terminate, and ends with the reason", async () => {
  const seen = [];
  counter.onTerminate = (reason, n) => seen.push([reason, n]);
  try {
    const got = await inProcess(async () => {
      const [, pid] = gen_server.start(counter, 4);
      const ref = monitor('process', pid);
      const answer = await gen_server.call(pid, 'stop');
      const reason = await receive([['DOWN', ref, _, _, _], (m) => m[4]]);
      return [answer, reason];
    });
    assert.deepEqual(got, ['stopping', 'normal']);
    assert.deepEqual(seen, [['normal', 4]]);
  } finally {
    counter.onTerminate = undefined;
  }
});

test('a timeout after the state brings handle_info(timeout); a continue brings handle_continue first', async () => {
  const got = await inProcess(async () => {
    const [, pid] = gen_server.start(counter, 0);
    await gen_server.call(pid, 'timeout');
    await sleep(60);
    const afterTimeout = await gen_server.call(pid, 'get');
    const [, other] = gen_server.start(counter, 1);
    await gen_server.call(other, 'continue');
    return [afterTimeout, await gen_server.call(other, 'get')];
  });
  assert.deepEqual(got, ['timed out', ['more', 1]]);
});

test("gen_server.stop waits until the server is gone and ran terminate, with the reason given", async () => {
  const seen = [];
  counter.onTerminate = (reason) => seen.push(reason);
  try {
    const got = await inProcess(async () => {
      const [, a] = gen_server.start(counter, 0);
      const stopped = await gen_server.stop(a);
      const [, b] = gen_server.start(counter, 0);
      const other = await gen_server.stop(b, 'shutdown');
      return [stopped, is_process_alive(a), other];
    });
    assert.deepEqual(got, ['ok', false, 'ok']);
    assert.deepEqual(seen, ['normal', 'shutdown']);
  } finally {
    counter.onTerminate = undefined;
  }
});

test("a server started with start_link that traps exits terminates when its parent exits", async () => {
  const seen = [];
  const trapping = { ...counter, init: (n) => { process_flag('trap_exit', true); return ['ok', n]; }, terminate: (reason) => { seen.push(reason); } };
  const got = await inProcess(async () => {
    const me = self();
    const parent = spawn(() => {
      const [, pid] = gen_server.start_link(trapping, 0);
      send(me, ['server', pid]);
      return receive([['die'], () => exit('parent_gone')]);
    });
    const server = await receive([['server', _], ([, pid]) => pid]);
    const ref = monitor('process', server);
    send(parent, ['die']);
    return receive([['DOWN', ref, _, _, _], (m) => m[4]], after(500, () => 'still alive'));
  });
  assert.equal(got, 'parent_gone');
  assert.deepEqual(seen, ['parent_gone']);
});

test('a callback may wait: call(...).andThen(...) answers with what the continuation returns', async () => {
  const front = {
    init: (backend) => ['ok', backend],
    handle_call: (request, _from, backend) => {
      const pending = gen_server.call(backend, 'bump');
      // The Receive's handler result is the callback's answer.
      return pending.andThen((n) => ['reply', ['backend says', n], backend]);
    },
  };
  const got = await inProcess(async () => {
    const [, backend] = gen_server.start(counter, 100);
    const [, pid] = gen_server.start(front, backend);
    return gen_server.call(pid, 'anything');
  });
  assert.deepEqual(got, ['backend says', 101]);
});

test('a gen_server shows its module init as initial call and gen_server:loop/7 while it waits', async () => {
  const got = await inProcess(async () => {
    const [, pid] = gen_server.start(counter, 0);
    await gen_server.call(pid, 'get');
    const info = process_info(pid);
    return [info.initial_call, info.current_function, info.status];
  });
  assert.deepEqual(got, ['anonymous:init/1', 'gen_server:loop/7', 'waiting']);
});

test('a server with no handle_info logs the message it did not expect and goes on', async () => {
  output.length = 0;
  const got = await inProcess(async () => {
    const [, pid] = gen_server.start({ init: () => ['ok', 1], handle_call: (_r, _f, s) => ['reply', s, s] }, []);
    send(pid, 'stray');
    return gen_server.call(pid, 'get');
  });
  assert.equal(got, 1);
  assert.match(output.join(''), /=WARNING REPORT==== .*\n\*\* Undefined handle_info in anonymous\n\*\* Unhandled message: 'stray'/);
});

test('andThen chains calls in a process loop without promises, and a timeout still exits the caller', async () => {
  const got = await inProcess(async () => {
    const [, pid] = gen_server.start(counter, 0);
    const me = self();
    const loop = (k, acc) => (k === 0 ? send(me, ['done', acc]) : gen_server.call(pid, 'bump').andThen((n) => loop(k - 1, [...acc, n])));
    spawn(() => loop(3, []));
    const results = await receive([['done', _], ([, acc]) => acc], after(1000, () => 'no result'));
    const watcher = spawn(() => gen_server.call(pid, 'slow', 20).andThen(() => 'unreachable'));
    const ref = monitor('process', watcher);
    const reason = await receive([['DOWN', ref, _, _, _], (m) => m[4]], after(1000, () => 'alive'));
    return [results, reason[0], reason[1][1]];
  });
  assert.deepEqual(got, [[1, 2, 3], 'timeout', 'call']);
});
