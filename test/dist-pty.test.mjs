// The user story, typed at a real terminal: `eshell-ts -sname ping -setcookie demo` next to a
// real `erl -sname pong -setcookie demo`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { enter } from './helpers/prompt.mjs';
import { startShell } from './helpers/pty.mjs';
import { HOST, nameArgs, startCluster, waitUntil } from './helpers/distPeers.mjs';

test('ping, nodes(), {pong, Node} ! {ping, self()} and flush() at the (ping@host) prompt', async (t) => {
  const cluster = await startCluster(t);
  const pong = await cluster.erl('pong');
  await pong.eval('register(pong, spawn(fun L() -> receive {ping, P} -> P ! pong, L() end end))');

  const sh = startShell({ t, args: [...nameArgs('ping'), '-setcookie', 'demo'], env: { ERL_EPMD_PORT: String(cluster.epmdPort) } });
  await sh.waitFor(`(ping@${HOST})1> `, { timeout: 10000 });
  const p = (n) => `(ping@${HOST})${n}`;
  assert.deepEqual(await enter(sh, `net_adm.ping('pong@${HOST}').`, p(2)), ["'pong'"]);
  assert.deepEqual(await enter(sh, 'nodes().', p(3)), [`['pong@${HOST}']`]);
  await enter(sh, `['pong', 'pong@${HOST}'] ! ['ping', self()].`, p(4));
  // flush() until the answer is there, as a person would type it again.
  let prompt = 4;
  let flushed = [];
  while (!flushed.includes("Shell got 'pong'") && prompt < 30) {
    flushed = await enter(sh, 'flush().', p(++prompt));
  }
  assert.deepEqual(flushed, ["Shell got 'pong'", "'ok'"]);

  // From the erl side: a registered name in eshell-ts, and erl's own ping.
  await enter(sh, "register('shell_proc', self()).");
  await sh.waitFor('true');
  assert.equal(await pong.eval(`net_adm:ping('ping@${HOST}')`), 'pong');
  await pong.eval(`{shell_proc, 'ping@${HOST}'} ! hello`);
  const mark = sh.rawOutput().length;
  await enter(sh, 'flush().');
  await sh.waitFor("Shell got 'hello'", { since: mark, timeout: 10000 });
});
