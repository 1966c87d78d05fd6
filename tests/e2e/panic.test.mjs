// The panic experiment: a Rust future panics on purpose. The instance traps
// (RuntimeError: unreachable), its Promise never settles, the page says so in
// a banner and starts a fresh instance, and every lesson works again without
// a reload.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openLabPage, SEARCH_LESSON_FAILURES } from './harness.mjs';

const { lab, page } = await openLabPage();
/** How many panics the tests here caused on purpose: each is one page error. */
let panics = 0;

test('Panic on purpose: the Promise never settles, a banner says the module trapped, a fresh instance takes over', async () => {
  const card = page.locator('#promises');
  await card.getByRole('button', { name: 'Panic on purpose' }).click();
  panics += 1;
  await page.waitForFunction(() => document.documentElement.dataset.labInstance === '2', null, { timeout: 10_000 });
  const banner = page.getByRole('alert');
  assert.match(await banner.textContent(), /^The WebAssembly module trapped \(panicked at .*panicOnPurpose: this Rust future panicked on purpose.*\): its Promises in flight will never settle\. A fresh instance \(number 2\)/s);
  await page.waitForFunction(() => /still pending/.test(document.querySelector('[data-role="panic-outcome"]')?.textContent ?? ''), null, { timeout: 5_000 });
});

test('after the panic every lesson works again, from the console and from the page', async () => {
  const results = await page.evaluate(async () => {
    const lab = window.lab;
    return {
      sequential: await lab.sequential(0, 0),
      race: await lab.race(1, 0),
      cook: await lab.cook('rice', { cookMs: 0 }),
      awaitPromise: await lab.awaitPromise(Promise.resolve(7)),
      handmade: await lab.handmade(1, 0),
      kitchen: (await lab.kitchen('async', { cookMs: 0, callMs: 0 })).mode,
      searchStats: (await lab.searchStats('race', { slowMs: 0 })).source,
      threads: await lab.threads(60, 20),
      blocking: (await lab.blocking('chunked', 1000)).primes,
      bad: await lab.sequential(-1).catch((e) => e.name),
    };
  });
  assert.deepEqual(results, {
    sequential: ['thread one', 'thread two'],
    race: 'thread two',
    cook: 'rice is ready',
    awaitPromise: 7,
    handmade: 2,
    kitchen: 'async',
    searchStats: 'slowpoke',
    threads: ['thread two', 'thread one'],
    blocking: 168,
    bad: 'RangeError',
  });
  await page.locator('#sequence').getByRole('button', { name: 'Run sequential' }).click();
  await page.waitForFunction(() => document.querySelectorAll('#sequence [data-role="lines"] .text').length === 2, null, { timeout: 10_000 });
});

test('the only problems are the panic itself and the search lesson\'s own 404s and aborts', () => {
  const expected = [
    /^console error: panicked at .*panicOnPurpose: this Rust future panicked on purpose/s,
    /^page error: unreachable/,
    ...SEARCH_LESSON_FAILURES,
  ];
  assert.deepEqual(lab.problems.filter((p) => !expected.some((re) => re.test(p))), []);
  assert.equal(lab.problems.filter((p) => p.startsWith('page error')).length, panics, lab.problems.join('\n'));
});
