// Shared by the e2e tests: serves the release build (dist/) and opens it in the
// real Chromium from Debian, through Playwright, collecting every page error,
// console error and failed request so a test can assert there were none.
import { mkdir } from 'node:fs/promises';
import { after } from 'node:test';
import { launchChromium } from '../../scripts/chromium.mjs';
import { serve } from '../../scripts/serve.mjs';

/**
 * Starts the server and the browser. Call `close()` when done. With `base`
 * (e.g. '/async-rust-lab/') the site is served under that sub-path only, and
 * `url` ends with it. `isolated: false` serves it without COOP and COEP.
 * @param {{ dir?: string, base?: string, isolated?: boolean }} [options]
 */
export async function openLab({ dir = 'dist', base = '/', isolated = true } = {}) {
  const { server, url } = await serve({ dir, base, isolated });
  // performance.measureUserAgentSpecificMemory() answers only after the
  // browser's next garbage collection, 10 to 40 s away (18 s measured here);
  // this Blink feature makes it measure at once. The figure is the same kind
  // of measurement, taken sooner, so the threads card's "ask the browser"
  // is checked for a figure every time instead of waiting half a minute for one.
  const browser = await launchChromium({ args: ['--enable-blink-features=ForceEagerMeasureMemory'] });
  /** @type {string[]} */
  const problems = [];
  /** @type {{ type: string, text: string }[]} */
  const consoleMessages = [];

  /**
   * A new page of the lab (index.html unless `path` says otherwise), waited for
   * until its root element's `data-<ready>` is set, with errors collected. The
   * lab's page sets `data-lab-ready` once `lab` works and `data-cards-ready` once
   * its cards answer their buttons too, a moment later: tests wait for the cards.
   * `context` adds Playwright browser-context options (colorScheme, reducedMotion...);
   * `beforeLoad(page)` runs before the page is opened (to route requests, say).
   * @param {{ viewport?: { width: number, height: number }, path?: string, ready?: string, context?: import('playwright-core').BrowserContextOptions,
   *           beforeLoad?: (page: import('playwright-core').Page) => Promise<void> }} [options]
   */
  async function newPage({ viewport = { width: 1280, height: 900 }, path = '', ready = 'cardsReady', context = {}, beforeLoad } = {}) {
    const page = await browser.newPage({ viewport, ...context });
    await beforeLoad?.(page);
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('console', (message) => {
      consoleMessages.push({ type: message.type(), text: message.text() });
      if (message.type() === 'error') problems.push(`console error: ${message.text()}`);
    });
    // The site works offline: nothing may be fetched from another host, nor, when
    // served under a sub-path, from outside it (an absolute URL in the site).
    page.on('request', (request) => {
      const target = request.url();
      if (!target.startsWith(url) && !/^(data|blob):/.test(target)) problems.push(`request outside ${url}: ${target}`);
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
 * `base` and `isolated` are openLab's.
 * @param {Parameters<Awaited<ReturnType<typeof openLab>>['newPage']>[0] & { base?: string, isolated?: boolean }} [options]
 */
export async function openLabPage({ base, isolated, ...options } = {}) {
  const lab = await openLab({ base, isolated });
  after(() => lab.close());
  return { lab, page: await lab.newPage(options) };
}

/**
 * What the search lesson makes the browser report as failures, on purpose: the
 * "gone" source's 404 and the aborted losers of a race. The browser reports
 * them as it would any failure; any test that runs the search card expects them.
 */
export const SEARCH_LESSON_FAILURES = [
  /^HTTP 404: .*\/sources\/gone\.json\?/,
  /^console error: Failed to load resource: the server responded with a status of 404 \(Not Found\)$/,
  /^request failed: .*\/sources\/(slowpoke|quick|gone)\.json\?\S* net::ERR_ABORTED$/,
];

/**
 * The problems of a session but the search lesson's own 404s and aborts.
 * @param {string[]} problems
 */
export const unexpectedProblems = (problems) =>
  problems.filter((p) => !SEARCH_LESSON_FAILURES.some((re) => re.test(p)));

/**
 * Where a screenshot named `name` goes: test-results/ (not committed) on every
 * run, and docs/ (the README's pictures) only with LAB_UPDATE_DOCS=1, so that
 * running the tests leaves the work tree clean. Creates the folder.
 * @param {string} name
 */
export async function screenshotPath(name) {
  const dir = process.env.LAB_UPDATE_DOCS === '1' ? 'docs' : 'test-results';
  await mkdir(dir, { recursive: true });
  return `${dir}/${name}`;
}
