// The trace timeline in Chromium: lanes and poll marks match lab.trace(), the
// replay steps and plays, and every mark is reachable with the keyboard.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openLabPage } from './harness.mjs';

const { lab, page } = await openLabPage();


async function runAndWait(call) {
  await page.evaluate(call);
  await page.waitForFunction(() => !document.querySelector('#sequence [data-role="timeline"]').hidden);
}

/** The run the first four tests read, made by each of them, so that each passes alone. */
const concurrentRun = () => runAndWait(() => window.lab.concurrent(120, 40));

test('the timeline has one lane per task, plus the thread, and one poll mark per poll in lab.trace()', async () => {
  await concurrentRun();
  const { polls, tasks } = await page.evaluate(() => ({
    polls: window.lab.trace().filter((e) => e.kind === 'poll-end').length,
    tasks: window.lab.traceSummary().length,
  }));
  const card = page.locator('#sequence');
  assert.equal(await card.locator('svg.trace .lane-name').count(), tasks + 1);
  assert.equal(await card.locator('svg.trace rect.poll:not(.thread-poll)').count(), polls);
  assert.ok(polls >= 4, 'each of the two sleeping tasks is polled at least twice');
  // The thread's lane shows every top-level poll, and they never overlap.
  const spans = await card.locator('svg.trace rect.thread-poll').evaluateAll((rects) =>
    rects.map((r) => [Number(r.getAttribute('x')), Number(r.getAttribute('x')) + Number(r.getAttribute('width'))]));
  assert.equal(spans.length, polls);
});

test('a sleeping task is polled twice, not spun; join also polls the waiting one when the other wakes, and the caption says so', async () => {
  await concurrentRun();
  const text = await page.locator('#sequence .trace-summary').textContent();
  // thread two (40 ms): Pending, woken by its timer, Ready.
  assert.match(text, /thread two: 2 polls/);
  // thread one (120 ms) is woken once, by its timer, yet join polled it a third
  // time when thread two woke: futures' join polls every unfinished child.
  const one = await page.evaluate(() => window.lab.traceSummary().find((t) => t.name === 'thread one'));
  assert.equal(one.wakes, 1);
  assert.equal(one.polls, 3);
  const captions = await page.locator('#sequence svg.trace [data-event]').evaluateAll((marks) => marks.map((m) => m.getAttribute('aria-label')));
  assert.ok(captions.some((c) => /thread one: poll -> Pending.*It was not woken/.test(c)), captions.join('\n'));
});

test('next and previous move the caption through the events in order', async () => {
  await concurrentRun();
  const card = page.locator('#sequence');
  const caption = card.locator('.trace-caption');
  const events = await page.evaluate(() => window.lab.trace().length);
  assert.match(await caption.textContent(), /thread one: created/);
  await card.getByRole('button', { name: 'Next event' }).click();
  assert.match(await caption.textContent(), /thread two: created/);
  await card.getByRole('button', { name: 'Next event' }).click();
  assert.match(await caption.textContent(), /thread one: polled/);
  await card.getByRole('button', { name: 'Next event' }).click();
  assert.match(await caption.textContent(), /thread one: poll -> Pending, waiting for a timer/);
  await card.getByRole('button', { name: 'Previous event' }).click();
  assert.match(await caption.textContent(), /thread one: polled/);
  assert.match(await card.locator('.trace-position').textContent(), new RegExp(`event 3 of ${events}`));
});

test('play replays the run to its last event at 4x and then stops', async () => {
  await concurrentRun();
  const card = page.locator('#sequence');
  await card.getByRole('combobox', { name: 'Replay speed' }).selectOption('4');
  await card.getByRole('button', { name: 'Play the replay' }).click();
  await page.waitForFunction(() => /thread one: completed|thread one: poll -> Ready/.test(
    document.querySelector('#sequence .trace-caption').textContent), null, { timeout: 15_000 });
  await card.getByRole('button', { name: 'Play the replay' }).waitFor({ timeout: 15_000 });
});

test('the race shows its loser as a drop, and focusing a mark with the keyboard captions it', async () => {
  await runAndWait(() => window.lab.race(300, 20));
  const card = page.locator('#sequence');
  const drop = card.locator('svg.trace .drop');
  assert.equal(await drop.count(), 1);
  await drop.focus();
  assert.match(await card.locator('.trace-caption').textContent(), /thread one: dropped before it was ready/);
  // Tab reaches the marks: from the speed select, focus lands on an SVG mark eventually.
  const focusable = await card.locator('svg.trace [data-event][tabindex="0"]').count();
  const events = await page.evaluate(() => window.lab.trace().filter((e) => e.kind !== 'poll-start' && e.kind !== 'completed').length);
  assert.equal(focusable, events);
});

test('no page errors or console errors', () => {
  assert.deepEqual(lab.problems, []);
});
