// The sequence lesson end to end: the release build, served, driven in Chromium.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openLabPage, screenshotPath } from './harness.mjs';

const { lab, page } = await openLabPage();


/** Clicks a Run button and waits until its run has drawn its timeline. */
async function runFromPage(buttonName) {
  const card = page.locator('#sequence');
  // The run this click starts, known by its id: the card is idle with the last
  // run drawn before the click too, so idleness alone could be the old run's.
  const before = await page.evaluate(() => window.lab.lastRun()?.id ?? 0);
  await card.getByRole('button', { name: buttonName }).click();
  await page.waitForFunction((last) => {
    const card = document.getElementById('sequence');
    const report = window.lab.lastRun();
    return report && report.id > last && card && !card.hasAttribute('aria-busy')
      && !card.querySelector('[data-role="timeline"]').hidden;
  }, before, { timeout: 10_000 });
  const lines = await card.locator('[data-role="lines"] .text').allTextContents();
  const total = await card.locator('[data-role="total"]').textContent();
  // One lane per task, plus the lane of the thread itself.
  const lanes = (await card.locator('svg.trace .lane-name').count()) - 1;
  return { lines, total, lanes };
}

test('the page loads the release build with no errors and says it is ready', async () => {
  await assert.doesNotReject(page.waitForSelector('#lab-status:has-text("Ready in")'));
  assert.deepEqual(lab.problems, []);
});

test('Run sequential prints thread one then thread two and draws two lanes', async () => {
  const { lines, total, lanes } = await runFromPage('Run sequential');
  assert.deepEqual(lines, ['thread one', 'thread two']);
  assert.equal(lanes, 2);
  const ms = Number(/Total: (\d+) ms/.exec(total)?.[1]);
  assert.ok(ms >= 899, `sequential with 600 + 300 ms took ${total}`);
});

test('Run concurrent prints thread two first and takes about the longer sleep', async () => {
  const { lines, total } = await runFromPage('Run concurrent (join)');
  assert.deepEqual(lines, ['thread two', 'thread one']);
  const ms = Number(/Total: (\d+) ms/.exec(total)?.[1]);
  assert.ok(ms >= 599, `concurrent with 600 and 300 ms took ${total}`);
  // Together: each task starts before the other ends, so the two sleeps overlap
  // (the trace says so whatever a busy machine does to the total).
  const tasks = await page.evaluate(() => window.lab.lastRun().tasks);
  const [one, two] = ['thread one', 'thread two'].map((name) => tasks.find((t) => t.name === name));
  assert.ok(one.startMs < two.endMs && two.startMs < one.endMs, JSON.stringify(tasks));
});

test('Run race prints only the winner and marks the loser dropped', async () => {
  const { lines } = await runFromPage('Run race (select)');
  assert.deepEqual(lines, ['thread two']);
  assert.equal(await page.locator('#sequence svg.trace .drop').count(), 1);
  await page.locator('#sequence').screenshot({ path: await screenshotPath('screenshot.png') });
});

test('the race clears the loser\'s JS timer: clearTimeout is called before its deadline', async () => {
  const result = await page.evaluate(async () => {
    const cleared = [];
    const fired = [];
    const armed = new Map();
    const { setTimeout: realSet, clearTimeout: realClear } = window;
    window.setTimeout = (fn, ms, ...rest) => {
      const id = realSet(() => { fired.push(ms); fn(); }, ms, ...rest);
      armed.set(id, ms);
      return id;
    };
    window.clearTimeout = (id) => {
      cleared.push(armed.get(id));
      realClear(id);
    };
    try {
      const winner = await window.lab.race(300, 20);
      const clearedAtOnce = [...cleared];
      // Past the loser's deadline, with no clock: timers of equal delay fire in
      // the order they were armed, so one of 300 ms armed now fires after the
      // loser's would have.
      await new Promise((resolve) => realSet(resolve, 300));
      return { winner, clearedAtOnce, fired };
    } finally {
      window.setTimeout = realSet;
      window.clearTimeout = realClear;
    }
  });
  assert.equal(result.winner, 'thread two');
  assert.ok(result.clearedAtOnce.includes(300), `the 300 ms timer of the dropped thread one was not cleared: ${result.clearedAtOnce}`);
  assert.deepEqual(result.fired, [20], 'only the winner\'s timer fired');
});

