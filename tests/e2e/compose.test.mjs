// The compose lesson end to end, in the release build, in Chromium: a
// composition typed as text runs as Rust futures and as JS Promises, and the
// card names where the two records differ. Everything is read from the
// records (order, overlap, poll counts), never from the clock's upper bounds.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openLabPage, unexpectedProblems } from './harness.mjs';

const { lab, page } = await openLabPage();
const card = page.locator('#compose');

/** lab.compose in the page; a rejection comes back as { name, message }. */
function compose(text, options) {
  return page.evaluate(([t, o]) => window.lab.compose(t, o).catch((e) => ({ name: e.name, message: e.message })), [text, options]);
}

/** Waits until the card has drawn the newest compose run. */
async function cardDone() {
  await page.waitForFunction(() => document.getElementById('compose')?.dataset.composeState === 'done');
}

test('select(one, two) with js: Rust prints two only, JS prints two then one, and the card names the loser', async () => {
  const result = await compose('select(sleep(600, "one"), sleep(300, "two"))', { js: true });
  assert.deepEqual(result.rust.lines, ['two'], JSON.stringify(result.rust));
  assert.deepEqual(result.js.lines, ['two', 'one']);
  assert.equal(result.rust.value, 'two');
  const one = result.rust.report.tasks.find((t) => t.name === 'one');
  assert.equal(one.outcome, 'dropped');
  // The JS loser's timer was armed and fired, never cleared.
  const kinds = result.js.record.events.filter((e) => e.task === 'one').map((e) => e.kind);
  assert.ok(kinds.includes('timer-fired') && !kinds.includes('timer-cleared'), kinds.join());
  assert.deepEqual(result.differences.map((d) => d.kind).sort(), ['loser-printed', 'order', 'timer-not-cleared']);
  await cardDone();
  const named = card.locator('[data-role="differences"] li[data-kind="loser-printed"]');
  assert.match(await named.textContent(), /one printed on the JS side .* Rust dropped its future unfinished/);
  assert.match(await card.locator('[data-role="js-lines"]').textContent(), /two.*one/);
  // One lane per Promise; the loser's still running after the root settled, and the caption says so.
  assert.equal(await card.locator('[data-role="js-lanes"] svg.trace .lane-bg').count(), 3);
  assert.match(await card.locator('[data-role="js-caption"]').textContent(), /Still running after the root settled: one \(settled at/);
});

test('join(sleep 300, block 200): b is one long poll inside a\'s wait, so the total is the longer, not the sum', async () => {
  const result = await compose('join(sleep(300, "a"), block(200, "b"))');
  const { events, tasks } = result.rust.report;
  const b = tasks.find((t) => t.name === 'b');
  assert.equal(b.polls, 1);
  assert.ok(b.busyMs >= 200, `b busy ${b.busyMs} ms`);
  const aArmed = events.findIndex((e) => e.task === 'a' && e.kind === 'poll-end' && e.result === 'pending' && e.waiting === 'timer');
  const bPoll = events.findIndex((e) => e.task === 'b' && e.kind === 'poll-start');
  const bPollEnd = events.findIndex((e) => e.task === 'b' && e.kind === 'poll-end');
  const aDone = events.findIndex((e) => e.task === 'a' && e.kind === 'completed');
  assert.ok(aArmed !== -1 && aArmed < bPoll, 'a\'s timer was armed before b\'s poll');
  assert.ok(aDone > bPollEnd, 'a completed after b\'s poll ended');
  assert.ok(events[aDone].t >= events[bPollEnd].t);
  assert.ok(result.rust.totalMs >= 300, `total ${result.rust.totalMs}`);
  assert.deepEqual(result.rust.lines, ['b', 'a']);
});

test('seq(sleep 100, select(fetch gone, fetch quick)) ends with the 404 as an error, and the card says why', async () => {
  const result = await compose('seq(sleep(100), select(fetch("gone"), fetch("quick")))', { js: true });
  assert.match(result.rust.error, /fetch gone: HTTP 404/, JSON.stringify(result.rust));
  assert.match(result.js.error, /fetch gone: HTTP 404/);
  assert.deepEqual(result.rust.lines, ['sleep 100']);
  assert.match(result.rust.why, /not `select_ok`/);
  const quick = result.rust.report.tasks.find((t) => t.name === 'fetch quick');
  assert.equal(quick.outcome, 'dropped');
  await cardDone();
  assert.match(await card.locator('[data-role="why"]').textContent(), /select takes the first future to finish, Ok or Err: it is not select_ok/);
  // Run from the console, the card shows that composition and its code.
  assert.equal(await card.locator('textarea').inputValue(), 'seq(sleep(100), select(fetch("gone"), fetch("quick")))');
  assert.match(await card.locator('[data-role="rust-code"]').textContent(), /select_all\(\[/);
  // In JS the select's fetches were sent at once, before the sleep was done.
  assert.ok(result.differences.some((d) => d.kind === 'eager-start' && d.task === 'select'), JSON.stringify(result.differences));
});

test('hostile text is a SyntaxError or a RangeError, and the page stays intact', async () => {
  const cases = [
    '',
    '('.repeat(10_000),
    `${'seq('.repeat(500)}sleep(1)${')'.repeat(500)}`,
    'frobnicate(1)',
    'sleep(99999999999999999999999999)',
    'sleep(1e9)',
    'sleep(-5)',
    'sleep(1, "a"b")',
    'sleep(1, "unclosed',
    '<img src=x onerror="window.hacked=1">',
    '"); alert(1); ("',
    'join(' + 'yield(),'.repeat(250) + ')',
  ];
  const outcomes = [];
  for (const text of cases) {
    const result = await compose(text);
    outcomes.push(`${result.name}`);
    assert.ok(['SyntaxError', 'RangeError'].includes(result.name), `${text.slice(0, 40)}: ${JSON.stringify(result).slice(0, 200)}`);
    assert.match(result.message, /^text at column \d+: /);
  }
  // A label with markup in quotes is valid: it runs and shows as text.
  const markup = await compose('sleep(1, "<img src=x onerror=\\"window.hacked=1\\">")');
  assert.deepEqual(markup.rust.lines, ['<img src=x onerror="window.hacked=1">']);
  // Typed into the card, each error shows at its column, as text.
  const textarea = card.locator('textarea');
  await textarea.fill('join(sleep(300), slep(2))');
  await page.waitForFunction(() => document.getElementById('compose')?.dataset.parse === 'SyntaxError');
  assert.match(await card.locator('[data-role="parse"]').textContent(), /column 18: expected one of sleep, block, yield, fetch, fail, join, select, seq, timeout or spawn, found `slep`/);
  assert.equal(await textarea.getAttribute('aria-invalid'), 'true');
  await textarea.fill('<script>window.hacked=1</script>');
  await page.waitForFunction(() => document.getElementById('compose')?.dataset.parse === 'SyntaxError');
  assert.equal(await page.evaluate(() => document.querySelectorAll('#compose img, #compose script').length), 0);
  assert.equal(await page.evaluate(() => window.hacked), undefined);
  await textarea.fill('join(yield(), yield("y2"))');
  await page.waitForFunction(() => document.getElementById('compose')?.dataset.parse === 'ok');
  assert.match(await card.locator('[data-role="rust-code"]').textContent(), /futures::try_join!\(/);
  assert.match(await card.locator('[data-role="js-code"]').textContent(), /Promise\.all\(\[/);
  // The module still works.
  const after = await compose('seq(yield("x"), sleep(10, "y"))');
  assert.deepEqual(after.rust.lines, ['x', 'y']);
  assert.equal(await page.locator('main section.card').count(), await page.evaluate(() => document.querySelectorAll('main section.card').length));
});

test('the card runs a preset with Run, and Stop drops the run', async () => {
  await card.locator('select[name="preset"]').selectOption({ label: 'race' });
  assert.match(await card.locator('textarea').inputValue(), /^select\(sleep\(600, "thread one"\)/);
  await card.locator('button[type="submit"]').click();
  await cardDone();
  assert.match(await card.locator('[data-role="lines"]').textContent(), /thread two/);
  assert.doesNotMatch(await card.locator('[data-role="lines"]').textContent(), /thread one/);
  assert.match(await card.locator('[data-role="js-lines"]').textContent(), /thread two.*thread one/);
  await card.locator('textarea').fill('join(sleep(20000, "late"), spawn(sleep(20000, "spawned")))');
  await card.locator('button[type="submit"]').click();
  await page.waitForFunction(() => document.getElementById('compose')?.getAttribute('aria-busy') === 'true');
  await card.locator('button.stop').click();
  await card.locator('[data-role="error"]:not([hidden])').waitFor();
  assert.match(await card.locator('[data-role="error"]').textContent(), /^Stopped/);
  const tasks = await page.evaluate(() => window.lab.lastRun().tasks);
  assert.deepEqual(tasks.filter((t) => t.outcome === 'dropped').map((t) => t.name).sort(), ['join', 'late', 'spawn', 'spawned']);
});

test('three compositions, both sides (for the closing note)', async (t) => {
  for (const text of [
    'select(sleep(600, "one"), sleep(300, "two"))',
    'seq(sleep(200, "first"), sleep(100, "second"))',
    'timeout(500, join(sleep(100, "fast"), yield("hop")))',
  ]) {
    const result = await compose(text, { js: true });
    t.diagnostic(JSON.stringify({ text, rust: result.rust.lines, js: result.js.lines, differences: result.differences.map((d) => `${d.kind}: ${d.text}`) }));
  }
});

test('no problems in the session but the 404 of the gone source the lesson asks for', () => {
  assert.deepEqual(unexpectedProblems(lab.problems), []);
});
