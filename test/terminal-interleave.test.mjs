// Output from processes around the line being typed, stopping busy code, and the BREAK and
// User switch menus, in a real pseudo-terminal against the fake evaluator.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openShell } from './helpers/prompt.mjs';
import { lastLine, sleep } from './helpers/env.mjs';

/** These tests drive the terminal thread alone, against the protocol-speaking fake evaluator. */
const shell = (t, options = {}) => openShell(t, { fake: true, ...options });


test('output printed while a person types lands above the prompt, whole and in order', async (t) => {
  const sh = await shell(t);
  const ticks = 150;
  await sh.type(`ticker(${ticks}, 5).`);
  sh.key('enter');
  await sh.waitFor('2> ');
  const typed = 'lists:map(fun(X) -> X * 2 end, [1,2,3]).';
  assert.equal(typed.length, 40);
  await sh.type(typed, { delay: 20 });
  await sh.waitFor(`tick ${ticks}\r\n`);
  await sh.waitForScreen((lines) => lastLine(lines) === `2> ${typed}`);
  const all = sh.allLines();
  const tickLines = all.filter((l) => l.includes('tick') && !l.startsWith('1> '));
  assert.deepEqual(tickLines, Array.from({ length: ticks }, (_, i) => `tick ${i + 1}`));
  // nothing of the typed text was left behind between the output lines
  assert.equal(all.filter((l) => l.startsWith('2>')).length, 1);
  assert.deepEqual(sh.cursor(), { x: `2> ${typed}`.length, y: sh.screenLines().length - 1 });
});

test('a partial line is shown after a short wait, on its own line above the prompt', async (t) => {
  const sh = await shell(t);
  await sh.type('partial(Name? ).');
  sh.key('enter');
  await sh.type('abc');
  await sh.waitForScreen((lines) => lines.slice(-2).join('|') === 'Name?|2> abc');
  assert.equal(sh.cursor().x, 6);
});

test('Ctrl-C stops a busy evaluation and gives the prompt back within a second, twice', async (t) => {
  const sh = await shell(t);
  for (let n = 0; n < 2; n++) {
    await sh.type('busy(20000).');
    sh.key('enter');
    await sleep(100);
    const start = Date.now();
    sh.key('ctrl-c');
    await sh.waitForScreen((lines) => lines.slice(-2).join('|') === '** exception exit: killed|1>', { timeout: 3000 });
    assert.ok(Date.now() - start < 1000, `prompt back after ${Date.now() - start} ms`);
  }
  await sh.type('still here.');
  sh.key('enter');
  await sh.waitFor('still here\r\n2> ');
});

test('Ctrl-C interrupts an evaluation that waits, without any signal', async (t) => {
  const sh = await shell(t);
  await sh.type('wait(20000).');
  sh.key('enter');
  await sleep(50);
  sh.key('ctrl-c');
  await sh.waitForScreen((lines) => lines.slice(-2).join('|') === '** exception exit: interrupted|1>');
});

test('keys typed during an evaluation run after it', async (t) => {
  const sh = await shell(t);
  await sh.type('busy(300).');
  sh.key('enter');
  await sleep(50);
  await sh.type('next.');
  sh.key('enter');
  await sh.waitForScreen((lines) => lines.slice(-5).join('|') === '1> busy(300).|ok|2> next.|next|3>');
});

test('BREAK menu on Ctrl-C at an empty prompt: c continues, p asks the runtime, a aborts', async (t) => {
  const sh = await shell(t);
  sh.key('ctrl-c');
  await sh.waitFor('BREAK: (a)bort (c)ontinue (p)roc info (i)nfo (l)oaded\r\n       (v)ersion (k)ill runaway');
  await sh.type('c');
  await sh.waitForScreen((lines) => lastLine(lines) === '1>');
  await sh.type('x');
  await sh.waitForScreen((lines) => lastLine(lines) === '1> x');
  sh.key('backspace');
  sh.key('ctrl-c');
  await sh.waitFor(/BREAK[^]*BREAK/);
  await sh.type('p');
  await sh.waitForScreen((lines) => lines.slice(-2).join('|') === 'fake process-info|1>');
  sh.key('ctrl-c');
  await sh.waitFor(/(BREAK[^]*){3}/);
  await sh.type('a');
  assert.equal(await sh.exited(), 0);
});

