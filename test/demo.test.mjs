// The story eshell-ts must tell (docs/DEMO.md), played in a real terminal against the
// real binary: load the buggy server, start server and client, see the count stuck at 0, fix
// the file on disk as a user would, reload, and watch the same server count — with every
// message the client sent arriving once, in order.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync, copyFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startShell, ROOT } from './helpers/pty.mjs';

const SERVER_LINE = /^(\d+): Server (<0\.\d+\.0>) received message \[(\d+), (\d+), (\d+)\] from (<0\.\d+\.0>)$/;

/** The server's lines as the screen shows them (scrollback included). */
function serverLines(sh) {
  return sh
    .allLines()
    .map((line) => line.trim())
    .map((line) => SERVER_LINE.exec(line))
    .filter(Boolean)
    .map(([, count, server, mega, secs, micro, client]) => ({
      count: Number(count),
      server,
      client,
      micros: (Number(mega) * 1e6 + Number(secs)) * 1e6 + Number(micro),
    }));
}

async function untilServerLines(sh, predicate, timeout = 15000) {
  const deadline = Date.now() + timeout;
  for (;;) {
    await sh.settle();
    if (predicate(serverLines(sh))) return;
    if (Date.now() > deadline) throw new Error(`server lines never satisfied the test:\n${sh.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function enter(sh, text) {
  await sh.type(text);
  sh.key('enter');
}

test('the hot-swap demo: the same running server starts counting after c(code_reload)', { timeout: 60000 }, async (t) => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'eshell-ts-demo-'));
  const file = path.join(dir, 'code_reload.ts');
  copyFileSync(path.join(ROOT, 'modules', 'code_reload.ts'), file);
  const sh = startShell({ t, cwd: dir, cols: 100, rows: 40 });
  await sh.waitFor('1> ');

  await enter(sh, 'c(code_reload).');
  await sh.waitFor("['ok', 'code_reload']\r\n2> ");
  await enter(sh, 'ServerPid = code_reload:start_server().');
  await sh.waitFor(/<0\.\d+\.0>\r\n3> /);
  const serverPid = /(<0\.\d+\.0>)\r\n3> /.exec(sh.output())[1];
  await enter(sh, 'ClientPid = code_reload:start_client(ServerPid).');
  await sh.waitFor(/<0\.\d+\.0>\r\n4> /);
  const clientPid = /(<0\.\d+\.0>)\r\n4> /.exec(sh.output())[1];

  await untilServerLines(sh, (lines) => lines.length >= 2);
  assert.ok(serverLines(sh).every((l) => l.count === 0), 'the shipped bug: the count is stuck at 0');

  // The user fixes the bug in an editor while everything keeps running.
  const source = readFileSync(file, 'utf8');
  assert.match(source, /return M\.server_loop\(count\);/);
  writeFileSync(file, source.replace('return M.server_loop(count);', 'return M.server_loop(count + 1);'));
  const before = serverLines(sh).length;
  await enter(sh, 'c(code_reload).');
  await sh.waitFor("['ok', 'code_reload']\r\n5> ");
  await untilServerLines(sh, (lines) => lines.some((l) => l.count === 2));

  const lines = serverLines(sh);
  const afterReload = lines.slice(before).map((l) => l.count);
  // The message already awaited is handled by the old code (0), whose call through the module
  // lands in the new version, which prints 0 once more and then counts.
  assert.deepEqual(afterReload.slice(0, 4), [0, 0, 1, 2].slice(0, afterReload.length));
  assert.ok(lines.every((l) => l.server === serverPid), 'one server pid throughout');
  assert.ok(lines.every((l) => l.client === clientPid), 'one client pid throughout');
  for (let i = 1; i < lines.length; i++) {
    const gap = lines[i].micros - lines[i - 1].micros;
    assert.ok(gap > 0, 'timestamps arrive in order, none twice');
    assert.ok(gap < 1.9e6, `no message missing between ${i - 1} and ${i} (gap ${gap} µs)`);
  }

  await enter(sh, "ClientPid ! [self(), 'quit'].");
  await sh.waitFor(/Received quit command from <0\.\d+\.0>\r\n\[<0\.\d+\.0>, 'quit'\]\r\n6> /);
  await enter(sh, "ServerPid ! [self(), 'quit'].");
  await sh.waitFor(/\[<0\.\d+\.0>, 'quit'\]\r\n7> /, { since: sh.rawOutput().length });
  const quits = sh.output().match(/Received quit command from/g) ?? [];
  assert.equal(quits.length, 2);

  const mark = sh.output().length;
  await enter(sh, 'i().');
  await sh.waitFor(/Total: \d+ processes/);
  const table = sh.output().slice(mark);
  assert.ok(!table.includes(serverPid), 'the server is gone');
  assert.ok(!table.includes(clientPid), 'the client is gone');
});

test('a third load kills a process still in the oldest code, and says so', { timeout: 30000 }, async (t) => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'eshell-ts-purge-'));
  // A loop that calls itself locally never leaves the version that started it.
  writeFileSync(
    path.join(dir, 'stuck.ts'),
    `import { receive, _ } from 'eshell-ts';\nexport function loop(): unknown { return receive([_, () => loop()]); }\n`,
  );
  const sh = startShell({ t, cwd: dir });
  await sh.waitFor('1> ');
  await enter(sh, 'c(stuck).');
  await sh.waitFor('2> ');
  await enter(sh, "P = spawn(stuck, 'loop').");
  await sh.waitFor(/<0\.\d+\.0>\r\n3> /);
  const pid = /(<0\.\d+\.0>)\r\n3> /.exec(sh.output())[1];
  await enter(sh, 'c(stuck).');
  await sh.waitFor('4> ');
  await enter(sh, 'is_process_alive(P).');
  await sh.waitFor('true\r\n5> ');
  await enter(sh, 'c(stuck).');
  await sh.waitFor('6> ');
  assert.match(sh.output(), new RegExp(`killed ${pid.replace(/[<>.]/g, '\\$&')}`));
  await enter(sh, 'is_process_alive(P).');
  await sh.waitFor('false\r\n7> ');
});
