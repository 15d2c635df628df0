// The observer in a real browser, on the seed demo in a real shell: observer() prints a URL;
// the page lists the server and the client; after the file is fixed and c(code_reload) runs,
// the Code tab shows the server in the new version; killing the client from the page removes
// it from i(); bad input on the page gets a clear error and nothing else changes; a request
// without the token is refused; observer.stop() ends the server.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from './helpers/pty.mjs';
import { openShell, enter } from './helpers/prompt.mjs';
import { tempDir } from './helpers/tempDir.mjs';
import { openBrowser, openPage } from './helpers/browser.mjs';

const PID = /<0\.\d+\.0>/;

async function bound(sh, input, next) {
  const lines = await enter(sh, input, next);
  const found = lines.map((line) => PID.exec(line)).find(Boolean);
  assert.ok(found, `no pid in ${JSON.stringify(lines)}`);
  return found[0];
}

/** The seed demo in a real shell: the module copied to a fresh directory, compiled, server and client started. */
async function startDemo(t) {
  const dir = tempDir(t, 'eshell-ts-observer-');
  const file = path.join(dir, 'code_reload.ts');
  copyFileSync(path.join(ROOT, 'modules', 'code_reload.ts'), file);
  const sh = await openShell(t, { cwd: dir, cols: 120, rows: 40 });
  await enter(sh, 'c(code_reload).', 2);
  const server = await bound(sh, 'ServerPid = code_reload:start_server().', 3);
  const client = await bound(sh, 'ClientPid = code_reload:start_client(ServerPid).', 4);
  return { sh, file, server, client };
}

/** The demo's fix: the server counts on. */
function fixServer(file) {
  writeFileSync(file, readFileSync(file, 'utf8').replace('return M.server_loop(count);', 'return M.server_loop(count + 1);'));
}

test('the observer shows the seed demo live, follows its reload, and kills from the page', { timeout: 120000 }, async (t) => {
  const { sh, file, server, client } = await startDemo(t);
  const printed = (await enter(sh, 'observer().', 5)).join('\n');
  const url = /http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]+/.exec(printed)?.[0];
  assert.ok(url, `observer() printed no URL:\n${printed}`);

  const withoutToken = url.replace(/\?token=.*/, '');
  assert.equal((await fetch(withoutToken)).status, 403);
  assert.equal((await fetch(`${withoutToken}?token=wrong`)).status, 403);
  const refused = await fetch(`${withoutToken}events?client=x`);
  assert.equal(refused.status, 403);
  assert.match(await refused.text(), /needs the token/);

  const browser = await openBrowser(t);
  const { page, errors } = await openPage(browser, url);

  // Processes: both demo processes, with their initial calls.
  await page.locator(`tr[data-pid="${server}"]`).waitFor({ timeout: 15000 });
  assert.match(await page.locator(`tr[data-pid="${server}"]`).innerText(), /code_reload:server_loop\/1/);
  assert.match(await page.locator(`tr[data-pid="${client}"]`).innerText(), /code_reload:client_loop\/1/);
  await page.locator('.status.live').waitFor();

  // Filter and sort: typing narrows the table to the client; a header click sorts by it.
  await page.fill('input.filter', 'client_loop');
  await page.locator(`tr[data-pid="${server}"]`).waitFor({ state: 'detached' });
  assert.deepEqual(await page.locator('tbody tr').evaluateAll((rows) => rows.map((row) => row.dataset.pid)), [client]);
  await page.fill('input.filter', '');
  await page.locator(`tr[data-pid="${server}"]`).waitFor();
  await page.click('th[data-key="pid"]');
  await page.locator('th[data-key="pid"].sorted.descending').waitFor();
  const pidsShown = async () => (await page.locator('tbody tr').evaluateAll((rows) => rows.map((row) => Number(row.dataset.pid.split('.')[1]))));
  await page.waitForFunction(() => {
    const ids = [...document.querySelectorAll('tbody tr')].map((row) => Number(row.dataset.pid.split('.')[1]));
    return ids.length > 1 && ids.every((id, i) => i === 0 || ids[i - 1] > id);
  });
  assert.ok((await pidsShown()).length >= 4);

  // The fix, as in the demo, then the reload: the Code tab shows v2 with the server in it.
  fixServer(file);
  await enter(sh, 'c(code_reload).', 6);
  await page.click('button[data-tab="code"]');
  const current = page.locator('.module[data-module="code_reload"] .version.current');
  await current.locator('.number', { hasText: 'v2' }).waitFor({ timeout: 10000 });
  await current.locator('.pid-link', { hasText: server }).waitFor({ timeout: 15000 });
  assert.match(await page.locator('.module[data-module="code_reload"] .version.old').textContent(), /old v1/);

  // The process panel: a message that does not parse is refused, and nothing is sent.
  await page.click('button[data-tab="processes"]');
  await page.click(`tr[data-pid="${server}"]`);
  await page.locator('.detail h2', { hasText: server }).waitFor();
  await page.fill('.detail input[aria-label="message"]', "['unclosed'");
  await page.click('.detail button.send');
  await page.click('dialog.confirm button.confirm-yes');
  await page.locator('.action-result.error', { hasText: 'does not parse' }).waitFor();

  // Kill the client from the page, with the confirmation.
  await page.click(`tr[data-pid="${client}"]`);
  await page.locator('.detail h2', { hasText: client }).waitFor();
  await page.click('.detail button.kill');
  await page.locator('dialog.confirm', { hasText: `Kill ${client}?` }).waitFor();
  await page.click('dialog.confirm button.confirm-yes');
  await page.locator('.action-result.ok', { hasText: `killed ${client}` }).waitFor();
  await page.locator(`tr[data-pid="${client}"]`).waitFor({ state: 'detached', timeout: 10000 });
  const table = (await enter(sh, 'i().', 7)).join('\n');
  assert.ok(table.includes(server), table);
  assert.ok(!table.includes(client), `the killed client is still in i():\n${table}`);

  // An action on the process that has died: a clear error on the page.
  await page.locator('.detail .dead', { hasText: `${client} has exited` }).waitFor({ timeout: 10000 });
  await page.click('.detail button.kill');
  await page.click('dialog.confirm button.confirm-yes');
  await page.locator('.action-result.error', { hasText: `no process ${client}: it has exited` }).waitFor();

  // Graph and System draw: the server as a node, five charts with their latest values.
  await page.click('button[data-tab="graph"]');
  await page.locator('.legend .caption', { hasText: /^\d+ processes$/ }).waitFor();
  const drawn = () => page.evaluate(() => {
    const canvas = document.querySelector('canvas.graph');
    return canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data.some((v) => v !== 0);
  });
  for (let i = 0; i < 50 && !(await drawn()); i++) await page.waitForTimeout(100);
  assert.ok(await drawn(), 'the graph canvas stayed empty');
  await page.click('button[data-tab="system"]');
  assert.equal(await page.locator('.system figure').count(), 5);
  await page.locator('.system figure[data-chart="Processes"] .value', { hasText: /^\d+$/ }).waitFor();

  // The shell goes on: the server still counts, the prompt still answers.
  assert.deepEqual(await enter(sh, 'is_process_alive(ServerPid).', 8), ['true']);
  assert.deepEqual(errors, []);

  assert.deepEqual(await enter(sh, 'observer.stop().', 9), ["'ok'"]);
  await assert.rejects(fetch(url), 'the server still answers after observer.stop()');
  await page.locator('.status.lost').waitFor({ timeout: 10000 });
  await page.click('button[data-tab="processes"]');
  await page.click('.detail button.kill');
  await page.click('dialog.confirm button.confirm-yes');
  await page.locator('.action-result.error', { hasText: 'the observer stopped' }).waitFor();
});

