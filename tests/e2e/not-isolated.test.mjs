// The lab on a host that does not send COOP and COEP (one that ignores
// _headers): the page is not cross-origin isolated, so SharedArrayBuffer and
// Atomics.wait are off. The threads lesson must still run on real workers,
// blocking by spin-waiting, and the card must say so; nothing else may break.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openLabPage } from './harness.mjs';

const { lab, page } = await openLabPage({ isolated: false });

test('served without COOP and COEP, the page is not isolated and the threads card says it falls back', async () => {
  assert.equal(await page.evaluate(() => globalThis.crossOriginIsolated), false);
  assert.equal(await page.evaluate(() => typeof SharedArrayBuffer), 'undefined');
  const note = page.locator('#threads [data-role="isolation"]');
  assert.equal(await note.getAttribute('data-isolated'), 'false');
  assert.match(await note.textContent(), /^Fallback: .*spin-wait/);
  // Only an isolated page may ask the browser for a memory report.
  assert.equal(await page.locator('#threads [name="askBrowser"]').isDisabled(), true);
});

test('a worker blocks by spin-waiting, as long as it was asked to, on its own thread', async () => {
  const data = await page.evaluate(async () => {
    const worker = new Worker(new URL('./worker.js', document.baseURI), { type: 'module', name: 'probe' });
    const reply = new Promise((resolve) => { worker.onmessage = (e) => resolve(e.data); });
    const started = performance.now();
    worker.postMessage({ kind: 'sleep', n: 200 });
    const answer = await reply;
    worker.terminate();
    return { ...answer, tookMs: performance.now() - started };
  });
  assert.equal(data.ok, true, JSON.stringify(data));
  assert.equal(data.thread, 'probe');
  assert.equal(data.how, 'spin-wait');
  assert.ok(data.tookMs >= 199, `slept ${data.tookMs} ms of 200`);
});

test('lab.threads() still prints thread two then thread one from two workers, and the timing holds', async () => {
  const { result, report } = await page.evaluate(async () => ({ result: await window.lab.threads(), report: window.lab.lastRun() }));
  assert.deepEqual(result, ['thread two', 'thread one']);
  const threads = report.lines.map((l) => l.thread);
  assert.equal(new Set(threads).size, 2, `two different threads: ${threads}`);
  for (const thread of threads) assert.match(thread, /^worker \d+$/);
  const one = report.lines.find((l) => l.text === 'thread one');
  const two = report.lines.find((l) => l.text === 'thread two');
  assert.ok(one.atMs >= 599, `thread one blocked 600 ms but printed at ${one.atMs}`);
  assert.ok(one.atMs - two.atMs >= 200, `thread one printed ${one.atMs - two.atMs} ms after thread two`);
});

test('the async lessons do not need isolation: concurrent and the kitchen run as on an isolated page', async () => {
  const out = await page.evaluate(async () => ({
    concurrent: await window.lab.concurrent(60, 20),
    kitchen: await window.lab.kitchen('async', { cookMs: 100, callMs: 20 }),
  }));
  assert.deepEqual(out.concurrent, ['thread two', 'thread one']);
  assert.equal(out.kitchen.mode, 'async');
  assert.deepEqual(lab.problems, []);
});
