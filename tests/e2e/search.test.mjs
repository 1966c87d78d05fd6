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
/** Whether a test here ran race mode, whose losers are aborted on purpose. */
let raced = false;

function searchStats(mode, options) {
  if (mode === 'race') raced = true;
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

test('with the slow source, fallback waits for it and race does not', async () => {
  await searchStats('race', { slowMs: 1200 });
  const race = await page.evaluate(() => Object.fromEntries(window.lab.lastRun().tasks.map((t) => [t.name, t])));
  // Race: quick answered while slowpoke was still out, and slowpoke was dropped unfinished.
  assert.ok(race.quick.endMs <= race.slowpoke.endMs, JSON.stringify(race));
  assert.deepEqual([race.quick.outcome, race.slowpoke.outcome], ['ready', 'dropped']);
  const fallback = await searchStats('fallback', { slowMs: 1200 });
  assert.equal(fallback.source, 'slowpoke');
  assert.deepEqual(fallback.asked.map((a) => [a.source, a.ok]), [['gone', false], ['slowpoke', true]]);
  assert.ok(fallback.tookMs >= 1199, `fallback took ${fallback.tookMs} ms, less than slowpoke's delay`);
  // Fallback: slowpoke was awaited to its answer.
  const tasks = await page.evaluate(() => window.lab.lastRun().tasks.map((t) => [t.name, t.outcome]));
  assert.deepEqual(tasks, [['gone', 'ready'], ['slowpoke', 'ready']]);
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
  // At once: every request starts before any of them ends, so they all overlap.
  const together = await page.evaluate(() => window.lab.lastRun().tasks);
  const firstEnd = Math.min(...together.map((t) => t.endMs));
  assert.ok(together.every((t) => t.startMs < firstEnd), JSON.stringify(together));
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

test('hedged: a failure asks the next source at once, a slow one gets a hedge, the requests overlap, the first success wins and the rest is aborted', async () => {
  failed.length = 0;
  const result = await searchStats('hedged', { slowMs: 2000, hedgeMs: 200 });
  assert.equal(result.source, 'quick', JSON.stringify(result));
  assert.deepEqual(result.asked.map((a) => [a.source, a.ok]), [['gone', false], ['quick', true]]);
  const report = await page.evaluate(() => window.lab.lastRun());
  assert.equal(report.args.hedgeMs, 200);
  const tasks = Object.fromEntries(report.tasks.map((t) => [t.name, t]));
  // Asked one at a time: slowpoke only once gone had failed, at once, not after the hedge.
  assert.ok(tasks.slowpoke.startMs >= tasks.gone.endMs, JSON.stringify(tasks));
  // quick only after slowpoke had had hedgeMs alone...
  assert.ok(tasks.quick.startMs >= tasks.slowpoke.startMs + 199, JSON.stringify(tasks));
  // ...while slowpoke was still out: the two requests overlap, and slowpoke, kept until then, is aborted.
  assert.ok(tasks.quick.startMs < tasks.slowpoke.endMs, `no overlap: ${JSON.stringify(tasks)}`);
  assert.deepEqual([tasks.gone.outcome, tasks.slowpoke.outcome, tasks.quick.outcome], ['ready', 'dropped', 'ready']);
  assert.ok(await waitForFailure('slowpoke net::ERR_ABORTED'), `slowpoke was not aborted: ${failed}`);
  const lines = report.lines.map((l) => l.text);
  assert.ok(lines.includes('a failure: ask the next one at once'), lines.join(' / '));
  assert.ok(lines.some((l) => l.startsWith('no answer after 200 ms: ask the next one too')), lines.join(' / '));
});

test('hedged, when the first source is quick enough, asks no other', async () => {
  // With a hedge longer than slowpoke's answer, slowpoke answers alone after the 404.
  const result = await searchStats('hedged', { slowMs: 100, hedgeMs: 1000 });
  assert.equal(result.source, 'slowpoke');
  const tasks = await page.evaluate(() => window.lab.lastRun().tasks.map((t) => t.name));
  assert.deepEqual(tasks, ['gone', 'slowpoke']);
});

test('the Run hedged button draws the run with its hedge in the console call', async () => {
  const card = page.locator('#search');
  await card.locator('input[name="slowMs"]').fill('1200');
  await card.getByRole('button', { name: 'Run hedged', exact: true }).click();
  await page.waitForFunction(() => {
    const c = document.getElementById('search');
    return c && c.dataset.mode === 'hedged' && !c.hasAttribute('aria-busy') && !c.querySelector('[data-role="figures"]').hidden;
  }, null, { timeout: 10_000 });
  assert.match(await card.locator('[data-role="figures-caption"]').textContent(), /^Answered by quick/);
  assert.equal(await card.locator('[data-role="console-call"]').textContent(), 'await lab.searchStats("hedged", { timeoutMs: 3000, slowMs: 1200, hedgeMs: 200 })');
});

test('bad arguments reject with a TypeError or RangeError naming the parameter', async () => {
  const results = await page.evaluate(async () => {
    const out = [];
    for (const args of [['fast'], [1], ['race', { timeoutMs: -1 }], ['race', { slowMs: 1e9 }], ['race', 'x'], ['hedged', { hedgeMs: 60001 }], ['hedged', { hedgeMs: '200' }]]) {
      try {
        await window.lab.searchStats(...args);
        out.push('resolved');
      } catch (e) {
        out.push(`${e.name}: ${e.message}`);
      }
    }
    return out;
  });
  assert.match(results[0], /^RangeError: mode must be one of "sequential", "fallback", "race", "all", "hedged" \(got "fast"\)$/);
  assert.match(results[1], /^TypeError: mode must be one of/);
  assert.match(results[2], /^RangeError: options\.timeoutMs must be a whole number of milliseconds from 0 to 60000/);
  assert.match(results[3], /^RangeError: options\.slowMs must be a whole number of milliseconds from 0 to 60000/);
  assert.match(results[4], /^TypeError: options must be an object/);
  assert.match(results[5], /^RangeError: options\.hedgeMs must be a whole number of milliseconds from 0 to 60000 \(got 60001\)$/);
  assert.match(results[6], /^TypeError: options\.hedgeMs must be a whole number of milliseconds from 0 to 60000/);
});

test('no problems in the whole session but the 404s and aborts the lesson is about', () => {
  // The "gone" source's 404 and the aborted losers are the lesson; everything
  // else is a problem.
  assert.deepEqual(unexpectedProblems(lab.problems), []);
  // Run on its own, this test follows no race, and there is no abort to see.
  if (raced) assert.ok(lab.problems.some((p) => SEARCH_LESSON_FAILURES[2].test(p)), 'no aborted request was seen at all');
});
