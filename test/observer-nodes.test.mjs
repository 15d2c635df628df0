// The observer's node tabs, in a real browser, on real nodes: an eshell-ts node with the
// observer, connected to a BEAM node (`erl`) and to a second eshell-ts node. Each connected
// node has a tab listing its processes as it prints them (read by rpc); the page's actions
// reach them through distribution; a node's tab goes when the node does; a node that stops
// answering shows an error while this node's tab goes on updating.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HOST, startCluster } from './helpers/distPeers.mjs';
import { openBrowser, openPage } from './helpers/browser.mjs';

const PID = /<0\.\d+\.\d+>/;

/** An eshell-ts node with the observer running: the node and the page's URL. */
async function observedNode(cluster, name) {
  const node = await cluster.eshell(name);
  const printed = await node.eval('observer()');
  const url = /http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]+/.exec(printed)?.[0];
  assert.ok(url, `observer() printed no URL:\n${printed}`);
  return { node, url };
}

function pidIn(printed) {
  const found = PID.exec(printed);
  assert.ok(found, `no pid in ${printed}`);
  return found[0];
}

test('a tab per connected node: a BEAM node and an eshell-ts node, their processes read by rpc and acted on', { timeout: 120000 }, async (t) => {
  const cluster = await startCluster(t);
  const { node: obs, url } = await observedNode(cluster, 'obs');
  const beam = await cluster.erl('beam', { args: ['-eval', 'register(observed_beam, spawn(fun() -> receive stop -> ok end end))'] });
  const peer = await cluster.eshell('peer');
  const beamName = `beam@${HOST}`;
  const peerName = `peer@${HOST}`;
  const beamPid = pidIn(await beam.eval('whereis(observed_beam)'));
  const peerPid = pidIn(await peer.eval("Observed = spawn(function keep(): any { return receive([['stop'], () => 'ok']); })"));
  assert.equal(await peer.eval("register('observed_ts', Observed)"), 'true');

  const browser = await openBrowser(t);
  const { page, errors } = await openPage(browser, url);
  await page.locator('.status.live').waitFor({ timeout: 15000 });
  // Alive but alone: only this node's tab.
  await page.locator(`.node-tab[data-node="obs@${HOST}"].active`).waitFor({ timeout: 15000 });
  assert.equal(await page.locator('.node-tab').count(), 1);

  // The nodes connect: a tab appears for each, live.
  assert.equal(await obs.eval(`net_adm.ping('${beamName}')`), "'pong'");
  assert.equal(await obs.eval(`net_adm.ping('${peerName}')`), "'pong'");
  await page.locator(`.node-tab[data-node="${beamName}"]`).waitFor({ timeout: 10000 });
  await page.locator(`.node-tab[data-node="${peerName}"]`).waitFor({ timeout: 10000 });

  // The BEAM node's tab: its processes as erl prints them, the one registered by -eval among them.
  await page.click(`.node-tab[data-node="${beamName}"]`);
  const beamRow = page.locator(`tr[data-pid="${beamPid}"]`);
  await beamRow.waitFor({ timeout: 15000 });
  assert.match(await beamRow.innerText(), /observed_beam/);
  assert.match(await beamRow.innerText(), /erlang:apply\/2/, 'the initial call, as {M, F, A} reads');
  assert.match(await beamRow.innerText(), /waiting/);
  // erl's own processes are there too, by their names.
  for (const name of ['code_server', 'rex', 'net_kernel']) await page.locator('tbody tr', { hasText: name }).first().waitFor();
  // Graph and Code show this node only: not offered for another node.
  assert.equal(await page.locator('button[data-tab="graph"]').isDisabled(), true);
  await page.locator('.node-state', { hasText: `${beamName}: read by rpc` }).waitFor();
  // Its figures, in the System tab.
  await page.click('button[data-tab="system"]');
  await page.locator('.system figure[data-chart="Memory"] .value', { hasText: /\d.*B$/ }).waitFor({ timeout: 10000 });
  const beamCount = Number((await page.locator('.system figure[data-chart="Processes"] .value').innerText()).replace(/,/g, ''));
  assert.ok(beamCount > 20, `a BEAM node runs a few dozen processes, the page says ${beamCount}`);
  await page.click('button[data-tab="processes"]');

  // Opened: its details, read by process_info; a message sent from the page arrives in its mailbox.
  await beamRow.click();
  await page.locator('.detail h2', { hasText: beamPid }).waitFor();
  await page.locator('.detail dd', { hasText: 'erlang:apply/2' }).first().waitFor({ timeout: 10000 });
  await page.fill('.detail input[aria-label="message"]', "['hello', 42]");
  await page.click('.detail button.send');
  await page.locator('dialog.confirm', { hasText: `Send ['hello', 42] to ${beamPid} on ${beamName}?` }).waitFor();
  await page.click('dialog.confirm button.confirm-yes');
  await page.locator('.action-result.ok', { hasText: `sent ['hello', 42] to ${beamPid} on ${beamName}` }).waitFor();
  assert.match(await beam.eval('erlang:process_info(whereis(observed_beam), messages)'), /\{messages,\[\{hello,42\}\]\}/);
  await page.locator('.detail .mailbox pre', { hasText: "['hello', 42]" }).waitFor({ timeout: 10000 });
  await page.locator('.detail h3', { hasText: 'Mailbox (1)' }).waitFor();

  // Killed from the page, with the confirmation: gone from erl.
  await page.click('.detail button.kill');
  await page.locator('dialog.confirm', { hasText: `Kill ${beamPid} on ${beamName}?` }).waitFor();
  await page.click('dialog.confirm button.confirm-yes');
  await page.locator('.action-result.ok', { hasText: `killed ${beamPid} on ${beamName}` }).waitFor();
  for (let i = 0; i < 100 && (await beam.eval('whereis(observed_beam)')) !== 'undefined'; i++) await page.waitForTimeout(100);
  assert.equal(await beam.eval('whereis(observed_beam)'), 'undefined');
  await beamRow.waitFor({ state: 'detached', timeout: 10000 });
  await page.locator('.detail .dead', { hasText: `${beamPid} has exited` }).waitFor({ timeout: 10000 });

  // The eshell-ts node's tab: the process it spawned, under its name, as it prints its pid.
  await page.click(`.node-tab[data-node="${peerName}"]`);
  const peerRow = page.locator(`tr[data-pid="${peerPid}"]`);
  await peerRow.waitFor({ timeout: 15000 });
  assert.match(await peerRow.innerText(), /observed_ts/);
  assert.match(await peerRow.innerText(), /keep\/0/);
  // A function in its mailbox cannot travel: the details say so and show the rest.
  await peer.eval('Observed ! [() => 1]');
  await peerRow.click();
  await page.locator('.detail h2', { hasText: peerPid }).waitFor();
  await page.locator('.detail dd', { hasText: 'keep/0' }).first().waitFor({ timeout: 10000 });
  await page.locator('.detail h3', { hasText: 'Mailbox (1)' }).waitFor();
  await page.locator('.detail p', { hasText: `its messages could not be read from ${peerName}` }).waitFor();
  await page.fill('.detail input[aria-label="exit reason"]', "'shutdown'");
  await page.click('.detail button.exit');
  await page.click('dialog.confirm button.confirm-yes');
  await page.locator('.action-result.ok', { hasText: `sent exit signal 'shutdown' to ${peerPid} on ${peerName}` }).waitFor();
  for (let i = 0; i < 100 && (await peer.eval("whereis('observed_ts')")) !== 'undefined'; i++) await page.waitForTimeout(100);
  assert.equal(await peer.eval("whereis('observed_ts')"), 'undefined');
  await peerRow.waitFor({ state: 'detached', timeout: 10000 });

  // The BEAM node dies while its tab is open: the tab goes, the page is back on this node.
  await page.click(`.node-tab[data-node="${beamName}"]`);
  await page.locator('tbody tr', { hasText: 'code_server' }).waitFor({ timeout: 15000 });
  beam.kill();
  await page.locator(`.node-tab[data-node="${beamName}"]`).waitFor({ state: 'detached', timeout: 10000 });
  await page.locator(`.node-tab[data-node="obs@${HOST}"].active`).waitFor();
  await page.locator('tbody tr', { hasText: 'code_server' }).waitFor({ state: 'detached', timeout: 10000 });
  assert.equal(await page.locator('button[data-tab="graph"]').isDisabled(), false);
  assert.equal(await page.locator('.node-tab').count(), 2);
  assert.equal(await obs.eval('nodes()'), `['${peerName}']`);
  assert.deepEqual(errors, []);
});

