// The blocking lesson end to end: one CPU-bound job run in an async fn, in
// chunks and on a worker, with the page's frames watched in real Chromium.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openLabPage } from './harness.mjs';

const { lab, page } = await openLabPage();

test('Run all three: the same count each way; the async fn freezes the page, chunks and the worker do not', async () => {
  const card = page.locator('#blocking');
  await card.getByRole('button', { name: 'Run all three' }).click();
  await page.waitForFunction(() => document.querySelectorAll('#blocking [data-role="blocking-rows"] tr').length === 3, null, { timeout: 30_000 });
  const rows = await card.locator('[data-role="blocking-rows"] tr').evaluateAll((trs) =>
    trs.map((tr) => [...tr.children].map((c) => c.textContent)));
  assert.deepEqual(rows.map((r) => r[0]), ['in an async fn', 'in chunks', 'on a worker']);
  assert.equal(new Set(rows.map((r) => r[1])).size, 1, `one count for all three: ${rows.map((r) => r[1])}`);
  assert.deepEqual(rows.map((r) => r[5].replace(/\d+$/, 'N')), ['main', 'main', 'worker N']);
  await page.waitForFunction(() => !document.getElementById('blocking').hasAttribute('aria-busy'));
  assert.equal(await card.locator('[data-role="console-call"]').textContent(), 'await lab.blocking("worker", 3000000)');
});

test('measured from the API: the async fn freezes the page for most of the job in one poll; chunks and the worker give the thread back', async () => {
  const runs = await page.evaluate(async () => {
    const out = {};
    // A longer job than the default, so the freeze dwarfs the noise of a busy machine.
    for (const mode of ['async', 'chunked', 'worker']) {
      const run = await window.lab.blocking(mode, 5_000_000);
      // How each poll of the job's task ended, from the run's trace.
      const polls = window.lab.lastRun().events
        .filter((e) => e.task === 'count primes' && e.kind === 'poll-end').map((e) => e.result);
      out[mode] = { ...run, polls };
    }
    return out;
  });
  const { async: blocked, chunked, worker } = runs;
  assert.equal(chunked.primes, blocked.primes);
  assert.equal(worker.primes, blocked.primes);
  assert.ok(blocked.jobMs >= 100, `the default job should take a few hundred ms, took ${blocked.jobMs}`);
  // The freeze spans most of the job: no frame was drawn while it ran.
  assert.ok(blocked.longestGapMs >= 0.6 * blocked.jobMs, JSON.stringify(blocked));
  // The async fn's job is one poll: the thread was never given back. Chunks
  // give it back after each chunk (a poll that ends pending), and the worker's
  // task is pending until the answer wakes it. The trace says so whatever a
  // busy machine does to the frame times.
  assert.deepEqual(blocked.polls, ['ready']);
  assert.ok(chunked.chunks > 1);
  assert.deepEqual(chunked.polls, [...Array(chunked.chunks).fill('pending'), 'ready']);
  assert.deepEqual(worker.polls.at(0), 'pending');
  assert.deepEqual(worker.polls.at(-1), 'ready');
  assert.notEqual(worker.thread, 'main');
});

test('the ball stands still while the async fn runs, and keeps moving while the worker counts', async () => {
  const stalls = await page.evaluate(async () => {
    const ball = document.querySelector('#blocking [data-role="ball"]');
    /** The longest time the ball's position did not change during a run, in ms. */
    const longestStall = async (mode) => {
      let last = ball.style.left;
      let changedAt = performance.now();
      let longest = 0;
      let moves = 0;
      const watch = setInterval(() => {
        if (ball.style.left === last) return;
        const now = performance.now();
        longest = Math.max(longest, now - changedAt);
        last = ball.style.left;
        changedAt = now;
        moves += 1;
      }, 4);
      try {
        const run = await window.lab.blocking(mode);
        return { longest, moves, jobMs: run.jobMs };
      } finally {
        clearInterval(watch);
      }
    };
    return { async: await longestStall('async'), worker: await longestStall('worker') };
  });
  assert.ok(stalls.async.longest >= 0.6 * stalls.async.jobMs, `the ball moved during the async fn: ${JSON.stringify(stalls)}`);
  // While the worker counts, the ball keeps moving: it was seen at new places
  // during the run (a count of moves, not a time).
  assert.ok(stalls.worker.moves >= 2, `the ball stood still with the worker too: ${JSON.stringify(stalls)}`);
});

test('a worker that cannot load rejects the worker run with a clear Error, and the next run works', async () => {
  const seen = lab.problems.length;
  await page.route('**/worker.js', (route) => route.fulfill({ status: 404, body: 'gone' }));
  const message = await page.evaluate(() => window.lab.blocking('worker', 1000).then(() => null, (e) => `${e.name}: ${e.message}`));
  await page.unroute('**/worker.js');
  lab.problems.splice(seen, lab.problems.length - seen, ...lab.problems.slice(seen).filter((p) => !p.includes('worker.js')));
  assert.match(message, /^Error: the Web Worker "worker \d+" \(\.\/worker\.js\) failed to load or threw/);
  const ok = await page.evaluate(() => window.lab.blocking('worker', 1000));
  assert.equal(ok.primes, 168);
});

test('bad arguments reject with a RangeError or TypeError naming the parameter', async () => {
  const outcomes = await page.evaluate(async () => {
    const out = [];
    for (const args of [['fast'], [1], ['async', 1], ['async', 2.5], ['chunked', '100'], ['worker', 20000001]]) {
      try { await window.lab.blocking(...args); out.push(null); } catch (e) { out.push(`${e.name}: ${e.message}`); }
    }
    return out;
  });
  assert.equal(outcomes[0], 'RangeError: mode must be one of "async", "chunked", "worker" (got "fast")');
  assert.equal(outcomes[1], 'TypeError: mode must be one of "async", "chunked", "worker" (got the number 1)');
  assert.match(outcomes[2], /^RangeError: below must be a whole number of numbers from 2 to 20000000 \(got 1\)/);
  assert.match(outcomes[3], /^RangeError: below must be/);
  assert.match(outcomes[4], /^TypeError: below must be/);
  assert.match(outcomes[5], /^RangeError: below must be/);
});

test('no page errors, console errors or failed requests in the whole session', () => {
  assert.deepEqual(lab.problems, []);
});
