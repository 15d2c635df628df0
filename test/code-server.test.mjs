// The code server on real files: compiling, loading, the two-version rule, purging, handles.
import { test, beforeEach, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync, symlinkSync, realpathSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import os from 'node:os';
import path from 'node:path';
import {
  initCodePath, codeServer, shellCommands, moduleHandle, code, setOutputSink, spawn, send, receive, _, is_process_alive,
} from '../dist/internal.js';

const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

let printed = '';
setOutputSink((text) => { printed += text; });
beforeEach(() => { printed = ''; });

const workspaces = [];
after(() => { for (const dir of workspaces) rmSync(dir, { recursive: true, force: true }); });

function workspace(files = {}) {
  const dir = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'eshell-code-server-')));
  workspaces.push(dir);
  writeFiles(dir, files);
  initCodePath({ cwd: dir });
  return dir;
}

function writeFiles(dir, files) {
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), text);
  }
}

/** Lets the scheduler deliver messages and run processes. */
const settle = (ms = 20) => new Promise((resolve) => setTimeout(resolve, ms));
const alive = (pid) => is_process_alive(pid);

/**
 * A server module of version `v`. Its processes log `[v, message]`; `remote_loop` loops
 * through the handle (an upgrade point), `local_loop` with a local call (never upgrades).
 */
function serverSource(name, v, body = '') {
  return `import { receive, moduleHandle, _ } from 'eshell-ts';
const M = moduleHandle<typeof import('./${name}')>('${name}');
export const version = ${v};
export function remote_loop(log: unknown[]) {
  return receive([_, (message) => { log.push([${v}, message]); return M.remote_loop(log); }]);
}
export function local_loop(log: unknown[]) {
  return receive([_, (message) => { log.push([${v}, message]); return local_loop(log); }]);
}
${body}`;
}

test('c/1 compiles and loads; handle calls reach the current version', async () => {
  const dir = workspace({ 'hello_a.ts': 'export function greet(who: string): string { return `hello ${who}`; }\n' });
  assert.deepEqual(await shellCommands.c('hello_a'), ['ok', 'hello_a']);
  const M = moduleHandle('hello_a');
  assert.equal(M.greet('joe'), 'hello joe');
  writeFiles(dir, { 'hello_a.ts': 'export function greet(who: string): string { return `hi ${who}`; }\n' });
  assert.deepEqual(await shellCommands.c('hello_a'), ['ok', 'hello_a']);
  assert.equal(M.greet('joe'), 'hi joe');
  assert.equal(moduleHandle('hello_a'), M, 'handles are cached per module');
  assert.equal(M[Symbol.for('eshell-ts.module')], 'hello_a');
  const info = codeServer.moduleInfo('hello_a');
  assert.equal(info.version, 2);
  assert.equal(info.hasOld, true);
  assert.deepEqual(info.exports, [['greet', 1]]);
});

test('a compile error prints file:line:col, the line and a caret, and changes nothing', async () => {
  const dir = workspace({ 'cerr_a.ts': serverSource('cerr_a', 1) });
  await shellCommands.c('cerr_a');
  const log = [];
  const pid = spawn(moduleHandle('cerr_a'), 'remote_loop', [log]);
  send(pid, 'before');
  await settle();
  writeFiles(dir, { 'cerr_a.ts': 'export function f() {\n  let x = 1\n  return x x;\n}\n' });
  printed = '';
  assert.deepEqual(await shellCommands.c('cerr_a'), ['error', 'compile_error']);
  assert.equal(printed, [
    'cerr_a.ts:3:12: error: Expected ";" but found "x"',
    '    3 |   return x x;',
    '      |            ^',
    '',
  ].join('\n'));
  send(pid, 'after');
  await settle();
  assert.deepEqual(log, [[1, 'before'], [1, 'after']]);
  assert.ok(alive(pid));
  assert.equal(codeServer.current('cerr_a').version, 1);
  assert.equal(codeServer.old('cerr_a'), undefined);
});

test('warnings are printed like errors, and strict makes them errors', async () => {
  workspace({ 'warn_a.ts': 'export function f(x: number) {\n  return x == -0;\n}\n' });
  assert.deepEqual(await shellCommands.c('warn_a'), ['ok', 'warn_a']);
  assert.match(printed, /^warn_a\.ts:2:\d+: warning: .*-0/m);
  assert.match(printed, /\| {3}return x == -0;\n/);
  printed = '';
  assert.deepEqual(await shellCommands.c('warn_a', { strict: true }), ['error', 'compile_error']);
  assert.match(printed, /^warn_a\.ts:2:\d+: error: /m);
  assert.equal(codeServer.current('warn_a').version, 1);
});

