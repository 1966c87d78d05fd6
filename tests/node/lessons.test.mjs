// The lessons that need no DOM, in Node: the crate built with
// `wasm-pack build --target nodejs --out-dir pkg-node` (scripts/test.sh) is a
// CommonJS package that any Node program can require. Node has timers and
// performance.now(); it has no window, no Worker and no service worker, and its
// globalThis is no EventTarget (the api skips its run events there). The lessons
// that need those must fail with an error that says so, not crash.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
/** @type {typeof import('../../pkg-node/async_rust_lab.js')} */
const lab = require('../../pkg-node/async_rust_lab.js');

test('the sequence lesson: sequential, concurrent and race give the article\'s orders with real timers', async () => {
  /** The last run's two tasks, by name. */
  const tasks = () => Object.fromEntries((lab.lastRun()?.tasks ?? []).map((t) => [t.name, t]));
  const started = performance.now();
  assert.deepEqual(await lab.sequential(120, 60), ['thread one', 'thread two']);
  const sequentialMs = performance.now() - started;
  assert.ok(sequentialMs >= 175, `sequential took ${sequentialMs} ms, less than both sleeps`);
  // In turn: thread two starts once thread one has completed.
  let { 'thread one': one, 'thread two': two } = tasks();
  assert.ok(two.startMs >= one.endMs, JSON.stringify([one, two]));

  assert.deepEqual(await lab.concurrent(120, 60), ['thread two', 'thread one']);
  // Together: each task starts before the other ends, so their sleeps overlap
  // (what a busy machine does to the total is not this test's business).
  ({ 'thread one': one, 'thread two': two } = tasks());
  assert.ok(one.startMs < two.endMs && two.startMs < one.endMs, JSON.stringify([one, two]));

  assert.equal(await lab.race(120, 60), 'thread two');
  const report = lab.lastRun();
  assert.equal(report?.mode, 'race');
  assert.deepEqual(report?.lines.map((l) => [l.text, l.thread]), [['thread two', 'main']]);
  assert.deepEqual(report?.tasks.map((t) => t.outcome).sort(), ['dropped', 'ready']);
});

test('a bad argument is the same RangeError as in the page', async () => {
  await assert.rejects(lab.sequential(-1), { name: 'RangeError', message: /oneMs must be a whole number of milliseconds from 0 to 60000 \(got -1\)/ });
});

test('channel: send settles the promise once; fail rejects it with exactly the reason', async () => {
  const sent = lab.channel();
  assert.equal(sent.send({ dish: 'soup' }), true);
  assert.equal(sent.send('again'), false, 'a second send must not be accepted');
  assert.deepEqual(await sent.promise, { dish: 'soup' });

  const failed = lab.channel();
  const reason = new TypeError('burned');
  assert.equal(failed.fail(reason), true);
  assert.equal(failed.send('late'), false);
  await assert.rejects(failed.promise, (error) => error === reason);
});

test('awaitPromise: Rust awaits a JS Promise or thenable and gives back the very same value or reason', async () => {
  const value = { same: true };
  assert.equal(await lab.awaitPromise(Promise.resolve(value)), value);
  assert.equal(await lab.awaitPromise(42), 42);
  assert.equal(await lab.awaitPromise({ then: (/** @type {(v: unknown) => void} */ resolve) => setTimeout(() => resolve('thenable'), 20) }), 'thenable');
  const reason = new Error('no');
  await assert.rejects(lab.awaitPromise(Promise.reject(reason)), (error) => error === reason);
});

test('what needs a browser says so: no Worker for threads, no service worker for the search', async () => {
  await assert.rejects(lab.threads(10, 5), /could not start the Web Worker .*Worker is not defined/);
  await assert.rejects(lab.searchStats('race'), /needs the service worker/);
});
