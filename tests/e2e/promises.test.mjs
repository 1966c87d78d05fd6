// The Future/Promise cards end to end: the release build in Chromium, clicked
// like a learner would, and the console API called like a learner would.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { openLabPage } from './harness.mjs';

const { lab, page } = await openLabPage();


/** Waits until `#id`'s run has ended (its timeline is drawn, aria-busy gone). */
async function runEnded(id) {
  await page.waitForFunction((id) => {
    const card = document.getElementById(id);
    return card && !card.hasAttribute('aria-busy') && !card.querySelector('[data-role="timeline"]').hidden;
  }, id, { timeout: 10_000 });
}

test('Cook it resolves on the card; Burn it rejects with an Error saying what burned', async () => {
  const card = page.locator('#promises');
  await card.getByRole('button', { name: 'Cook it (resolves)' }).click();
  await runEnded('promises');
  await page.waitForFunction(() => document.querySelector('#promises [data-role="outcome"]')?.textContent !== '');
  assert.equal(await card.locator('[data-role="outcome"]').textContent(), 'The Promise resolved with "toast is ready".');
  assert.deepEqual(await card.locator('[data-role="lines"] .text').allTextContents(), ['toast goes on the stove', 'toast is ready']);

  await card.locator('select[name="dish"]').selectOption('soup');
  await card.getByRole('button', { name: 'Burn it (rejects)' }).click();
  await page.waitForFunction(() => /rejected/.test(document.querySelector('#promises [data-role="outcome"]')?.textContent ?? ''));
  assert.match(await card.locator('[data-role="outcome"]').textContent(), /^The Promise rejected with Error: the soup burned after 400 ms on the stove \(an Error\)\.$/);
  assert.equal(await card.locator('[data-role="console-call"]').textContent(), 'await lab.cook("soup", { burn: true, cookMs: 400 })');
});

test('from the console, cook rejects with a real Error and a bad dish with a RangeError', async () => {
  const result = await page.evaluate(async () => {
    const settle = (p) => p.then((value) => ({ value }), (e) => ({ error: e instanceof Error, name: e.name, message: e.message }));
    return {
      ok: await settle(window.lab.cook('rice', { cookMs: 10 })),
      burned: await settle(window.lab.cook('rice', { cookMs: 10, burn: true })),
      bad: await settle(window.lab.cook('cake')),
      isPromise: window.lab.cook('toast', { cookMs: 0 }) instanceof Promise,
    };
  });
  assert.deepEqual(result.ok, { value: 'rice is ready' });
  assert.equal(result.burned.error, true);
  assert.equal(result.burned.name, 'Error');
  assert.match(result.burned.message, /rice burned/);
  assert.equal(result.bad.name, 'RangeError');
  assert.match(result.bad.message, /^dish /);
  assert.equal(result.isPromise, true);
});

test('the pass-through table shows every odd value coming back as the very same value', async () => {
  await page.locator('#promises [data-action="pass-through"]').click();
  const rows = page.locator('#promises [data-role="crossings-body"] tr');
  await page.waitForFunction(() => document.querySelectorAll('#promises [data-role="crossings-body"] tr').length === 9, null, { timeout: 5_000 });
  const same = await rows.locator('.same').allTextContents();
  assert.deepEqual(same, Array(9).fill('yes'));
  assert.match(await rows.nth(4).textContent(), /rejected: TypeError: not a number/);
});

test('awaitPromise keeps identity and reasons from the console', async () => {
  const result = await page.evaluate(async () => {
    const o = {};
    const reason = { not: 'an Error' };
    let caught;
    try { await window.lab.awaitPromise(Promise.reject(reason)); } catch (e) { caught = e; }
    return {
      identity: (await window.lab.awaitPromise(Promise.resolve(o))) === o,
      plain: (await window.lab.awaitPromise(o)) === o,
      undef: (await window.lab.awaitPromise(Promise.resolve(undefined))) === undefined,
      reason: caught === reason,
    };
  });
  assert.deepEqual(result, { identity: true, plain: true, undef: true, reason: true });
});

test('the channel card: the first send wins, later send and fail return false', async () => {
  await page.locator('#promises [data-action="channel"]').click();
  await page.waitForFunction(() => /awaited again/.test(document.querySelector('#promises [data-role="channel-log"]')?.textContent ?? ''));
  const texts = await page.locator('#promises [data-role="channel-log"] .text').allTextContents();
  assert.deepEqual(texts, [
    'const { promise, send, fail } = lab.channel()',
    "send('first') returned true",
    "send('second') returned false",
    "fail(new Error('too late')) returned false",
    'promise resolved with "first"',
    'awaited again: "first"',
  ]);
});

test('a destructured channel settles once and sending its own promise is a TypeError', async () => {
  const result = await page.evaluate(async () => {
    const { promise, send, fail } = window.lab.channel();
    const firstFail = fail('no');
    const later = [send(1), fail('again')];
    const reason = await promise.then(() => 'resolved', (r) => r);
    const self = window.lab.channel();
    self.send(self.promise);
    const cycle = await self.promise.then(() => null, (e) => e.name);
    return { firstFail, later, reason, cycle };
  });
  assert.deepEqual(result, { firstFail: true, later: [false, false], reason: 'no', cycle: 'TypeError' });
});

