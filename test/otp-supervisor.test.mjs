// supervisor: the restart strategies, restart types, intensity, the child API, and shutdown
// in reverse start order, with OTP's reports.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  gen_server, supervisor, spawn_link, receive, after, _, process_flag, whereis, monitor, exit,
  is_process_alive, ErlangException,
} from '../dist/internal.js';
import { output, inProcess, sleep } from './helpers/runtime.mjs';

/** Terminations, in the order workers ran their terminate. */
const stopped = [];

const worker = {
  init: (name) => {
    process_flag('trap_exit', true);
    return ['ok', name];
  },
  handle_call: (request, _from, name) => (request === 'crash' ? ['stop', 'boom', 'crashed', name] : ['reply', name, name]),
  terminate: (reason, name) => {
    stopped.push([name, reason]);
  },
  start_link: (name) => gen_server.start_link(['local', name], worker, name),
  failing_start: () => ['error', 'cannot start'],
};

const tree = {
  init: ([strategy, intensity = 3, specs]) => ['ok', [{ strategy, intensity, period: 5 }, specs ?? ['a', 'b', 'c'].map((id) => ({ id, start: [worker, 'start_link', [id]] }))]],
};

const pids = () => ['a', 'b', 'c'].map((n) => whereis(n));
const crash = async (name) => {
  try {
    await gen_server.call(name, 'crash');
  } catch {
    // the caller of a server that stops gets its reason; the call answered 'crashed' first
  }
  await sleep(20);
};

async function restartedAfterCrashOf(strategy, name) {
  return inProcess(async () => {
    process_flag('trap_exit', true);
    const [, sup] = supervisor.start_link(tree, [strategy]);
    const before = pids();
    await crash(name);
    const after = pids();
    await gen_server.stop(sup, 'shutdown');
    return before.map((pid, i) => (pid.id === after[i].id ? 'same' : 'restarted'));
  });
}

test('one_for_one restarts only the child that died', async () => {
  assert.deepEqual(await restartedAfterCrashOf('one_for_one', 'b'), ['same', 'restarted', 'same']);
});

test('one_for_all restarts every child', async () => {
  assert.deepEqual(await restartedAfterCrashOf('one_for_all', 'b'), ['restarted', 'restarted', 'restarted']);
});

test('rest_for_one restarts the child and those started after it', async () => {
  assert.deepEqual(await restartedAfterCrashOf('rest_for_one', 'b'), ['same', 'restarted', 'restarted']);
});

test('one_for_all stops the others in reverse start order before starting all again in order', async () => {
  stopped.length = 0;
  await restartedAfterCrashOf('one_for_all', 'a');
  assert.deepEqual(stopped.slice(0, 3), [['a', 'boom'], ['c', 'shutdown'], ['b', 'shutdown']]);
});

test('a supervisor stops its children in reverse start order', async () => {
  stopped.length = 0;
  const got = await inProcess(async () => {
    process_flag('trap_exit', true); // the supervisor's shutdown reaches its linked parent
    const [, sup] = supervisor.start_link(tree, ['one_for_one']);
    await gen_server.stop(sup, 'shutdown');
    return pids();
  });
  assert.deepEqual(stopped, [['c', 'shutdown'], ['b', 'shutdown'], ['a', 'shutdown']]);
  assert.deepEqual(got, [undefined, undefined, undefined]);
});

