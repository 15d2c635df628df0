// Erlang's own spellings at the prompt, typed in a pseudo-terminal and compared with what erl
// (OTP 25) prints for the same input (kept in a comment beside each step): the runtime's
// modules as `mod:fun(...)` and `mod.fun(...)`, a space after the colon, catch Expr, nregs(),
// demonitor with 'info', and the exits of linked processes reaching the shell.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openShell as shell, enter } from './helpers/prompt.mjs';
import { tempDir } from './helpers/tempDir.mjs';

const TUT15 = "export function start(): string { return 'started'; }\n";

test("the runtime's modules answer as mod:fun(...) and mod.fun(...); mod: fun() parses", async (t) => {
  const cwd = tempDir(t, 'eshell-spellings-', { 'tut15.ts': TUT15 });
  const sh = await shell(t, { cwd, cols: 160 });
  // erl: 1> io:format("~p~n", [1]).
  //      1
  //      ok
  assert.deepEqual(await enter(sh, 'io:format("~p~n", [1]).', 2), ['1', "'ok'"]);
  assert.deepEqual(await enter(sh, 'io.format("~p~n", [2]).', 3), ['2', "'ok'"]);
  // erl: 2> timer:sleep(10).
  //      ok
  assert.deepEqual(await enter(sh, 'timer:sleep(10).', 4), ["'ok'"]);
  // erl: 3> erlang:make_ref().
  //      #Ref<0.1563391758.2434269185.171066>
  assert.match((await enter(sh, 'R = erlang:make_ref().', 5))[0], /^#Ref<[\d.]+>$/);
  assert.deepEqual(await enter(sh, 'erlang.make_ref() === R.', 6), ['false']);
  // erl: 4> P = spawn(fun() -> receive stop -> ok end end), M = erlang:monitor(process, P), P ! stop, flush().
  //      Shell got {'DOWN',#Ref<...>,process,<0.90.0>,normal}
  await enter(sh, "P = erlang:spawn(() => receive(['stop', () => 'ok'])), M = erlang:monitor('process', P).", 7);
  await enter(sh, "P ! 'stop'.", 8);
  await enter(sh, 'timer:sleep(50).', 9);
  const [down] = await enter(sh, 'flush().', 10);
  assert.match(down, /^Shell got \['DOWN', #Ref<[\d.]+>, 'process', <0\.\d+\.0>, 'normal'\]$/);
  assert.deepEqual(await enter(sh, 'erlang:self() === self().', 11), ['true']);
  // erl: 5> tut15: start().
  //      started
  assert.deepEqual(await enter(sh, 'tut15: start().', 12), ["'started'"]);
  assert.deepEqual(await enter(sh, 'tut15 : start().', 13), ["'started'"]);
  // erl: 6> code:which(tut15).
  //      "/tmp/.../tut15.beam"
  assert.deepEqual(await enter(sh, 'code:which(tut15).', 14), [`'${cwd}/tut15.ts'`]);
  assert.deepEqual(await enter(sh, 'code.which(tut15).', 15), [`'${cwd}/tut15.ts'`]);
  // erl: 7> code:soft_purge(tut15).
  //      true
  assert.deepEqual(await enter(sh, 'code:soft_purge(tut15).', 16), ['true']);
  // erl: 8> erlang:throw(x).
  //      ** exception throw: x
  assert.deepEqual(await enter(sh, "erlang:throw('x').", 17), ['** exception throw: x']);
});

test('catch Expr: the value, the thrown value, or the EXIT tuple, as Erlang catch', async (t) => {
  const sh = await shell(t, { cols: 160 });
  // erl: 1> catch 1+1.              2
  //      2> catch throw(foo).       foo
  //      3> catch exit(bar).        {'EXIT',bar}
  //      4> X = catch 1+1.          2
  //      5> [catch throw(a), 3].    [a,3]
  //      6> catch error(baz).       {'EXIT',{baz,[{shell,apply_fun,3,...}|...]}}
  //      7> catch exit(self(), kill).
  //      ** exception exit: killed
  assert.deepEqual(await enter(sh, 'catch 1 + 1.', 2), ['2']);
  assert.deepEqual(await enter(sh, "catch erlang:throw('foo').", 3), ["'foo'"]);
  assert.deepEqual(await enter(sh, "catch exit('bar').", 4), ["['EXIT', 'bar']"]);
  assert.deepEqual(await enter(sh, 'X = catch 1 + 1.', 5), ['2']);
  assert.deepEqual(await enter(sh, "[catch erlang:throw('a'), 3].", 6), ["['a', 3]"]);
  const [error] = await enter(sh, "E = catch erlang:error('baz').", 7);
  assert.match(error, /^\['EXIT', \['baz', \[/);
  assert.deepEqual(await enter(sh, "catch exit(self(), 'kill').", 8), ['** exception exit: killed']);
  assert.deepEqual(await enter(sh, 'X.', 9), ['2'], 'bindings survive');
  // erl: 10> self() ! go.   11> catch receive go -> throw(in_handler) end.   in_handler
  //      12> [catch throw(a), catch timer:sleep(5), 3].                       [a,ok,3]
  // A call that ends in a receive is waited for inside the catch, and what its handler
  // throws is caught there.
  assert.deepEqual(await enter(sh, "self() ! 'go'.", 10), ["'go'"]);
  assert.deepEqual(await enter(sh, "catch receive(['go', () => { throw 'in_handler'; }]).", 11), ["'in_handler'"]);
  assert.deepEqual(await enter(sh, "[catch erlang:throw('a'), catch timer:sleep(5), 3].", 12), ["['a', 'ok', 3]"]);
});

test('nregs() lists the registered processes, as regs() on one node', async (t) => {
  const sh = await shell(t);
  await enter(sh, "register('waiter', spawn(() => receive(['stop', () => 'ok']))).", 2);
  const table = await enter(sh, 'nregs().', 3);
  assert.match(table[0], /^Name\s+Pid\s+Initial Call\s+Msgs$/);
  assert.match(table[1], /^waiter\s+<0\.\d+\.0>/);
  assert.deepEqual(table.at(-1), "'ok'");
});

test("demonitor(Ref, ['flush', 'info']) is false once the 'DOWN' came, true before", async (t) => {
  const sh = await shell(t, { cols: 160 });
  // erl: 1> R = monitor(process, spawn(fun() -> ok end)), timer:sleep(100), demonitor(R, [flush, info]).
  //      false
  await enter(sh, "R = monitor('process', spawn(() => 'ok')).", 2);
  assert.deepEqual(await enter(sh, 'timer:sleep(100).', 3), ["'ok'"]);
  assert.deepEqual(await enter(sh, "demonitor(R, ['flush', 'info']).", 4), ['false']);
  assert.deepEqual(await enter(sh, 'flush().', 5), ["'ok'"], "the 'DOWN' was flushed");
  // erl: 3> R2 = monitor(process, spawn(fun() -> receive after infinity -> ok end end)), demonitor(R2, [info]).
  //      true
  assert.deepEqual(await enter(sh, "R2 = monitor('process', spawn(() => receive(after(Infinity, () => 1)))), demonitor(R2, ['info']).", 6), ['true']);
});

test('exits of linked processes reach the shell as erl prints them', async (t) => {
  const sh = await shell(t, { cols: 160 });
  // erl: 1> spawn_link(fun() -> exit(reason) end).
  //      ** exception exit: reason
  //      2>
  assert.deepEqual(await enter(sh, "spawn_link(() => exit('reason')).", 2), ['** exception exit: reason']);
  // erl: 2> spawn_link(fun() -> timer:sleep(500), exit(reason) end).
  //      <0.105.0>
  //      ** exception error: reason
  //      3>
  const mark = await enter(sh, "spawn_link(() => receive(after(500, () => exit('reason')))).");
  await sh.waitFor(/<0\.\d+\.0>\r\n3> /, { since: mark });
  await sh.waitForScreen((lines) => lines.slice(-3).join('|').match(/^<0\.\d+\.0>\|\*\* exception error: reason\|3>$/));
  // A normal exit says nothing; the shell still answers.
  // erl: 3> spawn_link(fun() -> timer:sleep(300), exit(normal) end).
  //      <0.108.0>
  await enter(sh, "spawn_link(() => receive(after(100, () => exit('normal')))).", 4);
  assert.deepEqual(await enter(sh, "receive(after(300, () => 'quiet')).", 5), ["'quiet'"]);
});

test('a lower-case name nothing defines is an atom at the prompt, as in erl; defined names win', async (t) => {
  const cwd = tempDir(t, 'eshell-atoms-', {
    'plain.ts': '// @ts-nocheck\nexport function probe() { return typeof window; }\nexport function missing() { return notdefinedhere; }\n',
  });
  const sh = await shell(t, { cwd, cols: 160 });
  // erl: 1> hello.
  //      hello
  //      2> X = world.
  //      world
  //      3> self() ! ping, flush().
  //      Shell got ping
  //      ok
  assert.deepEqual(await enter(sh, 'hello.', 2), ["'hello'"]);
  assert.deepEqual(await enter(sh, 'X = world.', 3), ["'world'"]);
  assert.deepEqual(await enter(sh, 'self() ! ping, flush().', 4), ["Shell got 'ping'", "'ok'"]);
  // Inside a function typed at the prompt too: a process that answers ping with pong.
  await enter(sh, 'P = spawn(() => receive([[ping, _], ([, from]) => send(from, pong)])).', 5);
  await enter(sh, 'P ! [ping, self()].', 6);
  assert.deepEqual(await enter(sh, "receive([pong, () => got_pong], after(2000, () => 'none')).", 7), ["'got_pong'"]);
  // A name that exists is never an atom: a declaration, a built-in, a global.
  await enter(sh, 'const answer = 42', 8);
  assert.deepEqual(await enter(sh, 'answer.', 9), ['42']);
  assert.deepEqual(await enter(sh, 'typeof self.', 10), ["'function'"]);
  // Calling an atom is an error, as calling an undefined shell command is in erl.
  const [error] = await enter(sh, 'nosuchfun(1).', 11);
  assert.match(error, /^\*\* exception error: TypeError: nosuchfun is not a function/);
  // Modules keep JavaScript's rules: only input typed at the prompt sees atoms.
  assert.deepEqual(await enter(sh, 'plain:probe().', 12), ["'undefined'"]);
  assert.match((await enter(sh, 'plain:missing().', 13))[0], /ReferenceError: notdefinedhere is not defined/);
});
