// A real headless browser for the observer's tests: Debian's chromium driven by playwright-core
// (which never downloads a browser of its own). A browser that cannot start fails the test
// with the reason: these tests are never skipped.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { chromium } = require('playwright-core');

export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';

/** Launches chromium headless, closed after the test `t`. */
export async function openBrowser(t) {
  let browser;
  try {
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      // As root (CI containers) chromium refuses to start with its sandbox.
      args: process.getuid?.() === 0 ? ['--no-sandbox'] : [],
    });
  } catch (error) {
    throw new Error(`chromium could not start from ${CHROMIUM} (.ci/run installs it with apt): ${error.message}`);
  }
  t.after(() => browser.close());
  return browser;
}

/** A page at `url`, with its script errors collected (a test asserts there are none). */
export async function openPage(browser, url, viewport = { width: 1600, height: 900 }) {
  const page = await browser.newPage({ viewport });
  const errors = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(url);
  return { page, errors };
}
