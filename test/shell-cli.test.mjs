// eshell-ts as a command with the real evaluator: -pa DIR and ESHELL_TS_PATH put modules on
// the code path, -e evaluates one expression, and piped stdin runs a session like `erl < file`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { BIN, startShell } from './helpers/pty.mjs';
import { runPiped } from './helpers/piped.mjs';
import { tempDir } from './helpers/tempDir.mjs';
import { shellEnv } from './helpers/env.mjs';

function workDir(t) {
  const dir = tempDir(t, 'eshell-shell-cli-', {
    'first/first_mod.ts': 'export function who(): string { return "first"; }\nexport const twice = (n: number): number => 2 * n;\n',
    'second/second_mod.ts': 'export function who(): string { return "second"; }\n',
  });
  return { dir, first: path.join(dir, 'first'), second: path.join(dir, 'second') };
}

const run = (args, { cwd, input = '', env = {} } = {}) =>
  spawnSync(process.execPath, [BIN, ...args], { cwd, input, encoding: 'utf8', timeout: 15000, env: shellEnv(env, { home: cwd }) });

test('-e evaluates with the real evaluator: forms, modules from -pa and ESHELL_TS_PATH, status 1 on an exception', (t) => {
  const { dir, first, second } = workDir(t);
  const sum = run(['-e', 'X = 20, Y = X + 1, [X, Y].'], { cwd: dir });
  assert.equal(sum.stdout, '[20, 21]\n');
  assert.equal(sum.status, 0, sum.stderr);
  const fromPa = run(['-pa', first, '-e', 'first_mod:twice(21)'], { cwd: dir });
  assert.equal(fromPa.stdout, '42\n');
  const fromEnv = run(['-e', 'second_mod.who()'], { cwd: dir, env: { ESHELL_TS_PATH: second } });
  assert.equal(fromEnv.stdout, "'second'\n");
  const both = run(['-pa', first, '-e', '[first_mod:who(), second_mod:who()]'], { cwd: dir, env: { ESHELL_TS_PATH: [second, first].join(path.delimiter) } });
  assert.equal(both.stdout, "['first', 'second']\n", 'both directories are on the path');
  const thrown = run(['-e', "throw 'nope'"], { cwd: dir });
  assert.equal(thrown.stdout, '** exception throw: nope\n');
  assert.equal(thrown.status, 1);
  const missing = run(['-e', 'c(no_such_mod)'], { cwd: dir });
  assert.match(missing.stdout, /\['error', 'nofile'\]\n$/);
  assert.doesNotMatch(missing.stdout, /ReferenceError/);
});

test('piped stdin: a whole session against the real evaluator, plain text, numbering as at the terminal', (t) => {
  const { dir, first } = workDir(t);
  const input = [
    'X = first_mod:twice(2).',
    'X = 5.',
    'X.',
    '[A,',
    ' B] = [X, X + 1].',
    ')(.',
    "P = spawn(() => receive([_, (m) => io.format('got ~p~n', [m])])).",
    "P ! 'ping'.",
    'const k: number = B * 10',
    'k.',
  ].join('\n');
  const r = run(['-pa', first], { cwd: dir, input: `${input}\n` });
  assert.equal(r.status, 0, r.stderr);
  const lines = r.stdout.split('\n');
  assert.match(lines[0], /^Eshell-TS V\d+\.\d+\.\d+ \(Node v\d+\.\d+\.\d+\) \(abort with \^G\)$/);
  assert.deepEqual(lines.slice(1).map((line) => line.replace(/<0\.\d+\.0>/g, '<pid>')), [
    '1> 4',
    '2> ** exception error: no match of right hand side value 5',
    '3> 4',
    '4> [4, 5]',
    "5> * 1:1: syntax error before: ')'",
    '5> <pid>',
    "6> got 'ping'",
    "'ping'",
    '7> undefined',
    '8> 50',
    '9> ',
    '',
  ]);
  assert.doesNotMatch(r.stdout, /\x1b\[/, 'no colours when stdout is not a terminal');
});

test('-pa at the terminal: a module there is loaded on first use; a missing module in c/1 says nofile', async (t) => {
  const { dir, first } = workDir(t);
  const sh = startShell({ t, cwd: dir, args: ['-pa', first] });
  await sh.waitFor('1> ', { timeout: 10000 });
  await sh.type('first_mod:who().');
  sh.key('enter');
  await sh.waitForScreen((lines) => lines.slice(-2).join('|') === "'first'|2>");
  await sh.type('c(first_mod).');
  sh.key('enter');
  await sh.waitForScreen((lines) => lines.slice(-2).join('|') === "['ok', 'first_mod']|3>");
});

test('top-level await: declarations persist, and the last expression is the value, templates included', () => {
  const { status, stdout } = runPiped('const v = await Promise.resolve(2); `${ {a: v}.a }`\nv + 1.\n');
  assert.equal(status, 0);
  assert.match(stdout, /1> '2'\n2> 3\n/);
});
