// Checks the threads e2e files share: on an isolated page (threads.test.mjs)
// and on one served without COOP/COEP (not-isolated.test.mjs), the lesson must
// behave the same; only how a worker blocks differs.
import assert from 'node:assert/strict';

/**
 * Runs `lab.threads()` from the console and checks the article's output: thread
 * two then thread one, printed by two different workers, thread one after its
 * 600 ms block and at least 200 ms after thread two (300 ms).
 * @param {import('playwright-core').Page} page
 */
export async function assertThreadsRunOnTwoWorkers(page) {
  const { result, report } = await page.evaluate(async () => {
    const result = await window.lab.threads();
    return { result, report: window.lab.lastRun() };
  });
  assert.deepEqual(result, ['thread two', 'thread one']);
  const threads = report.lines.map((/** @type {{ thread: string }} */ l) => l.thread);
  assert.equal(new Set(threads).size, 2, `two different threads: ${threads}`);
  for (const thread of threads) assert.match(thread, /^worker \d+$/);
  const one = report.lines.find((/** @type {{ text: string }} */ l) => l.text === 'thread one');
  const two = report.lines.find((/** @type {{ text: string }} */ l) => l.text === 'thread two');
  assert.ok(one.atMs >= 599, `thread one blocked 600 ms but printed at ${one.atMs}`);
  // Thread two printed first (the order above), and the two threads ran at
  // once: each task starts before the other ends. Not a gap in ms: workers
  // start up to a few hundred ms apart on a loaded machine.
  assert.ok(two.atMs <= one.atMs, `thread two printed at ${two.atMs}, after thread one at ${one.atMs}`);
  const tasks = Object.fromEntries(report.tasks.map((/** @type {{ name: string }} */ t) => [t.name, t]));
  const [a, b] = [tasks['thread one'], tasks['thread two']];
  assert.ok(a.startMs < b.endMs && b.startMs < a.endMs, JSON.stringify(report.tasks));
}

/**
 * Starts a worker named "probe" from worker.js, asks it to block for 200 ms,
 * and resolves to its answer ({ ok, thread, how }) with how long it took.
 * @param {import('playwright-core').Page} page
 */
export function probeWorkerSleep(page) {
  return page.evaluate(async () => {
    // The page requires Trusted Types: a worker's URL comes from the lab's policy.
    const { scriptUrl } = await import(new URL('./trusted.js', document.baseURI).href);
    const worker = new Worker(scriptUrl(new URL('./worker.js', document.baseURI).href), { type: 'module', name: 'probe' });
    const reply = new Promise((resolve) => { worker.onmessage = (e) => resolve(e.data); });
    const started = performance.now();
    worker.postMessage({ kind: 'sleep', n: 200 });
    const answer = await reply;
    worker.terminate();
    return { ...answer, tookMs: performance.now() - started };
  });
}
