// Eshell's built-in commands at the real prompt, typed in a pseudo-terminal: code loading
// (c, l, lm, mm, m, h), the file system (cd, pwd, ls), processes (i, regs, flush, pid, self),
// variables and history (f, b, v, h, e, history, results), memory, help and leaving (q, halt).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from './helpers/pty.mjs';
import { openShell as shell, enter } from './helpers/prompt.mjs';
import { tempDir } from './helpers/tempDir.mjs';
import { bundleForTest } from './helpers/bundle.mjs';

/** Searched last from any directory: the lessons shipped with eshell-ts. */
const LESSONS = path.join(ROOT, 'modules');

const workDir = (t, files) => tempDir(t, 'eshell-shell-builtins-', files);

const version = (n) => `/** The version, as a number. */\nexport function v(): number { return ${n}; }\n`;

test('c/1, c/2, l/1, mm(), lm(), m(), m(mod), h(mod), h(mod, fun); missing modules are errors, not ReferenceErrors', async (t) => {
  const dir = workDir(t, { 'alpha.ts': version(1), 'beta.ts': '/** Doubles n. */\nexport const dbl = (n: number): number => n * 2;\n' });
  const sh = await shell(t, { cwd: dir });
  assert.deepEqual(await enter(sh, 'c(alpha).', 2), ["['ok', 'alpha']"]);
  assert.deepEqual(await enter(sh, "c(beta, ['strict']).", 3), ["['ok', 'beta']"]);
  assert.deepEqual(await enter(sh, 'alpha:v() + beta:dbl(20).', 4), ['41']);
  assert.deepEqual(await enter(sh, 'mm().', 5), ['[]']);
  writeFileSync(path.join(dir, 'alpha.ts'), version(2));
  assert.deepEqual(await enter(sh, 'mm().', 6), ["['alpha']"]);
  assert.deepEqual(await enter(sh, 'lm().', 7), ["[['module', 'alpha']]"]);
  assert.deepEqual(await enter(sh, 'alpha:v().', 8), ['2']);
  assert.deepEqual(await enter(sh, 'l(beta).', 9), ["['module', 'beta']"]);
  assert.deepEqual(await enter(sh, 'm().', 10), [
    'Module                  Version   File',
    `alpha                   2 (+old)  ${dir}/alpha.ts`,
    `beta                    2 (+old)  ${dir}/beta.ts`,
    "'ok'",
  ]);
  const info = await enter(sh, 'm(alpha).', 11);
  assert.deepEqual(info.filter((l) => !/^(Compiled|Loaded):/.test(l)),
    ['Module: alpha', 'Version: 2 (an old version is still loaded)', `Source: ${dir}/alpha.ts`, 'Exports: v/0', "'ok'"]);
  assert.deepEqual(await enter(sh, 'h(beta).', 12), ['beta (beta.ts)', '', '  dbl(n: number): number', '      Doubles n.', "'ok'"]);
  assert.deepEqual(await enter(sh, 'h(alpha, v).', 13), ['  alpha:v(): number', '', '  The version, as a number.', "'ok'"]);
  // Bare names are atoms whether or not such a module exists, as in Eshell.
  const nofile = `no no_such_mod.ts|.tsx|.js|.mjs in the code path: ${dir}, ${LESSONS}`;
  assert.deepEqual(await enter(sh, 'c(no_such_mod).', 14), [nofile, "['error', 'nofile']"]);
  assert.deepEqual(await enter(sh, 'l(no_such_mod).', 15), [nofile, "['error', 'nofile']"]);
  assert.deepEqual(await enter(sh, 'm(no_such_mod).', 16), ['Module no_such_mod is not loaded (c(no_such_mod) loads it).', "'ok'"]);
  assert.deepEqual(await enter(sh, 'h(no_such_mod).', 17), ['No module named no_such_mod on the code path.', "'ok'"]);
});

test('cd/1, pwd(), ls(), ls/1; the code path follows the directory', async (t) => {
  const dir = workDir(t, { 'top.txt': '', 'sub/gamma.ts': version(3), 'sub/notes.md': '' });
  const sh = await shell(t, { cwd: dir });
  assert.deepEqual(await enter(sh, 'pwd().', 2), [dir, "'ok'"]);
  assert.deepEqual(await enter(sh, 'ls().', 3), ['sub      top.txt', "'ok'"]);
  assert.deepEqual(await enter(sh, "ls('sub').", 4), ['gamma.ts  notes.md', "'ok'"]);
  assert.deepEqual(await enter(sh, 'c(gamma).', 5), [`no gamma.ts|.tsx|.js|.mjs in the code path: ${dir}, ${LESSONS}`, "['error', 'nofile']"]);
  assert.deepEqual(await enter(sh, "cd('sub').", 6), [path.join(dir, 'sub'), "'ok'"]);
  assert.deepEqual(await enter(sh, 'pwd().', 7), [path.join(dir, 'sub'), "'ok'"]);
  assert.deepEqual(await enter(sh, 'c(gamma).', 8), ["['ok', 'gamma']"]);
  assert.deepEqual(await enter(sh, "cd('nowhere').", 9), ['** exception error: cd: nowhere: no such directory']);
  assert.deepEqual(await enter(sh, "cd('..'), ls().", 10), [dir, 'sub      top.txt', "'ok'"]);
});