test('await lab.concurrent(60, 20) from the console resolves and shows on the page', async () => {
  const lines = await page.evaluate(() => window.lab.concurrent(60, 20));
  assert.deepEqual(lines, ['thread two', 'thread one']);
  await page.waitForFunction(() => document.querySelector('#sequence [data-role="console-call"]')?.textContent === 'await lab.concurrent(60, 20)');
  assert.deepEqual(await page.locator('#sequence [data-role="lines"] .text').allTextContents(), ['thread two', 'thread one']);
});

test('bad arguments reject with a TypeError or RangeError naming the parameter, and the module keeps working', async () => {
  const outcomes = await page.evaluate(async () => {
    const cases = [[-1], [1e12], [NaN], [2.5], ['abc'], [{}], [0, Infinity], [0, '5']];
    const results = [];
    for (const args of cases) {
      try {
        await window.lab.sequential(...args);
        results.push({ args: String(args), error: null });
      } catch (e) {
        results.push({ args: String(args), error: e.name, message: e.message });
      }
    }
    return results;
  });
  for (const outcome of outcomes) {
    assert.ok(outcome.error === 'RangeError' || outcome.error === 'TypeError', JSON.stringify(outcome));
    assert.match(outcome.message, /^(oneMs|twoMs) must be a whole number of milliseconds from 0 to 60000/);
  }
  assert.deepEqual(await page.evaluate(() => window.lab.sequential(1, 0)), ['thread one', 'thread two']);
});

test('a bad value typed in the card shows the RangeError on the card', async () => {
  await page.locator('#sequence input[name="oneMs"]').fill('70000');
  await page.locator('#sequence').getByRole('button', { name: 'Run sequential' }).click();
  const error = page.locator('#sequence [data-role="error"]');
  await error.waitFor({ state: 'visible' });
  assert.match(await error.textContent(), /RangeError: oneMs must be a whole number of milliseconds from 0 to 60000 \(got 70000\)/);
  await page.locator('#sequence input[name="oneMs"]').fill('600');
});

test('lab.help() prints one line per export, with its signature and what it does', async () => {
  const { lines, exports } = await page.evaluate(async () => {
    const module = await import('./pkg/async_rust_lab.js');
    // Classes (the Stepper handle) are made by their factories, not called from lab.
    const exports = Object.keys(module).filter((k) => typeof module[k] === 'function' && k !== 'default' && k !== 'initSync' && !/^[A-Z]/.test(k));
    return { lines: window.lab.help(), exports };
  });
  assert.ok(exports.length >= 4, `exports: ${exports}`);
  // One line per export of the module, and one for lab.parallel, which lives in
  // the threaded module that boot.js loads on first use.
  assert.equal(lines.filter((l) => !l.startsWith('lab.parallel(')).length, exports.length);
  for (const name of exports) {
    const line = lines.find((l) => l.startsWith(`lab.${name}(`));
    assert.ok(line, `help() has no line for ${name}`);
    assert.match(line, /\)(: [^ ].*)?  [A-Z].+\.$/, `help line for ${name} lacks a signature or a description: ${line}`);
  }
  assert.ok(lab.consoleMessages.some((m) => m.type === 'log' && m.text.includes('lab.concurrent(oneMs?: number | null')));
});