test('too many restarts: the supervisor exits with shutdown after reached_max_restart_intensity', async () => {
  output.length = 0;
  const got = await inProcess(async () => {
    process_flag('trap_exit', true);
    const [, sup] = supervisor.start_link(['local', 'sup_max'], tree, ['one_for_one', 1]);
    await crash('a');
    const aliveAfterOne = is_process_alive(sup);
    await crash('a');
    const reason = await receive([['EXIT', sup, _], ([, , r]) => r], after(500, () => 'no EXIT'));
    return [aliveAfterOne, reason, pids()];
  });
  assert.deepEqual(got, [true, 'shutdown', [undefined, undefined, undefined]]);
  const text = output.join('');
  assert.match(text, /=SUPERVISOR REPORT==== .* ===\n    supervisor: \['local', 'sup_max'\]\n    errorContext: child_terminated\n    reason: 'boom'\n    offender: \[\['pid', <0\.\d+\.0>\],\n               \['id', 'a'\],\n               \['mfargs', \['anonymous', 'start_link', \['a'\]\]\],\n               \['restart_type', 'permanent'\],\n               \['significant', false\],\n               \['shutdown', 5000\],\n               \['child_type', 'worker'\]\]\n/);
  assert.match(text, /errorContext: shutdown\n    reason: 'reached_max_restart_intensity'\n    offender: \[\['pid', <0\.\d+\.0>\]/);
});

test('transient children restart only after an abnormal exit; temporary ones never', async () => {
  const specs = [
    { id: 't', start: [worker, 'start_link', ['a']], restart: 'transient' },
    { id: 'tmp', start: [worker, 'start_link', ['b']], restart: 'temporary' },
  ];
  const got = await inProcess(async () => {
    process_flag('trap_exit', true);
    const [, sup] = supervisor.start_link(tree, ['one_for_one', 5, specs]);
    await crash('a');
    const transientBack = whereis('a') !== undefined;
    await gen_server.stop('a');
    await sleep(20);
    const transientNormal = whereis('a');
    await crash('b');
    const children = await supervisor.which_children(sup);
    await gen_server.stop(sup, 'shutdown');
    return [transientBack, transientNormal, children.map((c) => [c[0], c[1]])];
  });
  assert.deepEqual(got, [true, undefined, [['t', 'undefined']]]);
});

test('which_children, count_children, and the child API answer as OTP does', async () => {
  const got = await inProcess(async () => {
    process_flag('trap_exit', true);
    const [, sup] = supervisor.start_link(['local', 'sup_api'], tree, ['one_for_one', 3, [{ id: 'a', start: [worker, 'start_link', ['a']] }]]);
    const spec = { id: 'b', start: [worker, 'start_link', ['b']], shutdown: 'brutal_kill' };
    const started = await supervisor.start_child('sup_api', spec);
    const again = await supervisor.start_child('sup_api', spec);
    const which = await supervisor.which_children('sup_api');
    const counts = await supervisor.count_children('sup_api');
    const terminated = await supervisor.terminate_child('sup_api', 'b');
    const bGone = whereis('b');
    const deletedRunning = await supervisor.delete_child('sup_api', 'a');
    const restarted = await supervisor.restart_child('sup_api', 'b');
    const restartRunning = await supervisor.restart_child('sup_api', 'b');
    await supervisor.terminate_child('sup_api', 'b');
    const deleted = await supervisor.delete_child('sup_api', 'b');
    const missing = await supervisor.terminate_child('sup_api', 'b');
    const badSpec = await supervisor.start_child('sup_api', { id: 'x', start: 'nope' });
    const failing = await supervisor.start_child('sup_api', { id: 'f', start: [worker, 'failing_start', []] });
    await gen_server.stop(sup, 'shutdown');
    return [started[0], again[1][0], which.map((c) => [c[0], c[2]]), counts, terminated, bGone, deletedRunning, restarted[0], restartRunning, deleted, missing, badSpec[0], failing];
  });
  assert.deepEqual(got, [
    'ok', 'already_started', [['b', 'worker'], ['a', 'worker']],
    [['specs', 2], ['active', 2], ['supervisors', 0], ['workers', 2]],
    'ok', undefined, ['error', 'running'], 'ok', ['error', 'running'], 'ok', ['error', 'not_found'], 'error',
    ['error', 'cannot start'],
  ]);
});

test('simple_one_for_one starts children from one template with extra arguments', async () => {
  const template = { id: 'w', start: [worker, 'start_link', []], restart: 'transient' };
  const got = await inProcess(async () => {
    process_flag('trap_exit', true);
    const [, sup] = supervisor.start_link(tree, ['simple_one_for_one', 3, [template]]);
    const [, x] = await supervisor.start_child(sup, ['x']);
    const [, y] = await supervisor.start_child(sup, ['y']);
    const before = await supervisor.count_children(sup);
    await crash('x');
    const xAgain = whereis('x');
    const terminated = await supervisor.terminate_child(sup, y);
    const which = await supervisor.which_children(sup);
    await gen_server.stop(sup, 'shutdown');
    return [before[1], xAgain !== undefined && xAgain.id !== x.id, terminated, which.length, which[0][0], is_process_alive(y)];
  });
  assert.deepEqual(got, [['active', 2], true, 'ok', 1, 'undefined', false]);
});

test('a child that ignores shutdown is killed after its shutdown time', async () => {
  // Not a gen_server (one would obey its parent's exit): a process that takes the EXIT and goes on.
  const ignoreExits = () => receive([_, () => ignoreExits()]);
  const stubborn = {
    start_link: () => ['ok', spawn_link(() => {
      process_flag('trap_exit', true);
      return ignoreExits();
    })],
  };
  const got = await inProcess(async () => {
    process_flag('trap_exit', true);
    const [, sup] = supervisor.start_link(tree, ['one_for_one', 1, [{ id: 's', start: [stubborn, 'start_link', []], shutdown: 50 }]]);
    const [[, child]] = await supervisor.which_children(sup);
    const ref = monitor('process', child);
    const started = Date.now();
    await supervisor.terminate_child(sup, 's');
    const reason = await receive([['DOWN', ref, _, _, _], (m) => m[4]], after(500, () => 'alive'));
    await gen_server.stop(sup, 'shutdown');
    return [reason, Date.now() - started >= 45];
  });
  assert.deepEqual(got, ['killed', true]);
});

test("a child that fails to start at init fails the supervisor's start", async () => {
  output.length = 0;
  const got = await inProcess(async () => {
    process_flag('trap_exit', true);
    const specs = [{ id: 'a', start: [worker, 'start_link', ['a']] }, { id: 'f', start: [worker, 'failing_start', []] }];
    const result = supervisor.start_link(tree, ['one_for_one', 1, specs]);
    await sleep(20);
    return [result, whereis('a')];
  });
  assert.deepEqual(got, [['error', ['shutdown', ['failed_to_start_child', 'f', 'cannot start']]], undefined]);
  assert.match(output.join(''), /errorContext: start_error\n    reason: 'cannot start'/);
});

test('bad supervisor flags or specs are refused with a reason', async () => {
  const got = await inProcess(async () => [
    supervisor.start_link(tree, ['one_for_some']),
    supervisor.start_link(tree, ['one_for_one', 1, [{ start: [worker, 'start_link', ['a']] }]]),
  ]);
  assert.equal(got[0][0], 'error');
  assert.equal(got[0][1][0], 'supervisor_data');
  assert.deepEqual(got[1], ['error', ['start_spec', 'missing_id']]);
});

test('supervisors nest: a child supervisor restarts its own workers', async () => {
  const inner = { init: () => ['ok', [{ strategy: 'one_for_one' }, [{ id: 'a', start: [worker, 'start_link', ['a']] }]]] };
  const innerStart = { start_link: () => supervisor.start_link(['local', 'sup_inner'], inner, []) };
  const got = await inProcess(async () => {
    process_flag('trap_exit', true);
    const [, top] = supervisor.start_link(tree, ['one_for_one', 1, [{ id: 'inner', start: [innerStart, 'start_link', []], type: 'supervisor' }]]);
    const innerPid = whereis('sup_inner');
    const before = whereis('a');
    await crash('a');
    const after = whereis('a');
    const counts = await supervisor.count_children(top);
    const sameInner = innerPid.id === whereis('sup_inner').id;
    await gen_server.stop(top, 'shutdown');
    return [sameInner, before.id !== after.id, counts[2], whereis('sup_inner')];
  });
  assert.deepEqual(got, [true, true, ['supervisors', 1], undefined]);
});
