// Exceptions and interrupts at the real prompt, typed in a pseudo-terminal: how each class
// prints, what survives (bindings made before, the line number, other processes) and what
// does not (the evaluator, whose linked processes get the exit), and Ctrl-C on runaway input.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openShell as shell, enter, printedBefore } from './helpers/prompt.mjs';
import { runPiped } from './helpers/piped.mjs';

const PID = /<0\.\d+\.0>/;

test('error, throw and exit print as Eshell does; the line number goes on', async (t) => {
  const sh = await shell(t);
  assert.deepEqual(await enter(sh, "throw 'oops'.", 2), ['** exception throw: oops']);
  assert.deepEqual(await enter(sh, "exit(['shutdown', 1]).", 3), ["** exception exit: ['shutdown', 1]"]);
  assert.deepEqual(await enter(sh, "erlang.error('badarith').", 4),
    ['** exception error: an error occurred when evaluating an arithmetic expression']);
  assert.deepEqual(await enter(sh, "X = 1, X = 2.", 5), ['** exception error: no match of right hand side value 2']);
  const thrown = await enter(sh, "throw new RangeError('too far').", 6);
  assert.equal(thrown[0], '** exception error: RangeError: too far');
  assert.ok(thrown.slice(1).every((frame) => /^ {5}at shell:5:/.test(frame)), `only the input's own frames:\n${thrown.join('\n')}`);
  assert.deepEqual(await enter(sh, 'null.x.', 7), ["** exception error: TypeError: Cannot read properties of null (reading 'x')", '     at shell:6:1:6']);
  assert.deepEqual(await enter(sh, '1 + 1.', 8), ['2']);
});

test('after an exception the evaluator has a new pid, linked processes get the exit, earlier bindings survive', async (t) => {
  const sh = await shell(t);
  const [first] = await enter(sh, 'Before = self().', 2);
  assert.match(first, PID);
  const [child] = await enter(sh, "Child = spawn_link(() => receive([_, () => 'never'])).", 3);
  await enter(sh, "const report = ([, from, why]) => io.format('~p from ~p~n', [why, from])", 4);
  await enter(sh, "const trapping = () => process_flag('trap_exit', true)", 5);
  const [watcher] = await enter(sh, "W = spawn_link(() => (trapping(), receive([['EXIT', _, _], report]))).", 6);
  const printed = await enter(sh, "Lost = 1, exit('bye').", 7);
  // The watcher's line comes as the evaluator dies, before or after the report.
  assert.deepEqual(printed, [`'bye' from ${first}`, '** exception exit: bye']);
  const [second] = await enter(sh, 'self().', 8);
  assert.match(second, PID);
  assert.notEqual(second, first, 'a new evaluator');
  assert.deepEqual(await enter(sh, 'is_process_alive(Child).', 9), ['false'], 'a linked process that does not trap exits dies');
  assert.deepEqual(await enter(sh, 'is_process_alive(W).', 10), ['false'], 'the watcher printed and ended');
  assert.deepEqual(await enter(sh, 'b().', 11), [`Before = ${first}`, `Child = ${child}`, `W = ${watcher}`, "'ok'"],
    'Lost was bound by the failing line: dropped');
});

test('Ctrl-C stops a busy loop typed at the prompt; processes and bindings survive', async (t) => {
  const sh = await shell(t);
  await enter(sh, 'N = 41.', 2);
  await enter(sh, "Keeper = spawn(() => receive([_, (m) => io.format('kept ~p~n', [m])])).", 3);
  const mark = await enter(sh, 'while (true) {}');
  await new Promise((resolve) => setTimeout(resolve, 200));
  sh.key('ctrl-c');
  const printed = await printedBefore(sh, mark, 4);
  assert.equal(printed.at(-1), '** exception exit: killed');
  assert.deepEqual(await enter(sh, 'N + 1.', 5), ['42']);
  assert.deepEqual(await enter(sh, "Keeper ! 'still here'.", 6), ["kept 'still here'", "'still here'"]);
  // A busy loop inside a function call, and a receive that waits forever, stop the same way.
  const spin = await enter(sh, 'const spin = () => { for (;;) {} }; spin()');
  await new Promise((resolve) => setTimeout(resolve, 200));
  sh.key('ctrl-c');
  assert.equal((await printedBefore(sh, spin, 7)).at(-1), '** exception exit: killed');
  const wait = await enter(sh, 'receive([\'never\', () => 0]).');
  await new Promise((resolve) => setTimeout(resolve, 100));
  sh.key('ctrl-c');
  assert.deepEqual(await printedBefore(sh, wait, 8), ['** exception exit: interrupted']);
});

test('an unbound variable is refused as Eshell does: nothing dies, the prompt number moves on as in erl 25', () => {
  // erl 25:  4> X + 1.
  //          * 1:1: variable 'X' is unbound
  //          5> self() =:= P.
  //          true
  const { status, stdout } = runPiped('X = 1.\nP = self().\nf(X).\nX + 1.\nself() === P.\nY = 2.\nh().\n');
  assert.equal(status, 0);
  assert.match(stdout, /4> \* variable 'X' is unbound\n5> true\n6> 2\n/);
  // erl keeps the command in h() (with the unbound_var exit as its result); the number is used.
  assert.match(stdout, /\n4: X \+ 1\.\n/);
});
