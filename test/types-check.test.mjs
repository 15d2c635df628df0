// The type checker thread: what c/1 warns about, what c(m, ['strict']) refuses, and that the
// public API's types make module code check cleanly under `strict: true`.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import os from 'node:os';
import path from 'node:path';
import { bundleForTest } from './helpers/bundle.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const typeCheck = bundleForTest('src/code/typeCheck.ts');
typeCheck.useTypeCheckWorker(path.join(root, 'dist', 'typecheck.js'));
const { checkNow, checkInBackground, typeErrorsOf, formatTypeDiagnostics, typeCheckerStarted, stopTypeChecker } = typeCheck;

const dir = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'eshell-types-')));
after(async () => {
  await stopTypeChecker();
  rmSync(dir, { recursive: true, force: true });
});

/** Writes `name`.ts into the scratch directory and returns its path. */
function moduleFile(name, source) {
  const file = path.join(dir, `${name}.ts`);
  writeFileSync(file, source);
  return file;
}

/** Compact diagnostics: 'line:column TScode message' for assertions that read like output. */
async function errorsOf(file, text) {
  return (await checkNow(file, text)).map((d) => `${d.line}:${d.column + 1} TS${d.code} ${d.message.split('\n')[0]}`);
}

test('the checker starts on the first request, not before', () => {
  assert.equal(typeCheckerStarted(), false);
});

test('every shipped module type-checks cleanly with strict: true', async () => {
  const modulesDir = path.join(root, 'modules');
  for (const name of readdirSync(modulesDir).filter((f) => f.endsWith('.ts'))) {
    const diagnostics = await checkNow(path.join(modulesDir, name));
    assert.deepEqual(
      diagnostics.map((d) => formatTypeDiagnostics([d], 'error', name)),
      [],
      `${name} has type errors`,
    );
  }
  assert.equal(typeCheckerStarted(), true);
});

test('a receive used as a statement (neither returned nor awaited) is reported where it is', async () => {
  const file = moduleFile('forgetful', [
    "import { receive, after, _ } from 'eshell-ts';",
    'export function loop(n: number) {',
    '  receive([_, () => loop(n + 1)]);',
    '}',
    'export function fine(n: number) {',
    "  return receive([_, () => fine(n + 1)], after(10, () => 'done'));",
    '}',
    'export async function awaited() {',
    '  await receive([_, () => 1]);',
    '}',
    '',
  ].join('\n'));
  assert.deepEqual(await errorsOf(file), [
    '3:3 TS0 this receive is neither returned nor awaited: the process never waits in it (return it, or await it)',
  ]);
});

test('a type error is reported with position, message and code; an unused import is no noise', async () => {
  const file = moduleFile('typo_mod', [
    "import { spawn, receive, _ } from 'eshell-ts';",
    "import { readFileSync } from 'node:fs';",
    'export function f(): number {',
    "  const s: number = 'one';",
    '  return s;',
    '}',
    '',
  ].join('\n'));
  assert.deepEqual(await errorsOf(file), ["4:9 TS2322 Type 'string' is not assignable to type 'number'."]);
});

test('warnings print like compiler diagnostics: file:line:col, the source line and a caret', async () => {
  const file = moduleFile('caret_mod', "export const n: number = 'é' + 'x';\n");
  const text = formatTypeDiagnostics(await checkNow(file), 'warning', 'caret_mod.ts');
  assert.equal(
    text,
    "caret_mod.ts:1:14: warning: Type 'string' is not assignable to type 'number'. (TS2322)\n" +
      "    1 | export const n: number = 'é' + 'x';\n" +
      '      |              ^\n',
  );
});

test('the text being loaded is checked, not what is on disk', async () => {
  const file = moduleFile('edited_mod', "export const n: number = 'not yet';\n");
  assert.equal((await errorsOf(file)).length, 1);
  assert.deepEqual(await errorsOf(file, 'export const n: number = 1;\n'), []);
  writeFileSync(file, 'export const n: number = 2;\n');
  assert.deepEqual(await errorsOf(file), [], 'the edited file is read again');
});

test('module handles are typed by the module\'s exports', async () => {
  const file = moduleFile('handle_mod', [
    "import { moduleHandle, spawn } from 'eshell-ts';",
    "const M = moduleHandle<typeof import('./handle_mod')>('handle_mod');",
    'export function double(n: number): number { return 2 * n; }',
    "export function bad(): string { return M.double('two'); }",
    "export function start() { return spawn(M, 'double', ['three']); }",
    '',
  ].join('\n'));
  const errors = await errorsOf(file);
  assert.equal(errors.length, 3, errors.join('\n'));
  assert.match(errors[0], /^4:33 TS2322 Type 'number' is not assignable to type 'string'/);
  assert.match(errors[1], /^4:49 TS2345 Argument of type 'string' is not assignable to parameter of type 'number'/);
  assert.match(errors[2], /^5:54 TS2322 Type 'string' is not assignable to type 'number'/);
});

