// The OTP lessons in modules/, run as the README walks a user through them: the counter
// upgraded in place with code_change (piped, and once typed in a real terminal), upgrade/1,
// and the supervision tree with each strategy.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { runPiped, ROOT } from './helpers/piped.mjs';
import { tempDir } from './helpers/tempDir.mjs';
import { openShell, enter } from './helpers/prompt.mjs';

const V2 = path.join(ROOT, 'modules', 'v2', 'counter_server.ts');

/** A directory with version 1 of the counter, where the test can put version 2. */
function counterDir(t) {
  const dir = tempDir(t, 'eshell-ts-otp-');
  copyFileSync(path.join(ROOT, 'modules', 'counter_server.ts'), path.join(dir, 'counter_server.ts'));
  return dir;
}

const installV2 = `require('fs').copyFileSync(${JSON.stringify(V2)}, 'counter_server.ts').`;

test('counter_server: suspend, load version 2, change_code, resume: same pid, state converted', (t) => {
  const dir = counterDir(t);
  const { status, stdout, stderr } = runPiped(
    [
      'c(counter_server).',
      "['ok', C] = counter_server:start().",
      'counter_server:bump(C).',
      'counter_server:bump(C).',
      installV2,
      'sys:suspend(C).',
      'c(counter_server).',
      'sys:change_code(C, counter_server, 1, []).',
      'sys:resume(C).',
      'sys:get_state(C).',
      'counter_server:bump(C).',
      'L = counter_server:last(C).',
      'L === self().',
      'is_process_alive(C).',
    ].join('\n') + '\n',
    { cwd: dir },
  );
  assert.equal(status, 0, stderr);
  assert.match(stdout, /4> 2\n/);
  assert.match(stdout, /8> 'ok'\n/, 'code_change converted the state');
  assert.match(stdout, /10> \{ count: 2, lastFrom: 'undefined' \}\n/, 'nothing lost: the count survived in its new shape');
  assert.match(stdout, /11> 3\n/);
  assert.match(stdout, /13> true\n/);
  assert.match(stdout, /14> true\n/);
});

test('a reloaded callback module takes over at the next message, without code_change', (t) => {
  const dir = counterDir(t);
  const byTen = readFileSync(path.join(ROOT, 'modules', 'counter_server.ts'), 'utf8').replace(
    "if (request === 'bump') return ['reply', count + 1, count + 1];",
    "if (request === 'bump') return ['reply', count + 10, count + 10];",
  );
  const { status, stdout, stderr } = runPiped(
    [
      'c(counter_server).',
      "['ok', C] = counter_server:start().",
      'counter_server:bump(C).',
      `require('fs').writeFileSync('counter_server.ts', ${JSON.stringify(byTen)}).`,
      'c(counter_server).',
      'counter_server:bump(C).',
    ].join('\n') + '\n',
    { cwd: dir },
  );
  assert.equal(status, 0, stderr);
  assert.match(stdout, /3> 1\n/);
  assert.match(stdout, /6> 11\n/);
});

test('waiting for a reply does not keep the shell in the module: reloading twice kills nobody', (t) => {
  const dir = counterDir(t);
  const { status, stdout, stderr } = runPiped(
    [
      'c(counter_server).',
      "['ok', C] = counter_server:start().",
      'Shell = self().',
      'counter_server:bump(C).',
      'c(counter_server).',
      'c(counter_server).',
      'self() === Shell.',
      'counter_server:bump(C).',
    ].join('\n') + '\n',
    { cwd: dir },
  );
  assert.equal(status, 0, stderr);
  assert.doesNotMatch(stdout, /killed/);
  assert.match(stdout, /7> true\n/);
  assert.match(stdout, /8> 2\n/);
});

test('upgrade(counter_server) suspends, loads, converts and resumes every counter in one step', (t) => {
  const dir = counterDir(t);
  const { status, stdout, stderr } = runPiped(
    [
      'c(counter_server).',
      "['ok', A] = counter_server:start().",
      "['ok', B] = counter_server:start().",
      'counter_server:bump(A).',
      installV2,
      'upgrade(counter_server).',
      'sys:get_state(A).',
      'sys:get_state(B).',
      'counter_server:bump(B).',
    ].join('\n') + '\n',
    { cwd: dir },
  );
  assert.equal(status, 0, stderr);
  const pids = [...stdout.matchAll(/[23]> \['ok', (<0\.\d+\.0>)\]/g)].map((m) => m[1]);
  assert.equal(pids.length, 2);
  assert.match(stdout, new RegExp(`6> \\['ok', \\[${pids[0]}, ${pids[1]}\\]\\]\\n`));
  assert.match(stdout, /7> \{ count: 1, lastFrom: 'undefined' \}\n/);
  assert.match(stdout, /8> \{ count: 0, lastFrom: 'undefined' \}\n/);
  assert.match(stdout, /9> 1\n/);
  assert.doesNotMatch(stdout, /exception/);
});

