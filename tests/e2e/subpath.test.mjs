// Deploy anywhere: dist/ served under a sub-path, as a project page on a static
// host would be (https://example.org/async-rust-lab/). Every card runs there, and
// every request stays inside the sub-path: an absolute URL in the site (a
// worker, the service worker, a data file, the wasm) would reach the host's root,
// which this server answers with 404, and the harness reports it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openLabPage, unexpectedProblems } from './harness.mjs';
import { runEveryCard } from './cards.mjs';

const BASE = '/async-rust-lab/';
const { lab, page } = await openLabPage({ base: BASE });

test('the lab starts under the sub-path, and the root of the host has nothing', async () => {
  assert.ok(lab.url.endsWith(BASE), lab.url);
  assert.ok(new URL(page.url()).pathname.startsWith(BASE), page.url());
  const root = await fetch(new URL('/index.html', lab.url));
  assert.equal(root.status, 404, 'the server must not serve the site outside the sub-path, or this test proves nothing');
});

test('the sub-path without its trailing slash redirects into it', async () => {
  const response = await fetch(lab.url.slice(0, -1), { redirect: 'manual' });
  assert.equal(response.status, 301);
  assert.equal(response.headers.get('location'), BASE);
});

test('every card runs from its first button under the sub-path', async () => {
  const ids = await runEveryCard(page);
  assert.ok(ids.length >= 9, `only ${ids.length} cards: ${ids}`);
});

test('every lesson export runs with its defaults under the sub-path', async () => {
  const results = await page.evaluate(async () => {
    const lab = /** @type {any} */ (window).lab;
    const channel = lab.channel();
    channel.send('sent');
    return {
      sequential: await lab.sequential(),
      concurrent: await lab.concurrent(),
      race: await lab.race(),
      cook: await lab.cook(),
      awaitPromise: await lab.awaitPromise(Promise.resolve(42)),
      channel: await channel.promise,
      lazy: (await lab.lazy()).length,
      handmade: await lab.handmade(),
      awaitOrder: await lab.awaitOrder(),
      kitchen: (await lab.kitchen()).mode,
      search: (await lab.searchStats()).figures.date,
      threads: await lab.threads(),
      threadCost: (await lab.threadCost(2, 1000, {})).workers,
      blocking: (await lab.blocking('worker', 100_000)).primes,
      help: lab.help().length,
    };
  });
  assert.deepEqual(results.sequential, ['thread one', 'thread two']);
  assert.deepEqual(results.concurrent, ['thread two', 'thread one']);
  assert.equal(results.race, 'thread two');
  assert.equal(typeof results.cook, 'string');
  assert.equal(results.awaitPromise, 42);
  assert.equal(results.channel, 'sent');
  assert.ok(results.lazy > 0);
  assert.equal(results.kitchen, 'async');
  // The search's data file and its service worker both live under the sub-path.
  assert.equal(results.search, '2021-01-01');
  // The threads lesson's workers load worker.js from the sub-path.
  assert.deepEqual(results.threads, ['thread two', 'thread one']);
  assert.equal(results.blocking, 9592);
  // lab.help() prints the build's manifest, fetched from the sub-path: one line per export, with docs.
  assert.ok(results.help > 15, `help has ${results.help} lines`);
  const scope = await page.evaluate(async () => (await navigator.serviceWorker.getRegistration())?.scope);
  assert.equal(scope, lab.url, 'the service worker controls the sub-path, not the host root');
});

test('no errors and no request outside the sub-path in the whole session', () => {
  // Only the search lesson's own 404 and aborted losers, which are the lesson.
  assert.deepEqual(unexpectedProblems(lab.problems), []);
});