test('a module whose top level throws is not loaded and nothing changes', async () => {
  const dir = workspace({ 'top_a.ts': serverSource('top_a', 1) });
  await shellCommands.c('top_a');
  const log = [];
  const pid = spawn(moduleHandle('top_a'), 'local_loop', [log]);
  await settle();
  writeFiles(dir, { 'top_a.ts': serverSource('top_a', 2, "throw new Error('no config found');") });
  const result = await shellCommands.c('top_a');
  assert.equal(result[0], 'error');
  assert.equal(result[1][0], 'load_failed');
  assert.match(printed, /top_a\.ts: error: loading failed/);
  assert.match(printed, /no config found/);
  assert.match(printed, /top_a\.ts:10:7\)/, 'the stack points into the source file');
  assert.equal(codeServer.current('top_a').version, 1);
  assert.equal(codeServer.current('top_a').exports.version, 1);
  send(pid, 'still here');
  await settle();
  assert.ok(alive(pid));
  assert.deepEqual(log, [[1, 'still here']]);
});

test('two versions: handle loops upgrade at their next call, local loops are killed at the next-but-one load', async () => {
  const dir = workspace({ 'two_a.ts': serverSource('two_a', 1) });
  await shellCommands.c('two_a');
  const M = moduleHandle('two_a');
  const remoteLog = [];
  const localLog = [];
  const remote = spawn(M, 'remote_loop', [remoteLog]);
  const local = spawn(M, 'local_loop', [localLog]);
  const both = async (message) => { send(remote, message); send(local, message); await settle(); };
  await both('a');

  writeFiles(dir, { 'two_a.ts': serverSource('two_a', 2) });
  assert.deepEqual(await shellCommands.c('two_a'), ['ok', 'two_a']);
  await both('b'); // waited for in version 1: handled there, then the remote loop enters version 2
  await both('c');
  assert.deepEqual(remoteLog, [[1, 'a'], [1, 'b'], [2, 'c']]);
  assert.deepEqual(localLog, [[1, 'a'], [1, 'b'], [1, 'c']]);
  assert.ok(alive(local), 'old code may run as long as it is only old, not purged');

  printed = '';
  writeFiles(dir, { 'two_a.ts': serverSource('two_a', 3) });
  assert.deepEqual(await shellCommands.c('two_a'), ['ok', 'two_a']);
  await settle();
  assert.equal(alive(local), false);
  assert.ok(alive(remote));
  assert.equal(printed, `two_a: killed ${local}, it was still running old code\n`);
  await both('d');
  assert.deepEqual(remoteLog.slice(3), [[2, 'd']]);
});

test('the shell calling a module does not count as running it once the call returned', async () => {
  const dir = workspace({ 'caller_a.ts': serverSource('caller_a', 1, 'export function ping() { return "pong"; }') });
  await shellCommands.c('caller_a');
  const caller = spawn(moduleHandle('caller_a'), 'ping', []);
  const log = [];
  // A process outside the module calling into it, then waiting in its own receive:
  const client = spawn(() => {
    moduleHandle('caller_a').ping();
    return receive([_, (m) => { log.push(m); }]);
  });
  await settle();
  for (const v of [2, 3, 4]) {
    writeFiles(dir, { 'caller_a.ts': serverSource('caller_a', v, 'export function ping() { return "pong"; }') });
    assert.deepEqual(await shellCommands.c('caller_a'), ['ok', 'caller_a']);
  }
  assert.ok(alive(client));
  assert.equal(printed, '');
  assert.equal(alive(caller), false); // it simply finished
});

