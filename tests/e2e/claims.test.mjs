// The landing section: every claim of the article has a verdict and a link to
// the experiment that shows it. This test follows each link, as a reader
// would, runs that experiment from its card, and checks that what the page
// shows supports the verdict. A verdict changed without its evidence, or
// evidence that stops supporting it, fails here.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openLabPage, unexpectedProblems } from './harness.mjs';

const { lab, page } = await openLabPage();

/** @param {string} text e.g. "Total: 612 ms" or "12.3 ms" or "4.20 µs" or "1.2 s" */
function millis(text) {
  const match = /([\d.]+) (µs|ms|s)\b/.exec(text ?? '');
  assert.ok(match, `not a time: ${text}`);
  return Number(match[1]) * { µs: 0.001, ms: 1, s: 1000 }[/** @type {'µs' | 'ms' | 's'} */ (match[2])];
}

/**
 * Clicks a button of a card and waits for the card's timeline of that run.
 * @param {string} card the card's id
 * @param {string} name the button's accessible name
 */
async function run(card, name) {
  await page.waitForFunction((id) => !document.getElementById(id)?.hasAttribute('aria-busy'), card);
  const before = await page.evaluate(() => /** @type {any} */ (window).lab.lastRun()?.id ?? 0);
  await page.locator(`#${card}`).getByRole('button', { name, exact: true }).click();
  await page.waitForFunction(([id, last]) => {
    const report = /** @type {any} */ (window).lab.lastRun();
    return report && report.id > last && !document.getElementById(/** @type {string} */ (id))?.hasAttribute('aria-busy');
  }, /** @type {const} */ ([card, before]), { timeout: 30_000 });
}

/** The printed lines a card shows, as [text, thread] pairs. @param {string} card */
const lines = (card) => page.locator(`#${card} [data-role="lines"] .line`).evaluateAll((items) =>
  items.map((li) => [li.querySelector('.text')?.textContent, li.querySelector('.thread')?.textContent?.replace(/^on thread /, '')]));

/** @param {string} card */
const total = async (card) => millis(await page.locator(`#${card} [data-role="total"]`).textContent() ?? '');

/**
 * Each claim's experiment, by its data-claim key: the card it must link to,
 * the verdict its result supports, and the run that shows it.
 * @type {Record<string, { card: string, verdict: 'holds' | 'loose' | 'wrong', check: () => Promise<void> }>}
 */
