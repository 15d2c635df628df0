// Faults, crashes: whatever a process throws, rejects or overflows is its own crash (a
// report, its links and monitors fire); the shell keeps going with its bindings. Runs the
// real evaluator on piped stdin, as `eshell-ts < file`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BIN } from './helpers/pty.mjs';
import { shellEnv } from './helpers/env.mjs';

function runForms(forms, files = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'eshell-ts-crash-'));
  try {
    for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
    const r = spawnSync(process.execPath, [BIN], {
      input: forms.join('\n') + '\n',
      cwd: dir,
      encoding: 'utf8',
      timeout: 20000,
      env: shellEnv({ NO_COLOR: '1' }, { home: dir }),
    });
    assert.equal(r.status, 0, `exit status ${r.status}\n${r.stdout}\n${r.stderr}`);
    assert.doesNotMatch(r.stdout + r.stderr, /evaluator thread|internal error/);
    return r.stdout;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Waits (inside the shell) for the process's DOWN message and gives its reason. */
const downReason = (pidVar) => `receive([["DOWN", _, "process", ${pidVar}, _], ([, , , , why]) => why], after(2000, () => "no DOWN")).`;

test('non-Error throws, stray rejections and stack overflows in processes are their crashes', () => {
  const out = runForms([
    'X = 1.',
    '[A, RA] = spawn_monitor(() => { throw 42; }).',
    downReason('A'),
    '[B, RB] = spawn_monitor(() => { throw undefined; }).',
    downReason('B'),
    '[C, RC] = spawn_monitor(async () => { Promise.reject("nobody awaits"); return receive([_, () => 1]); }).',
    downReason('C'),
    '[D, RD] = spawn_monitor(() => { function f() { return f() + 1; } return f(); }).',
    downReason('D'),
    '[E, RE] = spawn_monitor(() => { throw Object.create(null); }).',
    downReason('E'),
    'X.',
  ]);
  // A throw's exit reason is Erlang's {{nocatch, Value}, Stack}; a thrown value has no stack.
  assert.match(out, /Error in process <0\.\d+\.0> with exit value:\n\[\['nocatch', 42\], \[\]\]\n/);
  assert.match(out, /\d+> \[\['nocatch', 42\], \[\]\]\n/);
  assert.match(out, /Error in process <0\.\d+\.0> with exit value:\n\[\['nocatch', undefined\], \[\]\]\n/);
  assert.match(out, /Error in process <0\.\d+\.0> with exit value:\n\[\['nocatch', 'nobody awaits'\], \[\]\]\n/);
  assert.match(out, /Error in process <0\.\d+\.0> with exit value:\n\[\n  \[RangeError: Maximum call stack size exceeded\],\n  \[\n    \['shell', 'f', 0, /);
  assert.match(out, /\d+> 1\n\d+> \n$/, 'the binding made before the crashes is still there');
  assert.doesNotMatch(out, /no DOWN/);
});

test('an exception in a timer callback started by module code crashes the process that started it, and its links fire', () => {
  const out = runForms(
    [
      'c(ticker).',
      'process_flag("trap_exit", true).',
      'P = spawn_link(() => ticker:start()).',
      'receive([["EXIT", P, _], ([, , why]) => why], after(2000, () => "no EXIT")).',
      'is_process_alive(P).',
    ],
    {
      'ticker.ts': `import { receive, _ } from 'eshell-ts';
export function start() {
  setTimeout(() => { throw new Error('boom in a timer'); }, 20);
  return receive([_, () => 'ok']);
}
`,
    },
  );
  // Linked or not, a crash is reported (erl 25 prints the report for spawn_link'ed crashes too).
  assert.match(out, /3> <0\.\d+\.0>\n4> =ERROR REPORT/);
  assert.match(out, /\n\]\n\n\[\n  \[Error: boom in a timer\],\n  \[\['ticker', '-fun-', 0, \[\['file', 'ticker\.ts'\], \['line', 3\]\]\]\],\n\]\n5> /);
  assert.match(out, /5> false\n/);
  assert.doesNotMatch(out, /no EXIT/);
});

test('a stack overflow at the prompt is a clean exception; the shell keeps its bindings', () => {
  const out = runForms(['X = 1.', 'function f() { return f(); }; f().', 'X + 1.']);
  assert.match(out, /2> \*\* exception error: RangeError: Maximum call stack size exceeded\n/);
  assert.match(out, /3> 2\n4> \n$/);
});

test('the shell evaluator killed between evaluations says so, and comes back with a new pid and the bindings', () => {
  const out = runForms([
    'X = 1.',
    'Before = self().',
    'spawn_link(() => receive(after(50, () => exit("boom")))).',
    'await new Promise((r) => setTimeout(r, 300)).',
    'exit(self(), "kill").',
    '[X, self() === Before].',
  ]);
  assert.match(out, /\*\* exception exit: boom\n/);
  assert.match(out, /5> \*\* exception exit: killed\n/);
  assert.match(out, /6> \[1, false\]\n/);
});
