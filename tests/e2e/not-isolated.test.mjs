// The lab on a host that does not send COOP and COEP (one that ignores
// _headers): the page is not cross-origin isolated, so SharedArrayBuffer and
// Atomics.wait are off. The threads lesson must still run on real workers,
// blocking by spin-waiting, and the card must say so; nothing else may break.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openLabPage } from './harness.mjs';
import { assertThreadsRunOnTwoWorkers, probeWorkerSleep } from './threads-checks.mjs';

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
  const data = await probeWorkerSleep(page);
  assert.equal(data.ok, true, JSON.stringify(data));
  assert.equal(data.thread, 'probe');
  assert.equal(data.how, 'spin-wait');
  assert.ok(data.tookMs >= 199, `slept ${data.tookMs} ms of 200`);
});

test('lab.threads() still prints thread two then thread one from two workers, and the timing holds', async () => {
  await assertThreadsRunOnTwoWorkers(page);
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
