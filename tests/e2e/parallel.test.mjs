// Parallel async (issue 17) end to end, on the release build: the threaded
// module is not fetched by the first visit; lab.parallel runs tasks on several
// Web Workers at once, moves yielding tasks between them, lets a hog hold only
// its own worker; the page's main thread never has a long task meanwhile; bad
// options are refused by name; and where the page is not cross-origin
// isolated, the card and lab.parallel say why they cannot run.
// Timings go to the bench (npm run bench), not to bounds here: every check
// reads order and overlap from the recorded polls, and the main thread's
// tasks from a Chromium trace.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openLab, openLabPage } from './harness.mjs';

const { lab, page } = await openLabPage();

/** What the page fetched of the threaded module and its loader, by file name. */
const threadedRequests = () => page.evaluate(() => performance.getEntriesByType('resource')
  .map((e) => new URL(e.name).pathname)
  .filter((path) => /pkg-parallel\/|\/parallel(-worker)?\.js$/.test(path))
  .map((path) => path.replace(/^.*\//, '')));

/** @param {{ startMs: number, endMs: number }} a @param {{ startMs: number, endMs: number }} b */
const overlap = (a, b) => a.startMs < b.endMs && b.startMs < a.endMs;

test('the first visit fetches neither the threaded module nor its loader', async () => {
  assert.deepEqual(await threadedRequests(), []);
  assert.ok((await page.evaluate(() => window.lab.help())).some((line) => line.startsWith('lab.parallel(mode: ')));
});

test('"cpu", 2 workers, 4 tasks of 200 ms: polls of different tasks overlap in time on two threads', async () => {
  const result = await page.evaluate(() => window.lab.parallel('cpu', { workers: 2, tasks: 4, workMs: 200 }));
  // Unique names: the workers' fetches of the glue are reported here too.
  assert.deepEqual(await threadedRequests().then((r) => [...new Set(r)].sort()),
    ['async_rust_lab_parallel.js', 'async_rust_lab_parallel_bg.wasm', 'parallel-worker.js', 'parallel.js']);
  const { polls } = result.parallel;
  assert.equal(polls.length, 4, 'CPU-bound tasks never yield: one poll each');
  assert.ok(polls.every((p) => p.ready));
  assert.deepEqual([...new Set(polls.map((p) => p.task))].sort(), [0, 1, 2, 3]);
  assert.deepEqual([...new Set(polls.map((p) => p.thread))].sort(), [1, 2]);
  const together = polls.flatMap((a) => polls.filter((b) => a.thread < b.thread && a.task !== b.task && overlap(a, b)));
  assert.ok(together.length > 0, `no two polls overlapped on two threads: ${JSON.stringify(polls)}`);
  // The comparison: the same four tasks on one thread, one after another.
  const one = result.oneThread.polls;
  assert.equal(one.length, 4);
  assert.equal(new Set(one.map((p) => p.thread)).size, 1);
  for (let i = 1; i < one.length; i += 1) assert.ok(one[i].startMs >= one[i - 1].endMs, 'one thread: polls never overlap');
  assert.equal(result.cores, await page.evaluate(() => navigator.hardwareConcurrency));
  assert.ok(result.speedUp > 0);
  assert.match(result.lines[0], /^lab\.parallel\("cpu"\): 4 tasks of 200 ms of work each: \d+ ms on 2 workers, \d+ ms on one thread: [\d.]+x \(this browser reports \d+ cores\)$/);
});

test('"yield", 3 tasks on 2 workers: at least one task is polled on both workers', async () => {
  const result = await page.evaluate(() => window.lab.parallel('yield', { workers: 2, tasks: 3 }));
  const { polls } = result.parallel;
  assert.equal(result.oneThread, null);
  assert.equal(polls.length, 3 * 6, 'six slices, a poll each');
  const threadsOf = (task) => new Set(polls.filter((p) => p.task === task).map((p) => p.thread));
  const moved = [0, 1, 2].filter((task) => threadsOf(task).size === 2);
  assert.ok(moved.length >= 1, `no task moved: ${JSON.stringify(polls)}`);
  // A task is never polled by two threads at once.
  for (const task of [0, 1, 2]) {
    const own = polls.filter((p) => p.task === task);
    for (let i = 1; i < own.length; i += 1) assert.ok(own[i].startMs >= own[i - 1].endMs);
  }
});

test('"hog": the other tasks finish on the other worker while the hog still runs; on one thread they wait', async () => {
  const result = await page.evaluate(() => window.lab.parallel('hog', { workers: 2, tasks: 4 }));
  const hog = result.parallel.polls.filter((p) => p.task === 0);
  assert.equal(hog.length, 1, 'the hog never yields: one poll');
  const others = result.parallel.polls.filter((p) => p.task !== 0);
  assert.ok(others.every((p) => p.thread !== hog[0].thread), 'the hog holds its worker');
  const othersEnd = Math.max(...others.map((p) => p.endMs));
  assert.ok(othersEnd < hog[0].endMs, `the others ended at ${othersEnd} ms, the hog at ${hog[0].endMs} ms`);
  const oneHog = result.oneThread.polls.find((p) => p.task === 0);
  const oneOthers = result.oneThread.polls.filter((p) => p.task !== 0);
  assert.ok(oneOthers.every((p) => p.startMs >= oneHog.endMs), 'on one thread nothing runs while the hog does');
});

test('the page\'s main thread runs no task of 50 ms or more while lab.parallel loads and runs each mode', async () => {
  // In a fresh page, so that loading the module and starting the workers are
  // watched too. The browser's PerformanceObserver "longtask" times a task on
  // the wall clock: on a busy machine (the workers themselves take cores) the
  // OS may pause the page's thread in the middle of a short task, and it is
  // reported long. So the test also records a Chromium trace, which says how
  // much CPU each main-thread task used, and requires of every task that it
  // used less than 50 ms: the code never holds the page's thread that long,
  // whatever the machine. The observer's entries are printed for the record.
  const fresh = await lab.newPage();
  const browser = /** @type {import('playwright-core').Browser} */ (fresh.context().browser());
  const file = `${await mkdtemp(path.join(tmpdir(), 'parallel-trace-'))}/trace.json`;
  try {
    await browser.startTracing(fresh, { path: file, categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'toplevel'] });
    const observed = await fresh.evaluate(async () => {
      const found = [];
      const observer = new PerformanceObserver((list) => {
        for (const entry of list.getEntries()) found.push(Math.round(entry.duration));
      });
      observer.observe({ type: 'longtask' });
      await window.lab.parallel('cpu', { workers: 2, tasks: 4, workMs: 200 });
      await window.lab.parallel('yield', { workers: 2, tasks: 3 });
      await window.lab.parallel('hog', { workers: 2, tasks: 4 });
      // Entries are delivered after the task that saw them: one more task to let them in.
      await new Promise((resolve) => setTimeout(resolve, 0));
      observer.disconnect();
      return found;
    });
    await browser.stopTracing();
    const { traceEvents } = JSON.parse(await readFile(file, 'utf8'));
    const mains = new Set(traceEvents.filter((e) => e.name === 'thread_name' && e.args.name === 'CrRendererMain').map((e) => `${e.pid}:${e.tid}`));
    // (A task cut by the trace's start or end carries no CPU time: left out.)
    const tasks = traceEvents.filter((e) => e.name === 'RunTask' && e.ph === 'X' && typeof e.tdur === 'number' && mains.has(`${e.pid}:${e.tid}`));
    assert.ok(tasks.length > 100, `the trace has the main thread's tasks with their CPU time: ${tasks.length}`);
    const busy = tasks.filter((t) => t.tdur >= 50_000).map((t) => ({ wallMs: t.dur / 1000, cpuMs: t.tdur / 1000 }));
    const long = tasks.filter((t) => t.dur >= 50_000);
    console.log(`main thread: ${tasks.length} tasks, ${observed.length} long tasks observed (wall ms: ${observed.join(', ') || 'none'}); `
      + `the trace's tasks of 50 ms wall time or more used at most ${Math.max(0, ...long.map((t) => t.tdur / 1000)).toFixed(1)} ms of CPU`);
    assert.deepEqual(busy, [], 'main-thread tasks that used 50 ms of CPU or more');
  } finally {
    await fresh.close();
    await rm(path.dirname(file), { recursive: true, force: true });
  }
});

test('hostile options reject with a TypeError or RangeError naming the option, and the module keeps working', async () => {
  const outcomes = await page.evaluate(async () => {
    const revocable = Proxy.revocable({}, {});
    revocable.revoke();
    const calls = [
      ['mode', () => window.lab.parallel(/** @type {any} */ (7))],
      ['mode', () => window.lab.parallel(/** @type {any} */ ('gpu'))],
      ['options', () => window.lab.parallel('cpu', /** @type {any} */ ('fast'))],
      ['options', () => window.lab.parallel('cpu', /** @type {any} */ ([]))],
      ['options', () => window.lab.parallel('cpu', /** @type {any} */ (revocable.proxy))],
      ['options.workers', () => window.lab.parallel('cpu', { workers: 0 })],
      ['options.workers', () => window.lab.parallel('cpu', { workers: 10_000 })],
      ['options.workers', () => window.lab.parallel('cpu', { workers: NaN })],
      ['options.workers', () => window.lab.parallel('cpu', { workers: 1.5 })],
      ['options.workers', () => window.lab.parallel('cpu', /** @type {any} */ ({ workers: '2' }))],
      ['options.tasks', () => window.lab.parallel('yield', { tasks: -1 })],
      ['options.workMs', () => window.lab.parallel('cpu', { workMs: Infinity })],
      ['options.slices', () => window.lab.parallel('yield', /** @type {any} */ ({ slices: 3n }))],
      ['options.tasks', () => window.lab.parallel('hog', Object.defineProperty({}, 'tasks', { get: () => 2, enumerable: true }))],
    ];
    const out = [];
    for (const [name, call] of calls) {
      try { await call(); out.push({ name, error: null }); } catch (e) { out.push({ name, error: e.name, message: e.message }); }
    }
    return out;
  });
  for (const { name, error, message } of outcomes) {
    assert.ok(error === 'TypeError' || error === 'RangeError', `${name}: ${error} ${message}`);
    assert.ok(message.startsWith(name), `${name}: ${message}`);
  }
  assert.match(outcomes[5].message, /^options\.workers must be a whole number of workers from 1 to 8 \(got 0\)$/);
  assert.equal(outcomes[6].error, 'RangeError');
  assert.equal(outcomes[7].error, 'RangeError');
  assert.equal(outcomes[9].error, 'TypeError');
  const after = await page.evaluate(() => window.lab.parallel('cpu', { workers: 1, tasks: 2, workMs: 5 }));
  assert.equal(after.parallel.polls.length, 2);
});

test('runs do not leak: 40 more runs of cpu and yield grow the shared wasm memory by less than 1 MB', async () => {
  const growth = await page.evaluate(async () => {
    const once = async () => {
      await window.lab.parallel('cpu', { workers: 2, tasks: 2, workMs: 1 });
      return (await window.lab.parallel('yield', { workers: 2, tasks: 3, slices: 2 })).memoryBytes;
    };
    for (let i = 0; i < 5; i += 1) await once();
    const before = await once();
    let after = before;
    for (let i = 0; i < 40; i += 1) after = await once();
    return after - before;
  });
  assert.ok(growth < 1024 * 1024, `grew by ${growth} bytes`);
});

test('the card runs each mode from its buttons and draws one lane per thread', async () => {
  const card = page.locator('#parallel');
  assert.match(await card.locator('[data-role="cores"]').textContent(), /reports \d+ logical core/);
  const runs = async () => Number(await card.getAttribute('data-runs') ?? 0);
  for (const [button, lanes] of [['Run cpu', ['worker 1', 'worker 2']], ['Run yield', ['worker 1', 'worker 2']], ['Run hog', ['worker 1', 'worker 2']]]) {
    const before = await runs();
    await card.getByRole('button', { name: button, exact: true }).click();
    await page.waitForFunction(([n]) => Number(document.getElementById('parallel')?.dataset.runs ?? 0) > n
      && !document.getElementById('parallel')?.hasAttribute('aria-busy'), [before], { timeout: 60_000 });
    const names = await card.locator('[data-executor="multi-threaded"] .lane-name').allTextContents();
    assert.deepEqual(names, lanes, button);
  }
  // The last run was "hog": its one-thread comparison is drawn under it.
  assert.deepEqual(await card.locator('[data-executor="single-threaded"] .lane-name').allTextContents(), ['one thread']);
  assert.match(await card.locator('[data-role="parallel-totals"]').textContent(), /on one thread/);
});

test('"What Send buys" shows rustc\'s own error for an Rc held across an .await', async () => {
  const card = page.locator('#parallel');
  await card.getByRole('button', { name: 'Show rustc\'s error' }).click();
  await card.locator('[data-role="send-error"]:not([hidden])').waitFor();
  const text = await card.locator('[data-role="send-error"]').textContent();
  assert.match(text, /future cannot be sent between threads safely/);
  assert.match(text, /the trait `Send` is not implemented for `Rc<i32>`/);
  assert.match(text, /required by a bound in `Executor::spawn`/);
});

test('no page errors, console errors or failed requests in the whole session', () => {
  assert.deepEqual(lab.problems, []);
});

test('not cross-origin isolated: lab.parallel rejects saying why, and the card says so with its buttons off', async () => {
  const plain = await openLab({ isolated: false });
  try {
    const other = await plain.newPage();
    assert.equal(await other.evaluate(() => globalThis.crossOriginIsolated), false);
    const message = await other.evaluate(() => window.lab.parallel('cpu').then(() => null, (e) => `${e.name}: ${e.message}`));
    assert.match(message, /^Error: lab\.parallel needs a cross-origin isolated page/);
    const card = other.locator('#parallel');
    assert.equal(await card.locator('[data-role="parallel-isolation"]').getAttribute('data-isolated'), 'false');
    assert.match(await card.locator('[data-role="parallel-isolation"]').textContent(), /not cross-origin isolated.*SharedArrayBuffer/);
    assert.equal(await card.getByRole('button', { name: 'Run cpu', exact: true }).isDisabled(), true);
    // Bad options are still refused by name first.
    assert.match(await other.evaluate(() => window.lab.parallel('cpu', { workers: 0 }).then(() => null, (e) => e.name)), /RangeError/);
    assert.deepEqual(plain.problems, []);
  } finally {
    await plain.close();
  }
});