const EXPERIMENTS = {
  simultaneous: {
    card: 'sequence', verdict: 'loose',
    async check() {
      await run('sequence', 'Run concurrent (join)');
      const printed = await lines('sequence');
      // Together, in less than the sum of the sleeps: concurrency...
      assert.deepEqual(printed.map(([text]) => text), ['thread two', 'thread one']);
      // The two tasks' sleeps overlap in the trace: each starts before the other ends.
      const tasks = await page.evaluate(() => /** @type {any} */ (window).lab.lastRun().tasks);
      const [one, two] = ['thread one', 'thread two'].map((name) => tasks.find((/** @type {any} */ t) => t.name === name));
      assert.ok(one.startMs < two.endMs && two.startMs < one.endMs, `not concurrent: ${JSON.stringify(tasks)}`);
      // ...on one thread: not parallelism.
      assert.deepEqual(printed.map(([, thread]) => thread), ['main', 'main']);
    },
  },
  'threads-cost': {
    // Loose: the direction holds, but what is measured is a Web Worker (its
    // own realm and wasm instance), not an OS thread; the page says so.
    card: 'threads', verdict: 'loose',
    async check() {
      const card = page.locator('#threads');
      await card.locator('input[name="workers"]').fill('2');
      await card.locator('input[name="tasks"]').fill('2000');
      await card.getByRole('button', { name: 'Measure the cost' }).click();
      await card.locator('[data-role="cost-table"]').waitFor({ state: 'visible', timeout: 30_000 });
      // In bytes, not a race of times: a task's memory, counted at the
      // allocator, is some bytes (never "0 B" of page growth), far fewer than
      // the wasm memory each worker holds on its own (at least a 64 KiB page).
      const bytes = Number(await card.locator('[data-heap-bytes-each]').getAttribute('data-heap-bytes-each'));
      assert.ok(bytes > 0 && 20 * bytes < 64 * 1024, `heap bytes per task: ${bytes}`);
      assert.match(await card.locator('[data-role="cost-rows"] tr').first().textContent() ?? '', /\d+(\.\d)? (KiB|MiB) of wasm memory/);
      assert.match(await card.locator('[data-role="cost-rows"] tr').first().textContent() ?? '', /each worker its own instance/);
      assert.match(await page.locator('#claims li[data-claim="threads-cost"] .claim-shows').textContent() ?? '', /Web Workers.*own JS realm and its own wasm instance/);
    },
  },
  'block-on': {
    card: 'threads', verdict: 'holds',
    async check() {
      const card = page.locator('#threads');
      const outcome = card.locator('[data-role="block-on-result"]');
      // It runs async code to the end on a worker, blocking that worker...
      await card.getByRole('button', { name: 'block_on a channel on a worker' }).click();
      await page.waitForFunction(() => document.querySelector('#threads [data-role="block-on-result"]')?.getAttribute('data-outcome') === 'returned', null, { timeout: 30_000 });
      assert.match(await outcome.textContent() ?? '', /ran block_on to the end: it returned 42 \(futures::executor::block_on, \d+ polls\)/);
      // ...and deadlocks when the future needs that thread's own event loop.
      await card.getByRole('button', { name: 'block_on a timer on a worker (deadlock)' }).click();
      await page.waitForFunction(() => document.querySelector('#threads [data-role="block-on-result"]')?.getAttribute('data-outcome') === 'deadlocked', null, { timeout: 30_000 });
      assert.match(await outcome.textContent() ?? '', /^Deadlock: worker \d+ gave no answer/);
    },
  },
  faster: {
    card: 'sequence', verdict: 'loose',
    async check() {
      // Judged from each run's trace, not by racing totals: a worker's
      // start-up is in the threads' total and varies with the machine's load.
      // What makes a way faster than the sum is that its two waits overlap.
      await page.evaluate(() => {
        const w = /** @type {any} */ (window);
        w.compared = [];
        addEventListener('lab:run-end', (/** @type {any} */ e) => w.compared.push(e.detail));
      });
      const card = page.locator('#sequence');
      await card.getByRole('button', { name: 'Compare sequential, join and threads' }).click();
      await page.waitForFunction(() => document.querySelector('#sequence [data-role="compare-table"]')?.getAttribute('data-done') === 'true', null, { timeout: 30_000 });
      const runs = Object.fromEntries(await page.evaluate(() => /** @type {any} */ (window).compared
        .filter((/** @type {any} */ r) => r.lesson === 'sequence' || r.mode === 'threads')
        .map((/** @type {any} */ r) => [r.mode, { tasks: r.tasks, threads: r.lines.map((/** @type {any} */ l) => l.thread), totalMs: r.totalMs }])));
      assert.deepEqual(Object.keys(runs), ['sequential', 'concurrent', 'threads']);
      /** @param {any[]} tasks */
      const overlap = (tasks) => {
        const [one, two] = ['thread one', 'thread two'].map((name) => tasks.find((t) => t.name === name));
        return one.startMs < two.endMs && two.startMs < one.endMs;
      };
      // Awaited in sequence: thread two starts only once thread one is done,
      // so the run takes at least the sum of the sleeps (600 + 300 ms).
      assert.equal(overlap(runs.sequential.tasks), false, JSON.stringify(runs.sequential.tasks));
      assert.ok(runs.sequential.totalMs >= 899, JSON.stringify(runs.sequential));
      // Joined, and on two threads, the waits overlap: on one thread for the
      // join, on two workers for the threads.
      assert.equal(overlap(runs.concurrent.tasks), true, JSON.stringify(runs.concurrent.tasks));
      assert.deepEqual(runs.concurrent.threads, ['main', 'main']);
      assert.equal(overlap(runs.threads.tasks), true, JSON.stringify(runs.threads.tasks));
      assert.equal(new Set(runs.threads.threads).size, 2, JSON.stringify(runs.threads.threads));
      // The table shows the three totals side by side.
      const modes = await card.locator('[data-role="compare-rows"] tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-mode')));
      assert.deepEqual(modes, ['sequential', 'concurrent', 'threads']);
    },
  },
  'called-like-functions': {
    card: 'lazy', verdict: 'loose',
    async check() {
      await run('lazy', 'Run both sides');
      const rust = (await lines('lazy')).map(([text]) => text ?? '');
      // The call looks like any other, but returns a future and runs nothing.
      assert.equal(rust[0], 'called a(): it returned a future and ran nothing (it will never be awaited)');
      assert.ok(!rust.includes('A: body runs'), rust.join(' / '));
    },
  },
  'thread-order': {
    card: 'threads', verdict: 'holds',
    async check() {
      await run('threads', 'Run threads');
      const printed = await lines('threads');
      assert.deepEqual(printed.map(([text]) => text), ['thread two', 'thread one']);
      assert.ok(printed.every(([, thread]) => /^worker \d+$/.test(thread ?? '')), JSON.stringify(printed));
    },
  },
  'block-on-order': {
    card: 'sequence', verdict: 'holds',
    async check() {
      await run('sequence', 'Run sequential');
      assert.deepEqual((await lines('sequence')).map(([text]) => text), ['thread one', 'thread two']);
      assert.ok(await total('sequence') >= 899, 'sequential took less than both sleeps added up');
    },
  },
  'async-thread': {
    card: 'threads', verdict: 'wrong',
    async check() {
      await run('threads', 'Run concurrent (async, for comparison)');
      const threads = await page.locator('#threads tr[data-mode="concurrent"] td:last-child').allTextContents();
      assert.deepEqual(threads, ['main', 'main'], 'an async function ran somewhere else than the thread that awaited it');
    },
  },
  'returns-future': {
    card: 'promises', verdict: 'holds',
    async check() {
      await run('promises', 'Cook it (resolves)');
      assert.match(await page.locator('#promises [data-role="outcome"]').textContent() ?? '', /^The Promise resolved with /);
      // The Promise exists before any of the body ran: it has printed nothing yet.
      const atOnce = await page.evaluate(() => {
        const lab = /** @type {any} */ (window).lab;
        const before = lab.lastRun()?.id;
        const promise = lab.cook('rice', { cookMs: 10 });
        return { isPromise: promise instanceof Promise, sameRun: lab.lastRun()?.id === before };
      });
      assert.deepEqual(atOnce, { isPromise: true, sameRun: true });
    },
  },
  'done-or-fail': {
    card: 'promises', verdict: 'loose',
    async check() {
      await run('promises', 'Burn it (rejects)');
      assert.match(await page.locator('#promises [data-role="outcome"]').textContent() ?? '', /^The Promise rejected with .*\(an Error\)\.$/);
    },
  },
  lazy: {
    // Loose: true read as "driven to completion", backwards read literally.
    card: 'lazy', verdict: 'loose',
    async check() {
      await run('lazy', 'Run both sides');
      await page.waitForFunction(() => document.querySelectorAll('#lazy [data-role="js-lines"] li').length === 6);
      const rust = (await lines('lazy')).map(([text]) => text ?? '');
      // B's body ran only once it was awaited; A, never awaited, never ran.
      const awaitB = rust.findIndex((l) => /await B$/.test(l));
      assert.ok(awaitB >= 0 && rust.indexOf('B: body runs') > awaitB, rust.join(' / '));
      assert.ok(!rust.includes('A: body runs'), rust.join(' / '));
      assert.equal(rust.at(-1), 'A dropped: its body never ran');
    },
  },
  kitchen: {
    card: 'kitchen', verdict: 'loose',
    async check() {
      await run('kitchen', 'Run async');
      const printed = (await lines('kitchen')).map(([text, thread]) => { assert.equal(thread, 'main'); return text ?? ''; });
      const pickUp = printed.findIndex((l) => l.startsWith('pick up the phone'));
      // The call is taken while the pot boils, by the one cook, on one thread.
      assert.ok(pickUp > printed.indexOf('wait for the water to boil'), printed.join(' / '));
      assert.ok(pickUp < printed.indexOf('the water boils: cook the pasta'), printed.join(' / '));
    },
  },
  search: {
    card: 'search', verdict: 'loose',
    async check() {
      await run('search', 'Run race');
      const race = await page.evaluate(() => /** @type {any} */ (window).lab.lastRun().tasks.map((/** @type {any} */ t) => t.outcome));
      assert.ok(race.includes('dropped'), `race dropped no request: ${race}`);
      await run('search', 'Run fallback');
      const fallback = await page.evaluate(() => /** @type {any} */ (window).lab.lastRun().tasks.map((/** @type {any} */ t) => t.outcome));
      assert.ok(!fallback.includes('dropped'), `fallback dropped a request: ${fallback}`);
      // What the article describes: a hedged request, the slow one kept while the next is asked.
      await run('search', 'Run hedged');
      const hedged = await page.evaluate(() => Object.fromEntries(/** @type {any} */ (window).lab.lastRun().tasks.map((/** @type {any} */ t) => [t.name, t])));
      assert.ok(hedged.quick.startMs < hedged.slowpoke.endMs, `the hedged requests did not overlap: ${JSON.stringify(hedged)}`);
      assert.equal(hedged.slowpoke.outcome, 'dropped');
    },
  },
  'not-always': {
    card: 'blocking', verdict: 'holds',
    async check() {
      const card = page.locator('#blocking');
      await card.locator('input[name="below"]').fill('3000000');
      await card.getByRole('button', { name: 'Run all three' }).click();
      await page.waitForFunction(() => document.querySelectorAll('#blocking tr[data-mode]').length === 3
        && !document.getElementById('blocking')?.hasAttribute('aria-busy'), null, { timeout: 60_000 });
      const table = await card.locator('tr[data-mode]').evaluateAll((trs) => Object.fromEntries(trs.map((tr) =>
        [tr.getAttribute('data-mode'), { primes: tr.children[1].textContent, job: tr.children[2].textContent ?? '', freeze: tr.children[4].textContent ?? '', thread: tr.children[5].textContent }])));
      assert.deepEqual(Object.keys(table), ['async', 'chunked', 'worker']);
      // The same answer every way; async alone buys nothing: in an async fn the
      // page froze for most of the job...
      assert.equal(table.async.primes, table.worker.primes);
      assert.equal(table.async.thread, 'main');
      assert.ok(millis(table.async.freeze) >= 0.6 * millis(table.async.job), JSON.stringify(table));
      // ...while on a worker the main thread's task gave the thread back (its
      // first poll ended pending) until the worker's answer woke it.
      const polls = await page.evaluate(() => /** @type {any} */ (window).lab.lastRun().events
        .filter((/** @type {any} */ e) => e.task === 'count primes' && e.kind === 'poll-end').map((/** @type {any} */ e) => e.result));
      assert.match(table.worker.thread ?? '', /^worker \d+$/);
      assert.ok(polls.length >= 2 && polls[0] === 'pending' && polls.at(-1) === 'ready', JSON.stringify(polls));
    },
  },
};

