// sys: state, status, suspension, code change, and the debug options (trace, log,
// statistics), in the shapes and the *DBG* text OTP uses.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gen_server, sys, spawn, self, send, receive, after, _, is_process_alive, ErlangException } from '../dist/internal.js';
import { output, inProcess, sleep } from './helpers/runtime.mjs';

const kv = {
  init: (state) => ['ok', state],
  handle_call: (request, _from, state) => (request === 'get' ? ['reply', state, state] : ['reply', 'ok', request[1]]),
  handle_cast: (message, state) => ['noreply', [message, state]],
  handle_info: (_message, state) => ['noreply', state],
  code_change: (oldVsn, state, extra) => {
    if (extra === 'crash') throw new Error('cannot convert');
    if (extra === 'refuse') return ['error', 'refused'];
    return ['ok', { from: oldVsn, was: state, extra }];
  },
};

const failure = async (call) => {
  try {
    await call();
    return 'no failure';
  } catch (e) {
    return e instanceof ErlangException ? [e.kind, e.reason] : e;
  }
};

test('get_state and replace_state read and change the state', async () => {
  const got = await inProcess(async () => {
    const [, pid] = gen_server.start(kv, 1);
    const before = await sys.get_state(pid);
    const replaced = await sys.replace_state(pid, (n) => n * 10);
    const now = await gen_server.call(pid, 'get');
    const broken = await failure(() => sys.replace_state(pid, () => { throw 'nope'; }));
    return [before, replaced, now, broken[0], broken[1][0], await sys.get_state(pid)];
  });
  assert.deepEqual(got, [1, 10, 10, 'error', 'callback_failed', 10]);
});

test("get_status answers OTP's status shape", async () => {
  const got = await inProcess(async () => {
    const [, pid] = gen_server.start(['local', 'sys_status'], kv, 'the state');
    const status = await sys.get_status('sys_status');
    await gen_server.stop(pid);
    return [status, pid];
  });
  const [status, pid] = got;
  assert.equal(status[0], 'status');
  assert.equal(status[1], pid);
  assert.deepEqual(status[2], ['module', 'gen_server']);
  const [pdict, mode, parent, debug, data] = status[3];
  assert.deepEqual(pdict[0], ['$initial_call', ['anonymous', 'init', 1]]);
  assert.equal(mode, 'running');
  assert.equal(parent, pid);
  assert.deepEqual(debug, []);
  assert.deepEqual(data, [
    ['header', 'Status for generic server sys_status'],
    ['data', [['Status', 'running'], ['Parent', pid], ['Logged events', []]]],
    ['data', [['State', 'the state']]],
  ]);
});

test('a suspended server queues calls and answers them after resume', async () => {
  const got = await inProcess(async () => {
    const [, pid] = gen_server.start(kv, 'v');
    await sys.suspend(pid);
    const me = self();
    const tag = Symbol('reply');
    // A call made while suspended: it waits in the mailbox.
    const caller = spawnCaller(pid, me, tag);
    const whileSuspended = await receive([[tag, _], ([, r]) => r], after(50, () => 'no answer yet'));
    const status = await sys.get_status(pid);
    await sys.resume(pid);
    const afterResume = await receive([[tag, _], ([, r]) => r], after(500, () => 'still no answer'));
    return [whileSuspended, status[3][1], afterResume, caller !== undefined];
  });
  assert.deepEqual(got, ['no answer yet', 'suspended', 'v', true]);
});

function spawnCaller(server, to, tag) {
  return spawn(async () => send(to, [tag, await gen_server.call(server, 'get')]));
}

test('change_code calls code_change on a suspended server; a running one refuses it', async () => {
  const got = await inProcess(async () => {
    const [, pid] = gen_server.start(kv, 5);
    const running = await sys.change_code(pid, 'kv', 1, []);
    await sys.suspend(pid);
    const changed = await sys.change_code(pid, 'kv', 1, 'extra');
    await sys.resume(pid);
    return [running, changed, await gen_server.call(pid, 'get')];
  });
  assert.deepEqual(got[0], ['error', ['unknown_system_msg', ['change_code', 'kv', 1, []]]]);
  assert.equal(got[1], 'ok');
  assert.deepEqual(got[2], { from: 1, was: 5, extra: 'extra' });
});

