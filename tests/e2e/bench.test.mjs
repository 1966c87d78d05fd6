// The benchmark page works: a tiny smoke run (not a measurement) fills every
// row with a number for each variant, the JS baseline included, with no errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openLabPage } from './harness.mjs';

const { lab, page } = await openLabPage({ path: 'bench.html?smoke&auto', ready: 'benchDone' });

test('bench.html?smoke runs every row, each variant beside its JS baseline', async () => {
  const results = await page.evaluate(() => window.benchResults);
  const ids = results.rows.map((r) => r.id);
  assert.deepEqual(ids, ['await-resolved', 'await-rust', 'sleepers', 'spawn', 'trace-event', 'parallel-cpu']);
  for (const row of results.rows) {
    // The threaded module's row compares executors: its baseline is the single-threaded one.
    const baseline = row.id === 'parallel-cpu' ? /^single-threaded executor/ : /^JS /;
    assert.match(row.variants[0].variant, baseline, `${row.id} starts with its baseline`);
    assert.ok(row.variants.length >= 2, `${row.id} has a Rust variant`);
    for (const v of row.variants) assert.ok(v.samples.length === 1 && v.samples[0] > 0, `${row.id} / ${v.variant}: ${v.samples}`);
  }
  const sleepers = results.rows.find((r) => r.id === 'sleepers');
  const queue = sleepers.variants.find((v) => v.variant.includes('timer queue'));
  assert.ok(queue.extra.heapBytesPerFuture > 0);
  const parallel = results.rows.find((r) => r.id === 'parallel-cpu');
  assert.deepEqual(parallel.variants.slice(1).map((v) => v.variant), ['multi-threaded, 1 worker', 'multi-threaded, 2 workers', 'multi-threaded, 4 workers']);
  assert.match(parallel.title, /^Speed-up of .*this browser reports \d+ cores/);
  assert.equal(await page.locator('.bench-table').count(), results.rows.length);
  // Each table is followed by what its row teaches.
  const lessons = await page.locator('.bench-row .bench-lesson').allTextContents();
  assert.equal(lessons.length, results.rows.length);
  for (const [i, text] of lessons.entries()) assert.ok(text.length > 80 && text === results.rows[i].lesson.replaceAll('`', ''), `${results.rows[i].id}: ${text}`);
  assert.deepEqual(lab.problems, []);
});
