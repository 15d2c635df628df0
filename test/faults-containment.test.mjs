// Nothing typed or loaded takes the evaluator thread down: a throw in a timer typed at the
// prompt, process.exit, replaced built-ins, a stray message on the thread's port, a Proxy
// whose traps throw, a module named like a built-in. Each test runs the real binary in a
// pseudo-terminal and checks what survives (bindings, processes, loaded modules) and that the
// shell still answers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startShell } from './helpers/pty.mjs';
import { enter } from './helpers/prompt.mjs';
import { tempDir } from './helpers/tempDir.mjs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const GREETER = `import { receive, _ } from 'eshell-ts';
export function hello() { return 'hi'; }
export function loop(n = 0): unknown { return receive([['get', _], ([, from]: any) => { from.toString(); return loop(n); }], [_, () => loop(n + 1)]); }
`;

/** A shell in a fresh directory with `files`, a binding X, a counting process C and greeter loaded. */
async function session(t, files = {}) {
  const dir = tempDir(t, 'eshell-ts-contain-', { 'greeter.ts': GREETER, ...files });
  const sh = startShell({ t, cwd: dir, env: { NO_COLOR: '1' }, rows: 50, cols: 250 });
  await sh.waitFor('1> ', { timeout: 10000 });
  let prompt = 1;
  const evaluate = async (form, { expectPrompt } = {}) => {
    const lines = await enter(sh, form, expectPrompt ?? prompt + 1);
    prompt = expectPrompt ?? prompt + 1;
    return lines.join('\n');
  };
  await evaluate('X = 42.');
  await evaluate('c(greeter).');
  await evaluate('C = spawn(() => greeter:loop()).');
  await evaluate('C ! 1, C ! 2.');
  /** Everything that must have survived, and the shell answering. */
  const assertSurvived = async () => {
    assert.equal(await evaluate('X.'), '42');
    assert.equal(await evaluate('is_process_alive(C).'), 'true');
    assert.equal(await evaluate('greeter:hello().'), "'hi'");
    assert.equal(await evaluate('1 + 1.'), '2');
    assert.doesNotMatch(sh.output(), /evaluator thread|internal error|lost/);
  };
  return { sh, dir, evaluate, assertSurvived, prompt: () => prompt };
}

test('a throw in a timer, an interval or a microtask typed at the prompt crashes only the process that started it', { timeout: 60000 }, async (t) => {
  const s = await session(t);
  await s.evaluate('setTimeout(() => { throw "timer boom"; }, 10), timer.sleep(200).');
  assert.match(s.sh.output(), /\*\* exception exit: \['nocatch', 'timer boom'\]/);
  await s.evaluate('[P1, R1] = spawn_monitor(() => { setInterval(() => { throw "interval boom"; }, 10); return receive([_, () => 1]); }).');
  const down1 = await s.evaluate('receive([["DOWN", R1, _, _, _], ([, , , , why]) => why], after(3000, () => "no DOWN")).');
  assert.match(down1, /^\[\['nocatch', 'interval boom'\], .*\]$/);
  await s.evaluate('[P2, R2] = spawn_monitor(() => { queueMicrotask(() => { throw "microtask boom"; }); return receive([_, () => 1]); }).');
  const down2 = await s.evaluate('receive([["DOWN", R2, _, _, _], ([, , , , why]) => why], after(3000, () => "no DOWN")).');
  assert.match(down2, /^\[\['nocatch', 'microtask boom'\], .*\]$/);
  await s.assertSurvived();
});

test('process.exit, process.abort and process.kill of the shell end the calling process, or fail the load', { timeout: 60000 }, async (t) => {
  const s = await session(t, {
    'quitter.ts': `process.exit(3);\nexport function never() { return 1; }\n`,
  });
  assert.match(await s.evaluate('process.exit(2).'), /\*\* exception exit: \['process_exit', 2\]/);
  await s.evaluate('[P, R] = spawn_monitor(() => process.exit(5)).');
  assert.equal(await s.evaluate('receive([["DOWN", R, _, _, _], ([, , , , why]) => why], after(3000, () => "no DOWN")).'), "['process_exit', 5]");
  const load = await s.evaluate('c(quitter).');
  assert.match(load, /quitter\.ts: error: loading failed, the module's top level raised:\n\*\* exception exit: \['process_exit', 3\]/);
  assert.match(load, /\['error', \['load_failed'/);
  assert.match(await s.evaluate('process.abort().'), /\*\* exception exit: process_abort/);
  assert.match(await s.evaluate('process.kill(process.pid, "SIGKILL").'), /\*\* exception exit: \['process_kill', 'SIGKILL'\]/);
  await s.assertSurvived();
});

test('replacing the built-ins the runtime relies on is undone, the input that did it fails, and c() still works', { timeout: 60000 }, async (t) => {
  const s = await session(t);
  assert.match(
    await s.evaluate('Array.prototype.push = () => { throw new Error("no push"); }.'),
    /\*\* exception error: Error: eshell-ts relies on the built-ins it started with: restored Array\.prototype\.push/,
  );
  assert.match(await s.evaluate('delete globalThis.setImmediate.'), /restored globalThis\.setImmediate/);
  assert.match(await s.evaluate('Object.prototype.polluted = "yes".'), /removed Object\.prototype\.polluted/);
  assert.equal(await s.evaluate('({} as any).polluted.'), 'undefined');
  // A spawned process breaking them is repaired after its batch and reported.
  await s.evaluate('spawn(() => { Map.prototype.set = null as any; }).');
  await s.sh.waitFor(/restored Map\.prototype\.set/);
  assert.match(await s.evaluate('c(greeter).'), /\['ok', 'greeter'\]/);
  assert.equal(await s.evaluate('C ! ["get", self()], typeof setImmediate.'), "'function'");
  await s.assertSurvived();
});

test('user code cannot reach the thread\'s port to the terminal', { timeout: 60000 }, async (t) => {
  const s = await session(t);
  assert.equal(await s.evaluate("require('worker_threads').parentPort."), 'null');
  assert.match(await s.evaluate("require('worker_threads').parentPort.postMessage(null)."), /\*\* exception error: TypeError/);
  await s.assertSurvived();
});

test('printing a value whose Proxy traps throw marks what it cannot read and the evaluation succeeds', { timeout: 60000 }, async (t) => {
  const s = await session(t);
  await s.evaluate('self() ! "kept".');
  assert.equal(await s.evaluate('new Proxy({}, { getPrototypeOf() { throw new Error("np"); } }).'), '<unreadable: Error: np>');
  assert.equal(
    await s.evaluate('[1, new Proxy(function () {}, { get() { throw new Error("g"); } }), 2].'),
    '[1, <unreadable: Error: g>, 2]',
  );
  // The evaluator survived both: its mailbox still holds the message.
  assert.match(await s.evaluate('flush().'), /Shell got 'kept'/);
  await s.assertSurvived();
});

test('modules named like the API or a JavaScript global are refused; one named like a built-in never hides it; M:f() is never a label', { timeout: 60000 }, async (t) => {
  const body = "export function hello() { return 'module'; }\n";
  const s = await session(t, { 'c.ts': body, 'process.ts': body, 'undefined.ts': body, 'io.ts': body, 'JSON.ts': body, 'spawn.ts': body });
  assert.match(await s.evaluate('c(process).'), /process: cannot be a module: 'process' is a JavaScript global; rename the file\n\['error', 'reserved_name'\]/);
  assert.match(await s.evaluate('c("undefined").'), /'undefined' is a JavaScript global/);
  assert.match(await s.evaluate('c(io).'), /'io' is part of eshell-ts's API/);
  assert.match(await s.evaluate('c("spawn").'), /'spawn' is part of eshell-ts's API/);
  assert.match(await s.evaluate('c("./JSON.ts").'), /"JSON" is not a module name/);
  assert.match(await s.evaluate('process:hello().'), /undefined function process:hello\/0/);
  assert.match(await s.evaluate('undefined:hello().'), /undefined function undefined:hello\/0/);
  // A module named like a built-in: `c:hello()` is the module, `c()` stays the built-in.
  assert.match(await s.evaluate('c("c").'), /\['ok', 'c'\]/);
  assert.equal(await s.evaluate('c:hello().'), "'module'");
  assert.match(await s.evaluate('c(greeter).'), /\['ok', 'greeter'\]/);
  assert.match(await s.evaluate('JSON:hello().'), /\*\* exception error: JSON:…\(\): JSON is a JavaScript global, not a module name/);
  assert.match(await s.evaluate('Math:max(1, 2).'), /Math is a JavaScript global/);
  assert.equal(await s.evaluate('M = "greeter", M:hello().'), "'hi'");
  assert.equal(await s.evaluate('io.format("~p~n", [1]).'), "1\n'ok'");
  assert.equal(await s.evaluate('typeof process.pid.'), "'number'");
  await s.assertSurvived();
});

test('killing the shell\'s server process: erl\'s message, a new shell from prompt 1, processes and modules kept', { timeout: 60000 }, async (t) => {
  const s = await session(t);
  const lines = await s.evaluate('exit(pid(0, 1, 0), "kill").', { expectPrompt: 1 });
  assert.match(lines, /^\*\*\* ERROR: Shell process terminated! \*\*\*\nEshell-TS V[\d.]+ \(Node v[\d.]+\) \(abort with \^G\)$/);
  // As in erl, the new shell has no bindings; every other process and the modules stay.
  assert.match(await s.evaluate('X.', { expectPrompt: 2 }), /variable 'X' is unbound/);
  assert.equal(await s.evaluate('C = pid(0, 3, 0), is_process_alive(C).', { expectPrompt: 3 }), 'true');
  assert.equal(await s.evaluate('greeter:hello().', { expectPrompt: 4 }), "'hi'");
  // Every process killed at once: the same, and the shell answers again.
  const again = await s.evaluate('processes().forEach((p) => exit(p, "kill")).', { expectPrompt: 1 });
  assert.match(again, /\*\*\* ERROR: Shell process terminated! \*\*\*/);
  assert.equal(await s.evaluate('1 + 1.', { expectPrompt: 2 }), '2');
  assert.equal(await s.evaluate('greeter:hello().', { expectPrompt: 3 }), "'hi'");
  assert.doesNotMatch(s.sh.output(), /evaluator thread|internal error/);
});

test('after 300,000 spawned processes the shell answers before their first steps have all run', { timeout: 120000 }, async (t) => {
  const s = await session(t);
  await s.evaluate('globalThis.started = 0, (() => { for (let i = 0; i < 300000; i++) spawn(() => { (globalThis as any).started++; return receive([_, () => 1]); }); })().');
  const started = Number(await s.evaluate('(globalThis as any).started.'));
  assert.ok(started < 300000, `the shell's evaluator ran after all ${started} first steps`);
  await s.assertSurvived();
});

