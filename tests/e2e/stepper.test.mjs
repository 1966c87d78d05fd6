// "You are the executor": lab.stepper() driven poll by poll in the release
// build in Chromium, as issue 15's Done-when asks, and the card. Waits are on
// the handle's state (its ready queue), never on the clock.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openLabPage, unexpectedProblems } from './harness.mjs';

const { lab, page } = await openLabPage();

test('concurrent(600, 300): two polls empty the queue, nothing is ready until thread two\'s timer, and the polls match the automatic trace', async () => {
  const result = await page.evaluate(async () => {
    const lab = window.lab;
    const s = lab.stepper('concurrent', { oneMs: 600, twoMs: 300 });
    const answers = [];
    const readyBefore = s.ready;
    answers.push(s.poll(), s.poll());
    const afterTwo = { ready: s.ready, timers: s.timers.map((t) => t.task) };
    answers.push(s.poll()); // idle: nothing is ready yet
    /** Resolves at the next wake that fills the ready queue. */
    const woken = () => new Promise((resolve) => { s.onwake = () => { if (s.ready.length) resolve(s.ready); }; });
    const wakes = [];
    while (!s.done) {
      if (!s.ready.length) wakes.push({ ready: await woken(), lines: s.lines });
      answers.push(s.poll());
    }
    const polls = s.polls;
    const lines = s.lines;
    // The stepper's own run is lastRun() now: its trace, task by task.
    const stepperRun = lab.lastRun();
    const mine = lab.traceSummary();
    await lab.concurrent(600, 300);
    const automatic = lab.traceSummary();
    s.free();
    return { readyBefore, afterTwo, answers, wakes, polls, lines, stepperRun: stepperRun.lesson, mine, automatic };
  });
  console.log(`stepper concurrent(600, 300), each poll's answer:\n${result.answers.map((a) => `  ${JSON.stringify(a)}`).join('\n')}`);
  assert.deepEqual(result.readyBefore, ['thread one', 'thread two']);
  assert.deepEqual(result.answers.slice(0, 2), [
    { task: 'thread one', result: 'pending', waitsOn: 'timer' },
    { task: 'thread two', result: 'pending', waitsOn: 'timer' },
  ]);
  assert.deepEqual(result.afterTwo, { ready: [], timers: ['thread one', 'thread two'] });
  assert.deepEqual(result.answers[2], { result: 'idle', message: 'nothing to poll: every task is waiting' });
  // The 300 ms timer woke thread two first, and it alone; nothing had printed yet.
  assert.deepEqual(result.wakes[0], { ready: ['thread two'], lines: [] });
  const polled = result.answers.filter((a) => a.result !== 'idle');
  assert.deepEqual(polled.slice(2), [
    { task: 'thread two', result: 'ready', value: 'thread two' },
    { task: 'thread one', result: 'ready', value: 'thread one' },
  ]);
  assert.deepEqual(result.lines, ['thread two', 'thread one']);
  assert.equal(result.stepperRun, 'stepper');

  const byName = (tasks) => Object.fromEntries(tasks.map((t) => [t.name, t]));
  const mine = byName(result.mine);
  const auto = byName(result.automatic);
  // Your polls, as the executor counted them and as the trace recorded them.
  assert.deepEqual(result.polls, [{ task: 'thread one', polls: 2 }, { task: 'thread two', polls: 2 }]);
  for (const { task, polls } of result.polls) assert.equal(mine[task].polls, polls, task);
  // Per task, one poll per wake plus the first, in both runs; the automatic
  // run's join also polls thread one when thread two wakes: one poll more,
  // which returned Pending.
  for (const name of ['thread one', 'thread two']) {
    assert.equal(mine[name].polls, auto[name].wakes + 1, `${name}: your polls are the automatic run's wakes + 1`);
  }
  assert.equal(mine['thread two'].polls, auto['thread two'].polls);
  assert.equal(auto['thread one'].polls, mine['thread one'].polls + 1);
});

test('sequential and race: your polls equal the automatic run\'s, task by task', async () => {
  for (const mode of ['sequential', 'race']) {
    const { mine, automatic } = await page.evaluate(async (mode) => {
      const lab = window.lab;
      const s = lab.stepper(mode, { oneMs: 20, twoMs: 10 });
      while (!s.done) {
        if (!s.ready.length) await new Promise((resolve) => { s.onwake = resolve; });
        s.poll();
      }
      const mine = lab.traceSummary().map((t) => [t.name, t.polls, t.outcome]);
      s.free();
      await lab[mode](20, 10);
      return { mine, automatic: lab.traceSummary().map((t) => [t.name, t.polls, t.outcome]) };
    }, mode);
    assert.deepEqual(mine, automatic, mode);
  }
});

