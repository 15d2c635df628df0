// The lessons shipped in modules/, run as the README's walk-throughs tell a teacher to.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync, copyFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runPiped, ROOT } from './helpers/piped.mjs';

test('ping_pong: three pings, three pongs, both finish', () => {
  const { status, stdout } = runPiped('ping_pong:start(3).\ntimer.sleep(100).\n');
  assert.equal(status, 0);
  assert.equal(stdout.match(/pong received ping/g)?.length, 3);
  assert.equal(stdout.match(/ping received pong/g)?.length, 3);
  assert.match(stdout, /pong finished/);
  assert.match(stdout, /ping finished/);
});

test('kv_server: the store survives a reload that adds a feature', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'eshell-ts-kv-'));
  const file = path.join(dir, 'kv_server.ts');
  copyFileSync(path.join(ROOT, 'modules', 'kv_server.ts'), file);
  const upgraded = readFileSync(file, 'utf8').replace(
    "    [['keys', _], ([, from]) => {",
    "    [['size', _], ([, from]) => {\n      send(from as Pid, ['ok', Object.keys(store).length]);\n      return M.loop(store);\n    }],\n    [['keys', _], ([, from]) => {",
  );
  assert.notEqual(upgraded, readFileSync(file, 'utf8'));
  const first = runPiped(
    [
      'c(kv_server).',
      'Kv = kv_server:start().',
      "kv_server:put(Kv, 'lang', 'TypeScript').",
      "kv_server:put(Kv, 'shell', 'Eshell').",
      "kv_server:get(Kv, 'lang').",
      `require('fs').writeFileSync(${JSON.stringify(file)}, ${JSON.stringify(upgraded)}).`,
      'c(kv_server).',
      // The server waits in the old code until its next message, which moves it to the new.
      "kv_server:get(Kv, 'shell').",
      "Kv ! ['size', self()].",
      "receive([['ok', _], ([, n]) => n]).",
      'kv_server:keys(Kv).',
    ].join('\n') + '\n',
    { cwd: dir },
  );
  assert.equal(first.status, 0, first.stderr);
  assert.match(first.stdout, /5> \['ok', 'TypeScript'\]/);
  assert.match(first.stdout, /8> \['ok', 'Eshell'\]/);
  assert.match(first.stdout, /10> 2\n/, 'the upgraded server answers the new request with the old state');
  assert.match(first.stdout, /11> \['ok', \['lang', 'shell'\]\]/);
});

test('ring: a token goes round a ring of processes', () => {
  const { status, stdout } = runPiped('ring:start(100, 10).\n');
  assert.equal(status, 0);
  assert.match(stdout, /1000 hops in [\d.]+ ms/);
  assert.match(stdout, /\['ok', 1000\]/);
});

test('supervision: a crash takes the linked partner down; the trapping supervisor restarts', () => {
  const { status, stdout } = runPiped(
    [
      'S = supervision:start().',
      'W = supervision:crash_worker(S).',
      'timer.sleep(50).',
      'is_process_alive(W).',
      'W2 = supervision:crash_worker(S).',
      'timer.sleep(50).',
      'W2 === W.',
      'is_process_alive(S).',
    ].join('\n') + '\n',
  );
  assert.equal(status, 0);
  assert.match(stdout, /worker <0\.\d+\.0>: crashing/);
  assert.match(stdout, /supervisor: worker <0\.\d+\.0> died \(\['badmatch', 'crash'\]\), restart #1/);
  assert.match(stdout, /4> false/);
  assert.match(stdout, /7> false/);
  assert.match(stdout, /8> true/);
});

test('kitchen: a fridge process behind store/take client calls, bound at the prompt; important() first', () => {
  // erl 25 with kitchen.erl (Learn You Some Erlang's kitchen and multiproc):
  //   2> X = kitchen:store(F, water).            ok
  //   3> {ok, W} = kitchen:take(F, water).       {ok,water}
  //   4> kitchen:take(F, juice).                 not_found
  //   6> kitchen:important().                    [high,high,low,low]
  const { status, stdout } = runPiped(
    [
      "F = kitchen:start(['baking_soda']).",
      "X = kitchen:store(F, 'water').",
      "['ok', W] = kitchen:take(F, 'water').",
      "kitchen:take(F, 'juice').",
      "self() ! [15, 'high'], self() ! [7, 'low'], self() ! [1, 'low'], self() ! [17, 'high'].",
      'kitchen:important().',
      '[X, W].',
      "F ! 'terminate', timer.sleep(20), is_process_alive(F).",
    ].join('\n') + '\n',
  );
  assert.equal(status, 0);
  assert.match(stdout, /2> 'ok'\n3> \['ok', 'water'\]\n4> 'not_found'\n/);
  assert.match(stdout, /6> \['high', 'high', 'low', 'low'\]\n7> \['ok', 'water'\]\n8> false\n/);
});
