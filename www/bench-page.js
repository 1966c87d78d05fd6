// @ts-check
/** The benchmark page: runs www/bench.js with a progress bar, a table and bars. */
// Its own build, with the bench feature (scripts/build.sh): the lab page's
// module leaves the benchmark exports and the research they measure out.
import init, * as wasm from './pkg-bench/async_rust_lab.js';
import { median, runBenchmarks } from './bench.js';
import { el, proseWithCode } from './dom.js';
// lab.parallel: the threaded module's row (loaded when that row first runs).
import { parallel } from './parallel.js';

const form = /** @type {HTMLFormElement} */ (document.getElementById('bench-form'));
const runButton = /** @type {HTMLButtonElement} */ (document.getElementById('bench-run'));
const stopButton = /** @type {HTMLButtonElement} */ (document.getElementById('bench-stop'));
const progress = /** @type {HTMLProgressElement} */ (document.getElementById('bench-progress'));
const status = /** @type {HTMLElement} */ (document.getElementById('bench-status'));
const results = /** @type {HTMLElement} */ (document.getElementById('bench-results'));
/** @type {HTMLElement} */ (document.getElementById('bench-ua')).textContent = `Browser: ${navigator.userAgent}`;

const fmt = (/** @type {number} */ n) => (n >= 100 ? n.toFixed(0) : n >= 10 ? n.toFixed(1) : n.toFixed(2));

/** @param {import('./bench.js').Row[]} rows */
function show(rows) {
  results.replaceChildren(...rows.map((row) => {
    const base = median(row.variants[0].samples);
    const widest = Math.max(...row.variants.map((v) => median(v.samples)));
    const table = el('table', { class: 'bench-table' },
      el('caption', { text: `${row.title} (goal: ${row.goal})` }),
      el('thead', {}, el('tr', {}, ...['variant', `median ${row.unit}`, 'min', 'max', `ratio to ${row.variants[0].variant}`, ''].map((h) => el('th', { text: h, attrs: { scope: 'col' } })))),
      el('tbody', {}, ...row.variants.map((v) => {
        const m = median(v.samples);
        const bar = el('span', { class: 'bench-bar' });
        bar.style.width = `${(m / widest) * 100}%`;
        const extra = v.extra ? Object.entries(v.extra).map(([k, x]) => ` · ${k} ${fmt(x)}`).join('') : '';
        return el('tr', {},
          el('th', { text: v.variant + extra, attrs: { scope: 'row' } }),
          el('td', { text: fmt(m) }), el('td', { text: fmt(Math.min(...v.samples)) }), el('td', { text: fmt(Math.max(...v.samples)) }),
          el('td', { text: `${fmt(m / base)}x` }),
          el('td', { class: 'bench-bar-cell' }, bar));
      })));
    return el('section', { class: 'bench-row', attrs: { 'data-row': row.id } }, table, el('p', { class: 'bench-lesson' }, ...proseWithCode(row.lesson)));
  }));
}

/** @type {AbortController | null} */
let running = null;

async function run() {
  const data = new FormData(form);
  const params = new URLSearchParams(location.search);
  const smoke = params.has('smoke');
  running = new AbortController();
  runButton.disabled = true;
  stopButton.disabled = false;
  document.documentElement.dataset.benchDone = '';
  try {
    const rows = await runBenchmarks(wasm, {
      runs: smoke ? 1 : Number(data.get('runs')) || 5,
      sleepers: smoke ? 1000 : Number(data.get('sleepers')) || 1_000_000,
      maxSleepMs: smoke ? 20 : 1000,
      awaits: smoke ? 1000 : 100_000,
      spawns: smoke ? 1000 : 100_000,
      traceEvents: smoke ? 1000 : 100_000,
      signal: running.signal,
      parallel,
      parallelWorkMs: smoke ? 20 : 200,
      onProgress(done, total, label) {
        progress.max = total;
        progress.value = done;
        status.textContent = `${done} of ${total}: ${label}`;
      },
    });
    show(rows);
    /** @type {Window & { benchResults?: unknown }} */ (window).benchResults = { userAgent: navigator.userAgent, rows };
    document.documentElement.dataset.benchDone = 'true';
  } catch (error) {
    status.textContent = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    document.documentElement.dataset.benchDone = 'failed';
  } finally {
    runButton.disabled = false;
    stopButton.disabled = true;
    running = null;
  }
}

form.addEventListener('submit', (event) => {
  event.preventDefault();
  if (!running) run();
});
stopButton.addEventListener('click', () => running?.abort());

await init();
status.textContent = 'Ready. Press Run benchmarks.';
if (new URLSearchParams(location.search).has('auto')) run();