test('a crashing code_change leaves the server on its old state, and upgrade() says which', (t) => {
  const dir = counterDir(t);
  const broken = readFileSync(V2, 'utf8').replace(
    "if (oldVsn === 1 && typeof state === 'number')",
    "if (oldVsn === 1 && typeof state === 'number') throw new Error('conversion bug');\n  if (false)",
  );
  const { status, stdout, stderr } = runPiped(
    [
      'c(counter_server).',
      "['ok', C] = counter_server:start().",
      'counter_server:bump(C).',
      `require('fs').writeFileSync('counter_server.ts', ${JSON.stringify(broken)}).`,
      "['error', ['code_change_failed', [[P, Why]]]] = upgrade(counter_server).",
      'P === C.',
      'Why[0].',
      'sys:get_state(C).',
    ].join('\n') + '\n',
    { cwd: dir },
  );
  assert.equal(status, 0, stderr);
  assert.match(stdout, /6> true\n/);
  assert.match(stdout, /7> 'error'\n/);
  assert.match(stdout, /8> 1\n/, 'the old state is kept');
});

test('gen_server errors in the shell read as Erlang prints them', () => {
  const { stdout } = runPiped(
    [
      "gen_server:call('nobody', 'get').",
      "['ok', S] = gen_server:start({ init: () => ['ok', 0], handle_call: () => ['noreply', 0] }, []).",
      "gen_server:call(S, 'get', 50).",
      "X = gen_server:call(S, 'get', 20).",
    ].join('\n') + '\n',
  );
  assert.match(stdout, /1> \*\* exception exit: \['noproc', \['gen_server', 'call', \['nobody', 'get'\]\]\]/);
  assert.match(stdout, /\*\* exception exit: \['timeout', \['gen_server', 'call', \[<0\.\d+\.0>, 'get', 50\]\]\]/);
  assert.match(stdout, /\* variable 'X' is unbound|exception exit: \['timeout'/);
});

test('tree_sup: each strategy restarts what OTP restarts', () => {
  const walk = (strategy) => [
    `tree_sup:start('${strategy}').`,
    'Before = tree_sup:pids().',
    "tree_sup:crash('second').",
    'After = tree_sup:pids().',
    'Before.map(([n, p], i) => p === After[i][1] ? `${n} same` : `${n} restarted`).join(", ").',
    'tree_sup:stop().',
    'f().',
  ];
  const { status, stdout, stderr } = runPiped([...walk('one_for_one'), ...walk('one_for_all'), ...walk('rest_for_one')].join('\n') + '\n');
  assert.equal(status, 0, stderr);
  const verdicts = [...stdout.matchAll(/\d+> '(first \w+, second \w+, third \w+)'/g)].map((m) => m[1]);
  assert.deepEqual(verdicts, [
    'first same, second restarted, third same',
    'first restarted, second restarted, third restarted',
    'first same, second restarted, third restarted',
  ]);
  assert.match(stdout, /=SUPERVISOR REPORT====.*\n    supervisor: \['local', 'tree_sup'\]\n    errorContext: child_terminated\n    reason: \['boom', \[\['tree_worker', 'handle_cast', 2, \[\['file', 'tree_worker.ts'\]/);
});

test('tree_sup: simple_one_for_one adds workers from one template; too many crashes end the tree', () => {
  const { status, stdout, stderr } = runPiped(
    [
      "tree_sup:start('simple_one_for_one').",
      "tree_sup:add('w1').",
      "tree_sup:add('w2').",
      'supervisor:count_children(tree_sup).',
      "tree_sup:crash('w1').",
      "tree_sup:crash('w1').",
      "tree_sup:crash('w1').",
      "tree_sup:crash('w1').",
      "whereis('tree_sup').",
    ].join('\n') + '\n',
  );
  assert.equal(status, 0, stderr);
  assert.match(stdout, /4> \[\['specs', 1\], \['active', 2\], \['supervisors', 0\], \['workers', 2\]\]/);
  assert.match(stdout, /reason: 'reached_max_restart_intensity'/);
  assert.match(stdout, /9> undefined\n/);
});

test('the upgrade walk-through typed in a real terminal, with i() showing the server', { timeout: 60000 }, async (t) => {
  const dir = counterDir(t);
  const sh = await openShell(t, { cwd: dir, cols: 120, rows: 40 });
  await enter(sh, 'c(counter_server).', 2);
  await enter(sh, "['ok', C] = counter_server:start().", 3);
  await enter(sh, 'counter_server:bump(C).', 4);
  assert.deepEqual(await enter(sh, 'counter_server:bump(C).', 5), ['2']);
  const table = await enter(sh, 'i().', 6);
  const row = table.findIndex((line) => line.includes('counter_server:init/1'));
  assert.ok(row > 0, table.join('\n'));
  assert.match(table[row + 1], /gen_server:loop\/7\s+waiting/);
  copyFileSync(V2, path.join(dir, 'counter_server.ts'));
  assert.deepEqual(await enter(sh, 'sys:suspend(C).', 7), ["'ok'"]);
  assert.deepEqual(await enter(sh, 'c(counter_server).', 8), ["['ok', 'counter_server']"]);
  assert.deepEqual(await enter(sh, 'sys:change_code(C, counter_server, 1, []).', 9), ["'ok'"]);
  assert.deepEqual(await enter(sh, 'sys:resume(C).', 10), ["'ok'"]);
  assert.deepEqual(await enter(sh, 'counter_server:bump(C).', 11), ['3']);
  assert.deepEqual(await enter(sh, 'sys:get_state(C).', 12), ['{ count: 3, lastFrom: <0.2.0> }']);
});