test('lazy versus eager: JS executors run at once, Rust future A never runs and B only when awaited', async () => {
  const card = page.locator('#lazy');
  await card.locator('input[name="waitMs"]').fill('200');
  await card.getByRole('button', { name: 'Run both sides' }).click();
  await runEnded('lazy');
  await page.waitForFunction(() => document.querySelectorAll('#lazy [data-role="js-lines"] li').length === 6);
  const js = await card.locator('[data-role="js-lines"] li').evaluateAll((items) => items.map((li) => ({
    at: Number(li.querySelector('.at').textContent.replace(/[^\d]/g, '')),
    text: li.querySelector('.text').textContent,
  })));
  const executorA = js.find((l) => l.text === 'A: executor runs');
  // At once: A's executor ran inside new Promise(...), before the constructor
  // returned (the next line) and long before the wait ended (an order, not a time).
  const texts = js.map((l) => l.text);
  assert.ok(executorA && texts.indexOf('A: executor runs') + 1 === texts.findIndex((t) => t.startsWith('promise A made')), texts.join(' / '));
  assert.ok(texts.indexOf('A: executor runs') < texts.findIndex((t) => t.endsWith('ms later: await B')), texts.join(' / '));
  const rust = await card.locator('[data-role="lines"] li').evaluateAll((items) => items.map((li) => ({
    at: Number(li.querySelector('.at').textContent.replace(/[^\d]/g, '')),
    text: li.querySelector('.text').textContent,
  })));
  assert.ok(!rust.some((l) => l.text === 'A: body runs'), JSON.stringify(rust));
  const bodyB = rust.find((l) => l.text === 'B: body runs');
  assert.ok(bodyB && bodyB.at >= 199, `Rust's B ran at +${bodyB?.at} ms, before it was awaited at 200`);
});

test('the hand-written future: its real source beside a trace of poll, Pending, wake and Ready', async () => {
  const card = page.locator('#handmade');
  const shown = await card.locator('[data-role="source"]').textContent();
  const file = await readFile(new URL('../../src/lessons/handmade.rs', import.meta.url), 'utf8');
  assert.ok(shown.includes('impl Future for Ticker'), shown.slice(0, 200));
  assert.ok(file.includes(shown), 'the source on the card is not a verbatim part of src/lessons/handmade.rs');

  await card.locator('input[name="ticks"]').fill('2');
  await card.locator('input[name="everyMs"]').fill('100');
  await card.getByRole('button', { name: 'Poll it' }).click();
  await runEnded('handmade');
  const trace = await card.locator('[data-role="lines"] .text').allTextContents();
  assert.deepEqual(trace, [
    'poll #1', 'Pending: Waker stored, timer set for 100 ms', 'timer fired: wake()',
    'poll #2', 'Pending: Waker stored, timer set for 100 ms', 'timer fired: wake()',
    'poll #3', 'Ready',
  ]);
});

test('where .await lands: the Rust body starts in a microtask, its microtask awaits beat setTimeout(0), sleep(0) does not', async () => {
  await page.locator('#await-order').getByRole('button', { name: 'Run the interleaving' }).click();
  await page.waitForFunction(() => /resumed/.test(document.querySelector('#await-order [data-role="order-log"]')?.textContent ?? ''));
  const log = await page.locator('#await-order [data-role="order-log"] li').evaluateAll((items) =>
    items.map((li) => `${li.querySelector('.who').textContent}: ${li.querySelector('.text').textContent}`));
  const at = (entry) => {
    const i = log.indexOf(entry);
    assert.ok(i >= 0, `${entry} missing from\n${log.join('\n')}`);
    return i;
  };
  const returned = at('JS: lab.awaitOrder() returned: Rust has not started yet');
  const twinStarts = at('JS: a JS async function: body starts at once');
  const firstPoll = at('Rust: first poll, the body starts');
  const timeout = at('JS: setTimeout(0) callback');
  assert.ok(twinStarts < returned, 'a JS async function runs its body at once');
  assert.ok(returned < firstPoll, 'the Rust body ran before the call returned');
  assert.ok(at('Rust: after awaiting a resolved JS Promise') < timeout, log.join('\n'));
  assert.ok(at('Rust: after yield_now() (it woke itself)') < timeout, log.join('\n'));
  assert.ok(timeout < at('Rust: after sleep(0) (a setTimeout of 0)'), log.join('\n'));
  assert.equal(log.at(-1), 'JS: await lab.awaitOrder() resumed');
});

test('bad numbers typed in the lazy and handmade cards show the RangeError on the card, and nothing goes unhandled', async () => {
  await page.locator('#lazy input[name="waitMs"]').fill('70000');
  await page.locator('#lazy').getByRole('button', { name: 'Run both sides' }).click();
  const lazyError = page.locator('#lazy [data-role="error"]');
  await lazyError.waitFor({ state: 'visible' });
  assert.match(await lazyError.textContent(), /^RangeError: waitMs must be a whole number of milliseconds from 0 to 10000 \(got 70000\)/);
  assert.equal(await page.locator('#lazy [data-role="js-lines"] li').count(), 0, 'the JS half ran with a bad waitMs');

  await page.locator('#handmade input[name="ticks"]').fill('2.5');
  await page.locator('#handmade').getByRole('button', { name: 'Poll it' }).click();
  const handmadeError = page.locator('#handmade [data-role="error"]');
  await handmadeError.waitFor({ state: 'visible' });
  assert.match(await handmadeError.textContent(), /^RangeError: ticks must be a whole number of wakes from 0 to 20 \(got 2\.5\)/);
  assert.deepEqual(lab.problems, []);
});

test('lab.help() lists the new exports with a sentence each', async () => {
  const lines = await page.evaluate(() => window.lab.help());
  for (const name of ['awaitPromise', 'channel', 'cook', 'lazy', 'handmade', 'handmadeSource', 'awaitOrder']) {
    assert.ok(lines.some((l) => l.startsWith(`lab.${name}(`)), `help() has no line for ${name}`);
  }
});

test('no page errors, console errors or failed requests in the whole session', () => {
  assert.deepEqual(lab.problems, []);
});
