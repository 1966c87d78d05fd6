// The threads lesson end to end: cross-origin isolation, two real threads on
// Web Workers, which thread printed what, the cost of a thread, and failures.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { openLabPage } from './harness.mjs';
import { assertThreadsRunOnTwoWorkers, probeWorkerSleep } from './threads-checks.mjs';

const { lab, page } = await openLabPage();

/** What a broken worker.js makes the browser report: its load failure, or its "boom". */
const BROKEN_WORKER_REPORT = /worker\.js|boom/;
/** Whether a test here broke worker.js on purpose, so its reports are expected. */
let brokeTheWorker = false;

/** Runs `body` with worker.js answered by `fulfill`. */
async function withBrokenWorker(fulfill, body) {
  // The browser reports the broken script's failure on its own schedule, at
  // times after the lesson has already rejected: rather than wait an arbitrary
  // while for it, the session's last test leaves these reports out.
  brokeTheWorker = true;
  await page.route('**/worker.js', (route) => route.fulfill(fulfill));
  try {
    return await body();
  } finally {
    await page.unroute('**/worker.js');
  }
}

// The lesson gives a silent worker 15 s before it gives up. That wait is
// spent on a page of its own, started here, while the other tests run: its
// worker.js is a script that never answers, and its run is judged below.
brokeTheWorker = true;
const quietPage = await lab.newPage({
  beforeLoad: (p) => p.route('**/worker.js', (route) => route.fulfill(
    // The COEP header keeps the isolated page willing to run it.
    { status: 200, contentType: 'text/javascript', headers: { 'Cross-Origin-Embedder-Policy': 'require-corp' }, body: 'onmessage = () => {};' },
  )),
});
const neverAnswers = quietPage.evaluate(async () => {
  const started = performance.now();
  const message = await window.lab.threads(0, 0).then(() => null, (e) => `${e.name}: ${e.message}`);
  return { message, ms: performance.now() - started };
});
// Once it has given up, the page's next run loads a real worker.
neverAnswers.then(() => quietPage.unroute('**/worker.js'), () => {});

test('the served site is cross-origin isolated, and dist/_headers tells static hosts to do the same', async () => {
  assert.equal(await page.evaluate(() => globalThis.crossOriginIsolated), true);
  assert.equal(await page.evaluate(() => typeof SharedArrayBuffer), 'function');
  const headers = await readFile('dist/_headers', 'utf8');
  assert.match(headers, /Cross-Origin-Opener-Policy: same-origin/);
  assert.match(headers, /Cross-Origin-Embedder-Policy: require-corp/);
  assert.match(await page.locator('#threads [data-role="isolation"]').textContent(), /cross-origin isolated.*Atomics\.wait/);
});

test('lab.threads() prints thread two then thread one, from two workers that are not the main thread', async () => {
  await assertThreadsRunOnTwoWorkers(page);
});

test('a worker sleeps with Atomics.wait on this isolated page, and the main thread may not', async () => {
  const inWorker = await probeWorkerSleep(page);
  const onMain = await page.evaluate(() => window.lab.workerJob({ kind: 'sleep', n: 5 }));
  assert.equal(inWorker.ok, true);
  assert.equal(inWorker.thread, 'probe');
  assert.equal(inWorker.how, 'Atomics.wait');
  assert.ok(inWorker.tookMs >= 199);
  assert.equal(onMain.thread, 'main');
  assert.equal(onMain.how, 'spin-wait');
});

test('the card shows every line of concurrent on the main thread, and threads on two workers', async () => {
  const card = page.locator('#threads');
  await card.getByRole('button', { name: 'Run concurrent (async, for comparison)' }).click();
  await page.waitForFunction(() => document.querySelectorAll('#threads tr[data-mode="concurrent"]').length === 2);
  await card.getByRole('button', { name: 'Run threads' }).click();
  await page.waitForFunction(() => document.querySelectorAll('#threads tr[data-mode="threads"]').length === 2, null, { timeout: 20_000 });
  const concurrent = await card.locator('tr[data-mode="concurrent"] td:last-child').allTextContents();
  const threads = await card.locator('tr[data-mode="threads"] td:last-child').allTextContents();
  assert.deepEqual(concurrent, ['main', 'main']);
  assert.equal(new Set(threads).size, 2);
  assert.ok(threads.every((t) => t !== 'main'), `threads: ${threads}`);
  await page.waitForFunction(() => !document.getElementById('threads').hasAttribute('aria-busy'));
  assert.deepEqual(await card.locator('[data-role="lines"] .text').allTextContents(), ['thread two', 'thread one']);
  assert.match(await card.locator('[data-role="lines"] .thread').first().textContent(), /on thread worker \d+/);
});

