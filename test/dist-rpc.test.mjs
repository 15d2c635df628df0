// rpc and remote spawn between eshell-ts and real BEAM nodes on 127.0.0.1, and between two
// eshell-ts nodes: rpc.call to BEAM's rex, BEAM's rpc:call and erpc:call reaching TypeScript
// functions on the code path, spawn/spawn_link/spawn_monitor both ways, errors shaped as erl's.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { erlAtom, flushUntil, HOST, startCluster, unwrapped, waitUntil } from './helpers/distPeers.mjs';


const CALC = `import { receive, after, self, node } from 'eshell-ts';
export function add(a: number, b: number): number { return a + b; }
export function boom(): never { throw new Error('calc failed'); }
export function toss(): never { throw 'tossed'; }
export function slow(ms: number): unknown { return receive(after(ms, () => 'slept')); }
export function where(): unknown { return [node(), self()]; }
`;

function modulesDir(t) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'eshell-ts-rpc-'));
  writeFileSync(path.join(dir, 'calc.ts'), CALC);
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}


test('rpc.call from eshell-ts to BEAM: values, errors as badrpc, throw, timeout, io output printed here, a dead node', async (t) => {
  const cluster = await startCluster(t);
  const ts = await cluster.eshell('ts');
  const erl = await cluster.erl('beam');
  const B = `'${erl.name}'`;
  assert.equal(await ts.eval(`rpc.call(${B}, 'erlang', 'node', [])`), B);
  assert.equal(await ts.eval(`rpc.call(${B}, 'lists', 'reverse', [list(1, 2, 3)])`), 'list(3, 2, 1)');
  assert.equal(await ts.eval(`rpc.call(${B}, 'nomod', 'nofun', [1])`), "['badrpc', ['EXIT', ['undef', list(['nomod', 'nofun', list(1), list()])]]]");
  assert.match(await unwrapped(ts.eval(`rpc.call(${B}, 'erlang', 'error', ['bad'])`)), /^\['badrpc', \['EXIT', \['bad', list\(/);
  assert.equal(await ts.eval(`rpc.call(${B}, 'erlang', 'throw', ['x'])`), "'x'");
  assert.equal(await ts.eval(`rpc.call(${B}, 'erlang', 'exit', ['x'])`), "['badrpc', ['EXIT', 'x']]");
  assert.match(await ts.eval(`rpc.call(${B}, 'io', 'format', [charlist('hello ~p from beam~n'), list(42)])`), /hello 42 from beam\n'ok'/);
  assert.equal(await ts.eval(`rpc.call(${B}, 'timer', 'sleep', [5000], 100)`), "['badrpc', 'timeout']");
  const started = Date.now();
  assert.equal(await ts.eval(`rpc.call('nobody@${HOST}', 'erlang', 'node', [])`), "['badrpc', 'nodedown']");
  assert.ok(Date.now() - started < 5000, 'an rpc to a node that is not there answers promptly');
  // The node dies during a call: nodedown, not a hang.
  await ts.eval(`register('shell', self())`);
  const pending = ts.eval(`rpc.call(${B}, 'timer', 'sleep', [60000])`, 30000);
  await new Promise((resolve) => setTimeout(resolve, 500));
  erl.kill('SIGKILL');
  assert.equal(await pending, "['badrpc', 'nodedown']");
});

test("BEAM's rpc:call and erpc:call reach TypeScript functions on the eshell-ts node's code path", async (t) => {
  const cluster = await startCluster(t);
  const ts = await cluster.eshell('ts', { args: ['-pa', modulesDir(t)] });
  const erl = await cluster.erl('beam');
  const T = erlAtom(ts.name);
  assert.equal(await erl.eval(`rpc:call(${T}, calc, add, [1, 2])`), '3');
  assert.match(await unwrapped(erl.eval(`rpc:call(${T}, calc, boom, [])`)), /^\{badrpc,\{'EXIT',\{\{'Error',<<"calc failed">>\},\[\{calc,boom,0,\[\{file,"calc.ts"\},\{line,3\}\]\}/);
  assert.equal(await erl.eval(`rpc:call(${T}, calc, toss, [])`), 'tossed');
  assert.equal(await erl.eval(`rpc:call(${T}, calc, slow, [100])`), 'slept');
  assert.equal(await erl.eval(`rpc:call(${T}, calc, slow, [5000], 100)`), '{badrpc,timeout}');
  assert.equal(await erl.eval(`rpc:call(${T}, calc, nofun, [])`), "{badrpc,{'EXIT',{undef,[{calc,nofun,[],[]}]}}}");
  assert.equal(await erl.eval(`rpc:call(${T}, nomod, nofun, [1])`), "{badrpc,{'EXIT',{undef,[{nomod,nofun,[1],[]}]}}}");
  assert.equal(await erl.eval(`rpc:call(${T}, erlang, node, [])`), T);
  assert.equal(await erl.eval(`rpc:call(${T}, erlang, exit, [bye])`), "{badrpc,{'EXIT',bye}}");
  assert.equal(await erl.eval(`erpc:call(${T}, calc, add, [20, 22])`), '42');
  assert.match(await unwrapped(erl.eval(`catch erpc:call(${T}, calc, boom, [])`)), /\{exception,\{'Error',<<"calc failed">>\},\[\{calc,boom,0,/);
  assert.equal(await erl.eval(`try erpc:call(${T}, calc, toss, []) catch throw:V -> {caught, V} end`), '{caught,tossed}');
  // The old way, a gen_server call to rex, is answered too.
  assert.equal(await erl.eval(`gen_server:call({rex, ${T}}, {call, calc, add, [2, 3], group_leader()})`), '5');
  assert.match(ts.output, /started/, 'the eshell-ts node is still there');
});

test('a BEAM node asks an eshell-ts node about its processes with the BIFs it asks a BEAM node: process_info/2, system_info, statistics, memory', async (t) => {
  const cluster = await startCluster(t);
  const ts = await cluster.eshell('ts');
  const erl = await cluster.erl('beam');
  const T = erlAtom(ts.name);
  await ts.eval("Held = spawn(function hold(): any { return receive([['stop'], () => 'ok']); })");
  await ts.eval("register('held', Held)");
  await ts.eval("Held ! ['one', 1]");
  await erl.eval(`Held = rpc:call(${T}, erlang, whereis, [held])`);
  assert.equal(
    await unwrapped(erl.eval(`rpc:call(${T}, erlang, process_info, [Held, [registered_name, status, message_queue_len, messages, links, monitors, trap_exit]])`)),
    '[{registered_name,held},{status,waiting},{message_queue_len,1},{messages,[{one,1}]},{links,[]},{monitors,[]},{trap_exit,false}]',
  );
  assert.equal(await erl.eval(`rpc:call(${T}, erlang, process_info, [Held, status])`), '{status,waiting}');
  assert.equal(await erl.eval(`{current_function, F} = rpc:call(${T}, erlang, process_info, [Held, current_function]), F =:= 'hold/0'`), 'true');
  assert.equal(await erl.eval(`{memory, M} = rpc:call(${T}, erlang, process_info, [Held, memory]), is_integer(M) andalso M > 0`), 'true');
  // Not registered: [], as erl answers for its own processes.
  assert.equal(await erl.eval(`rpc:call(${T}, erlang, unregister, [held])`), 'true');
  assert.equal(await erl.eval(`rpc:call(${T}, erlang, process_info, [Held, [registered_name]])`), '[{registered_name,[]}]');
  assert.equal(await erl.eval('erlang:process_info(self(), [registered_name])'), '[{registered_name,[]}]');
  // An item neither node knows: badarg from both.
  assert.match(await unwrapped(erl.eval(`rpc:call(${T}, erlang, process_info, [Held, [no_such_item]])`)), /^\{badrpc,\{'EXIT',\{badarg,/);
  assert.match(await unwrapped(erl.eval('rpc:call(node(), erlang, process_info, [self(), [no_such_item]])')), /^\{badrpc,\{'EXIT',\{badarg,/);
  // The node's figures.
  assert.equal(await erl.eval(`N = rpc:call(${T}, erlang, system_info, [process_count]), is_integer(N) andalso N >= 7`), 'true');
  assert.equal(await erl.eval(`is_integer(rpc:call(${T}, erlang, statistics, [run_queue]))`), 'true');
  assert.equal(await erl.eval(`lists:sort(proplists:get_keys(rpc:call(${T}, erlang, memory, [])))`), '[binary,processes,system,total]');
  assert.equal(await erl.eval(`rpc:call(${T}, erlang, memory, [total]) > 1000000`), 'true');
  // Gone: undefined.
  await ts.eval("Held ! ['stop']");
  await waitUntil(async () => (await erl.eval(`rpc:call(${T}, erlang, process_info, [Held, [status]])`)) === 'undefined', 'the process to end');
});

test('remote spawn both ways with BEAM: spawn, spawn_link, spawn_monitor, undef as erl gives it, a node that is gone', async (t) => {
  const cluster = await startCluster(t);
  const ts = await cluster.eshell('ts', { args: ['-pa', modulesDir(t)] });
  const erl = await cluster.erl('beam');
  const B = `'${erl.name}'`;
  const T = erlAtom(ts.name);
  // BEAM spawns in eshell-ts.
  assert.equal(await erl.eval(`P1 = spawn(${T}, calc, slow, [300]), erlang:monitor(process, P1), receive {'DOWN', _, process, P1, R1} -> {node(P1), R1} after 5000 -> timeout end`), `{${T},normal}`);
  assert.match(await unwrapped(erl.eval(`{P2, M2} = spawn_monitor(${T}, nomod, nofun, [1]), receive {'DOWN', M2, process, P2, R2} -> R2 after 5000 -> timeout end`)), /^\{undef,\[\{nomod,nofun,1,\[\]\}/);
  await waitUntil(() => /nomod/.test(ts.output), 'the error report on the eshell-ts node');
  assert.match(await unwrapped(erl.eval(`process_flag(trap_exit, true), P3 = spawn_link(${T}, calc, boom, []), receive {'EXIT', P3, R3} -> R3 after 5000 -> timeout end`)), /^\{\{'Error',<<"calc failed">>\},\[\{calc,boom,0,/);
  // eshell-ts spawns on BEAM.
  assert.match(await unwrapped(ts.eval(`spawn(${B}, 'erlang', 'node', [])`)), /^<\d+\.\d+\.0>$/);
  assert.match(await unwrapped(ts.eval(`spawn_monitor(${B}, 'timer', 'sleep', [100])`)), /^\[<\d+\.\d+\.0>, #Ref<[\d.]+>\]$/);
  assert.match(await flushUntil(ts, /'DOWN'/, 'the DOWN of the spawned timer'), /'DOWN', #Ref<[\d.]+>, 'process', <\d+\.\d+\.0>, 'normal'\]/);
  await ts.eval(`spawn_monitor(${B}, 'nomod', 'nofun', [])`);
  assert.match(await flushUntil(ts, /'DOWN'/, 'the DOWN of undef'), /'undef', list\(\['nomod', 'nofun', list\(\), list\(\)\]\)\]/);
  await ts.eval("process_flag('trap_exit', true)");
  await ts.eval(`spawn_link(${B}, 'erlang', 'exit', ['bye'])`);
  assert.match(await flushUntil(ts, /'EXIT'/, 'the EXIT of the linked process'), /\['EXIT', <\d+\.\d+\.0>, 'bye'\]/);
  // The spawned BEAM process runs with its arguments.
  await erl.eval('register(sh, self())');
  await ts.eval(`spawn(${B}, 'erlang', 'send', ['sh', 'from_spawned'])`);
  assert.equal(await erl.eval('receive from_spawned -> ok after 5000 -> timeout end'), 'ok');
  // A node that is not there: a pid of a process that is gone, and noconnection at once.
  await ts.eval(`spawn_link('gone@${HOST}', 'erlang', 'node', [])`);
  assert.match(await flushUntil(ts, /noconnection/, 'noconnection'), /\['EXIT', <\d+\.0\.0>, 'noconnection'\]/);
});

test('two eshell-ts nodes: rpc.call and remote spawn of a module on the other node\'s code path', async (t) => {
  const cluster = await startCluster(t, { epmd: false });
  const dir = modulesDir(t);
  const one = await cluster.eshell('one', { noEpmd: true });
  const two = await cluster.eshell('two', { noEpmd: true, args: ['-pa', dir] });
  const TWO = `'${two.name}'`;
  assert.equal(await one.eval(`rpc.call(${TWO}, 'calc', 'add', [1, 2])`), '3');
  assert.match(await unwrapped(one.eval(`rpc.call(${TWO}, 'calc', 'boom', [])`)), /^\[\s*'badrpc',\s*\['EXIT',\s*\[\s*\['Error', <Buffer 63 61 6c 63 20 66 61 69 6c 65 64>\],\s*list\(\['calc', 'boom', 0/);
  assert.equal(await one.eval(`rpc.call(${TWO}, 'calc', 'nofun', [])`), "['badrpc', ['EXIT', ['undef', list(['calc', 'nofun', list(), list()])]]]");
  assert.equal(await one.eval(`rpc.call(${TWO}, 'calc', 'where', [])`).then((text) => text.startsWith(`[${TWO}, <`)), true);
  assert.equal(await one.eval(`rpc.call(${TWO}, 'calc', 'slow', [5000], 100)`), "['badrpc', 'timeout']");
  assert.match(await unwrapped(one.eval(`spawn_monitor(${TWO}, 'calc', 'slow', [100])`)), /^\[<\d+\.\d+\.0>, #Ref<[\d.]+>\]$/);
  assert.match(await flushUntil(one, /'DOWN'/, 'the DOWN'), /'process', <\d+\.\d+\.0>, 'normal'\]/);
  await one.eval(`spawn_monitor(${TWO}, 'calc', 'boom', [])`);
  assert.match(await flushUntil(one, /'DOWN'/, 'the DOWN of the crash'), /'process',\s*<\d+\.\d+\.0>,\s*\[\s*\['Error', <Buffer 63 61 6c 63/);
  await waitUntil(() => /calc failed/.test(two.output), 'the crash reported where it ran');
  // And back: node two spawns on node one, where calc is not on the path: undef.
  await two.eval(`spawn_monitor('${one.name}', 'calc', 'add', [1, 2])`);
  assert.match(await flushUntil(two, /'DOWN'/, 'the DOWN of undef'), /'undef'/);
});

test('nl(mod) loads this node\'s module on every connected eshell-ts node; i(Pid) of another node asks that node', async (t) => {
  const cluster = await startCluster(t);
  const dir = modulesDir(t);
  writeFileSync(path.join(dir, 'shared.ts'), 'export function version(): number { return 1; }\n');
  const one = await cluster.eshell('one', { args: ['-pa', dir] });
  const two = await cluster.eshell('two');
  const erl = await cluster.erl('beam');
  assert.equal(await one.eval(`net_adm.ping('${two.name}')`), "'pong'");
  assert.equal(await one.eval(`net_adm.ping('${erl.name}')`), "'pong'");
  assert.match(await two.eval(`rpc.call('${two.name}', 'shared', 'version', [])`), /undef/, 'not on node two\'s path');
  assert.equal(await one.eval("nl('shared')"), "'abcast'");
  await waitUntil(async () => (await two.eval(`rpc.call('${two.name}', 'shared', 'version', [])`)) === '1', 'node two to load shared');
  // A new version: c/1 loads it here only; nl/1 sends it.
  writeFileSync(path.join(dir, 'shared.ts'), 'export function version(): number { return 2; }\n');
  assert.equal(await one.eval("c('shared')"), "['ok', 'shared']");
  assert.equal(await two.eval(`rpc.call('${two.name}', 'shared', 'version', [])`), '1');
  assert.equal(await one.eval("nl('shared')"), "'abcast'");
  await waitUntil(async () => (await two.eval(`rpc.call('${two.name}', 'shared', 'version', [])`)) === '2', 'node two to load the new version');
  assert.equal(await one.eval("nl('nomod')"), "'error'");
  assert.equal(await erl.eval('erlang:is_process_alive(whereis(rex))'), 'true', 'the BEAM node is not harmed');

  // i(Pid) on a pid of another eshell-ts node, and of a BEAM node.
  await one.eval("register('shell', self())");
  await two.eval(`['shell', '${one.name}'] ! ['pid', whereis('rex')]`);
  const fromTs = await one.eval("receive([['pid', _], ([, p]) => i(p)])");
  assert.match(fromTs, /registered_name\s+'rex'/);
  assert.match(fromTs, /status\s+'waiting'/);
  await erl.eval(`{shell, '${one.name}'} ! {pid, whereis(rex)}`);
  const fromBeam = await one.eval("receive([['pid', _], ([, p]) => i(p)])");
  assert.match(fromBeam, /registered_name\s+'rex'/);
  assert.match(fromBeam, /current_function\s+\['gen_server', 'loop', \d\]/);
  // A process that is gone: undefined, as erl's i/1.
  await erl.eval(`{shell, '${one.name}'} ! {pid, spawn(fun() -> ok end)}`);
  assert.equal(await one.eval("receive([['pid', _], ([, p]) => i(p)])"), "'undefined'");
});
