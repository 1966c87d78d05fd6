// Start-up: every module, the wasm and the .d.ts are requested by the HTML's
// preload links, all at once, instead of being discovered import by import.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openLabPage } from './harness.mjs';

const { lab, page } = await openLabPage();

test('every module the page loads at start-up has a preload link in the HTML', async () => {
  const missing = await page.evaluate(() => {
    // The entry script is requested by the HTML itself; everything else must be preloaded.
    const preloaded = new Set([
      ...[...document.querySelectorAll('link[rel="modulepreload"], link[rel="preload"]')].map((l) => l.href),
      ...[...document.querySelectorAll('script[src]')].map((s) => s.src),
    ]);
    return performance.getEntriesByType('resource')
      .map((e) => e.name)
      .filter((name) => /\.(js|wasm|d\.ts)$/.test(new URL(name).pathname))
      // Workers start later on purpose: the service worker and the lessons' workers.
      .filter((name) => !/(worker|sw)\.js$/.test(name))
      .filter((name) => !preloaded.has(name))
      .map((name) => new URL(name).pathname);
  });
  assert.deepEqual(missing, [], 'add a <link rel="modulepreload"> (or preload) to index.html for these');
});

test('the lab is ready soon after navigation (generous: the machine is shared)', async () => {
  const ready = await page.evaluate(() => performance.getEntriesByName('lab-ready')[0].startTime);
  assert.ok(ready < 3000, `lab ready after ${ready} ms`);
  assert.deepEqual(lab.problems, []);
});