test('a node that does not answer shows an error on the page; this node\'s tab goes on updating', { timeout: 120000 }, async (t) => {
  const cluster = await startCluster(t);
  const { node: obs, url } = await observedNode(cluster, 'obs');
  const frozen = await cluster.erl('frozen');
  const frozenName = `frozen@${HOST}`;
  assert.equal(await obs.eval(`net_adm.ping('${frozenName}')`), "'pong'");

  const browser = await openBrowser(t);
  const { page, errors } = await openPage(browser, url);
  await page.click(`.node-tab[data-node="${frozenName}"]`, { timeout: 15000 });
  await page.locator('tbody tr', { hasText: 'code_server' }).waitFor({ timeout: 15000 });

  frozen.kill('SIGSTOP'); // connected still (until the tick time), but answering nothing
  t.after(() => frozen.kill('SIGKILL'));
  await page.locator('.node-state.node-error', { hasText: `node not answering: ${frozenName} did not reply within 2 s` }).waitFor({ timeout: 15000 });
  await page.locator(`.node-tab.not-answering[data-node="${frozenName}"]`).waitFor();
  // What was read last stays on the page, said to be from then.
  assert.ok(await page.locator('tbody tr', { hasText: 'code_server' }).count() > 0);

  // This node's tab: live, a process spawned now appears; the shell answers meanwhile.
  await page.click(`.node-tab[data-node="obs@${HOST}"]`);
  const fresh = pidIn(await obs.eval("Fresh = spawn(function fresh(): any { return receive([_, () => fresh()]); })"));
  await page.locator(`tr[data-pid="${fresh}"]`).waitFor({ timeout: 10000 });
  assert.match(await page.locator(`tr[data-pid="${fresh}"]`).innerText(), /fresh\/0/);
  assert.equal(await obs.eval('1 + 1'), '2');
  assert.equal(await page.locator(`.node-tab[data-node="${frozenName}"]`).count(), 1, 'still connected: its tab stays');
  assert.deepEqual(errors, []);
});
