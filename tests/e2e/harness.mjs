// Shared by the e2e tests: serves the release build (dist/) and opens it in the
// real Chromium from Debian, through Playwright, collecting every page error,
// console error and failed request so a test can assert there were none.
import { chromium } from 'playwright-core';
import { serve } from '../../scripts/serve.mjs';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

// Without the background-networking flags Chromium keeps trying to reach
// Google's services, which a closed network refuses, and logs each refusal.
const FLAGS = [
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * Starts the server and the browser. Call `close()` when done.
 * @param {{ dir?: string }} [options]
 */
export async function openLab({ dir = 'dist' } = {}) {
  const { server, url } = await serve({ dir });
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS, chromiumSandbox: false });
  /** @type {string[]} */
  const problems = [];
  /** @type {{ type: string, text: string }[]} */
  const consoleMessages = [];

  /** A new page at the lab, ready (window.lab set), with errors collected. */
  async function newPage({ viewport = { width: 1280, height: 900 } } = {}) {
    const page = await browser.newPage({ viewport });
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('console', (message) => {
      consoleMessages.push({ type: message.type(), text: message.text() });
      if (message.type() === 'error') problems.push(`console error: ${message.text()}`);
    });
    page.on('requestfailed', (request) => problems.push(`request failed: ${request.url()} ${request.failure()?.errorText}`));
    page.on('response', (response) => {
      if (response.status() >= 400) problems.push(`HTTP ${response.status()}: ${response.url()}`);
    });
    await page.goto(url);
    await page.waitForFunction(() => document.documentElement.dataset.labReady !== undefined, null, { timeout: 15_000 });
    const state = await page.evaluate(() => document.documentElement.dataset.labReady);
    if (state !== 'true') throw new Error(`the lab did not start: ${problems.join('; ')}`);
    return page;
  }

  async function close() {
    await browser.close();
    await new Promise((resolve) => server.close(resolve));
  }

  return { url, newPage, problems, consoleMessages, close };
}