test('a crashing or refusing code_change leaves the old state, and the error goes to the caller', async () => {
  const got = await inProcess(async () => {
    const [, pid] = gen_server.start(kv, 'old');
    await sys.suspend(pid);
    const crashed = await sys.change_code(pid, 'kv', 1, 'crash');
    const refused = await sys.change_code(pid, 'kv', 1, 'refuse');
    await sys.resume(pid);
    return [crashed[0], crashed[1][0], crashed[1][1].message, refused, await gen_server.call(pid, 'get')];
  });
  assert.deepEqual(got, ['error', 'EXIT', 'cannot convert', ['error', ['error', 'refused']], 'old']);
});

test("trace prints each message in and out in sys's *DBG* format", async () => {
  output.length = 0;
  const me = await inProcess(async () => {
    const [, pid] = gen_server.start(['local', 'sys_traced'], kv, 0);
    await sys.trace(pid, true);
    await gen_server.call(pid, ['set', 7]);
    gen_server.cast(pid, 'hello');
    send(pid, 'info');
    await gen_server.call(pid, 'get');
    await sys.trace(pid, false);
    await gen_server.call(pid, 'get');
    return String(self());
  });
  assert.equal(output.join(''), [
    `*DBG* sys_traced got call ['set', 7] from ${me}`,
    `*DBG* sys_traced sent 'ok' to ${me}, new state 7`,
    `*DBG* sys_traced got cast 'hello'`,
    `*DBG* sys_traced new state ['hello', 7]`,
    `*DBG* sys_traced got 'info'`,
    `*DBG* sys_traced new state ['hello', 7]`,
    `*DBG* sys_traced got call 'get' from ${me}`,
    `*DBG* sys_traced sent ['hello', 7] to ${me}, new state ['hello', 7]`,
    '',
  ].join('\n'));
});

test('log keeps the last events (get, print) and statistics counts messages in and out', async () => {
  output.length = 0;
  const got = await inProcess(async () => {
    const [, pid] = gen_server.start(kv, 0, { debug: ['statistics'] });
    await sys.log(pid, true);
    await gen_server.call(pid, 'get');
    gen_server.cast(pid, 1);
    const [ok, events] = await sys.log(pid, 'get');
    await sys.log(pid, 'print');
    const [, stats] = await sys.statistics(pid, 'get');
    await sys.statistics(pid, false);
    const none = await sys.statistics(pid, 'get');
    await sys.log(pid, [true, 1]);
    const [, kept] = await sys.log(pid, 'get');
    return [ok, events.map((e) => e[0]), events[0][1][0], Object.fromEntries(stats.slice(2)), stats[0][0], none, kept.length];
  });
  assert.deepEqual(got.slice(0, 3), ['ok', ['in', 'out', 'in', 'noreply'], '$gen_call']);
  assert.equal(got[3].messages_in, 2);
  assert.equal(got[3].messages_out, 1);
  assert.equal(got[4], 'start_time');
  assert.deepEqual(got[5], ['ok', 'no_statistics']);
  assert.equal(got[6], 1);
  assert.match(output.join(''), /\*DBG\* <0\.\d+\.0> got call 'get' from <0\.\d+\.0>\n\*DBG\* <0\.\d+\.0> sent 0 to/);
});

test('sys calls to a server that is not there exit with noproc in sys shape', async () => {
  const got = await inProcess(async () => failure(() => sys.get_state('sys_nobody')));
  assert.deepEqual(got, ['exit', ['noproc', ['sys', 'get_state', ['sys_nobody']]]]);
});

test('sys.terminate ends the server with the reason after terminate ran', async () => {
  const got = await inProcess(async () => {
    const [, pid] = gen_server.start(kv, 0);
    const answer = await sys.terminate(pid, 'normal');
    await sleep(5);
    return [answer, is_process_alive(pid)];
  });
  assert.deepEqual(got, ['ok', false]);
});
