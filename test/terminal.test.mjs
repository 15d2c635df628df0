// The prompt as a person uses it, in a real pseudo-terminal, against the fake evaluator
// (test/fixtures/fakeEvaluator.cjs echoes what it is given).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { startShell } from './helpers/pty.mjs';
import { openShell } from './helpers/prompt.mjs';

/** These tests drive the terminal thread alone, against the protocol-speaking fake evaluator. */
const shell = (t, options = {}) => openShell(t, { fake: true, ...options });

const lastLine = (lines) => lines[lines.length - 1];

test('banner, numbered prompts, and a continuation prompt for an unfinished form', async (t) => {
  const sh = await shell(t);
  assert.match(sh.output(), /^Eshell-TS V0\.1\.0 \(Node v\d+\.\d+\.\d+\) \(abort with \^G\)/);
  await sh.type('hello.');
  sh.key('enter');
  await sh.waitFor('2> ');
  await sh.type('X = [1,');
  sh.key('enter');
  await sh.waitForScreen((lines) => lastLine(lines) === '..');
  await sh.type('2].');
  sh.key('enter');
  await sh.waitForScreen((lines) => lastLine(lines) === '3>');
  assert.deepEqual(sh.screenLines().slice(1), ['1> hello.', 'hello', '2> X = [1,', '.. 2].', 'X = [1,', '2]', '3>']);
});

test('editing keys: move, insert in the middle, delete, kill word, kill to end', async (t) => {
  const sh = await shell(t);
  await sh.type('foo(bar, baz).');
  sh.key('home');
  sh.key('alt-f');
  await sh.type('2');
  sh.key('end');
  sh.key('left');
  sh.key('left');
  sh.key('ctrl-w'); // kills "baz"
  await sh.type('qux');
  sh.key('ctrl-a');
  sh.key('delete');
  await sh.type('g');
  await sh.waitForScreen((lines) => lastLine(lines) === '1> goo2(bar, qux).');
  assert.deepEqual(sh.cursor(), { x: 4, y: 1 });
  sh.key('ctrl-e');
  sh.key('backspace');
  sh.key('ctrl-b');
  sh.key('ctrl-b');
  sh.key('ctrl-k');
  await sh.waitForScreen((lines) => lastLine(lines) === '1> goo2(bar, qu');
  await sh.type(').');
  sh.key('enter');
  await sh.waitFor('goo2(bar, qu)\r\n2> ');
});

test('Ctrl-C on a line with text discards it and gives a fresh prompt', async (t) => {
  const sh = await shell(t);
  await sh.type('never mind');
  sh.key('ctrl-c');
  await sh.waitForScreen((lines) => lines.slice(-2).join('|') === '1> never mind|1>');
  await sh.type('ok.');
  sh.key('enter');
  await sh.waitFor(/\nok\r?\n2> /);
});

test('Up/Down walk the history and give back the draft; history survives a restart', async (t) => {
  const sh = await shell(t);
  for (const form of ['first.', 'second.', 'X = [1,\n2].']) {
    for (const [i, line] of form.split('\n').entries()) {
      if (i) sh.key('enter');
      await sh.type(line);
    }
    sh.key('enter');
  }
  await sh.waitFor('4> ');
  await sh.type('dra');
  sh.key('up');
  await sh.waitForScreen((lines) => lines.slice(-2).join('|') === '4> X = [1,|.. 2].');
  sh.key('up');
  sh.key('up');
  await sh.waitForScreen((lines) => lastLine(lines) === '4> first.');
  sh.key('down');
  sh.key('down');
  sh.key('down');
  await sh.waitForScreen((lines) => lastLine(lines) === '4> dra');
  sh.key('ctrl-u');
  sh.key('ctrl-d');
  assert.equal(await sh.exited(), 0);

  const file = sh.historyFile;
  assert.equal(fs.statSync(file).mode & 0o777, 0o600);
  assert.deepEqual(fs.readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l)), ['first.', 'second.', 'X = [1,\n2].']);

  const again = await shell(t, { env: { ESHELL_TS_HISTORY: file } });
  again.key('up');
  again.key('up');
  await again.waitForScreen((lines) => lastLine(lines) === '1> second.');
});

