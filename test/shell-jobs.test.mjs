// Ctrl-G job control against the real evaluator, in a pseudo-terminal, step by step as erl
// (OTP 25) does it. Each test keeps erl's screen for the same keys as the reference.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openShell as shell, enter } from './helpers/prompt.mjs';
import { lastLine } from './helpers/env.mjs';

const BLOCK = 'receive(after(Infinity, () => 1)).';

/** Types a User switch command and waits for the next ` -->` below what it printed. */
async function menu(sh, command, printed = []) {
  await sh.type(command);
  await sh.waitForScreen((lines) => lastLine(lines) === ` --> ${command}`);
  sh.key('enter');
  await sh.waitForScreen((lines) => lines.slice(-2 - printed.length).join('|') === [` --> ${command}`, ...printed, ' -->'].join('|'));
}

async function openMenu(sh) {
  sh.key('ctrl-g');
  await sh.waitForScreen((lines) => lastLine(lines) === ' -->');
}

test('Ctrl-G h lists the commands and j the jobs, with the first one started by init', async (t) => {
  // erl:
  //   User switch command
  //    --> j
  //      1* {shell,start,[init]}
  //    --> c
  const sh = await shell(t);
  await openMenu(sh);
  await sh.type('h');
  sh.key('enter');
  await sh.waitFor('  i [nn]            - interrupt job');
  await menu(sh, 'j', ['   1* {shell,start,[init]}']);
  await sh.type('c');
  sh.key('enter');
  await sh.waitForScreen((lines) => lines.slice(-2).join('|') === ' --> c|1>');
});

test('Ctrl-G i interrupts the blocked evaluation; lines typed meanwhile run at the next prompt', async (t) => {
  // erl:
  //   1> receive after infinity -> ok end.
  //   (typed_while_blocked. typed here, not echoed)
  //   User switch command
  //    --> i
  //    --> c
  //   ** exception exit: killed
  //   2> typed_while_blocked.
  //   typed_while_blocked
  //   3>
  const sh = await shell(t);
  await enter(sh, BLOCK);
  await sh.type("'typed_while_blocked'.");
  sh.key('enter');
  await openMenu(sh);
  await menu(sh, 'i');
  await sh.type('c');
  sh.key('enter');
  await sh.waitForScreen((lines) => lines.slice(-5).join('|') ===
    " --> c|** exception exit: killed|2> 'typed_while_blocked'.|'typed_while_blocked'|3>");
  // i on an idle job prints nothing; a job that does not exist is unknown.
  await openMenu(sh);
  await menu(sh, 'i');
  await menu(sh, 'i 7', ['Unknown job']);
  await menu(sh, 'x', ['Unknown command']);
});

test('the recipe for a stuck shell, Ctrl-G k s c, starts a fresh job with its banner and 1>', async (t) => {
  // erl:
  //   3> X = 5.
  //   4> receive after infinity -> ok end.
  //   User switch command
  //    --> k
  //    --> j
  //    --> c
  //   Unknown job
  //    --> s
  //    --> j
  //      2* {shell,start,[]}
  //    --> c
  //   Eshell V13.1.5  (abort with ^G)
  //   1> X.
  //   * 1:1: variable 'X' is unbound
  const sh = await shell(t);
  await enter(sh, 'X = 5.', 2);
  await enter(sh, BLOCK);
  await openMenu(sh);
  await menu(sh, 'k');
  await menu(sh, 'j');
  await menu(sh, 'c', ['Unknown job']);
  await menu(sh, 's');
  await menu(sh, 'j', ['   2* {shell,start,[]}']);
  await sh.type('c');
  sh.key('enter');
  await sh.waitForScreen((lines) =>
    /^Eshell-TS V[\d.]+ .*\(abort with \^G\)$/.test(lines.at(-2)) && lastLine(lines) === '1>');
  // The new job has its own bindings, and it answers.
  const printed = await enter(sh, 'X.', 2);
  assert.deepEqual(printed, ["* variable 'X' is unbound"]);
  assert.deepEqual(await enter(sh, '1 + 1.', 3), ['2']);
});

test('a job left running keeps running; connecting back waits for its result', async (t) => {
  const sh = await shell(t);
  await enter(sh, 'receive(after(1500, () => "late")).');
  await openMenu(sh);
  await menu(sh, 's');
  await sh.type('c 2');
  sh.key('enter');
  await sh.waitForScreen((lines) => lastLine(lines) === '1>');
  assert.deepEqual(await enter(sh, '7.', 2), ['7']);
  await openMenu(sh);
  await sh.type('c 1');
  sh.key('enter');
  await sh.waitForScreen((lines) => lines.slice(-2).join('|') === "'late'|2>", { timeout: 5000 });
});

/** Ctrl-G, then `command` (`s`, `c 2`...), until `prompt` is the last line. */
async function switchTo(sh, commands, prompt) {
  await openMenu(sh);
  for (const command of commands.slice(0, -1)) await menu(sh, command);
  await sh.type(commands.at(-1));
  sh.key('enter');
  await sh.waitForScreen((lines) => lastLine(lines) === prompt);
}