test('a worker that cannot load rejects with a clear Error, from the load failure, and the next run works', async () => {
  const outcome = await withBrokenWorker({ status: 404, contentType: 'text/plain', body: 'gone' }, () =>
    page.evaluate(async () => {
      try {
        await window.lab.threads(50, 10);
        return { error: null };
      } catch (e) {
        return { error: e.name, message: e.message };
      }
    }));
  assert.equal(outcome.error, 'Error', JSON.stringify(outcome));
  assert.match(outcome.message, /Web Worker "worker \d+" \(\.\/worker\.js\) failed to load or threw/);
  // It rejected because the load failed ("failed to load"), not because the load budget ran out.
  // 300 ms apart: two workers start with up to a few hundred ms between them on a
  // loaded machine, and the order is what this checks, not the start-up time.
  assert.deepEqual(await page.evaluate(() => window.lab.threads(300, 0)), ['thread two', 'thread one']);
});

test('a worker whose script throws rejects with the thrown message', async () => {
  const outcome = await withBrokenWorker(
    // The COEP header keeps the isolated page willing to run it: without it the load itself is refused.
    { status: 200, contentType: 'text/javascript', headers: { 'Cross-Origin-Embedder-Policy': 'require-corp' }, body: 'throw new Error("boom");' },
    () => page.evaluate(() => window.lab.threads(50, 10).then(() => null, (e) => `${e.name}: ${e.message}`)),
  );
  assert.match(outcome, /^Error: .*failed to load or threw: .*boom/);
  assert.deepEqual(await page.evaluate(() => window.lab.threads(300, 0)), ['thread two', 'thread one']);
});

test('bad arguments reject with a RangeError or TypeError naming the parameter', async () => {
  const outcomes = await page.evaluate(async () => {
    const calls = [
      () => window.lab.threads(-1),
      () => window.lab.threads(0, 'x'),
      () => window.lab.threadCost(0),
      () => window.lab.threadCost(17),
      () => window.lab.threadCost(1, 100001),
      () => window.lab.threadCost(1, {}),
    ];
    const out = [];
    for (const call of calls) {
      try { await call(); out.push(null); } catch (e) { out.push(`${e.name}: ${e.message}`); }
    }
    return out;
  });
  assert.match(outcomes[0], /^RangeError: oneMs must be a whole number of milliseconds from 0 to 60000/);
  assert.match(outcomes[1], /^TypeError: twoMs must be/);
  assert.match(outcomes[2], /^RangeError: workers must be a whole number of workers from 1 to 16/);
  assert.match(outcomes[3], /^RangeError: workers must be/);
  assert.match(outcomes[4], /^RangeError: tasks must be a whole number of tasks from 1 to 100000/);
  assert.match(outcomes[5], /^TypeError: tasks must be/);
});

test('Measure the cost: the card shows both sides, and a worker holds far more memory than an async task', async () => {
  const card = page.locator('#threads');
  await card.locator('input[name="workers"]').fill('3');
  await card.locator('input[name="tasks"]').fill('20000');
  await card.getByRole('button', { name: 'Measure the cost' }).click();
  await assert.doesNotReject(card.locator('[data-role="cost-progress"]').waitFor({ state: 'visible' }));
  await card.locator('[data-role="cost-table"]').waitFor({ state: 'visible', timeout: 30_000 });
  assert.equal(await card.locator('[data-role="cost-rows"] tr').count(), 2);
  assert.equal(await card.locator('.cost-bar').count(), 2);
  // The progress bar counted the workers as they answered: all 3 of 3.
  const answered = card.locator('progress.cost-answered');
  assert.deepEqual(await answered.evaluate((bar) => [bar.value, bar.max]), [3, 3]);
  const report = await page.evaluate(() => window.lab.lastRun());
  assert.equal(report.mode, 'threadCost');
  const cost = await page.evaluate(() => window.lab.threadCost(2, 10000));
  assert.equal(cost.threads.count, 2);
  assert.equal(cost.tasks.count, 10000);
  // What a thread costs against a task, in bytes (the times are the bench's to
  // compare): each worker has its own wasm memory, at least one 64 KiB page...
  assert.ok(cost.threads.memoryBytes >= 2 * 64 * 1024, `each worker has its own wasm memory: ${cost.threads.memoryBytes}`);
  // ...and a task some bytes, counted at the allocator (not the wasm memory,
  // which grows by 64 KiB pages): far fewer than a worker's.
  assert.ok(cost.tasks.heapBytesEach > 0, `heap bytes per task: ${cost.tasks.heapBytesEach}`);
  assert.ok(cost.threads.memoryBytes / cost.threads.count > 20 * cost.tasks.heapBytesEach, JSON.stringify(cost));
  assert.equal(cost.threads.heapBytesEach, null);
  const shown = await card.locator('[data-heap-bytes-each]').getAttribute('data-heap-bytes-each');
  assert.ok(Number(shown) > 0, `the card shows ${shown} bytes per task`);
});

