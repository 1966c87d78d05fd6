// @ts-check
/**
 * The threads lesson's card: the article's two threads on Web Workers, a
 * table of which thread printed each line (threads versus concurrent), and the
 * cost of a thread next to an async task.
 */
import { el, formatMs, role, submittedMode } from './dom.js';
import { createRunView } from './run-view.js';

/** @typedef {import('./pkg/async_rust_lab.js').RunReport} RunReport */
/** @typedef {import('./pkg/async_rust_lab.js').ThreadCost} ThreadCost */
/** @typedef {import('./pkg/async_rust_lab.js').CostSide} CostSide */

/** @param {HTMLInputElement} input empty means the default (undefined) */
function readNumber(input) {
  return input.value.trim() === '' ? undefined : input.valueAsNumber;
}

/** @param {number | null} bytes */
function formatBytes(bytes) {
  if (bytes === null || !Number.isFinite(bytes)) return 'not reported';
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(0)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

/** Milliseconds per item, in µs when small. @param {number} ms */
function formatEach(ms) {
  return ms >= 1 ? `${ms.toFixed(1)} ms` : `${(ms * 1000).toFixed(2)} µs`;
}

/** Says on the card how the workers will block, from what the page may do. @param {HTMLElement} card */
function showIsolation(card) {
  const isolated = globalThis.crossOriginIsolated === true;
  const note = role(card, 'isolation');
  note.dataset.isolated = String(isolated);
  note.textContent = isolated
    ? 'This page is cross-origin isolated, so the workers can share memory: each sleeps in Atomics.wait on a SharedArrayBuffer, a true blocking sleep that uses no CPU, like std::thread::sleep.'
    : 'Fallback: this page is not cross-origin isolated (its host did not send the COOP and COEP headers), so SharedArrayBuffer and Atomics.wait are off. Each worker blocks by spinning on the clock instead (spin-wait): it blocks its thread just as hard, but keeps a CPU core busy.';
}

/**
 * The "which thread" table: the last threads run and the last concurrent run,
 * each line with the thread that slept before it (the main thread prints a
 * worker's line when its reply arrives).
 * @param {HTMLElement} card
 */
function trackThreads(card) {
  const table = role(card, 'thread-table');
  const rows = role(card, 'thread-rows');
  /** @type {Map<string, RunReport>} */
  const last = new Map();
  globalThis.addEventListener('lab:run-end', (event) => {
    /** @type {RunReport} */
    const report = /** @type {CustomEvent} */ (event).detail;
    const key = report.lesson === 'threads' && report.mode === 'threads' ? 'threads'
      : report.lesson === 'sequence' && report.mode === 'concurrent' ? 'concurrent' : null;
    if (!key) return;
    last.set(key, report);
    rows.replaceChildren(
      ...['concurrent', 'threads'].flatMap((mode) => (last.get(mode)?.lines ?? []).map((line) =>
        el('tr', { attrs: { 'data-mode': mode } },
          el('td', { text: `${mode} #${last.get(mode)?.id}` }),
          el('td', { text: line.text }),
          el('td', { class: line.thread === 'main' ? 'main-thread' : 'worker-thread', text: line.thread })))),
    );
    table.hidden = false;
  });
}

/**
 * Draws one log-scale bar per side: the time for one thread (or task) to start
 * and report back, so microseconds and milliseconds fit on one chart.
 * @param {HTMLElement} bars
 * @param {ThreadCost} cost
 */
function drawCostBars(bars, cost) {
  const sides = [['one thread (Web Worker)', cost.threads], ['one async task', cost.tasks]];
  const each = sides.map(([, side]) => /** @type {CostSide} */ (side).allBackMs / /** @type {CostSide} */ (side).count);
  // log10 from 0.1 µs upward: an empty bar at 0.1 µs, each step ten times more.
  const logs = each.map((ms) => Math.max(0, Math.log10(ms / 0.0001)));
  const top = Math.max(...logs, 1);
  bars.replaceChildren(...sides.map(([label], i) => {
    const bar = el('div', { class: `cost-bar task-${i}`, attrs: { role: 'img', 'aria-label': `${label}: ${formatEach(each[i])}` } });
    bar.style.width = `${Math.max(1, (logs[i] / top) * 100)}%`;
    return el('div', { class: 'cost-row' },
      el('span', { class: 'cost-label', text: String(label) }),
      el('div', { class: 'cost-track' }, bar),
      el('span', { class: 'cost-value', text: formatEach(each[i]) }));
  }));
}

/**
 * @param {HTMLElement} card
 * @param {Pick<import('./lab.js').Lab, 'threads' | 'concurrent' | 'threadCost' | 'blockOn'>} lab
 */
export function mountThreadsCard(card, lab) {
  showIsolation(card);
  trackThreads(card);
  const view = createRunView(card, { lesson: 'threads' });

  const form = /** @type {HTMLFormElement} */ (card.querySelector('#threads-form'));
  const oneMs = /** @type {HTMLInputElement} */ (form.elements.namedItem('oneMs'));
  const twoMs = /** @type {HTMLInputElement} */ (form.elements.namedItem('twoMs'));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const mode = submittedMode(event, /** @type {const} */ (['threads', 'concurrent']), 'threads');
    if (!mode) return;
    try {
      await lab[mode](readNumber(oneMs), readNumber(twoMs), { signal: view.begin() });
    } catch (reason) {
      view.showError(reason);
    }
  });

  // block_on on a worker: once over a future that needs nothing from outside,
  // once over a timer that needs the worker's own event loop (a deadlock).
  const blockOnForm = /** @type {HTMLFormElement} */ (card.querySelector('#block-on-form'));
  const blockOnResult = role(card, 'block-on-result');
  blockOnForm.addEventListener('submit', async (event) => {
    event.preventDefault();
    const mode = submittedMode(event, /** @type {const} */ (['channel', 'timer']), 'channel');
    if (!mode) return;
    blockOnResult.hidden = true;
    try {
      const result = await lab.blockOn(mode, { signal: view.begin() });
      blockOnResult.textContent = result.deadlocked
        ? `Deadlock: ${result.thread} gave no answer in ${formatMs(result.waitedMs)}. Its future waits for a timer that only its own event loop can fire, and block_on holds that thread. The page noticed by a timeout and terminated ${result.thread}.`
        : `${result.thread} ran block_on to the end: it returned ${result.value} (${result.how}) after ${formatMs(result.waitedMs)}, its thread blocked all along.`;
      blockOnResult.dataset.outcome = result.deadlocked ? 'deadlocked' : 'returned';
      blockOnResult.hidden = false;
    } catch (reason) {
      view.showError(reason);
    }
  });

  const costForm = /** @type {HTMLFormElement} */ (card.querySelector('#cost-form'));
  const workers = /** @type {HTMLInputElement} */ (costForm.elements.namedItem('workers'));
  const tasks = /** @type {HTMLInputElement} */ (costForm.elements.namedItem('tasks'));
  const askBrowser = /** @type {HTMLInputElement} */ (costForm.elements.namedItem('askBrowser'));
  // measureUserAgentSpecificMemory exists only on cross-origin isolated pages.
  askBrowser.disabled = globalThis.crossOriginIsolated !== true;
  const progress = role(card, 'cost-progress');
  // A bar that counts the workers as they answer, from the lines the run
  // prints ("worker answered (3 of 8)"), whether it began here or in the console.
  const answered = /** @type {HTMLProgressElement} */ (el('progress', { class: 'cost-answered', attrs: { 'aria-label': 'Workers that answered' } }));
  answered.hidden = true;
  progress.before(answered);
  globalThis.addEventListener('lab:line', (event) => {
    const { lesson, mode, line } = /** @type {CustomEvent} */ (event).detail;
    const count = lesson === 'threads' && mode === 'threadCost' && /answered \((\d+) of (\d+)\)/.exec(line.text);
    if (!count) return;
    answered.max = Number(count[2]);
    answered.value = Number(count[1]);
    answered.hidden = false;
  });
  const costError = role(card, 'cost-error');
  const costTable = role(card, 'cost-table');
  const chart = role(card, 'cost-chart');
  costForm.addEventListener('submit', async (event) => {
    event.preventDefault();
    const started = performance.now();
    const tick = () => {
      const waiting = askBrowser.checked ? ' Waiting for the browser\'s memory report can take 10 to 20 s.' : '';
      progress.textContent = `Measuring… ${formatMs(performance.now() - started)}: starting the workers, then the tasks.${waiting}`;
    };
    tick();
    const ticker = setInterval(tick, 100);
    progress.hidden = false;
    answered.value = 0;
    costError.hidden = true;
    card.setAttribute('aria-busy', 'true');
    try {
      /** @type {ThreadCost} */
      const cost = await lab.threadCost(readNumber(workers), readNumber(tasks), { askBrowser: askBrowser.checked, signal: view.begin() });
      role(card, 'cost-rows').replaceChildren(...[['threads (Web Workers)', cost.threads], ['async tasks', cost.tasks]].map(([label, side]) => {
        const s = /** @type {CostSide} */ (side);
        return el('tr', {},
          el('th', { attrs: { scope: 'row' }, text: String(label) }),
          el('td', { text: String(s.count) }),
          el('td', { text: formatEach(s.startMs) }),
          el('td', { text: formatEach(s.allBackMs) }),
          el('td', { text: formatEach(s.allBackMs / s.count) }),
          el('td', { text: s === cost.threads
            ? `${formatBytes(s.memoryBytes)} of wasm memory (each worker its own instance)`
            : `${Math.round(s.heapBytesEach ?? 0)} B each on the Rust heap (allocator count)`,
          attrs: s === cost.threads ? {} : { 'data-heap-bytes-each': String(s.heapBytesEach) } }),
          el('td', { text: s === cost.threads && askBrowser.checked ? formatBytes(s.browserBytes) : 'not asked' }));
      }));
      drawCostBars(role(card, 'cost-bars'), cost);
      costTable.hidden = false;
      chart.hidden = false;
      progress.textContent = `Measured in ${formatMs(performance.now() - started)}. Each worker also holds its own JS realm and its own copy of the wasm module; the tasks share this page's. A Web Worker is far heavier than an OS thread.`;
    } catch (reason) {
      progress.hidden = true;
      costError.textContent = reason instanceof Error ? `${reason.name}: ${reason.message}` : String(reason);
      costError.hidden = false;
    } finally {
      clearInterval(ticker);
      card.removeAttribute('aria-busy');
    }
  });
}
