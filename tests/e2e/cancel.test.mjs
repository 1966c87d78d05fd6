// Cancellation: every lesson stops when its { signal } aborts, at a random
// moment: the Promise rejects with an AbortError, no line prints after it,
// every task ends ready or dropped (nothing left running), and the lesson works
// again right after. The card's Stop button and a second Run do the same.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openLabPage } from './harness.mjs';

const { lab, page } = await openLabPage();

/** Each lesson, called with arguments long enough to be stopped mid-run. */
const LESSONS = {
  sequential: 'lab.sequential(600, 300, o)',
  concurrent: 'lab.concurrent(600, 300, o)',
  race: 'lab.race(600, 300, o)',
  kitchen: 'lab.kitchen("async", { cookMs: 1200, callMs: 600, ...o })',
  searchStats: 'lab.searchStats("sequential", { slowMs: 1200, ...o })',
  cook: 'lab.cook("rice", { cookMs: 1500, ...o })',
  lazy: 'lab.lazy(2000, o)',
  handmade: 'lab.handmade(5, 300, o)',
  threads: 'lab.threads(1500, 800, o)',
  threadCost: 'lab.threadCost(4, 10000, { askBrowser: true, ...o })',
  blocking: 'lab.blocking("chunked", 20000000, o)',
  awaitPromise: 'lab.awaitPromise(new Promise(() => {}), o)',
};

for (const [name, call] of Object.entries(LESSONS)) {
  test(`${name} stops on abort: AbortError, no line after it, nothing left running`, async () => {
    const abortAfter = 40 + Math.floor(Math.random() * 120);
    const outcome = await page.evaluate(async ({ call, abortAfter }) => {
      const controller = new AbortController();
      const o = { signal: controller.signal };
      let aborted = false;
      const late = [];
      const onLine = (event) => { if (aborted) late.push(event.detail.line.text); };
      addEventListener('lab:line', onLine);
      // Every timer armed during the call and neither fired nor cleared yet:
      // what the run could have left behind, waited for below (no fixed sleep).
      const { setTimeout: realSet, clearTimeout: realClear } = window;
      /** @type {Map<number, Promise<void>>} */
      const armed = new Map();
      window.setTimeout = (fn, ms, ...rest) => {
        let fired = () => {};
        const done = new Promise((resolve) => { fired = resolve; });
        const id = realSet((...args) => {
          armed.delete(id);
          fired();
          if (typeof fn === 'function') fn(...args);
        }, ms, ...rest);
        armed.set(id, done);
        return id;
      };
      window.clearTimeout = (id) => { armed.delete(id); realClear(id); };
      realSet(() => { aborted = true; controller.abort(); }, abortAfter);
      let error = null;
      try {
        await new Function('lab', 'o', `return ${call}`)(window.lab, o);
      } catch (e) {
        error = { name: e.name, message: e.message };
      } finally {
        window.setTimeout = realSet;
        window.clearTimeout = realClear;
      }
      // Anything the run left behind shows itself by the time its timers have fired.
      await Promise.all(armed.values());
      removeEventListener('lab:line', onLine);
      const report = window.lab.lastRun();
      return { error, late, outcomes: report ? report.tasks.map((t) => t.outcome) : [] };
    }, { call, abortAfter });
    assert.equal(outcome.error?.name, 'AbortError', `${name} after ${abortAfter} ms: ${JSON.stringify(outcome)}`);
    assert.deepEqual(outcome.late, [], `${name} printed after the abort`);
    assert.ok(!outcome.outcomes.includes('running'), `${name} left a task running: ${outcome.outcomes}`);
  });
}

test('an already-aborted signal rejects at once and starts nothing', async () => {
  const result = await page.evaluate(async () => {
    const controller = new AbortController();
    controller.abort();
    const before = window.lab.lastRun()?.id;
    const error = await window.lab.sequential(600, 300, { signal: controller.signal }).catch((e) => e.name);
    return { error, ran: window.lab.lastRun()?.id !== before };
  });
  assert.equal(result.error, 'AbortError');
});

test('a signal that is not an AbortSignal is a TypeError naming options.signal', async () => {
  const message = await page.evaluate(() => window.lab.concurrent(1, 1, { signal: 'stop' }).catch((e) => `${e.name}: ${e.message}`));
  assert.match(message, /^TypeError: options\.signal must be an AbortSignal/);
});

test('every lesson still works after being stopped', async () => {
  assert.deepEqual(await page.evaluate(() => window.lab.concurrent(20, 5)), ['thread two', 'thread one']);
  assert.deepEqual(await page.evaluate(() => window.lab.threads(400, 50)), ['thread two', 'thread one']);
});

test('the Stop button stops the card\'s run, and a second Run stops the first', async () => {
  const card = page.locator('#sequence');
  // A minute each, so that Stop lands while the run is going however slow the
  // machine (at 600 + 300 ms a busy page could finish the run before the click).
  await card.locator('input[name="oneMs"]').fill('60000');
  await card.locator('input[name="twoMs"]').fill('60000');
  await card.getByRole('button', { name: 'Run sequential' }).click();
  await page.waitForFunction(() => document.getElementById('sequence')?.getAttribute('aria-busy') === 'true');
  await card.getByRole('button', { name: 'Stop' }).click();
  const error = card.locator('[data-role="error"]');
  await error.waitFor({ state: 'visible' });
  assert.match(await error.textContent(), /^Stopped/);

  await card.locator('input[name="oneMs"]').fill('600');
  await card.locator('input[name="twoMs"]').fill('300');
  await card.getByRole('button', { name: 'Run sequential' }).click();
  await card.getByRole('button', { name: 'Run concurrent (join)' }).click();
  await page.waitForFunction(() => !document.getElementById('sequence').hasAttribute('aria-busy')
    && !document.querySelector('#sequence [data-role="timeline"]').hidden);
  assert.deepEqual(await card.locator('[data-role="lines"] .text').allTextContents(), ['thread two', 'thread one']);
  assert.match(await card.locator('.stop-note').textContent(), /Running again stops the run in progress/);
});

test('no unexpected errors', () => {
  const unexpected = lab.problems.filter((p) => !/sources\/.*\.json|404 \(Not Found\)|ERR_ABORTED/.test(p));
  assert.deepEqual(unexpected, []);
});