test('i(), i(Pid), regs(), flush(), pid(0, N, 0), self(), memory()', async (t) => {
  const sh = await shell(t);
  const [me] = await enter(sh, 'Me = self().', 2);
  const id = /^<0\.(\d+)\.0>$/.exec(me)?.[1];
  assert.ok(id, me);
  assert.deepEqual(await enter(sh, `pid(0, ${id}, 0).`, 3), [me]);
  assert.deepEqual(await enter(sh, `pid(0, ${id}, 0) === Me.`, 4), ['true'], 'the same pid, not a look-alike');
  await enter(sh, "W = spawn(() => receive(['stop', () => 'done'])).", 5);
  assert.deepEqual(await enter(sh, "register('waiter', W).", 6), ['true']);
  const table = await enter(sh, 'i().', 7);
  assert.match(table[0], /^Pid\s+Initial Call\s+Reds\s+Msgs$/);
  assert.ok(table.some((l) => l.startsWith(`${me} `) && l.includes('shell:eval_loop/0')), table.join('\n'));
  assert.ok(table.some((l) => /^waiter\s+anonymous\/0\s+waiting$/.test(l)), table.join('\n'));
  assert.match(table.at(-2), /^Total: 3 processes, 0 messages queued$/);
  const details = await enter(sh, 'i(W).', 8);
  assert.deepEqual(details.filter((l) => /^(registered_name|status|message_queue_len)/.test(l)),
    ["registered_name     'waiter'", "status              'waiting'", 'message_queue_len   0']);
  const regs = await enter(sh, 'regs().', 9);
  assert.match(regs[1], /^waiter\s+<0\.\d+\.0>\s+anonymous\/0\s+0$/);
  assert.deepEqual(await enter(sh, "W ! 'stop'.", 10), ["'stop'"]);
  assert.deepEqual(await enter(sh, 'i(W).', 11), ["'undefined'"], 'a process that is gone is undefined');
  assert.deepEqual(await enter(sh, 'flush().', 12), ["'ok'"]);
  assert.deepEqual(await enter(sh, "self() ! 'one', self() ! ['two', 2], flush().", 13), ["Shell got 'one'", "Shell got ['two', 2]", "'ok'"]);
  const memory = (await enter(sh, 'memory().', 14)).join(' ');
  for (const key of ['total', 'heap_used', 'process_count']) assert.match(memory, new RegExp(`${key}: \\d+`));
});

test('f(), f(X), b(), v(N), h(), e(N), history(N), results(N)', async (t) => {
  const sh = await shell(t);
  assert.deepEqual(await enter(sh, 'A = 10.', 2), ['10']);
  assert.deepEqual(await enter(sh, 'B = A * 2.', 3), ['20']);
  assert.deepEqual(await enter(sh, 'b().', 4), ['A = 10', 'B = 20', "'ok'"]);
  assert.deepEqual(await enter(sh, 'v(1) + v(-2).', 5), ['30'], 'v(1) is query 1; v(-2) at prompt 4 is query 2');
  assert.deepEqual(await enter(sh, 'e(2).', 6), ['20']);
  assert.deepEqual(await enter(sh, 'e(-4).', 7), ['20'], 'e(-4) at prompt 6 runs command 2 again');
  assert.deepEqual(await enter(sh, 'f(A).', 8), ["'ok'"]);
  assert.deepEqual(await enter(sh, 'b().', 9), ['B = 20', "'ok'"]);
  assert.deepEqual(await enter(sh, 'A = 1.', 10), ['1'], 'a forgotten variable can be bound again');
  assert.deepEqual(await enter(sh, 'f().', 11), ["'ok'"]);
  assert.deepEqual(await enter(sh, 'b().', 12), ['(no bindings)', "'ok'"]);
  assert.deepEqual(await enter(sh, 'history(3).', 13), ['20'], 'history/1 returns the previous setting');
  assert.deepEqual(await enter(sh, 'results(1).', 14), ['20']);
  assert.deepEqual(await enter(sh, 'h().', 15), ['12: history(3).', '13: results(1).', '-> 20', '14: h().', "'ok'"]);
  assert.deepEqual(await enter(sh, 'v(12).', 16), ['** exception error: v(12): no result 12 in history'], 'only one result is kept');
});