test('soft_purge refuses while a process runs old code; purge kills it, even when it traps exits', async () => {
  const trapping = `import { process_flag } from 'eshell-ts';
export function trapping_loop(log: unknown[]) { process_flag('trap_exit', true); return local_loop(log); }`;
  const dir = workspace({ 'purge_a.ts': serverSource('purge_a', 1, trapping) });
  await shellCommands.c('purge_a');
  const log = [];
  const pid = spawn(moduleHandle('purge_a'), 'trapping_loop', [log]);
  await settle();
  writeFiles(dir, { 'purge_a.ts': serverSource('purge_a', 2, trapping) });
  await shellCommands.c('purge_a');
  assert.equal(code.soft_purge('purge_a'), false);
  assert.ok(alive(pid));
  assert.ok(codeServer.old('purge_a'));
  assert.equal(code.purge('purge_a'), true);
  await settle();
  assert.equal(alive(pid), false);
  assert.deepEqual(log, [], 'no exit message was delivered: the kill cannot be trapped');
  assert.match(printed, /purge_a: killed <0\.\d+\.0>, it was still running old code/);
  assert.equal(codeServer.old('purge_a'), undefined);
  assert.equal(code.soft_purge('purge_a'), true);
  assert.equal(code.purge('purge_a'), false, 'nothing left to purge');
});

test('code.load_file refuses while old code is not purged; code.delete makes current old', async () => {
  workspace({ 'lf_a.ts': 'export const f = () => 1;' });
  assert.deepEqual(code.load_file('lf_a'), ['module', 'lf_a']);
  assert.deepEqual(code.is_loaded('lf_a'), ['file', code.which('lf_a')]);
  assert.deepEqual(code.load_file('lf_a'), ['module', 'lf_a'], 'current becomes old');
  assert.deepEqual(code.load_file('lf_a'), ['error', 'not_purged']);
  assert.equal(code.soft_purge('lf_a'), true);
  assert.deepEqual(code.load_file('lf_a'), ['module', 'lf_a']);
  assert.equal(code.delete('lf_a'), false, 'old code still there');
  code.purge('lf_a');
  assert.equal(code.delete('lf_a'), true);
  assert.equal(code.is_loaded('lf_a'), false);
  assert.ok(!code.all_loaded().some(([m]) => m === 'lf_a'));
});

test('a handle to a missing function or module raises undef naming module and function', async () => {
  workspace({ 'undef_a.ts': 'export function known() { return 1; }' });
  await shellCommands.c('undef_a');
  assert.throws(() => moduleHandle('undef_a').unknown(1, 2), (e) => {
    assert.equal(e.kind, 'error');
    assert.deepEqual(e.reason, ['undef', ['undef_a', 'unknown', 2]]);
    assert.match(e.message, /undef_a:unknown\/2/);
    return true;
  });
  assert.throws(() => moduleHandle('no_such_module_a').f(), (e) => {
    assert.deepEqual(e.reason, ['undef', ['no_such_module_a', 'f', 0]]);
    return true;
  });
  assert.equal(moduleHandle('undef_a').then, undefined, 'a handle is not a thenable');
});

test('a handle call auto-loads a module that is on the path but not loaded', () => {
  workspace({ 'auto_a.ts': 'export const twice = (n: number) => 2 * n;' });
  assert.equal(codeServer.current('auto_a'), undefined);
  assert.equal(moduleHandle('auto_a').twice(21), 42);
  assert.equal(codeServer.current('auto_a').version, 1);
});

test('stack traces point into the .ts source', async () => {
  workspace({ 'stack_a.ts': 'type T = { a: number };\n\nexport function fail(t: T): never {\n  throw new Error(`bad ${t.a}`);\n}\n' });
  await shellCommands.c('stack_a');
  try {
    moduleHandle('stack_a').fail({ a: 1 });
    assert.fail('should throw');
  } catch (e) {
    assert.match(e.stack, /stack_a\.ts:4:9\)/);
  }
});

test('a binary file is refused as not a text source file', async () => {
  const dir = workspace({});
  writeFileSync(path.join(dir, 'bin_a.ts'), Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 0, 1, 2]));
  assert.deepEqual(await shellCommands.c('bin_a'), ['error', 'not_text']);
  assert.match(printed, /bin_a\.ts: not a text source file/);
  assert.equal(codeServer.current('bin_a'), undefined);
});

test('an empty file loads, exports nothing, and says so', async () => {
  workspace({ 'empty_a.ts': '' });
  assert.deepEqual(await shellCommands.c('empty_a'), ['ok', 'empty_a']);
  assert.match(printed, /empty_a\.ts: warning: module empty_a exports nothing/);
  assert.deepEqual(codeServer.moduleInfo('empty_a').exports, []);
});

