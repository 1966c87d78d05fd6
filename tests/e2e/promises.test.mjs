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

/** The two logs of the await-order card, as "who: text" lines, once both runs are over. */
async function awaitOrderLogs() {
  const card = page.locator('#await-order');
  await card.getByRole('button', { name: 'Run on both executors' }).click();
  await page.waitForFunction(() => {
    const card = document.getElementById('await-order');
    const logs = [...(card?.querySelectorAll('[data-role="order-log"]') ?? [])];
    return !card?.hasAttribute('aria-busy') && logs.length === 2 && logs.every((l) => /resumed/.test(l.textContent ?? ''));
  });
  const read = (executor) => card.locator(`[data-role="order-log"][data-executor="${executor}"] li`).evaluateAll((items) =>
    items.map((li) => `${li.querySelector('.who').textContent}: ${li.querySelector('.text').textContent}`));
  return { stock: await read('stock'), reaction: await read('reaction') };
}

test('where .await lands: the same Rust lines land where the card says, on each executor, from real runs', async () => {
  const { stock, reaction } = await awaitOrderLogs();
  // wasm-bindgen-futures: the call only queues the task; the first poll, and
  // every wake's poll, is a microtask of its own behind those already queued;
  // the resolved Promise is two hops (its reaction job wakes, a microtask polls).
  assert.deepEqual(stock, [
    'JS: a JS async function: body starts at once',
    'JS: lab.awaitOrder({ executor: "stock" }) returned',
    'JS: microtask 1',
    'JS: a JS async function: after await null',
    'Rust: first poll, the body starts',
    'JS: microtask 2',
    'Rust: after yield_now() (it woke itself)',
    'JS: microtask 3, queued by 2',
    'Rust: after awaiting a resolved JS Promise',
    'JS: setTimeout(0) callback',
    'Rust: after sleep(0) (a setTimeout of 0)',
    'JS: await lab.awaitOrder() resumed',
  ], stock.join('\n'));
  // The reaction executor: polled inside the call, yield_now() polled again by
  // the same loop, the resolved Promise one hop (polled in its reaction job).
  assert.deepEqual(reaction, [
    'JS: a JS async function: body starts at once',
    'Rust: first poll, the body starts',
    'Rust: after yield_now() (it woke itself)',
    'JS: lab.awaitOrder({ executor: "reaction" }) returned',
    'JS: microtask 1',
    'JS: a JS async function: after await null',
    'Rust: after awaiting a resolved JS Promise',
    'JS: microtask 2',
    'JS: microtask 3, queued by 2',
    'JS: setTimeout(0) callback',
    'Rust: after sleep(0) (a setTimeout of 0)',
    'JS: await lab.awaitOrder() resumed',
  ], reaction.join('\n'));
  // The same Rust lines, in the same order, on both.
  const rust = (log) => log.filter((l) => l.startsWith('Rust: '));
  assert.deepEqual(rust(stock), rust(reaction));
});

test('the card explains each executor with the order both runs showed', async () => {
  const text = await page.locator('#await-order .correction').textContent();
  // The claims the order test above checks, as the card words them.
  assert.match(text, /future_to_promise puts the task in the executor's queue/);
  assert.match(text, /microtask 2 runs first/);
  assert.match(text, /two hops/);
  assert.match(text, /both lines print before the call returns/);
  assert.match(text, /one hop/);
  const explain = await page.locator('#await-order .explain').textContent();
  assert.match(explain, /every lesson on this page runs on wasm-bindgen-futures' executor, because it is what you get/);
});

test('awaitMany times the three loops; the card shows them with ratios; bad counts reject and the lab keeps working', async () => {
  const result = await page.evaluate(async () => {
    const settle = (p) => p.then((value) => ({ value }), (e) => ({ name: e.name, message: e.message }));
    return {
      timings: await window.lab.awaitMany(100_000),
      zero: await settle(window.lab.awaitMany(0)),
      tooMany: await settle(window.lab.awaitMany(1_000_001)),
      text: await settle(window.lab.awaitMany('10')),
      badExecutor: await settle(window.lab.awaitOrder({ executor: 'fast' })),
      badType: await settle(window.lab.awaitPromise(1, { executor: 1 })),
      after: await window.lab.awaitPromise(Promise.resolve(7), { executor: 'reaction' }),
      afterOrder: await window.lab.awaitOrder({ executor: 'reaction' }),
    };
  });
  assert.equal(result.timings.n, 100_000);
  for (const key of ['jsMs', 'stockMs', 'reactionMs']) assert.ok(result.timings[key] > 0, `${key}: ${result.timings[key]}`);
  assert.deepEqual(result.zero, { name: 'RangeError', message: 'n must be a whole number of awaits from 1 to 1000000 (got 0)' });
  assert.equal(result.tooMany.name, 'RangeError');
  assert.deepEqual(result.text, { name: 'TypeError', message: 'n must be a whole number of awaits from 1 to 1000000 (got the string "10")' });
  assert.deepEqual(result.badExecutor, { name: 'RangeError', message: 'options.executor must be one of "stock", "reaction" (got "fast")' });
  assert.deepEqual(result.badType, { name: 'TypeError', message: 'options.executor must be one of "stock", "reaction" (got the number 1)' });
  assert.equal(result.after, 7);
  assert.equal(result.afterOrder, undefined);

  const card = page.locator('#await-order');
  await card.getByRole('button', { name: 'Time 100,000 awaits on each' }).click();
  await page.waitForFunction(() => {
    const card = document.getElementById('await-order');
    return !card?.hasAttribute('aria-busy') && !card?.querySelector('[data-role="await-cost"]')?.hidden;
  });
  const rows = await card.locator('[data-role="await-cost-rows"] tr').evaluateAll((trs) => trs.map((tr) => [...tr.children].map((c) => c.textContent)));
  assert.equal(rows.length, 3);
  assert.match(rows[0][0], /^JavaScript/);
  assert.equal(rows[0][3], '1.0x');
  for (const row of rows) {
    assert.match(row[1], /^\d+\.\d ms$/);
    assert.match(row[3], /^\d+(\.\d)?x$/);
  }
  assert.match(await card.locator('[data-role="await-cost-caption"]').textContent(), /100,000 awaits .* measured just now in this page/);
  assert.deepEqual(lab.problems, []);
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
  for (const name of ['awaitPromise', 'channel', 'cook', 'lazy', 'handmade', 'handmadeSource', 'awaitOrder', 'awaitMany']) {
    assert.ok(lines.some((l) => l.startsWith(`lab.${name}(`)), `help() has no line for ${name}`);
  }
});

test('no page errors, console errors or failed requests in the whole session', () => {
  assert.deepEqual(lab.problems, []);
});
