import { openLab } from './harness.mjs';
const lab = await openLab();
const page = await lab.newPage();
await page.evaluate(() => {
  window.longTasks = [];
  window.marks = {};
  addEventListener('lab:progress', (e) => { if (e.detail.side === 'js' && !window.marks.js) window.marks.js = performance.now(); if (e.detail.side === 'rust' && e.detail.made === e.detail.n && !window.marks.made) window.marks.made = performance.now(); });
  addEventListener('lab:run-start', () => { window.marks = { start: performance.now() }; });
  addEventListener('lab:run-end', () => { window.marks.end = performance.now(); });
  new PerformanceObserver((l) => { for (const e of l.getEntries()) window.longTasks.push([Math.round(e.startTime - (window.marks.start ?? 0)), Math.round(e.duration)]); }).observe({ type: 'longtask' });
});
const runs = JSON.parse(process.argv[2] ?? '[[100000,"queue",1000]]');
for (const [n, timer, maxMs] of runs) {
  const out = await page.evaluate(async ([n, timer, maxMs]) => {
    window.longTasks.length = 0;
    const before = window.lab.memoryUsage().heapBytes;
    const t0 = performance.now();
    const r = await window.lab.sleepers(n, { timer, maxMs });
    const wall = performance.now() - t0;
    await new Promise((r) => setTimeout(r, 200));
    const m = window.marks; return { r, wall, marks: { made: Math.round(m.made - m.start), js: Math.round(m.js - m.start), end: Math.round(m.end - m.start) }, long: [...window.longTasks], before, after: window.lab.memoryUsage().heapBytes };
  }, [n, timer, maxMs]);
  console.log(JSON.stringify(out));
}
// abort test
const ab = await page.evaluate(async () => {
  const before = window.lab.memoryUsage().heapBytes;
  const c = new AbortController();
  let peak = 0;
  const p = window.lab.sleepers(1000000, { timer: 'gloo', maxMs: 5000, signal: c.signal }).catch((e) => e.name);
  await new Promise((r) => addEventListener('lab:progress', function f(e) { if (e.detail.made === e.detail.n) { removeEventListener('lab:progress', f); r(); } }));
  peak = window.lab.memoryUsage().heapBytes;
  window.longTasks.length = 0;
  const t = performance.now();
  c.abort();
  const res = await p;
  const stopMs = performance.now() - t;
  const series = [];
  for (let i = 0; i < 40; i++) { series.push(window.lab.memoryUsage().heapBytes); await new Promise((r) => setTimeout(r, 50)); }
  return { before, peak, res, stopMs, series: series.filter((_, i) => i % 5 === 0), long: [...window.longTasks] };
});
console.log(JSON.stringify(ab));
console.log(lab.problems);
await lab.close();