test('a module imports the live API, other modules, node builtins and npm packages', async () => {
  const dir = workspace({
    'modules/imp_main.ts': `import { self } from 'eshell-ts';
import { double } from './imp_helper';
import { triple } from 'imp_other';
import path from 'node:path';
import chalk from 'chalk';
export const run = (n: number) => [double(n), triple(n), path.basename('/a/b.ts'), typeof chalk.red, typeof self];`,
    'modules/imp_helper.ts': 'export const double = (n: number) => 2 * n;',
    'imp_other.ts': 'export const triple = (n: number) => 3 * n;',
  });
  symlinkSync(path.join(projectRoot, 'node_modules'), path.join(dir, 'node_modules'));
  assert.deepEqual(await shellCommands.c('imp_main'), ['ok', 'imp_main']);
  assert.deepEqual(moduleHandle('imp_main').run(5), [10, 15, 'b.ts', 'function', 'function']);
  assert.equal(codeServer.current('imp_helper').version, 1, 'imported modules are loaded by the code server');
  assert.equal(codeServer.current('imp_other').version, 1);
});

test('modules that import each other load once each; a module calling itself while loading gets undef', async () => {
  workspace({
    'cyc_a.ts': `import { b } from './cyc_b';\nexport const a = () => 'a';\nexport const both = () => a() + b();`,
    'cyc_b.ts': `import { a } from './cyc_a';\nexport const b = () => 'b';\nexport const viaA = () => a();`,
    'early_a.ts': `import { moduleHandle } from 'eshell-ts';\nexport const f = () => 1;\nmoduleHandle('early_a').f();`,
  });
  assert.deepEqual(await shellCommands.c('cyc_a'), ['ok', 'cyc_a']);
  assert.equal(moduleHandle('cyc_a').both(), 'ab');
  assert.equal(moduleHandle('cyc_b').viaA(), 'a');
  assert.equal(codeServer.current('cyc_a').version, 1);
  assert.equal(codeServer.current('cyc_b').version, 1);
  const result = await shellCommands.c('early_a');
  assert.equal(result[1][0], 'load_failed');
  assert.match(printed, /undefined function early_a:f\/0/);
});

test('l/1 reloads from the cached compile while the source is unchanged', async () => {
  const dir = workspace({ 'lcache_a.ts': 'export const v = () => 1;' });
  await shellCommands.c('lcache_a');
  const first = codeServer.moduleInfo('lcache_a');
  await settle(5);
  assert.deepEqual(shellCommands.l('lcache_a'), ['module', 'lcache_a']);
  const second = codeServer.moduleInfo('lcache_a');
  assert.equal(second.version, first.version + 1);
  assert.equal(second.compiledAt.getTime(), first.compiledAt.getTime(), 'not compiled again');
  assert.ok(second.loadedAt > first.loadedAt);
  writeFiles(dir, { 'lcache_a.ts': 'export const v = () => 2;' });
  assert.deepEqual(shellCommands.l('lcache_a'), ['module', 'lcache_a']);
  const third = codeServer.moduleInfo('lcache_a');
  assert.ok(third.compiledAt > first.compiledAt, 'an edited source is compiled');
  assert.equal(moduleHandle('lcache_a').v(), 2);
});

test('mm() lists modules whose source changed; lm() reloads them', async () => {
  const dir = workspace({ 'mm_a.ts': 'export const v = () => 1;', 'mm_b.ts': 'export const v = () => 1;' });
  await shellCommands.c('mm_a');
  await shellCommands.c('mm_b');
  assert.ok(!codeServer.modifiedModules().includes('mm_a'));
  writeFiles(dir, { 'mm_a.ts': 'export const v = () => 2;' });
  assert.ok(codeServer.modifiedModules().includes('mm_a'));
  assert.ok(!codeServer.modifiedModules().includes('mm_b'));
  const results = shellCommands.lm();
  assert.ok(results.some(([tag, m]) => tag === 'module' && m === 'mm_a'));
  assert.equal(moduleHandle('mm_a').v(), 2);
  assert.ok(!codeServer.modifiedModules().includes('mm_a'));
});

test('m() lists loaded modules with version and path', async () => {
  const dir = workspace({ 'list_a.ts': 'export const x = 1;' });
  await shellCommands.c('list_a');
  const row = codeServer.loadedModules().find((r) => r.module === 'list_a');
  assert.equal(row.path, path.join(dir, 'list_a.ts'));
  assert.equal(row.version, 1);
  assert.equal(row.hasOld, false);
  assert.ok(row.loadedAt instanceof Date);
});