test('Ctrl-R searches the history backwards, incrementally', async (t) => {
  const sh = await shell(t);
  for (const form of ['lists:map(F, L).', 'io:format("hi").', 'lists:sum(L).']) {
    await sh.type(form);
    sh.key('enter');
  }
  await sh.waitFor('4> ');
  sh.key('ctrl-r');
  await sh.type('lis');
  await sh.waitForScreen((lines) => lastLine(lines) === "(reverse-i-search)'lis': lists:sum(L).");
  sh.key('ctrl-r');
  await sh.waitForScreen((lines) => lastLine(lines) === "(reverse-i-search)'lis': lists:map(F, L).");
  await sh.type('zz');
  await sh.waitForScreen((lines) => lastLine(lines).startsWith("(failed reverse-i-search)'liszz'"));
  sh.key('backspace');
  sh.key('backspace');
  sh.key('right');
  await sh.waitForScreen((lines) => lastLine(lines) === '4> lists:sum(L).');
  assert.equal(sh.cursor().x, 4);
  sh.key('ctrl-r');
  await sh.type('format');
  sh.key('enter');
  await sh.waitFor('io:format("hi")\r\n5> ');
});

test('Tab completes one candidate, extends a common prefix, lists on a second Tab', async (t) => {
  const sh = await shell(t);
  await sh.type('X = io:f');
  sh.key('tab');
  await sh.waitForScreen((lines) => lastLine(lines) === '1> X = io:format(');
  sh.key('ctrl-u');
  await sh.type('li');
  sh.key('tab');
  await sh.waitForScreen((lines) => lastLine(lines) === '1> lists:');
  sh.key('tab');
  await new Promise((r) => setTimeout(r, 50));
  sh.key('tab');
  await sh.waitForScreen((lines) => lines.some((l) => /lists:map\(\s+lists:member\(\s+lists:reverse\(/.test(l)));
  assert.equal(lastLine(sh.screenLines()), '1> lists:');
  assert.equal(sh.cursor().x, '1> lists:'.length);
});

test('input wider than the terminal wraps, and editing it redraws correctly', async (t) => {
  const sh = await shell(t, { cols: 20 });
  await sh.type('abcdefghijklmnopqrstuvwxyz0123456789.');
  await sh.waitForScreen((lines) => lines.slice(-2).join('|') === '1> abcdefghijklmnopq|rstuvwxyz0123456789.');
  // the input filled its last row exactly: the cursor waits at the start of the next one
  assert.deepEqual(sh.cursor(), { x: 0, y: sh.screenLines().length });
  sh.key('home');
  await sh.type('漢字');
  await sh.waitForScreen((lines) => lines.slice(-3).join('|') === '1> 漢字abcdefghijklm|nopqrstuvwxyz0123456|789.');
  assert.deepEqual(sh.cursor(), { x: 7, y: sh.screenLines().length - 3 });
  sh.key('enter');
  await sh.waitFor('2> ');
});

test('keys typed before the evaluator is ready are kept', async (t) => {
  const sh = startShell({ t, fake: true, env: { FAKE_START_DELAY: '400' } });
  await sh.waitFor('1> ');
  await sh.type('early.');
  sh.key('enter');
  await sh.type('later.');
  sh.key('enter');
  await sh.waitForScreen((lines) => lines.slice(-5).join('|') === '1> early.|early|2> later.|later|3>');
});

test('a paste of several forms evaluates them one after another', async (t) => {
  const sh = await shell(t);
  await sh.type('\x1b[200~one.\ntwo.\n\x1b[201~');
  await sh.waitForScreen((lines) => lines.slice(-5).join('|') === '1> one.|one|2> two.|two|3>');
});

test('after a resize the input is redrawn for the new width; Ctrl-L clears the screen', async (t) => {
  const sh = await shell(t, { cols: 40 });
  await sh.type('abcdefghijklmnopqrstuvwxyz');
  await sh.waitForScreen((lines) => lastLine(lines) === '1> abcdefghijklmnopqrstuvwxyz');
  sh.resize(20);
  await sh.waitForScreen((lines) => lines.slice(-2).join('|') === '1> abcdefghijklmnopq|rstuvwxyz');
  sh.key('left');
  await sh.type('_');
  await sh.waitForScreen((lines) => lines.slice(-2).join('|') === '1> abcdefghijklmnopq|rstuvwxy_z');
  assert.equal(sh.cursor().x, 9);
  sh.key('ctrl-l');
  await sh.waitForScreen((lines) => lines.join('|') === '1> abcdefghijklmnopq|rstuvwxy_z');
  assert.deepEqual(sh.cursor(), { x: 9, y: 1 });
});
