// The kitchen lesson end to end: the release build, served, driven in Chromium.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openLabPage } from './harness.mjs';

const { lab, page } = await openLabPage();


/** Clicks a Run button of the kitchen card and waits until its run has drawn its timeline. */
async function runFromPage(buttonName) {
  const card = page.locator('#kitchen');
  await card.getByRole('button', { name: buttonName, exact: true }).click();
  await page.waitForFunction(() => {
    const card = document.getElementById('kitchen');
    return card && card.dataset.mode && !card.hasAttribute('aria-busy') && !card.querySelector('[data-role="timeline"]').hidden;
  }, null, { timeout: 15_000 });
  return card.locator('[data-role="lines"] .text').allTextContents();
}

/** @param {string} text e.g. "1.8 s (cooking ...)" or "960 ms (...)" */
function millis(text) {
  const match = /^([\d.]+) (ms|s)/.exec(text ?? '');
  assert.ok(match, `not a time: ${text}`);
  return Number(match[1]) * (match[2] === 's' ? 1000 : 1);
}

test('the card shows both totals side by side, and in async the call overlaps the cooking', async () => {
  await page.locator('#kitchen input[name="cookMs"]').fill('800');
  await page.locator('#kitchen input[name="callMs"]').fill('400');
  const syncLines = await runFromPage('Run sync');
  assert.ok(syncLines.indexOf('dinner is served') < syncLines.findIndex((l) => l.startsWith('pick up the phone')), syncLines.join(' / '));
  const asyncLines = await runFromPage('Run async');
  const pickUp = asyncLines.findIndex((l) => l.startsWith('pick up the phone'));
  assert.ok(pickUp > asyncLines.indexOf('wait for the water to boil'), asyncLines.join(' / '));
  assert.ok(pickUp < asyncLines.indexOf('the water boils: cook the pasta'), 'the call was not taken while the pot boiled');

  const syncTotal = millis(await page.locator('#kitchen [data-role="total-sync"]').textContent());
  const asyncTotal = millis(await page.locator('#kitchen [data-role="total-async"]').textContent());
  assert.ok(syncTotal >= 1199, `sync took ${syncTotal} ms, less than cooking plus the call`);
  assert.ok(asyncTotal >= 799, `async took ${asyncTotal} ms, less than the cooking`);
  // Shorter because the call overlaps the cooking: the trace's two tasks each
  // start before the other ends (the totals' ratio is a busy machine's to set).
  const tasks = await page.evaluate(() => Object.fromEntries(window.lab.lastRun().tasks.map((t) => [t.name, t])));
  const { cooking, 'phone call': phone } = tasks;
  assert.ok(phone.startMs < cooking.endMs && cooking.startMs < phone.endMs, JSON.stringify(tasks));
  assert.equal(await page.locator('#kitchen svg.trace .lane-name:not(:first-of-type)').count(), 2);
  assert.equal(
    await page.locator('#kitchen [data-role="console-call"]').textContent(),
    'await lab.kitchen("async", { cookMs: 800, callMs: 400 })',
  );
});

test('a run from the console shows on the card and resolves to the caller\'s wait', async () => {
  const result = await page.evaluate(() => window.lab.kitchen('sync', { cookMs: 100, callMs: 20 }));
  assert.equal(result.mode, 'sync');
  assert.ok(result.callerWaitedMs >= 99, `the caller waited ${result.callerWaitedMs} ms`);
  await page.waitForFunction(() => document.querySelector('#kitchen [data-role="total-sync"]')?.textContent?.includes('cooking 100 ms'));
  assert.deepEqual(await page.locator('#kitchen [data-role="lines"] .text').allTextContents(), result.lines);
});

test('a bad value typed in the card shows the RangeError on the card', async () => {
  await page.locator('#kitchen input[name="callMs"]').fill('-5');
  await page.locator('#kitchen').getByRole('button', { name: 'Run async' }).click();
  const error = page.locator('#kitchen [data-role="error"]');
  await error.waitFor({ state: 'visible' });
  assert.match(await error.textContent(), /RangeError: options\.callMs must be a whole number of milliseconds from 0 to 60000 \(got -5\)/);
});

test('chopping is busy work on the thread: the cooking task\'s first poll lasts the whole chop', async () => {
  // cookMs 800: a quarter, 200 ms, is chopping.
  await page.evaluate(() => window.lab.kitchen('async', { cookMs: 800, callMs: 100 }));
  const report = await page.evaluate(() => window.lab.lastRun());
  const cooking = report.events.filter((e) => e.task === 'cooking' && (e.kind === 'poll-start' || e.kind === 'poll-end'));
  const [start, end] = cooking;
  assert.equal(start.kind, 'poll-start');
  assert.equal(end.kind, 'poll-end');
  assert.ok(end.t - start.t >= 199, `the chopping poll lasted ${end.t - start.t} ms, less than the 200 ms chop`);
  const tasks = Object.fromEntries(report.tasks.map((t) => [t.name, t]));
  assert.ok(tasks.cooking.busyMs >= 199, `cooking was busy ${tasks.cooking.busyMs} ms`);
  // Nothing else was polled while it chopped: the phone's first poll comes after.
  const phoneFirst = report.events.find((e) => e.task === 'phone call' && e.kind === 'poll-start');
  assert.ok(phoneFirst.t >= end.t, `the phone was polled at ${phoneFirst.t} ms, during the chop (until ${end.t} ms)`);
  // The async total: max(cook, chop + pot on + call) = max(800, 200 + 40 + 100).
  assert.ok(report.totalMs >= 799, `async took ${report.totalMs} ms`);
});

test('no page errors, console errors or failed requests in the whole session', () => {
  assert.deepEqual(lab.problems, []);
});
