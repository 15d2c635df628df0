// Faults, broken modules mid-demo: while the demo's server and client run, loading a version
// with a syntax error, one that throws at the top level, and a file with nothing but types
// leaves both processes running on the code they had, with their state intact.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { ROOT, startShell } from './helpers/pty.mjs';
import { tempDir } from './helpers/tempDir.mjs';

const ORIGINAL = fs.readFileSync(path.join(ROOT, 'modules', 'code_reload.ts'), 'utf8');
const FIXED = ORIGINAL.replace('return M.server_loop(count);', 'return M.server_loop(count + 1);');

/** A shell in a temporary directory holding a copy of the demo module. */
async function demoSession(t) {
  const dir = tempDir(t, 'eshell-ts-reload-', { 'code_reload.ts': ORIGINAL });
  const file = path.join(dir, 'code_reload.ts');
  const sh = startShell({ t, cwd: dir, env: { NO_COLOR: '1' }, rows: 50 });
  await sh.waitFor('1> ');
  let prompt = 1;
  const evaluate = async (form, timeout = 10000) => {
    const since = sh.rawOutput().length;
    await sh.type(`${form}\r`);
    prompt++;
    await sh.waitFor(`${prompt}> `, { since, timeout });
    return sh.output().slice(-2000);
  };
  /** Sends the server a message and gives the count it printed for it. */
  let tag = 0;
  const serverCount = async () => {
    const message = `probe${++tag}`;
    const since = sh.rawOutput().length;
    await evaluate(`S ! [self(), "${message}"].`);
    await sh.waitFor(new RegExp(`\\d+: Server <0\\.\\d+\\.0> received message '${message}'`), { since });
    return Number(new RegExp(`(\\d+): Server <0\\.\\d+\\.0> received message '${message}'`).exec(sh.output())[1]);
  };
  /** Starts the demo, fixes its bug, and returns the count the server has reached. */
  const startFixedDemo = async () => {
    await evaluate('c(code_reload).');
    await evaluate('S = code_reload:start_server().');
    await evaluate('Client = code_reload:start_client(S).');
    await sh.waitFor(/0: Server <0\.\d+\.0> received message \[\d+, \d+, \d+\] from/, { timeout: 3000 });
    fs.writeFileSync(file, FIXED);
    assert.match(await evaluate('c(code_reload).'), /\['ok', 'code_reload'\]/);
    // As in the demo, two more 0s: the message awaited by the old version, and the first one
    // the new version gets (the old loop passed it count unchanged).
    await serverCount();
    await serverCount();
    const count = await serverCount();
    assert.ok(count >= 1, `counting after the fix (${count})`);
    return count;
  };
  /** Loads `source` as the module; it must be refused, and the server must count on. */
  const refusedLoad = async (what, source, count) => {
    fs.writeFileSync(file, source);
    const said = await evaluate('c(code_reload).');
    assert.doesNotMatch(said.slice(said.lastIndexOf('c(code_reload).')), /\['ok', 'code_reload'\]/, `${what} must not load`);
    const next = await serverCount();
    assert.ok(next > count, `after ${what}: the count went on from ${count} to ${next}`);
    return next;
  };
  const bothAlive = async () => {
    await evaluate('[is_process_alive(S), is_process_alive(Client)].');
    assert.match(sh.output(), /\[true, true\]/);
    assert.doesNotMatch(sh.output(), /Error in process|killed|purged/);
  };
  return { sh, file, evaluate, serverCount, startFixedDemo, refusedLoad, bothAlive };
}

test('a syntax error and a top-level throw loaded mid-demo change nothing that runs', { timeout: 40000 }, async (t) => {
  assert.notEqual(FIXED, ORIGINAL, 'the demo module still has the line the demo fixes');
  const demo = await demoSession(t);
  let count = await demo.startFixedDemo();
  count = await demo.refusedLoad('a syntax error', FIXED + '\nexport function broken( {\n', count);
  count = await demo.refusedLoad('a top-level throw', FIXED + "\nthrow new Error('refusing to load');\n", count);
  await demo.bothAlive();
  // The next good version loads as usual, and the server goes on counting in it.
  fs.writeFileSync(demo.file, FIXED);
  assert.match(await demo.evaluate('c(code_reload).'), /\['ok', 'code_reload'\]/);
  assert.ok((await demo.serverCount()) > count);
});

test('a type-only file loaded mid-demo changes nothing that runs', { timeout: 40000 }, async (t) => {
  const demo = await demoSession(t);
  const count = await demo.startFixedDemo();
  await demo.refusedLoad('a type-only file', 'export type Count = number;\nexport interface Message { from: unknown }\n', count);
  await demo.bothAlive();
});