test('BREAK k stops a runaway process that holds the evaluator thread', async (t) => {
  const sh = await shell(t);
  await sh.type('spin(20000).');
  sh.key('enter');
  await sh.waitFor('2> ');
  await sleep(100);
  sh.key('ctrl-c');
  await sh.waitFor('(k)ill runaway');
  await sh.type('k');
  await sh.waitFor('*** runaway process <0.77.0> stopped', { timeout: 2000 });
  // BREAK's k is answered by the terminal thread itself: only the runaway goes, the job stays.
  await sh.waitForScreen((lines) => lines.at(-1) === '2>' && lines.at(-2).startsWith('*** runaway process <0.77.0> stopped'), { timeout: 2000 });
});

test('Ctrl-G: h prints help, j asks the runtime, c goes back, q quits', async (t) => {
  const sh = await shell(t);
  await sh.type('draft');
  sh.key('ctrl-g');
  await sh.waitFor("User switch command (enter 'h' for help)");
  await sh.waitForScreen((lines) => lastLine(lines) === ' -->');
  await sh.type('h');
  sh.key('enter');
  await sh.waitFor('c [nn]            - connect to job');
  await sh.waitFor('? | h             - this message');
  await sh.type('j');
  sh.key('enter');
  await sh.waitForScreen((lines) => lines.slice(-3).join('|') === ' --> j|   1* fake job| -->');
  await sh.type('nonsense');
  sh.key('enter');
  await sh.waitFor('Unknown command');
  await sh.type('c');
  sh.key('enter');
  await sh.waitForScreen((lines) => lastLine(lines) === '1> draft');
  sh.key('ctrl-g');
  await sh.waitForScreen((lines) => lastLine(lines) === ' -->');
  await sh.type('q');
  sh.key('enter');
  assert.equal(await sh.exited(), 0);
});

test('Ctrl-G i stops a busy evaluation; c returns to the prompt', async (t) => {
  const sh = await shell(t);
  await sh.type('busy(20000).');
  sh.key('enter');
  await sleep(50);
  sh.key('ctrl-g');
  await sh.waitFor(' --> ');
  await sh.type('i');
  sh.key('enter');
  await sh.waitFor('*** runaway process <0.40.0> stopped', { timeout: 2000 });
  await sh.waitForScreen((lines) => lines.slice(-2).join('|') === ' --> i| -->');
  await sh.type('c');
  sh.key('enter');
  // As erl: the interrupted evaluation's exit is printed when the menu is left.
  await sh.waitForScreen((lines) => lines.slice(-3).join('|') === ' --> c|** exception exit: killed|1>');
});

test('stray worker console output and a dying evaluator thread are both handled', async (t) => {
  const sh = await shell(t);
  await sh.type('log.');
  sh.key('enter');
  await sh.waitForScreen((lines) => lines.slice(-3).join('|') === 'stray line|ok|2>');
  await sh.type('crash.');
  sh.key('enter');
  await sh.waitFor('*** evaluator thread died: exit code 3');
  await sh.waitFor('variable bindings and processes are lost');
  await sh.waitForScreen((lines) => lastLine(lines) === '1>');
  await sh.type('alive.');
  sh.key('enter');
  await sh.waitFor('alive\r\n2> ');
});

test('halt(N) from the evaluator exits with N', async (t) => {
  const sh = await shell(t);
  await sh.type('halt(3).');
  sh.key('enter');
  assert.equal(await sh.exited(), 3);
});