test('receive handlers get typed arguments from their patterns', async () => {
  const file = moduleFile('receive_mod', [
    "import { receive, isPid, _ } from 'eshell-ts';",
    'export function server() {',
    '  return receive(',
    "    [['add', _, _], ([op, a, b]) => { const tag: 'add' = op; return [a, b]; }],",
    "    [['sub', _, _], ([op]) => { const tag: 'add' = op; }],",
    "    [[_, 'quit'], ([from]) => { const n: number = from; }],",
    "    [[isPid, 'stop'], ([from]) => { const n: number = from; }],",
    "    [{ tag: 'point', x: _ }, (p) => { const t: 'point' = p.tag; }],",
    '  );',
    '}',
    '',
  ].join('\n'));
  assert.deepEqual(await errorsOf(file), [
    "5:39 TS2322 Type '\"sub\"' is not assignable to type '\"add\"'.",
    "6:39 TS2322 Type 'unknown' is not assignable to type 'number'.",
    "7:43 TS2322 Type 'Pid' is not assignable to type 'number'.",
  ]);
});

test('handlers before after(...) are typed too', async () => {
  const file = moduleFile('after_mod', [
    "import { receive, after, _ } from 'eshell-ts';",
    'export function reply() {',
    '  return receive(',
    "    [['ok', _], (answer) => { const tag: 'ok' = answer[0]; return answer; }],",
    "    [['error', _], ([, why]) => { const n: number = why; }],",
    "    after(1000, () => ['error', 'timeout']),",
    '  );',
    '}',
    '',
  ].join('\n'));
  assert.deepEqual(await errorsOf(file), ["5:41 TS2322 Type 'unknown' is not assignable to type 'number'."]);
});

test('strict: type errors become a failure printed as errors, with the diagnostics as reason', async () => {
  const source = "export function f(): number {\n  return 'x';\n}\n";
  const file = moduleFile('strict_mod', source);
  const failure = await typeErrorsOf(file, source);
  assert.deepEqual(failure.error, [[`${file}:2:3`, "Type 'string' is not assignable to type 'number'. (TS2322)"]]);
  assert.match(failure.message, /strict_mod\.ts:2:3: error: Type 'string' is not assignable to type 'number'\. \(TS2322\)\n {4}2 \| {3}return 'x';\n/);
  assert.equal(await typeErrorsOf(file, 'export function f(): number {\n  return 1;\n}\n'), undefined);
});

test('a background check reports once, and an overtaken one is dropped', async () => {
  const file = moduleFile('background_mod', 'export const n: number = 1;\n');
  const reports = [];
  // Background checks never keep a process alive by themselves: the test must.
  const keepAlive = setInterval(() => {}, 1000);
  const done = new Promise((resolve) => {
    checkInBackground(file, "export const n: number = 'old';\n", (d) => reports.push(['old', d.length]));
    checkInBackground(file, "export const n: string = 'new';\n", (d) => { reports.push(['new', d.length]); resolve(); });
  });
  await done;
  await checkNow(file); // everything asked before has been answered by now
  clearInterval(keepAlive);
  assert.deepEqual(reports, [['new', 0]]);
});

test('gen_server callbacks are checked against the behaviour: a malformed answer is a type error', async () => {
  const file = moduleFile('typed_server', [
    "import { moduleHandle, type GenServerBehaviour, type From } from 'eshell-ts';",
    "const M = moduleHandle<typeof import('./typed_server')>('typed_server');",
    'M satisfies GenServerBehaviour<number>;',
    "export const init = (n: number) => ['ok', n] as const;",
    "export const handle_call = (_r: 'get', _f: From, n: number) => ['reply', n] as const;",
    '',
  ].join('\n'));
  const errors = await errorsOf(file);
  assert.equal(errors.length, 1, errors.join('\n'));
  assert.match(errors[0], /^3:\d+ TS1360 .* does not satisfy the expected type 'GenServerBehaviour<number, any>'/);
});

test('a checker that cannot start leaves c/1 silent and makes strict refuse', async () => {
  await stopTypeChecker();
  typeCheck.useTypeCheckWorker(path.join(dir, 'no-such-checker.js'));
  try {
    const file = moduleFile('unchecked_mod', 'export const n = 1;\n');
    const failure = await typeErrorsOf(file, 'export const n = 1;\n');
    assert.equal(failure.error, 'type_checker_unavailable');
    assert.match(failure.message, /unchecked_mod\.ts: error: cannot type-check/);
    let called = false;
    checkInBackground(file, undefined, () => { called = true; });
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(called, false);
  } finally {
    typeCheck.useTypeCheckWorker(path.join(root, 'dist', 'typecheck.js'));
  }
});