test('each job owns its declarations: a name declared in job 1 is unknown in job 2, which declares its own', async (t) => {
  // As each erl or IEx evaluator owns its bindings: job 2 starts as a fresh shell would.
  const sh = await shell(t, { cols: 200 });
  assert.deepEqual(await enter(sh, "const x = 'one'.", 2), ['undefined']);
  assert.deepEqual(await enter(sh, 'function twice(n: number) { return n * 2 }', 3), ['undefined']);
  assert.deepEqual(await enter(sh, 'class Point { constructor(readonly x: number) {} }', 4), ['undefined']);
  await switchTo(sh, ['s', 'c'], '1>');
  // A lower-case name nothing defines is an atom, as in a fresh shell; the function is unknown.
  assert.deepEqual(await enter(sh, 'x.', 2), ["'x'"]);
  assert.equal((await enter(sh, 'twice(3).', 3))[0], '** exception error: TypeError: twice is not a function');
  assert.deepEqual(await enter(sh, 'Point.', 4), ["* variable 'Point' is unbound"]);
  // The same names again, differently, with no "already declared".
  assert.deepEqual(await enter(sh, 'const x = 2.', 5), ['undefined']);
  assert.deepEqual(await enter(sh, 'function twice(s: string) { return s + s }', 6), ['undefined']);
  assert.deepEqual(await enter(sh, 'twice(String(x)).', 7), ["'22'"]);
  // Back in job 1, its own names, still constant.
  await switchTo(sh, ['c 1'], '4>');
  assert.deepEqual(await enter(sh, 'x.', 5), ["'one'"]);
  assert.deepEqual(await enter(sh, 'twice(21).', 6), ['42']);
  assert.deepEqual(await enter(sh, 'new Point(3).x.', 7), ['3']);
  assert.equal((await enter(sh, "x = 'changed'.", 8))[0], '** exception error: TypeError: Assignment to constant variable.');
  assert.equal((await enter(sh, 'const x = 3.', 9))[0], "** exception error: SyntaxError: Identifier 'x' has already been declared");
  assert.deepEqual(await enter(sh, 'x.', 10), ["'one'"]);
});

test("a process spawned in job 1 keeps calling job 1's functions after the terminal moved to job 2", async (t) => {
  const sh = await shell(t, { cols: 200 });
  await enter(sh, 'const greeting = (m: string) => `job one got ${m}`', 2);
  // `reply` is declared only after `serve`, which uses it: looked up when called.
  await enter(sh, 'function serve() { return receive([_, (m) => { io.format("~s~n", [reply(m)]); return serve() }]) }', 3);
  await enter(sh, 'function reply(m) { return greeting(m) }', 4);
  assert.deepEqual(await enter(sh, "register('echo', spawn(serve)).", 5), ['true']);
  // A variable of job 1 read by a process it spawned, as an erl fun keeps the bindings it saw.
  await enter(sh, "Suffix = '!'.", 6);
  assert.deepEqual(await enter(sh, "register('shout', spawn(() => receive([_, (m) => io.format('~s~s~n', [m, Suffix])]))).", 7), ['true']);
  await switchTo(sh, ['s', 'c'], '1>');
  await enter(sh, 'const greeting = (m: string) => `job two got ${m}`', 2);
  await enter(sh, 'function reply(m) { return greeting(m) }', 3);
  assert.deepEqual(await enter(sh, 'echo ! hello.', 4), ['job one got hello', "'hello'"]);
  assert.deepEqual(await enter(sh, "reply('x').", 5), ["'job two got x'"]);
  assert.deepEqual(await enter(sh, 'shout ! hey.', 6), ['hey!', "'hey'"]);
  await switchTo(sh, ['c 1'], '7>');
  assert.deepEqual(await enter(sh, 'echo ! again.', 8), ['job one got again', "'again'"]);
});

test("Tab completion in each job offers that job's declarations only", async (t) => {
  const sh = await shell(t, { cols: 200 });
  /** Types `text` and Tab; the line then reads `expected` (one candidate: completed). */
  const tab = async (text, expected) => {
    await sh.type(text);
    sh.key('tab');
    await sh.waitForScreen((lines) => lastLine(lines) === expected);
  };
  await enter(sh, 'const alphaOne = { inJobOne: 1 }', 2);
  await switchTo(sh, ['s', 'c'], '1>');
  await enter(sh, 'const alphaTwo = { inJobTwo: 2 }', 2);
  await tab('alpha', '2> alphaTwo');
  await tab('.in', '2> alphaTwo.inJobTwo');
  sh.key('ctrl-u');
  await switchTo(sh, ['c 1'], '2>');
  await tab('alpha', '2> alphaOne');
  await tab('.in', '2> alphaOne.inJobOne');
});