test('the shell\'s own shutdown ends the evaluator thread at once, though user code may not end it', { timeout: 30000 }, async (t) => {
  // Without this, every q(), halt() and `-e` waited out the terminal's grace period and then
  // terminated the thread: process.exit ends a thread through process.reallyExit, which the
  // containment takes away from user code.
  const { Worker } = await import('node:worker_threads');
  const { buildSync } = await import('esbuild');
  const dir = tempDir(t, 'eshell-ts-shutdown-');
  const bundle = path.join(dir, 'containment.cjs');
  buildSync({ entryPoints: [path.join(root, 'src/shell/evaluator/containment.ts')], outfile: bundle, bundle: true, platform: 'node', format: 'cjs', logLevel: 'error' });
  const worker = new Worker(`
    const { containUserCode } = require(${JSON.stringify(bundle)});
    setInterval(() => {}, 1000); // the evaluator thread always has work pending
    const { exitThread } = containUserCode();
    let refused = false;
    try { process.exit(3); } catch { refused = true; }
    if (refused) exitThread(7);
  `, { eval: true });
  const code = await new Promise((resolve) => {
    const guard = setTimeout(() => resolve('still running after 10 s'), 10000);
    worker.once('exit', (exitCode) => {
      clearTimeout(guard);
      resolve(exitCode);
    });
  });
  await worker.terminate();
  assert.equal(code, 7, 'user code\'s process.exit is refused, and the shell\'s exitThread(7) ends the thread with its code');
});
