// The search lesson end to end: real fetch through the sources' service worker,
// in the release build, in Chromium.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openLabPage, SEARCH_LESSON_FAILURES, unexpectedProblems } from './harness.mjs';

const { lab, page } = await openLabPage();
/** Every request of the page that failed, as "name errorText", e.g. "slowpoke net::ERR_ABORTED". */
const failed = [];

/** @param {import('playwright-core').Request} request as `failed` lists it, or undefined if not a source's */
const failure = (request) => {
  const source = /\/sources\/([a-z]+)\.json/.exec(request.url())?.[1];
  return source ? `${source} ${request.failure()?.errorText}` : undefined;
};

page.on('requestfailed', (request) => {
  const entry = failure(request);
  if (entry) failed.push(entry);
});

/** Calls lab.searchStats in the page; a rejection comes back as { error, message, asked }. */
function searchStats(mode, options) {
  return page.evaluate(([m, o]) => window.lab.searchStats(m, o).catch(
    (e) => ({ error: e.name, message: e.message, asked: e.asked }),
  ), [mode, options]);
}

/** Waits until `failed` holds `entry`, the way the Network panel would list it: for the browser's report of it, if not in yet. */
async function waitForFailure(entry) {
  if (!failed.includes(entry)) await page.waitForEvent('requestfailed', { predicate: (request) => failure(request) === entry });
  return failed.includes(entry);
}

test('the first search, right after the page loads, waits for the service worker and gets the real figures', async () => {
  const result = await searchStats('race');
  assert.equal(result.source, 'quick', JSON.stringify(result));
  assert.equal(result.figures.date, '2021-01-01');
  assert.match(result.figures.source, /Johns Hopkins/);
  assert.deepEqual(result.figures.countries.find((c) => c.country === 'Argentina'), { country: 'Argentina', confirmed: 1629594, deaths: 43319 });
  assert.ok(await page.evaluate(() => navigator.serviceWorker.controller !== null));
});

test('in race mode the losing request is really aborted, and the trace shows it dropped', async () => {
  failed.length = 0;
  const result = await searchStats('race', { slowMs: 2000 });
  assert.equal(result.source, 'quick');
  assert.ok(await waitForFailure('slowpoke net::ERR_ABORTED'), `slowpoke was not aborted: ${failed}`);
  const tasks = await page.evaluate(() => window.lab.lastRun().tasks);
  assert.deepEqual(tasks.map((t) => [t.name, t.outcome]), [['gone', 'ready'], ['slowpoke', 'dropped'], ['quick', 'ready']]);
  // That it did not wait for the slow source is the drop above, not a time.
});

test('with the slow source, fallback takes longer than race', async () => {
  const race = await searchStats('race', { slowMs: 1200 });
  const fallback = await searchStats('fallback', { slowMs: 1200 });
  assert.equal(fallback.source, 'slowpoke');
  assert.deepEqual(fallback.asked.map((a) => [a.source, a.ok]), [['gone', false], ['slowpoke', true]]);
  assert.ok(fallback.tookMs >= 1199, `fallback took ${fallback.tookMs} ms, less than slowpoke's delay`);
  assert.ok(fallback.tookMs > 2 * race.tookMs, `fallback ${fallback.tookMs} ms against race ${race.tookMs} ms`);
});

test('sequential asks one after the other; all asks at once and compares', async () => {
  const sequential = await searchStats('sequential', { slowMs: 300 });
  const tasks = await page.evaluate(() => window.lab.lastRun().tasks);
  for (let i = 1; i < tasks.length; i += 1) {
    assert.ok(tasks[i].startMs >= tasks[i - 1].endMs, `sequential: ${tasks[i].name} started before ${tasks[i - 1].name} ended`);
  }
  assert.ok(sequential.tookMs >= 80 + 300 + 250 - 1, `sequential took ${sequential.tookMs} ms`);
  const all = await searchStats('all', { slowMs: 300 });
  assert.equal(all.agree, true);
  assert.deepEqual(all.asked.map((a) => a.source), ['gone', 'quick', 'slowpoke']);
  assert.ok(all.tookMs < sequential.tookMs - 200, `all ${all.tookMs} ms against sequential ${sequential.tookMs} ms`);
});

test('the global timeout rejects with a TimeoutError and aborts the request still out', async () => {
  failed.length = 0;
  const result = await searchStats('fallback', { timeoutMs: 400, slowMs: 5000 });
  assert.equal(result.error, 'TimeoutError', JSON.stringify(result));
  assert.match(result.message, /timed out after 400 ms/);
  assert.deepEqual(result.asked.map((a) => a.source), ['gone']);
  assert.ok(await waitForFailure('slowpoke net::ERR_ABORTED'), `slowpoke was not aborted: ${failed}`);
});

test('each Run button draws its run on the card, with the figures of the source that answered', async () => {
  const card = page.locator('#search');
  await card.locator('input[name="slowMs"]').fill('400');
  for (const [button, lanes, answeredBy] of [['Run race', 3, 'quick'], ['Run all', 3, 'quick'], ['Run fallback', 2, 'slowpoke'], ['Run sequential', 3, 'slowpoke']]) {
    await card.getByRole('button', { name: button, exact: true }).click();
    await page.waitForFunction(() => {
      const c = document.getElementById('search');
      return c && !c.hasAttribute('aria-busy') && !c.querySelector('[data-role="figures"]').hidden;
    }, null, { timeout: 10_000 });
    assert.equal(await card.locator('svg.trace .lane-name:not(:first-of-type)').count(), lanes, button);
    assert.match(await card.locator('[data-role="figures-caption"]').textContent(), new RegExp(`^Answered by ${answeredBy}`), button);
    assert.equal(await card.locator('[data-role="figures-rows"] tr').count(), 5);
    if (button === 'Run all') assert.match(await card.locator('[data-role="figures-caption"]').textContent(), /every answer the same/);
  }
  assert.match(await card.locator('[data-role="figures-source"]').textContent(), /^Johns Hopkins University CSSE/);
  assert.match(await card.locator('[data-role="figures-rows"]').textContent(), /Argentina1,629,59443,319/);
});

test('bad arguments reject with a TypeError or RangeError naming the parameter', async () => {
  const results = await page.evaluate(async () => {
    const out = [];
    for (const args of [['fast'], [1], ['race', { timeoutMs: -1 }], ['race', { slowMs: 1e9 }], ['race', 'x']]) {
      try {
        await window.lab.searchStats(...args);
        out.push('resolved');
      } catch (e) {
        out.push(`${e.name}: ${e.message}`);
      }
    }
    return out;
  });
  assert.match(results[0], /^RangeError: mode must be one of "sequential", "fallback", "race", "all" \(got "fast"\)$/);
  assert.match(results[1], /^TypeError: mode must be one of/);
  assert.match(results[2], /^RangeError: options\.timeoutMs must be a whole number of milliseconds from 0 to 60000/);
  assert.match(results[3], /^RangeError: options\.slowMs must be a whole number of milliseconds from 0 to 60000/);
  assert.match(results[4], /^TypeError: options must be an object/);
});

test('no problems in the whole session but the 404s and aborts the lesson is about', () => {
  // The "gone" source's 404 and the aborted losers are the lesson; everything
  // else is a problem.
  assert.deepEqual(unexpectedProblems(lab.problems), []);
  assert.ok(lab.problems.some((p) => SEARCH_LESSON_FAILURES[2].test(p)), 'no aborted request was seen at all');
});
