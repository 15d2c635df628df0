// Takes docs/observer.png: the seed demo in a real shell (in a pseudo-terminal), the fix and
// c(code_reload), then the observer in headless chromium with the server opened.
// Usage: node scripts/build.mjs && node scripts/observer-screenshot.mjs [out.png] [tab]
import { createRequire } from 'node:module';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const pty = require('node-pty');
const { chromium } = require('playwright-core');
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const out = path.resolve(process.argv[2] ?? path.join(root, 'docs', 'observer.png'));
const tab = process.argv[3] ?? 'processes';

const dir = mkdtempSync(path.join(os.tmpdir(), 'eshell-ts-screenshot-'));
const file = path.join(dir, 'code_reload.ts');
copyFileSync(path.join(root, 'modules', 'code_reload.ts'), file);
const shell = pty.spawn(process.execPath, [path.join(root, 'bin', 'eshell-ts')], {
  cwd: dir, cols: 120, rows: 40, env: { ...process.env, HOME: dir, ESHELL_TS_HISTORY: path.join(dir, 'history') },
});
let text = '';
shell.onData((data) => (text += data));
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
async function until(pattern) {
  for (let waited = 0; !pattern.test(text); waited += 50) {
    if (waited > 20000) throw new Error(`never saw ${pattern}:\n${text}`);
    await sleep(50);
  }
  return pattern.exec(text);
}
async function enter(line, prompt) {
  shell.write(`${line}\r`);
  return until(new RegExp(`\\n${prompt}> `));
}

try {
  await until(/1> /);
  await enter('c(code_reload).', 2);
  await enter('ServerPid = code_reload:start_server().', 3);
  await enter('ClientPid = code_reload:start_client(ServerPid).', 4);
  await enter('observer().', 5);
  const url = (await until(/http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]+/))[0];
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', args: ['--no-sandbox'] });
  const page = await browser.newPage({ viewport: { width: 1600, height: 900 } });
  await page.goto(`${url}#${tab}`);
  // The page watches the server in v1, then the fix is loaded: the server moves to v2.
  await sleep(3000);
  writeFileSync(file, readFileSync(file, 'utf8').replace('return M.server_loop(count);', 'return M.server_loop(count + 1);'));
  await enter('c(code_reload).', 6);
  if (tab === 'processes') {
    await page.locator('tr', { has: page.locator('td.col-initialCall', { hasText: 'server_loop' }) }).click();
    await page.locator('.detail .history li', { hasText: 'v2' }).waitFor({ timeout: 10000 });
  }
  await sleep(2500);
  await page.screenshot({ path: out });
  await browser.close();
  console.log(`wrote ${out}`);
} finally {
  shell.kill();
  rmSync(dir, { recursive: true, force: true });
}