test('help() lists the built-ins within 80 columns', async (t) => {
  const sh = await shell(t);
  const help = await enter(sh, 'help().', 2);
  assert.equal(help.at(-1), "'ok'");
  assert.ok(help.every((line) => line.length <= 80), help.find((line) => line.length > 80));
  const text = help.join('\n');
  for (const name of ['c(mod)', 'c(mod, opts)', 'l(mod)', 'lm()', 'mm()', 'm()', 'm(mod)', 'h(mod)', 'cd(dir)', 'pwd()', 'ls()',
    'ls(dir)', 'i()', 'i(pid)', 'regs()', 'flush()', 'f()', 'f(X)', 'b()', 'v(N)', 'h()', 'e(N)', 'history(N)', 'results(N)',
    'pid(0, N, 0)', 'self()', 'memory()', 'q()', 'halt()', 'help()', 'ni()', 'nregs()']) {
    assert.ok(text.includes(name), `help() mentions ${name}`);
  }
});

test('one table of built-ins drives help(), the globals and the forms: they agree', () => {
  const { BUILTINS, builtins, helpText, bareArguments, transformInput, code } = bundleForTest(
    ['src/shell/evaluator/builtins.ts', 'src/shell/forms.ts', 'src/code/moduleHandle.ts'], { requiresPackages: true });
  const help = helpText();
  const host = { job: () => undefined, color: () => false, columns: () => 80 };
  const globals = builtins(host);
  const context = { isVariable: () => true, isModule: () => false, bareArguments };
  for (const [name, row] of Object.entries(BUILTINS)) {
    if (name.includes('.')) {
      // A runtime module's function: its arguments are read by the forms, the module is the global.
      const [module, fn] = name.split('.');
      assert.equal(module, 'code', name);
      assert.equal(typeof code[fn], 'function', `${name} exists`);
      assert.equal(row.make(host), code[fn], `${name} is the runtime's own function`);
      assert.ok(!(name in globals));
    } else {
      assert.equal(typeof globals[name], 'function', `${name} is installed`);
      const usages = Object.keys(row.help);
      assert.ok(usages.length > 0, `help() has a line for ${name}`);
      for (const usage of usages) {
        assert.ok(usage.startsWith(`${name}(`), `${usage} is a form of ${name}`);
        assert.ok(help.includes(`  ${usage} `), `help() shows ${usage}`);
      }
    }
    // The forms quote exactly the bare arguments the table names.
    const args = (row.bare ?? ['atom']).map((kind, i) => (kind === 'variable' ? `Name${i}` : `name${i}`));
    const callee = name.includes('.') ? name.replace('.', ':') : name;
    const code_ = transformInput(`${callee}(${args.join(', ')})`, context);
    (row.bare ?? ['atom']).forEach((kind, i) => {
      const quoted = code_.code.includes(`'${args[i]}'`);
      assert.equal(quoted, row.bare !== undefined && kind !== undefined, `${name}: argument ${i} quoted as the table says (${code_.code})`);
    });
  }
  assert.deepEqual(Object.keys(globals).sort(), Object.keys(BUILTINS).filter((n) => !n.includes('.')).sort());
});

test('Tab completes every built-in of the table with its (', async (t) => {
  const { BUILTINS } = bundleForTest(['src/shell/evaluator/builtins.ts'], { requiresPackages: true });
  const sh = await shell(t);
  for (const name of Object.keys(BUILTINS).filter((n) => !n.includes('.'))) {
    const mark = sh.rawOutput().length;
    await sh.type(name);
    await sh.waitForScreen(() => sh.cursorLine() === `1> ${name}`);
    sh.key('tab');
    // Either the name completes to `name(`, or the bell says there are several candidates:
    // then a second Tab lists them, `name(` among them.
    // (Only the added `(` may be written: the line is not redrawn for text added at its end.)
    await sh.waitFor(new RegExp(`${name}\\(|\x07`), { since: mark });
    if (sh.cursorLine() !== `1> ${name}(`) {
      sh.key('tab');
      await sh.waitFor(new RegExp(`(^|\\s)${name}\\((\\s|$)`, 'm'), { since: mark });
    }
    sh.key('ctrl-u');
    await sh.waitForScreen(() => sh.cursorLine() === '1>');
  }
  // The runtime's own modules complete as modules: `erlang:make` → `erlang:make_ref(`.
  await sh.type('erlang:make');
  sh.key('tab');
  await sh.waitForScreen(() => sh.cursorLine() === '1> erlang:make_ref(');
});

test('q() leaves with status 0, halt(N) with status N', async (t) => {
  const quit = await shell(t);
  await quit.type('q().');
  quit.key('enter');
  assert.equal(await quit.exited(), 0);
  const halted = await shell(t);
  await halted.type('halt(3).');
  halted.key('enter');
  assert.equal(await halted.exited(), 3);
});