test('asked to, the browser reports the memory it attributes to the workers while they are alive', async () => {
  const card = page.locator('#threads');
  await card.locator('input[name="workers"]').fill('2');
  await card.locator('input[name="tasks"]').fill('100');
  await card.locator('input[name="askBrowser"]').check();
  await card.getByRole('button', { name: 'Measure the cost' }).click();
  await page.waitForFunction(() => /Measured in/.test(document.querySelector('#threads [data-role="cost-progress"]').textContent), null, { timeout: 60_000 });
  const report = await page.evaluate(() => window.lab.lastRun());
  assert.equal(report.mode, 'threadCost');
  const texts = report.lines.map((l) => l.text);
  // The harness's browser measures memory at once (ForceEagerMeasureMemory),
  // so the answer is in the run every time.
  const said = texts.find((text) => text.startsWith('the browser says'));
  assert.ok(said !== undefined, texts.join('\n'));
  assert.match(said, /^the browser says the 2 workers use \d+ bytes$/, texts.join('\n'));
  const bytes = Number(/use (\d+) bytes/.exec(said)[1]);
  assert.ok(bytes > 0);
  const row = await card.locator('[data-role="cost-rows"] tr').first().locator('td').allTextContents();
  assert.match(row.at(-1), /\d (B|KiB|MiB)$/);
  await card.locator('input[name="askBrowser"]').uncheck();
});

test('block_on on a worker: a future that needs nothing from outside returns, blocking that thread', async () => {
  const result = await page.evaluate(() => window.lab.blockOn('channel'));
  assert.equal(result.deadlocked, false, JSON.stringify(result));
  assert.equal(result.value, 42);
  assert.match(result.thread, /^worker \d+$/);
  // Pending on the first poll (the sender yields), then woken from inside and polled again.
  const polls = Number(/(\d+) polls/.exec(result.how)?.[1]);
  assert.ok(polls >= 2, result.how);
  assert.match(result.how, /^futures::executor::block_on/);
});

test('block_on on a worker over a timer of that worker deadlocks: the page detects it, terminates the worker, and keeps working', async () => {
  const card = page.locator('#threads');
  await card.getByRole('button', { name: 'block_on a timer on a worker (deadlock)' }).click();
  const outcome = card.locator('[data-role="block-on-result"][data-outcome]');
  await outcome.waitFor({ state: 'visible', timeout: 30_000 });
  assert.equal(await outcome.getAttribute('data-outcome'), 'deadlocked');
  assert.match(await outcome.textContent(), /^Deadlock: worker \d+ gave no answer/);
  const report = await page.evaluate(() => window.lab.lastRun());
  assert.equal(report.mode, 'blockOn');
  assert.ok(report.lines.some((l) => /Deadlock: .* worker \d+ terminated$/.test(l.text)), JSON.stringify(report.lines));
  // The main thread never blocked: the page still runs lessons.
  assert.deepEqual(await page.evaluate(() => window.lab.concurrent(20, 10)), ['thread two', 'thread one']);
  // And the main thread refuses to deadlock itself.
  const onMain = await page.evaluate(() => { try { window.lab.workerJob({ kind: 'block_on_timer', n: 1 }); return 'returned'; } catch (e) { return `${e.name}: ${e.message}`; } });
  assert.match(onMain, /^TypeError: job\.kind "block_on_timer" \(block_on over a timer of job\.n ms\) runs only on a Web Worker/);
  // A tab that terminated a blocked worker gets no memory measurement from
  // Chromium again; the lesson says so instead of waiting 40 s for nothing.
  const cost = await page.evaluate(async () => {
    await window.lab.threadCost(1, 1, { askBrowser: true });
    return window.lab.lastRun().lines.map((l) => l.text);
  });
  assert.ok(cost.some((text) => /^not asking the browser: this tab has terminated a worker in the middle of a job/.test(text)), cost.join('\n'));
});

test('a worker that never answers is given up on within a bounded time and terminated', async () => {
  const outcome = await neverAnswers;
  assert.match(outcome.message, /^Error: the Web Worker "worker \d+" did not answer within 15000 ms; it was terminated$/);
  assert.ok(outcome.ms >= 14_900, `gave up after ${outcome.ms} ms, before its 15 s budget`);
  assert.deepEqual(await quietPage.evaluate(() => window.lab.threads(300, 0)), ['thread two', 'thread one']);
});

test('no page errors, console errors or failed requests in the whole session', () => {
  assert.deepEqual(lab.problems.filter((p) => !(brokeTheWorker && BROKEN_WORKER_REPORT.test(p))), []);
});