test('eshell-ts --observer starts it with the shell; quitting the shell leaves no server', { timeout: 60000 }, async (t) => {
  const dir = tempDir(t, 'eshell-ts-observer-flag-');
  const sh = await openShell(t, { cwd: dir, args: ['--observer'], cols: 120 });
  await sh.waitFor(/Observer running at http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]+/, { timeout: 15000 });
  const url = /http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]+/.exec(sh.output())[0];
  const page = await fetch(url);
  assert.equal(page.status, 200);
  assert.match(await page.text(), /<title>eshell-ts observer<\/title>/);
  await sh.type('q().');
  sh.key('enter');
  await sh.exited();
  await assert.rejects(fetch(url), 'the observer outlived the shell');
});

test('a page opened after the reload still shows when the server moved to the new version', { timeout: 90000 }, async (t) => {
  const { sh, file, server } = await startDemo(t);
  fixServer(file);
  await enter(sh, 'c(code_reload).', 5);
  // The server counts on only once it runs version 2: the move happened before any page.
  await sh.waitFor(/\b1: Server </, { timeout: 15000 });
  const printed = (await enter(sh, 'observer().', 6)).join('\n');
  const url = /http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]+/.exec(printed)?.[0];
  assert.ok(url, `observer() printed no URL:\n${printed}`);
  const browser = await openBrowser(t);
  const { page, errors } = await openPage(browser, url);
  await page.locator(`tr[data-pid="${server}"]`).waitFor({ timeout: 15000 });
  await page.click(`tr[data-pid="${server}"]`);
  await page.locator('.detail h2', { hasText: server }).waitFor();
  const change = page.locator('.detail ul.history li');
  await change.first().waitFor({ timeout: 10000 });
  const changes = await change.allInnerTexts();
  assert.equal(changes.length, 1, `one move, not a return for each call: ${JSON.stringify(changes)}`);
  assert.match(changes[0], /\d\d:\d\d:\d\d\s+code_reload v1 → v2$/);
  assert.deepEqual(errors, []);
  assert.deepEqual(await enter(sh, 'observer.stop().', 7), ["'ok'"]);
});
