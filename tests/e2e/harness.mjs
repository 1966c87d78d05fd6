// Shared by the e2e tests: serves the release build (dist/) and opens it in the
// real Chromium from Debian, through Playwright, collecting every page error,
// console error and failed request so a test can assert there were none.
import { after } from 'node:test';
import { launchChromium } from '../../scripts/chromium.mjs';
import { serve } from '../../scripts/serve.mjs';

/**
 * Starts the server and the browser. Call `close()` when done.
 * @param {{ dir?: string }} [options]
 */
export async function openLab({ dir = 'dist' } = {}) {
  const { server, url } = await serve({ dir });
  const browser = await launchChromium();
  /** @type {string[]} */
  const problems = [];
  /** @type {{ type: string, text: string }[]} */
  const consoleMessages = [];

  /**
   * A new page of the lab (index.html unless `path` says otherwise), waited for
   * until its root element's `data-<ready>` is set, with errors collected.
   */
  async function newPage({ viewport = { width: 1280, height: 900 }, path = '', ready = 'labReady' } = {}) {
    const page = await browser.newPage({ viewport });
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('console', (message) => {
      consoleMessages.push({ type: message.type(), text: message.text() });
      if (message.type() === 'error') problems.push(`console error: ${message.text()}`);
    });
    // The site works offline: nothing may be fetched from another host.
    page.on('request', (request) => {
      const target = request.url();
      if (!target.startsWith(url) && !/^(data|blob):/.test(target)) problems.push(`request to another host: ${target}`);
    });
    // A Content-Security-Policy violation is a bug even when nothing visibly breaks.
    await page.addInitScript(() => {
      document.addEventListener('securitypolicyviolation', (event) => {
        console.error(`CSP violation: ${event.violatedDirective} blocked ${event.blockedURI || 'inline code'}`);
      });
    });
    page.on('requestfailed', (request) => problems.push(`request failed: ${request.url()} ${request.failure()?.errorText}`));
    page.on('response', (response) => {
      if (response.status() >= 400) problems.push(`HTTP ${response.status()}: ${response.url()}`);
    });
    await page.goto(url + path);
    await page.waitForFunction((key) => document.documentElement.dataset[key], ready, { timeout: 60_000 });
    const state = await page.evaluate((key) => document.documentElement.dataset[key], ready);
    if (state !== 'true') throw new Error(`${path || 'the lab'} did not start: ${problems.join('; ')}`);
    return page;
  }

  async function close() {
    await browser.close();
    await new Promise((resolve) => server.close(resolve));
  }

  return { url, newPage, problems, consoleMessages, close };
}

/**
 * For a test file's top level: starts the lab, opens one page of it, and closes
 * both after the file's tests. `const { lab, page } = await openLabPage();`
 * @param {Parameters<Awaited<ReturnType<typeof openLab>>['newPage']>[0]} [options]
 */
export async function openLabPage(options) {
  const lab = await openLab();
  after(() => lab.close());
  return { lab, page: await lab.newPage(options) };
}

/**
 * What a search lesson run reports on purpose, as `problems` entries: the
 * "gone" source's 404 and the losers' aborted requests. Every other problem is a bug.
 */
export const searchLessonProblems = [
  /^HTTP 404: .*\/sources\/gone\.json\?/,
  /^console error: Failed to load resource: the server responded with a status of 404 \(Not Found\)$/,
  /^request failed: .*\/sources\/(slowpoke|quick|gone)\.json\?\S* net::ERR_ABORTED$/,
];