test('a poll() on a finished stepper, and every misuse, throws a clear error and breaks nothing', async () => {
  const errors = await page.evaluate(async () => {
    const lab = window.lab;
    const caught = (fn) => { try { fn(); return null; } catch (e) { return `${e.name}: ${e.message}`; } };
    const s = lab.stepper('concurrent', { oneMs: 0, twoMs: 0 });
    const misuse = [
      caught(() => lab.stepper('parallel')),
      caught(() => lab.stepper('race', { oneMs: -1 })),
      caught(() => lab.stepper('race', { twoMs: 60001 })),
      caught(() => lab.stepper('race', { oneMs: '5' })),
      caught(() => lab.stepper('race', 5)),
      caught(() => { s.onwake = 5; }),
    ];
    while (!s.done) {
      if (!s.ready.length) await new Promise((resolve) => { s.onwake = resolve; });
      s.poll();
    }
    const afterDone = [caught(() => s.poll()), caught(() => s.poll())];
    const still = { done: s.done, lines: s.lines, ready: s.ready };
    s.free();
    // And a new one works.
    const next = lab.stepper('sequential', { oneMs: 0, twoMs: 0 });
    const first = next.poll();
    next.free(); // dropped unfinished: its timer is cleared
    return { misuse, afterDone, still, first };
  });
  assert.match(errors.misuse[0], /^RangeError: mode must be one of "sequential", "concurrent", "race" \(got "parallel"\)/);
  assert.match(errors.misuse[1], /^RangeError: .*options\.oneMs.*0.*60000/);
  assert.match(errors.misuse[2], /^RangeError: .*options\.twoMs.*0.*60000/);
  assert.match(errors.misuse[3], /^TypeError: .*options\.oneMs/);
  assert.match(errors.misuse[4], /^TypeError: options must be an object/);
  assert.match(errors.misuse[5], /^TypeError: onwake must be a function/);
  for (const e of errors.afterDone) assert.match(e, /^Error: poll\(\): this stepper is done/);
  assert.deepEqual({ ...errors.still, lines: [...errors.still.lines].sort() }, { done: true, lines: ['thread one', 'thread two'], ready: [] });
  assert.deepEqual(errors.first, { task: 'sequential', result: 'pending', waitsOn: 'timer' });
});

test('the card: Start, Poll until done, the queue, the timers, the log, the comparison and the executor\'s source', async () => {
  const card = page.locator('#stepper');
  await card.getByRole('button', { name: 'Start' }).click();
  await assert.doesNotReject(card.locator('[data-role="ready"] li', { hasText: 'thread one' }).waitFor());
  const poll = card.getByRole('button', { name: 'Poll' });
  await poll.click();
  await poll.click();
  assert.deepEqual(await card.locator('[data-role="poll-log"] li').allTextContents(), [
    'thread one: Pending, waiting on a timer',
    'thread two: Pending, waiting on a timer',
  ]);
  // (Which timers are still armed here depends on the clock: the API test
  // reads them in the same turn as the polls.)
  // A wake redraws the card by itself: thread two appears in the queue.
  await card.locator('[data-role="ready"] li', { hasText: 'thread two' }).waitFor();
  await poll.click();
  await card.locator('[data-role="printed"] li', { hasText: 'thread two' }).waitFor();
  await card.locator('[data-role="ready"] li', { hasText: 'thread one' }).waitFor();
  await poll.click();
  await card.locator('[data-role="stepper-compare"]:not([hidden])').waitFor();
  const rows = await card.locator('[data-role="stepper-compare-rows"] tr').evaluateAll((trs) => trs.map((tr) => [...tr.children].map((c) => c.textContent)));
  assert.deepEqual(rows, [['thread one', '2', '3', '1'], ['thread two', '2', '2', '1']]);
  assert.ok(await poll.isDisabled());
  assert.match(await card.locator('[data-role="stepper-code"]').textContent(), /pub fn poll_next\(&mut self\) -> Polled<T>/);
});

test('no problems in the whole session', () => {
  assert.deepEqual(unexpectedProblems(lab.problems), []);
});
