// The terminal side of the real shell, in a pseudo-terminal: Tab completion answered by the
// real evaluator, output of a chatty process interleaved with slow typing, and the history
// kept across two runs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { openShell as shell, enter } from './helpers/prompt.mjs';
import { tempDir } from './helpers/tempDir.mjs';
import { lastLine } from './helpers/env.mjs';

/** Types `text`, presses Tab and waits until the input line reads `expected`; a failure names
 *  the case (`why`) and what the line read instead. */
async function complete(sh, text, expected, why = 'Tab completion') {
  await sh.type(text);
  sh.key('tab');
  try {
    await sh.waitForScreen((lines) => lastLine(lines) === expected);
  } catch {
    assert.fail(`${why}: Tab after ${JSON.stringify(text)} should read ${JSON.stringify(expected)}, reads ${JSON.stringify(lastLine(sh.screenLines()))}`);
  }
}

test('Tab completes built-ins, variables, modules on the code path, their exports, and properties', async (t) => {
  const cwd = tempDir(t, 'eshell-shell-terminal-', {
    'greeter.ts': 'export function hello(): string { return "hi"; }\nexport function help_me(): number { return 1; }\n',
  });
  const sh = await shell(t, { cwd });
  await enter(sh, 'ServerPid = self().', 2);
  await enter(sh, 'const config = { alpha: 1, beta: { gamma: 2 } }', 3);

  await complete(sh, 'hel', '3> help(');
  sh.key('ctrl-u');
  await complete(sh, 'Serv', '3> ServerPid');
  sh.key('ctrl-u');
  await complete(sh, 'gree', '3> greeter:', 'a module on the code path, never loaded');
  await complete(sh, 'he', '3> greeter:hel', 'two exports share the prefix');
  await complete(sh, 'l', '3> greeter:hello(');
  await sh.type(').');
  sh.key('enter');
  await sh.waitForScreen((lines) => lines.slice(-2).join('|') === "'hi'|4>");
  await complete(sh, 'greeter.help', '4> greeter.help_me(');
  sh.key('ctrl-u');
  await complete(sh, 'config.be', '4> config.beta');
  await complete(sh, '.g', '4> config.beta.gamma');
  sh.key('ctrl-u');
  await complete(sh, 'greeter:', '4> greeter:hel', "the exports' common prefix");
  sh.key('tab');
  await sh.waitForScreen((lines) => lines.at(-2) === 'hello(    help_me(' && lastLine(lines) === '4> greeter:hel');
});

test('a process printing every few milliseconds while a person types: its lines go above, the input stays whole', async (t) => {
  const sh = await shell(t);
  await sh.type("spawn(() => { let n = 0; const tick = () => receive(after(4, () => {");
  sh.key('enter');
  await sh.waitFor('.. ');
  await sh.type("io.format('tick ~p~n', [n++]); return n < 60 ? tick() : 'done' })); return tick() }).");
  sh.key('enter');
  await sh.waitFor('2> ');
  await sh.type('X = 1 + 2 + 3 + 4.', { delay: 12 });
  sh.key('left');
  await sh.waitFor('tick 59');
  await sh.waitForScreen((lines) => lastLine(lines) === '2> X = 1 + 2 + 3 + 4.' && sh.cursor().x === 20);
  await sh.type('0');
  sh.key('enter');
  await sh.waitForScreen((lines) => lines.slice(-3).join('|') === '2> X = 1 + 2 + 3 + 40.|46|3>');
  const lines = sh.allLines();
  const ticks = lines.filter((line) => line.startsWith('tick'));
  assert.deepEqual(ticks, Array.from({ length: 60 }, (_, i) => `tick ${i}`), 'every line, in order, each on its own row');
  assert.equal(lines.filter((line) => line.includes('X =')).length, 1, 'the half-typed input never lands among the output');
  assert.ok(lines.indexOf('tick 59') < lines.indexOf('2> X = 1 + 2 + 3 + 40.'));
});

test('console.log and a crash report while a person types land above the prompt, on their own lines', async (t) => {
  const sh = await shell(t);
  await sh.type("spawn(() => receive(after(60, () => { console.log('logged', 1); throw 'boom' }))).");
  sh.key('enter');
  await sh.waitFor('2> ');
  await sh.type('Typed = slowly.', { delay: 10 });
  await sh.waitFor("'boom'");
  await sh.waitForScreen((lines) => lastLine(lines) === '2> Typed = slowly.');
  const lines = sh.allLines();
  const at = lines.indexOf('logged 1');
  assert.ok(at > 0, lines.join('\n'));
  assert.match(lines[at + 1], /^=ERROR REPORT==== /);
  assert.deepEqual(lines.slice(at + 2, at + 4), [`Error in process ${lines[at - 1]} with exit value:`, "[['nocatch', 'boom'], []]"]);
  assert.equal(lines.filter((line) => line.includes('Typed')).length, 1);
});

test('history is kept across two runs of the real shell', async (t) => {
  const first = await shell(t);
  await enter(first, 'Answer = 6 * 7.', 2);
  await enter(first, "String(Answer) + '!'.", 3);
  first.key('ctrl-d');
  assert.equal(await first.exited(), 0);
  assert.deepEqual(readFileSync(first.historyFile, 'utf8').trim().split('\n').map((line) => JSON.parse(line)),
    ['Answer = 6 * 7.', "String(Answer) + '!'."]);

  const second = await shell(t, { env: { ESHELL_TS_HISTORY: first.historyFile } });
  second.key('up');
  second.key('up');
  await second.waitForScreen((lines) => lastLine(lines) === '1> Answer = 6 * 7.');
  second.key('enter');
  await second.waitForScreen((lines) => lines.slice(-2).join('|') === '42|2>');
  second.key('up');
  second.key('up');
  await second.waitForScreen((lines) => lastLine(lines) === "2> String(Answer) + '!'.");
  second.key('enter');
  await second.waitForScreen((lines) => lines.slice(-2).join('|') === "'42!'|3>");
});

test('Ctrl-G: a new job has its own variables and line numbers; c switches between jobs', async (t) => {
  const sh = await shell(t);
  await enter(sh, 'Mine = 1.', 2);
  await enter(sh, 'Mine + 1.', 3);
  sh.key('ctrl-g');
  await sh.waitFor(' --> ');
  await sh.type('s');
  sh.key('enter');
  await sh.waitForScreen((lines) => lines.slice(-2).join('|') === ' --> s| -->');
  await sh.type('c 2');
  sh.key('enter');
  // A new job greets with the banner, as a new Eshell does.
  await sh.waitForScreen((lines) => /^Eshell-TS V[\d.]+ .*\(abort with \^G\)$/.test(lines.at(-2)) && lastLine(lines) === '1>');
  assert.deepEqual(await enter(sh, 'Mine.', 2), ["* variable 'Mine' is unbound"]);
  const mark = sh.rawOutput().length;
  sh.key('ctrl-g');
  await sh.waitFor(' --> ', { since: mark });
  await sh.type('c 1');
  sh.key('enter');
  await sh.waitForScreen((lines) => lastLine(lines) === '3>');
  assert.deepEqual(await enter(sh, 'Mine.', 4), ['1']);
});
