// Start-up (issue 6): the page's critical path to a usable `lab` is main.js, the
// wasm-bindgen glue, lab.js, api-docs.js, the .wasm and the .d.ts, all requested
// at once by the HTML; the lesson cards' modules load only after `lab` is ready.
// And `lab` is not marked ready early: when it is, every export and help() work.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openLabPage } from './harness.mjs';

const { lab, page } = await openLabPage();

/** Every script, wasm and .d.ts the page fetched, in request order, with when each started. */
const scriptRequests = () => page.evaluate(() => performance.getEntriesByType('resource')
  .filter((e) => /\.(js|wasm|d\.ts)$/.test(new URL(e.name).pathname))
  .map((e) => ({ path: new URL(e.name).pathname.replace(/^.*\//, ''), href: e.name, start: e.startTime })));

test('before `lab` is ready the page loads only what `lab` needs, each preloaded by the HTML', async () => {
  const { preloaded, ready } = await page.evaluate(() => ({
    // The entry script is requested by the HTML itself; everything else it needs must be preloaded.
    preloaded: [
      ...[...document.querySelectorAll('link[rel="modulepreload"], link[rel="preload"]')].map((l) => /** @type {HTMLLinkElement} */ (l).href),
      ...[...document.querySelectorAll('script[src]')].map((s) => /** @type {HTMLScriptElement} */ (s).src),
    ],
    ready: performance.getEntriesByName('lab-ready')[0].startTime,
  }));
  const early = (await scriptRequests()).filter((r) => r.start < ready);
  // wasm-bindgen's snippets (pkg/snippets/…) are part of the glue; scripts/build.sh preloads them.
  assert.deepEqual(early.filter((r) => !r.href.includes('/pkg/snippets/')).map((r) => r.path).sort(),
    ['api-docs.js', 'async_rust_lab.d.ts', 'async_rust_lab.js', 'async_rust_lab_bg.wasm', 'lab.js', 'main.js']);
  assert.deepEqual(early.filter((r) => !preloaded.includes(r.href)).map((r) => r.path), [],
    'add a <link rel="modulepreload"> (or preload) to index.html for these');
  assert.deepEqual(preloaded.filter((href) => !early.some((r) => r.href === href)), [],
    'a preload link in index.html for something `lab` does not need competes with what it does');
});

test('the wasm and the .d.ts are fetched once: their preloads are the very responses the page uses', async () => {
  const fetched = (await scriptRequests()).map((r) => r.path);
  assert.equal(fetched.filter((p) => p === 'async_rust_lab_bg.wasm').length, 1, fetched.join(' '));
  assert.equal(fetched.filter((p) => p === 'async_rust_lab.d.ts').length, 1, fetched.join(' '));
  // Chromium warns of a preload nobody used (a mismatched mode or credentials).
  assert.deepEqual(lab.consoleMessages.filter((m) => /preload/i.test(m.text)), []);
});

test('the cards load after `lab` is ready, and then every one of them', async () => {
  const requests = await scriptRequests();
  const ready = await page.evaluate(() => performance.getEntriesByName('lab-ready')[0].startTime);
  const cards = requests.filter((r) => /-card\.js$/.test(r.path));
  assert.deepEqual(cards.map((r) => r.path).sort(),
    ['blocking-card.js', 'compose-card.js', 'kitchen-card.js', 'parallel-card.js', 'promises-card.js', 'search-card.js', 'sequence-card.js', 'stepper-card.js', 'threads-card.js']);
  for (const card of cards) assert.ok(card.start >= ready, `${card.path} requested at ${card.start} ms, before lab-ready at ${ready} ms`);
  // The page's own tools (its table of contents, its console) load with the cards, after `lab` too.
  const tools = requests.filter((r) => /^page-(nav|console)\.js$/.test(r.path));
  assert.deepEqual(tools.map((r) => r.path).sort(), ['page-console.js', 'page-nav.js']);
  for (const tool of tools) assert.ok(tool.start >= ready, `${tool.path} requested at ${tool.start} ms, before lab-ready at ${ready} ms`);
});

test('when the page says `lab` is ready it is: every export is there and help() lists them', async () => {
  // A fresh page, watched from its first script on: the check runs in the very
  // microtask after data-lab-ready is set, before anything else could catch up.
  const fresh = await page.context().browser().newPage();
  try {
    await fresh.addInitScript(() => {
      new MutationObserver((_, observer) => {
        if (document.documentElement.dataset.labReady !== 'true') return;
        observer.disconnect();
        const lab = /** @type {any} */ (window).lab;
        /** @type {any} */ (window).atReady = {
          mark: performance.getEntriesByName('lab-ready').length,
          functions: Object.keys(lab).filter((name) => typeof lab[name] === 'function').sort(),
          help: lab.help().length,
        };
      }).observe(document, { subtree: true, attributes: true, attributeFilter: ['data-lab-ready'] });
    });
    await fresh.goto(lab.url);
    await fresh.waitForFunction(() => /** @type {any} */ (window).atReady);
    const atReady = await fresh.evaluate(() => /** @type {any} */ (window).atReady);
    const later = await page.evaluate(() => Object.keys(window.lab).sort());
    assert.equal(atReady.mark, 1);
    assert.deepEqual(atReady.functions, later);
    for (const name of ['sequential', 'concurrent', 'race', 'threads', 'searchStats', 'blocking', 'help']) assert.ok(later.includes(name), name);
    // One help line per export, each with its signature and summary from the .d.ts.
    assert.equal(atReady.help, later.length - 1);
    const lines = await fresh.evaluate(() => window.lab.help());
    assert.ok(lines.every((line) => /^lab\.\w+\(.*\)/.test(line) && !line.endsWith('(…)')), lines.join('\n'));
    await fresh.waitForFunction(() => document.documentElement.dataset.cardsReady === 'true');
  } finally {
    await fresh.close();
  }
});

test('a Run clicked before its card is mounted runs the lesson once the card is, instead of reloading the page', async () => {
  /** @type {() => void} */
  let release = () => {};
  const held = new Promise((resolve) => { release = () => resolve(undefined); });
  // The sequence card's module is held back, so the button is on the page and its card is not mounted.
  const fresh = await lab.newPage({
    ready: 'labReady',
    beforeLoad: (p) => p.route('**/sequence-card.js', async (route) => { await held; await route.continue(); }),
  });
  try {
    await fresh.evaluate(() => { /** @type {any} */ (window).sameDocument = true; });
    assert.notEqual(await fresh.evaluate(() => document.documentElement.dataset.cardsReady), 'true');
    await fresh.locator('#sequence button[value="concurrent"]').click();
    release();
    await fresh.waitForFunction(() => document.documentElement.dataset.cardsReady === 'true');
    await fresh.waitForFunction(() => document.querySelectorAll('#sequence [data-role="lines"] .text').length === 2);
    assert.equal(await fresh.evaluate(() => /** @type {any} */ (window).sameDocument), true, 'the page was reloaded');
    assert.deepEqual(await fresh.locator('#sequence [data-role="lines"] .text').allTextContents(), ['thread two', 'thread one']);
  } finally {
    await fresh.close();
  }
});

test('the lab marks when it is ready, once, and says so in the console with that time', async () => {
  // How soon is the bench's to measure (npm run bench), not a bound here.
  const marks = await page.evaluate(() => performance.getEntriesByName('lab-ready').map((m) => m.startTime));
  assert.equal(marks.length, 1, JSON.stringify(marks));
  const [ready] = marks;
  assert.ok(ready > 0, `lab ready at ${ready} ms`);
  // The console, the lab's other interface, says so too, with the same time
  // (npm run bench waits for this line instead of polling the page). This
  // file's first page said it first; the pages the tests above open say it too.
  const said = lab.consoleMessages.filter((m) => m.text.startsWith('Async Rust Lab is ready'));
  assert.ok(said.length >= 1 && said.every((m) => m.type === 'info'), JSON.stringify(said));
  assert.equal(said[0].text, `Async Rust Lab is ready (${Math.round(ready)} ms): type lab.help() to see the API.`);
  assert.deepEqual(lab.problems, []);
});
