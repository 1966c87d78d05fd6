// Leaks: each lesson run 50 times in a row (25 if it starts Web Workers), in the release build in Chromium,
// keeps the wasm memory (`lab.memoryUsage().wasmBytes`) and the page's JS heap
// (Chrome DevTools Protocol, after a forced garbage collection) bounded: after
// a warm-up, growth under 5 KiB a run (1 MB per 200 runs). Short arguments keep the runs quick.
//
// Those runs are the lesson's own (Rust, its closures, wasm-bindgen's glue): the
// page's cards do not see them. A card draws every run of its lesson, whoever
// starts it, and that drawing is most of a short run's cost (several times
// the run itself; docs/benchmarks.md has the numbers), so drawn runs were most
// of this file's time. The drawing is measured on its own:
// 60 more runs with the cards drawing, held to the same bound per run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, readdir } from 'node:fs/promises';
import { openLabPage, unexpectedProblems } from './harness.mjs';

// Until the page says otherwise (window.holdRunEvents = false), the lab's run
// events stop at the window, before any card's listener: the lab still runs and
// reports as always, the cards just do not redraw.
const RUN_EVENTS = ['lab:run-start', 'lab:line', 'lab:run-end'];
const { lab, page } = await openLabPage({
  beforeLoad: (p) => p.addInitScript((types) => {
    const w = /** @type {any} */ (window);
    w.holdRunEvents = true;
    for (const type of types) addEventListener(type, (event) => { if (w.holdRunEvents) event.stopImmediatePropagation(); }, true);
  }, RUN_EVENTS),
});
const cdp = await page.context().newCDPSession(page);

// The bound is per run: 5 KiB of growth a run (1 MB per 200 runs), whatever
// the count. The count only has to lift that bound well above the noise of one
// measurement (JS heap after two forced collections: up to ~45 KB seen; wasm
// memory: a 64 KiB page now and then): 50 runs give a 250 KiB bound, over
// five times the heap's noise and room for three stray wasm pages.
const MB = 1024 * 1024;
const PER_RUN = MB / 200;
const RUNS = 50;
const WARM_UP = 10;
// A lesson that starts Web Workers spends most of each run starting them (each
// loads its own copy of the wasm: the slowest runs here): 25 runs,
// a 125 KiB bound, still above two stray wasm pages' worth of noise... and a
// worker left alive would hold a whole wasm memory (MBs) per run.
const WORKER_LESSONS = new Set(['threads', 'threadCost', 'blocking']);
const WORKER_RUNS = 25;
const WORKER_WARM_UP = 10;
// The runs with the cards drawing each one (the costly ones): a 200 KiB bound,
// over twice the most a drawn lesson grew in 60 runs here (88 KB).
const DRAWN_RUNS = 40;
const DRAWN_WARM_UP = 5;
/** @param {string} name */
const runsOf = (name) => (WORKER_LESSONS.has(name) ? { runs: WORKER_RUNS, warmUp: WORKER_WARM_UP } : { runs: RUNS, warmUp: WARM_UP });
/** The growth allowed for `runs` runs: 5 KiB a run. @param {{ runs: number }} g */
const bound = (g) => PER_RUN * g.runs;

/**
 * One run of each lesson with short arguments, by name. Page-side: the page's
 * CSP allows no `eval`, so the calls are written here, not sent as strings.
 * `blocking` cycles through its three modes, so its runs cover all three.
 */
async function runInPage({ name, runs }) {
  const lab = window.lab;
  const modes = ['async', 'chunked', 'worker'];
  const lessons = {
    sequential: () => lab.sequential(0, 0),
    concurrent: () => lab.concurrent(0, 0),
    race: () => lab.race(1, 0),
    cook: () => lab.cook('toast', { cookMs: 0 }),
    'cook (burned, rejects)': () => lab.cook('soup', { burn: true, cookMs: 0 }).catch((e) => e.message),
    awaitPromise: () => lab.awaitPromise(Promise.resolve(1)),
    channel: () => { const c = lab.channel(); c.send(1); return c.promise; },
    lazy: () => lab.lazy(0),
    handmade: () => lab.handmade(1, 0),
    awaitOrder: () => lab.awaitOrder(),
    'kitchen sync': () => lab.kitchen('sync', { cookMs: 0, callMs: 0 }),
    'kitchen async': () => lab.kitchen('async', { cookMs: 0, callMs: 0 }),
    // slowMs 0: the slowpoke answers first and the other two fetches are aborted.
    searchStats: () => lab.searchStats('race', { slowMs: 0 }),
    threads: () => lab.threads(0, 0),
    threadCost: () => lab.threadCost(1, 1),
    blocking: (i) => lab.blocking(modes[i % 3], 2),
    compose: () => lab.compose('join(sleep(0), yield(), seq(block(0), fail()), spawn(sleep(0)))'),
    // Driven to the end by hand: poll what is ready, and wait for a wake otherwise.
    stepper: async () => {
      const s = lab.stepper('concurrent', { oneMs: 0, twoMs: 0 });
      while (!s.done) {
        if (s.poll().result === 'idle') await new Promise((resolve) => { s.onwake = resolve; });
      }
      s.free();
    },
    'compose, also as JS': () => lab.compose('select(sleep(1, "a"), timeout(5, sleep(0, "b")))', { js: true }),
  };
  if (!runs) return Object.keys(lessons);
  for (let i = 0; i < runs; i += 1) await lessons[name](i);
  return lab.memoryUsage().wasmBytes;
}