test('each run echoes its lines to the devtools console with the time since the run started', async () => {
  const before = lab.consoleMessages.length;
  await page.evaluate(() => window.lab.concurrent(30, 10));
  const echoed = lab.consoleMessages.slice(before).map((m) => m.text);
  assert.equal(echoed.length, 2, echoed.join('\n'));
  assert.match(echoed[0], /^\[sequence\/concurrent #\d+\] \+\d+ ms {2}thread two$/);
  assert.match(echoed[1], /^\[sequence\/concurrent #\d+\] \+\d+ ms {2}thread one$/);
});

/** The task summaries of the last run, by name. */
const tasksByName = () => page.evaluate(() => Object.fromEntries(window.lab.lastRun().tasks.map((t) => [t.name, t])));

test('blocking, join prints in argument order, takes at least the sum, and each task is one long poll', async () => {
  const lines = await page.evaluate(() => window.lab.concurrent(200, 100, { blocking: true }));
  assert.deepEqual(lines, ['thread one', 'thread two']);
  const report = await page.evaluate(() => window.lab.lastRun());
  assert.deepEqual(report.args, { oneMs: 200, twoMs: 100, blocking: 1 });
  assert.ok(report.totalMs >= 299, `blocking join took ${report.totalMs} ms, less than the sum 300`);
  const tasks = await tasksByName();
  // One poll each, Ready at once: the sleep happened inside it, holding the thread.
  assert.equal(tasks['thread one'].polls, 1);
  assert.equal(tasks['thread two'].polls, 1);
  assert.ok(tasks['thread one'].busyMs >= 199, `thread one busy ${tasks['thread one'].busyMs} ms`);
  assert.ok(tasks['thread two'].busyMs >= 99, `thread two busy ${tasks['thread two'].busyMs} ms`);
  // thread two was polled only once thread one's poll had returned.
  assert.ok(tasks['thread two'].startMs >= tasks['thread one'].endMs, JSON.stringify(tasks));
});

test('blocking, sequential also takes the sum, each task one poll', async () => {
  const lines = await page.evaluate(() => window.lab.sequential(120, 60, { blocking: true }));
  assert.deepEqual(lines, ['thread one', 'thread two']);
  const report = await page.evaluate(() => window.lab.lastRun());
  assert.ok(report.totalMs >= 179, `took ${report.totalMs} ms`);
  assert.deepEqual(report.tasks.map((t) => [t.name, t.polls]), [['thread one', 1], ['thread two', 1]]);
});

test('blocking, a race cancels nothing: the first polled wins and the other is dropped never polled', async () => {
  const winner = await page.evaluate(() => window.lab.race(150, 10, { blocking: true }));
  assert.equal(winner, 'thread one');
  const tasks = await tasksByName();
  assert.equal(tasks['thread one'].polls, 1);
  assert.ok(tasks['thread one'].busyMs >= 149, `thread one busy ${tasks['thread one'].busyMs} ms`);
  assert.deepEqual([tasks['thread two'].polls, tasks['thread two'].outcome], [0, 'dropped']);
});

test('the blocking toggle on the card: frames dropped are shown, and the timeline has one poll per task', async () => {
  const card = page.locator('#sequence');
  await card.locator('input[name="oneMs"]').fill('300');
  await card.locator('input[name="twoMs"]').fill('200');
  await card.locator('input[name="blocking"]').check();
  const { lines } = await runFromPage('Run concurrent (join)');
  assert.deepEqual(lines, ['thread one', 'thread two']);
  await card.locator('[data-role="frames"]').waitFor({ state: 'visible' });
  assert.ok(Number(await card.locator('[data-role="frames"]').getAttribute('data-dropped')) > 0, 'no frame dropped while the thread was blocked');
  assert.equal(await card.locator('[data-role="console-call"]').textContent(), 'await lab.concurrent(300, 200, { blocking: true })');
  await card.locator('input[name="blocking"]').uncheck();
  await card.locator('input[name="oneMs"]').fill('600');
  await card.locator('input[name="twoMs"]').fill('300');
});

test('race, then finish the loser: the loser is polled to completion through its pin! slot and prints too', async () => {
  const { lines } = await runFromPage('Race, then finish the loser');
  assert.equal(lines[0], 'thread two');
  assert.match(lines[1], /^thread two won; the loser is still in its pin! slot/);
  assert.equal(lines[2], 'thread one');
  const tasks = await tasksByName();
  assert.deepEqual([tasks['thread one'].outcome, tasks['thread two'].outcome], ['ready', 'ready']);
  // Without finishLoser, the same race drops the loser.
  await page.evaluate(() => window.lab.race(60, 10));
  assert.equal((await tasksByName())['thread one'].outcome, 'dropped');
});

test('bad options of the sequence exports are TypeErrors naming them', async () => {
  const errors = await page.evaluate(async () => Promise.all([
    window.lab.concurrent(1, 1, { blocking: 1 }).catch((e) => `${e.name}: ${e.message}`),
    window.lab.race(1, 1, { finishLoser: 'yes' }).catch((e) => `${e.name}: ${e.message}`),
  ]));
  assert.match(errors[0], /^TypeError: options\.blocking must be true or false/);
  assert.match(errors[1], /^TypeError: options\.finishLoser must be true or false/);
});

test('no page errors, console errors or failed requests in the whole session', () => {
  assert.deepEqual(lab.problems, []);
});
