// Links, exit signals and monitors between eshell-ts and real BEAM nodes on 127.0.0.1, and
// what a lost connection does to them: every link gets noconnection, every monitor a 'DOWN'
// with noconnection, exactly once.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { erlAtom, flushUntil, HOST, ROOT, sleep, startCluster, unwrapped, waitUntil } from './helpers/distPeers.mjs';



const count = (text, pattern) => (text.match(new RegExp(pattern.source, 'g')) ?? []).length;

/** Gives the eshell-ts shell `globalThis[name]` = the pid BEAM's shell evaluates `pidExpr` to. */
async function pidToTs(erl, ts, name, pidExpr) {
  await ts.eval("whereis('shell') === self() || register('shell', self())");
  await erl.eval(`{shell, '${ts.name}'} ! {pid, ${name}, ${pidExpr}}`);
  return ts.eval(`receive([['pid', '${name}', _], ([, , p]) => (globalThis.${name} = p)])`);
}

test('links both ways with BEAM: exit reasons along links, trap_exit, unlink, exit/2 and kill', async (t) => {
  const cluster = await startCluster(t);
  const ts = await cluster.eshell('ts');
  const erl = await cluster.erl('beam');
  const workerLoop = 'fun L() -> receive {exit, R} -> exit(R); _ -> L() end end';

  // eshell-ts links to a BEAM process; the link shows on BEAM's side; its exit reaches us.
  await pidToTs(erl, ts, 'w1', `spawn(${workerLoop})`);
  assert.equal(await ts.eval("process_flag('trap_exit', true)"), 'false');
  assert.equal(await ts.eval('link(w1)'), 'true');
  await erl.eval("register(sh, self()), process_flag(trap_exit, true)");
  await waitUntil(async () => /links,\[<\d+\.\d+\.\d+>\]/.test(await erl.eval('{S} = {whereis(sh)}, [W] = [P || P <- processes(), P =/= S, {links, L} <- [process_info(P, links)], L =/= [], lists:any(fun(X) -> node(X) =/= node() end, L)], process_info(W, links)')), 'the link on the BEAM side');
  await ts.eval("send(w1, ['exit', ['shutdown', 'because']])");
  const trapped = await flushUntil(ts, /'EXIT'/, 'the EXIT from BEAM');
  assert.match(trapped, /Shell got \['EXIT', <\d+\.\d+\.0>, \['shutdown', 'because'\]\]/);

  // A process that does not trap exits dies with the BEAM process's reason.
  await pidToTs(erl, ts, 'w2', `spawn(${workerLoop})`);
  await ts.eval('victim = spawn(() => { link(w2); return receive([_, () => 0]); })');
  await sleep(200);
  assert.equal(await ts.eval('is_process_alive(victim)'), 'true');
  await ts.eval("send(w2, ['exit', 'crashed'])");
  await waitUntil(async () => (await ts.eval('is_process_alive(victim)')) === 'false', 'the linked eshell-ts process to die');

  // unlink: the BEAM process's exit no longer reaches us.
  await pidToTs(erl, ts, 'w3', `spawn(${workerLoop})`);
  assert.equal(await ts.eval('[link(w3), unlink(w3)]'), '[true, true]');
  await ts.eval("send(w3, ['exit', 'after_unlink'])");
  await sleep(500);
  assert.doesNotMatch(await ts.eval('flush()'), /after_unlink/);

  // BEAM links to an eshell-ts process that crashes: BEAM's trapping shell gets the reason.
  await ts.eval("L = spawn(() => receive([['crash', _], ([, how]) => { if (how === 'error') throw new Error('oops'); exit(['custom', 42]); }]))");
  await ts.eval(`['sh', '${erl.name}'] ! ['ts_pid', L]`);
  await erl.eval('receive {ts_pid, P} -> link(P), P ! {crash, exit}, ok end');
  assert.match(await unwrapped(erl.eval('receive {\'EXIT\', _, R} -> R after 5000 -> timeout end')), /\{custom,42\}/);
  await ts.eval("L2 = spawn(() => receive([['crash', _], () => { throw new Error('oops'); }]))");
  await ts.eval(`['sh', '${erl.name}'] ! ['ts_pid', L2]`);
  await erl.eval('receive {ts_pid, P2} -> link(P2), P2 ! {crash, error}, ok end');
  assert.match(await unwrapped(erl.eval('receive {\'EXIT\', _, R2} -> R2 after 5000 -> timeout end')), /^\{\{'Error',<<"oops">>\},\[/);

  // exit(Pid, Reason) from BEAM: trapped as a message, or fatal; kill cannot be trapped.
  await ts.eval("T = spawn(() => { process_flag('trap_exit', true); return receive([_, (m) => send('shell', ['trapped', m])]); })");
  await ts.eval("U = spawn(() => receive([_, () => 0]))");
  await ts.eval(`['sh', '${erl.name}'] ! ['pids', T, U]`);
  await erl.eval("receive {pids, T, U} -> exit(T, please), exit(U, kill), ok end");
  assert.match(await flushUntil(ts, /trapped/, 'the trapped exit'), /\['trapped', \['EXIT', <\d+\.\d+\.\d+>, 'please'\]\]/);
  await waitUntil(async () => (await ts.eval('is_process_alive(U)')) === 'false', "BEAM's kill to end U");

  // exit(Pid, Reason) from eshell-ts to BEAM processes: trapped by BEAM's shell, kill fatal.
  await pidToTs(erl, ts, 'beamShell', 'self()');
  await ts.eval("exit(beamShell, 'from_ts')");
  assert.match(await unwrapped(erl.eval("receive {'EXIT', _, from_ts} = E -> E after 5000 -> timeout end")), /\{'EXIT',<\d+\.\d+\.0>,from_ts\}/);
  await pidToTs(erl, ts, 'w4', `spawn(fun() -> process_flag(trap_exit, true), ${workerLoop}() end)`);
  await ts.eval("exit(w4, 'kill')");
  await ts.eval("M4 = monitor('process', w4)");
  assert.match(await flushUntil(ts, /'DOWN'/, 'the DOWN of the killed process'), /'DOWN', #Ref<[\d.]+>, 'process', <\d+\.\d+\.0>, 'noproc'\]/);
});

test('a BEAM supervisor linked to an eshell-ts worker restarts it each time it crashes', async (t) => {
  const beams = mkdtempSync(path.join(os.tmpdir(), 'eshell-ts-erlc-'));
  t.after(() => rmSync(beams, { recursive: true, force: true }));
  const compiled = spawnSync('erlc', ['-o', beams, path.join(ROOT, 'test', 'fixtures', 'dist_sup.erl')], { encoding: 'utf8' });
  assert.equal(compiled.status, 0, compiled.stderr + compiled.stdout);
  const cluster = await startCluster(t);
  const ts = await cluster.eshell('worker');
  const erl = await cluster.erl('sup', { args: ['-pa', beams] });
  await ts.eval("register('factory', spawn(function factory(): any { return receive([['start', _], ([, sup]: any) => { send(sup, ['started', spawn(() => receive([['crash'], () => { throw new Error('boom'); }]))]); return factory(); }]); }))");
  await erl.eval(`Sup = dist_sup:start({factory, '${ts.name}'}, self())`);
  const first = await erl.eval('receive {worker, W1} -> W1 after 5000 -> timeout end');
  assert.match(first, /^<\d+\.\d+\.0>$/);
  await erl.eval('W1 ! {crash}');
  assert.match(await unwrapped(erl.eval('receive {restarting, R1} -> R1 after 5000 -> timeout end')), /^\{\{'Error',<<"boom">>\},\[/);
  const second = await erl.eval('receive {worker, W2} -> W2 after 5000 -> timeout end');
  assert.match(second, /^<\d+\.\d+\.0>$/);
  assert.notEqual(second, first);
  await erl.eval('W2 ! {crash}');
  assert.match(await unwrapped(erl.eval('receive {restarting, R2} -> R2 after 5000 -> timeout end')), /^\{\{'Error',<<"boom">>\},\[/);
  assert.match(await unwrapped(erl.eval('receive {worker, W3} -> W3 after 5000 -> timeout end')), /^<\d+\.\d+\.0>$/);
  assert.equal(await erl.eval('is_process_alive(Sup)'), 'true');
  assert.match(ts.output, /boom/, 'the crashes are reported on the node where they ran');
});

test('monitors both ways with BEAM: by pid and by [name, node], DOWN shapes, demonitor, noproc', async (t) => {
  const cluster = await startCluster(t);
  const ts = await cluster.eshell('ts');
  const erl = await cluster.erl('beam');
  const workerLoop = 'fun L() -> receive {exit, R} -> exit(R); _ -> L() end end';
  await erl.eval(`register(named, spawn(${workerLoop}))`);
  await pidToTs(erl, ts, 'w', 'whereis(named)');
  await ts.eval("R1 = monitor('process', w)");
  await ts.eval(`R2 = monitor('process', ['named', '${erl.name}'])`);
  await ts.eval(`R3 = monitor('process', ['named', '${erl.name}'])`);
  assert.equal(await ts.eval('demonitor(R3)'), 'true');
  await ts.eval("send(w, ['exit', 'gone'])");
  const downs = await flushUntil(ts, /'DOWN'[^\n]*\n[^\n]*'DOWN'/, 'two DOWNs');
  assert.match(downs, /Shell got \['DOWN', #Ref<[\d.]+>, 'process', <\d+\.\d+\.0>, 'gone'\]/);
  assert.match(downs, new RegExp(`Shell got \\['DOWN', #Ref<[\\d.]+>, 'process', \\['named', '${erl.name}'\\], 'gone'\\]`));
  assert.equal(await ts.eval("R1 === R1 && flush()"), "'ok'");
  await sleep(300);
  assert.equal(count(downs + await ts.eval('flush()'), /'DOWN'/), 2, 'the demonitored one sends nothing');

  // Monitors on a dead pid and a missing name: noproc at once, shaped as erl shapes them.
  await ts.eval('monitor(\'process\', w)');
  await ts.eval(`monitor('process', ['nobody', '${erl.name}'])`);
  const noprocs = await flushUntil(ts, /'DOWN'[^\n]*\n[^\n]*'DOWN'/, 'two noproc DOWNs');
  assert.match(noprocs, /'process', <\d+\.\d+\.0>, 'noproc'\]/);
  assert.match(noprocs, new RegExp(`'process', \\['nobody', '${erl.name}'\\], 'noproc'\\]`));

  // BEAM monitors eshell-ts processes, by pid and by name.
  await ts.eval("register('target', spawn(() => receive([_, () => exit('done')])))");
  await ts.eval(`['sh', '${erl.name}'] ! ['target', whereis('target')]`);
  await erl.eval('register(sh, self())');
  await ts.eval(`['sh', '${erl.name}'] ! ['target', whereis('target')]`);
  await erl.eval(`receive {target, T} -> put(t, T), put(m1, erlang:monitor(process, T)), put(m2, erlang:monitor(process, {target, '${ts.name}'})), ok end`);
  await erl.eval('get(t) ! go');
  assert.equal(await erl.eval("receive {'DOWN', M1, process, P1, Why1} -> {M1 =:= get(m1), P1 =:= get(t), Why1} after 5000 -> timeout end"), '{true,true,done}');
  assert.equal(await erl.eval(`receive {'DOWN', M2, process, P2, Why2} -> {M2 =:= get(m2), P2, Why2} after 5000 -> timeout end`), `{true,{target,${erlAtom(ts.name)}},done}`);
  assert.equal(await erl.eval(`M3 = erlang:monitor(process, {target, '${ts.name}'}), receive {'DOWN', M3, process, _, Why3} -> Why3 after 5000 -> timeout end`), 'noproc');
  assert.equal(await erl.eval(`M4 = erlang:monitor(process, get(t)), receive {'DOWN', M4, process, _, Why4} -> Why4 after 5000 -> timeout end`), 'noproc');
  // demonitor from BEAM: nothing arrives.
  await ts.eval("register('target2', spawn(() => receive([_, () => exit('done')])))");
  assert.equal(await erl.eval(`M5 = erlang:monitor(process, {target2, '${ts.name}'}), erlang:demonitor(M5), {target2, '${ts.name}'} ! go, receive {'DOWN', M5, _, _, _} -> got after 500 -> none end`), 'none');
});

test('monitor_node and net_kernel.monitor_nodes: nodeup and nodedown, at once for a node that is not there', async (t) => {
  const cluster = await startCluster(t);
  const ts = await cluster.eshell('ts');
  const erl = await cluster.erl('beam');
  assert.equal(await ts.eval('net_kernel.monitor_nodes(true)'), "'ok'");
  assert.equal(await ts.eval(`net_adm.ping('${erl.name}')`), "'pong'");
  assert.match(await flushUntil(ts, /nodeup/, 'nodeup'), new RegExp(`Shell got \\['nodeup', '${erl.name}'\\]`));
  assert.equal(await ts.eval(`monitor_node('${erl.name}', true)`), 'true');
  assert.equal(await ts.eval(`monitor_node('nobody@${HOST}', true)`), 'true');
  assert.match(await flushUntil(ts, /nodedown/, 'nodedown of a missing node'), new RegExp(`Shell got \\['nodedown', 'nobody@${HOST}'\\]`));
  await erl.eval('halt()').catch(() => {});
  const down = await flushUntil(ts, /nodedown[^\n]*\n[^\n]*nodedown/, 'two nodedowns');
  assert.equal(count(down, new RegExp(`\\['nodedown', '${erl.name}'\\]`)), 2, 'one from monitor_node, one from monitor_nodes');
});

test('a BEAM node killed with SIGKILL: every link gets noconnection and every monitor a DOWN, once; a link to its pids then fails at once; a new node of that name is reached on the next send', async (t) => {
  const cluster = await startCluster(t);
  const ts = await cluster.eshell('ts');
  const erl = await cluster.erl('beam');
  const workerLoop = 'fun L() -> receive _ -> L() end end';
  await erl.eval(`register(named, spawn(${workerLoop}))`);
  await pidToTs(erl, ts, 'w', 'whereis(named)');
  await pidToTs(erl, ts, 'w2', `spawn(${workerLoop})`);
  await ts.eval("process_flag('trap_exit', true)");
  await ts.eval('[link(w), link(w2)]');
  await ts.eval("M1 = monitor('process', w)");
  await ts.eval(`M2 = monitor('process', ['named', '${erl.name}'])`);
  await ts.eval(`monitor_node('${erl.name}', true)`);
  await ts.eval("victim = spawn(() => { link(w); return receive([_, () => 0]); })");
  await sleep(300);
  erl.kill('SIGKILL');
  const all = await flushUntil(ts, /nodedown/, 'the node to be noticed');
  await sleep(500);
  const after = all + (await ts.eval('flush()'));
  assert.equal(count(after, /\['EXIT', <\d+\.\d+\.0>, 'noconnection'\]/), 2, after);
  assert.equal(count(after, /\['DOWN', #Ref<[\d.]+>, 'process', <\d+\.\d+\.0>, 'noconnection'\]/), 1, after);
  assert.equal(count(after, new RegExp(`\\['DOWN', #Ref<[\\d.]+>, 'process', \\['named', '${erl.name}'\\], 'noconnection'\\]`)), 1, after);
  assert.equal(count(after, /nodedown/), 1, after);
  assert.equal(await ts.eval('is_process_alive(victim)'), 'false');

  // A link to a pid of the node that is gone: noconnection at once.
  await ts.eval('link(w)');
  assert.match(await flushUntil(ts, /noconnection/, 'the noconnection'), /\['EXIT', <\d+\.\d+\.0>, 'noconnection'\]/);
  await ts.eval("monitor('process', w)");
  assert.match(await flushUntil(ts, /'DOWN'/, 'the DOWN'), /'noconnection'\]/);

  // The node comes back under the same name: the next send connects again.
  const again = await cluster.erl('beam');
  await again.eval(`register(named, spawn(fun() -> receive M -> {shell, '${ts.name}'} ! {back, M} end end))`);
  await ts.eval(`['named', '${erl.name}'] ! 'hello'`);
  assert.match(await flushUntil(ts, /back/, 'the answer of the new node'), /\['back', 'hello'\]/);
  assert.equal(await ts.eval('nodes()'), `['${erl.name}']`);
});

test('an eshell-ts node killed with SIGKILL: BEAM gets noconnection on every link and one DOWN per monitor', async (t) => {
  const cluster = await startCluster(t);
  const ts = await cluster.eshell('ts');
  const erl = await cluster.erl('beam');
  await ts.eval("register('a', spawn(() => receive([_, () => 0])))");
  await ts.eval("register('b', spawn(() => receive([_, () => 0])))");
  await erl.eval('process_flag(trap_exit, true)');
  await erl.eval('register(sh, self())');
  await ts.eval(`['sh', '${erl.name}'] ! ['pids', whereis('a'), whereis('b')]`);
  assert.equal(await erl.eval('receive {pids, PA, PB} -> link(PA), link(PB), put(ma, erlang:monitor(process, PA)), ok after 5000 -> timeout end'), 'ok');
  await erl.eval(`put(mb, erlang:monitor(process, {b, '${ts.name}'})), monitor_node('${ts.name}', true)`);
  await sleep(300);
  ts.kill('SIGKILL');
  await erl.eval('receive {nodedown, _} -> ok after 10000 -> timeout end');
  await sleep(500);
  const counts = "Ms = element(2, process_info(self(), messages)), {length([x || {'EXIT', _, noconnection} <- Ms]), length([x || {'DOWN', _, process, P, noconnection} <- Ms, is_pid(P)]), length([x || {'DOWN', _, process, {b, _}, noconnection} <- Ms])}";
  assert.equal(await erl.eval(counts), '{2,1,1}', 'two links, a monitor by pid and one by name, each fired once');
});

test('two eshell-ts nodes: links, monitors and exit signals between them, and SIGKILL of one', async (t) => {
  const cluster = await startCluster(t, { epmd: false });
  const one = await cluster.eshell('one', { noEpmd: true });
  const two = await cluster.eshell('two', { noEpmd: true });
  await two.eval("register('w', spawn(function loop(): any { return receive([['exit', _], ([, r]: any) => exit(r)], [_, () => loop()]); }))");
  await two.eval("register('v', spawn(() => receive([_, () => 0])))");
  await one.eval("process_flag('trap_exit', true)");
  await one.eval("register('shell', self())");
  await two.eval(`['shell', '${one.name}'] ! ['pids', whereis('w'), whereis('v')]`);
  await one.eval("receive([['pids', _, _], ([, w, v]) => { globalThis.w = w; globalThis.v = v; }])");
  await one.eval('[link(w), link(v)]');
  await one.eval(`[monitor('process', w), monitor('process', ['v', '${two.name}'])]`);
  await one.eval("send(w, ['exit', ['bye', 1]])");
  const first = await flushUntil(one, /'EXIT'[\s\S]*'DOWN'|'DOWN'[\s\S]*'EXIT'/, 'the EXIT and DOWN of w');
  assert.match(first, /\['EXIT', <\d+\.\d+\.0>, \['bye', 1\]\]/);
  assert.match(first, /\['DOWN', #Ref<[\d.]+>, 'process', <\d+\.\d+\.0>, \['bye', 1\]\]/);
  // exit/2 from node two to a process of node one.
  await one.eval("register('t', spawn(() => receive([_, () => 0])))");
  await two.eval(`register('sh2', self())`);
  await one.eval(`['sh2', '${two.name}'] ! whereis('t')`);
  await two.eval("receive([_, (p) => exit(p, 'stop')])");
  await waitUntil(async () => (await one.eval("whereis('t')")) === 'undefined', 'exit/2 from node two to end t');
  two.kill('SIGKILL');
  const lost = await flushUntil(one, /noconnection[\s\S]*noconnection/, 'both noconnections');
  await sleep(500);
  const all = lost + (await one.eval('flush()'));
  assert.equal(count(all, /\['EXIT', <\d+\.\d+\.0>, 'noconnection'\]/), 1, all);
  assert.equal(count(all, new RegExp(`\\['DOWN', #Ref<[\\d.]+>, 'process', \\['v', '${two.name}'\\], 'noconnection'\\]`)), 1, all);
});