/** The page's JS heap in use after a full garbage collection, in bytes. */
async function jsHeapBytes() {
  // Twice, with the finalizers run between: wasm-bindgen frees a closure's
  // Rust half from a FinalizationRegistry callback, which runs only after a
  // collection. A sentinel registered here, collected by the same collection,
  // says when the finalizers have had their turn (an event, not a pause).
  await page.evaluate(() => {
    const w = /** @type {any} */ (window);
    w.sentinelFinalized = false;
    w.sentinelRegistry ??= new FinalizationRegistry(() => { w.sentinelFinalized = true; });
    w.sentinelRegistry.register({}, 'sentinel');
  });
  await cdp.send('HeapProfiler.collectGarbage');
  await page.waitForFunction(() => /** @type {any} */ (window).sentinelFinalized === true);
  await cdp.send('HeapProfiler.collectGarbage');
  const { usedSize } = await cdp.send('Runtime.getHeapUsage');
  return usedSize;
}

const names = await page.evaluate(runInPage, { name: '', runs: 0 });
/**
 * Runs `name` `warmUp` times, then `runs` times, and says how much the wasm
 * memory and the JS heap grew over the `runs`.
 * @param {string} name @param {{ runs: number, warmUp: number }} counts
 */
async function growthOf(name, { runs, warmUp }) {
  const started = Date.now();
  await page.evaluate(runInPage, { name, runs: warmUp });
  const heapBefore = await jsHeapBytes();
  const wasmBefore = await page.evaluate(() => window.lab.memoryUsage().wasmBytes);
  const wasmAfter = await page.evaluate(runInPage, { name, runs });
  const heapAfter = await jsHeapBytes();
  const trace = await page.evaluate(() => {
    const report = window.lab.lastRun();
    return { kept: report?.events.length, traceCap: report?.traceCap };
  });
  return { name, runs, wasm: wasmAfter - wasmBefore, heap: heapAfter - heapBefore, trace, ms: Date.now() - started };
}

const growth = [];
for (const name of names) growth.push(await growthOf(name, runsOf(name)));
// The cards' drawing: the lessons that do not start workers (the worker ones
// are slow for their workers, not their drawing), now with the run events let through.
await page.evaluate(() => { /** @type {any} */ (window).holdRunEvents = false; });
for (const name of names.filter((n) => !WORKER_LESSONS.has(n))) {
  const g = await growthOf(name, { runs: DRAWN_RUNS, warmUp: DRAWN_WARM_UP });
  growth.push({ ...g, name: `${name} (cards drawn)` });
}
const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`;
console.log(`leaks: growth over ${RUNS} runs after ${WARM_UP} to warm up (${WORKER_RUNS} after ${WORKER_WARM_UP} for ${[...WORKER_LESSONS].join(', ')})\n${growth
  .map((g) => `  ${g.name.padEnd(38)} wasm ${kb(g.wasm).padStart(10)}   JS heap ${kb(g.heap).padStart(10)}   ${String(g.runs).padStart(3)} runs (${g.ms} ms)`)
  .join('\n')}`);

test('lab.memoryUsage() reports the wasm memory, a whole number of 64 KiB pages', async () => {
  const { wasmBytes } = await page.evaluate(() => window.lab.memoryUsage());
  assert.ok(wasmBytes > 0 && wasmBytes % 65_536 === 0, String(wasmBytes));
});

test(`every lesson run ${RUNS} times (${WORKER_RUNS} if it starts workers; ${DRAWN_RUNS} more with the cards drawing) grows the wasm memory by less than 5 KiB a run`, () => {
  assert.ok(growth.length >= 12, `only ${growth.length} lessons`);
  assert.deepEqual(growth.filter((g) => g.wasm >= bound(g)).map((g) => `${g.name}: ${kb(g.wasm)} in ${g.runs} runs`), []);
});

test(`every lesson run ${RUNS} times (${WORKER_RUNS} if it starts workers; ${DRAWN_RUNS} more with the cards drawing) grows the page's JS heap by less than 5 KiB a run`, () => {
  assert.deepEqual(growth.filter((g) => g.heap >= bound(g)).map((g) => `${g.name}: ${kb(g.heap)} in ${g.runs} runs`), []);
});

test('each lesson\'s last run kept its trace within the cap', () => {
  // Only the last run's trace is kept (lastRun), and a trace stops recording
  // at its cap and counts the rest (unit-tested in src/runtime/trace.rs): so
  // the runs cannot pile up events.
  assert.deepEqual(growth.filter((g) => !(g.trace.kept <= g.trace.traceCap && g.trace.traceCap > 0)).map((g) => g.name), []);
});

test('no Closure::forget in the crate: every closure is owned and freed', async () => {
  const found = [];
  // Every .rs file under src/, the research wing and nested modules (api/args/) included.
  const files = (await readdir(new URL('../../src/', import.meta.url), { recursive: true })).filter((f) => f.endsWith('.rs'));
  for (const file of files) {
    const text = await readFile(new URL(`../../src/${file}`, import.meta.url), 'utf8');
    text.split('\n').forEach((line, i) => {
      if (/\.forget\(\)|Closure::forget/.test(line.replace(/\/\/.*$/, ''))) found.push(`src/${file}:${i + 1}`);
    });
  }
  assert.deepEqual(found, []);
});

test('no problems in the whole session but the search lesson\'s 404s and aborts', () => {
  // The search lesson's 404 and aborted losers are what it teaches.
  assert.deepEqual(unexpectedProblems(lab.problems), []);
});
