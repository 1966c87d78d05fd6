import { openLab } from './harness.mjs';
const lab = await openLab();
const page = await lab.newPage();
const out = await page.evaluate(async () => {
  const m = await import('./pkg-bench/async_rust_lab.js');
  await m.default();
  const rows = [];
  for (const n of [100000, 1000000]) for (const timer of ['queue', 'gloo']) {
    const r = await m.benchSleepers(n, 1000, timer, 'slab');
    rows.push([n, timer, Math.round(r.ms), r.heapBytesPerFuture.toFixed(1)]);
  }
  return rows;
});
console.log(JSON.stringify(out));
await lab.close();