const claims = await page.locator('#claims li[data-claim]').evaluateAll((items) => items.map((li) => ({
  key: li.getAttribute('data-claim') ?? '',
  verdict: li.querySelector('.verdict')?.getAttribute('data-verdict'),
  verdictText: li.querySelector('.verdict')?.textContent,
  href: li.querySelector('a[data-role="claim-link"]')?.getAttribute('href'),
})));

test('the landing section comes before the cards and lists every claim of the article once', async () => {
  assert.deepEqual(claims.map((c) => c.key).sort(), Object.keys(EXPERIMENTS).sort());
  // Only the first screen's experiment (the hero) comes before it; every card after.
  const sections = await page.evaluate(() => [...document.querySelectorAll('main > section')].map((s) => ({ id: s.id, card: s.classList.contains('card') })));
  const at = sections.findIndex((s) => s.id === 'claims');
  assert.ok(at >= 0 && sections.slice(0, at).every((s) => !s.card), JSON.stringify(sections));
});

for (const claim of claims) {
  test(`claim "${claim.key}": the link opens its card and the experiment supports "${claim.verdict}"`, async () => {
    const experiment = EXPERIMENTS[claim.key];
    assert.ok(experiment, `no experiment for the claim ${claim.key}`);
    assert.equal(claim.verdict, experiment.verdict);
    assert.equal(claim.verdictText, experiment.verdict, 'the verdict is written, not only coloured');
    assert.equal(claim.href, `#${experiment.card}`);
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.locator(`#claims li[data-claim="${claim.key}"] a[data-role="claim-link"]`).click();
    assert.equal(new URL(page.url()).hash, `#${experiment.card}`);
    // The link leaves the Run button of its mode focused and in view (page-nav.js).
    await page.waitForFunction((id) => {
      const focused = document.activeElement;
      if (!(focused instanceof HTMLButtonElement) || focused.closest('section.card')?.id !== id) return false;
      const { top, bottom } = focused.getBoundingClientRect();
      return top >= 0 && bottom <= innerHeight;
    }, experiment.card);
    await experiment.check();
  });
}

test('no errors in the session but the search lesson\'s own 404s and aborts', () => {
  assert.deepEqual(unexpectedProblems(lab.problems), []);
});
