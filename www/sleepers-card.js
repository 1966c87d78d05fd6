// @ts-check
/**
 * The sleepers lesson's card: up to a million sleeping Rust futures against
 * as many JS Promises, with a progress bar, the measured table, the longest
 * task the browser saw during the run, and a sleeping future beside a Web
 * Worker and an OS thread.
 */
import { el, formatMs, readNumber, role, submittedMode } from './dom.js';
import { createRunView } from './run-view.js';

/** @typedef {import('./pkg/async_rust_lab.js').SleepersResult} SleepersResult */
/** @typedef {import('./pkg/async_rust_lab.js').ThreadCost} ThreadCost */
/** @typedef {{ id: number, lesson: string, side: 'rust' | 'js', woken: number, made: number, n: number }} Progress */

/** The default stack Rust's std::thread::spawn reserves: 2 MiB, documented, not measured. */
const OS_THREAD_STACK = 2 * 1024 * 1024;

/** @param {number} bytes */
function formatBytes(bytes) {
  if (bytes < 1024) return `${bytes.toFixed(bytes < 100 ? 1 : 0)} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(0)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

/** @param {number} n */
const count = (n) => n.toLocaleString('en');

/**
 * The longest task the browser reported (PerformanceObserver "longtask", 50
 * ms or more) between a run's start and its end, whoever started the run.
 * `null` where the browser does not report long tasks.
 */
function watchLongTasks() {
  if (!PerformanceObserver.supportedEntryTypes?.includes('longtask')) return null;
  let longest = 0;
  let watching = false;
  /** @param {PerformanceEntryList} entries */
  const note = (entries) => {
    if (!watching) return;
    for (const entry of entries) longest = Math.max(longest, entry.duration);
  };
  const observer = new PerformanceObserver((list) => note(list.getEntries()));
  observer.observe({ type: 'longtask' });
  return {
    start() {
      observer.takeRecords();
      longest = 0;
      watching = true;
    },
    /** The longest task since start, in ms (0: none of 50 ms or more). */
    stop() {
      note(observer.takeRecords());
      watching = false;
      return longest;
    },
  };
}

/**
 * @param {HTMLElement} card
 * @param {Pick<import('./lab.js').Lab, 'sleepers' | 'threadCost'>} lab
 */
export function mountSleepersCard(card, lab) {
  const view = createRunView(card, {
    lesson: 'sleepers',
    consoleCall: (info) => `await lab.sleepers(${info.args.n}, { maxMs: ${info.args.maxMs}, timer: "${info.mode}" })`,
  });
  const form = /** @type {HTMLFormElement} */ (card.querySelector('#sleepers-form'));
  const n = /** @type {HTMLInputElement} */ (form.elements.namedItem('n'));
  const maxMs = /** @type {HTMLInputElement} */ (form.elements.namedItem('maxMs'));
  const bar = /** @type {HTMLProgressElement} */ (role(card, 'sleepers-woken'));
  const status = role(card, 'sleepers-progress');
  const table = role(card, 'sleepers-table');
  const rows = role(card, 'sleepers-rows');
  const longTask = role(card, 'sleepers-longtask');
  const futureCell = role(card, 'compare-future');
  const workerCell = role(card, 'compare-worker');
  const threadCell = role(card, 'compare-thread');
  const longTasks = watchLongTasks();

  /** @type {number | undefined} the sleepers run in progress */
  let current;
  /** @type {number | null} bytes per sleeping future, from the last run */
  let perFuture = null;
  /** @type {number | null} one worker's wasm memory, when measured */
  let workerBytes = null;

  const compare = () => {
    futureCell.textContent = perFuture === null ? 'run the lesson above' : `${formatBytes(perFuture)} on the Rust heap`;
    if (perFuture !== null) {
      threadCell.textContent = `${formatBytes(OS_THREAD_STACK)} of stack, reserved: as much as ${count(Math.round(OS_THREAD_STACK / perFuture))} sleeping futures`;
    }
    if (workerBytes === null) return;
    const futures = perFuture === null ? '' : `: as much as ${count(Math.round(workerBytes / perFuture))} sleeping futures`;
    workerCell.textContent = `${formatBytes(workerBytes)} of wasm memory${futures}`;
  };

  globalThis.addEventListener('lab:run-start', (event) => {
    const { id, lesson } = /** @type {CustomEvent} */ (event).detail;
    if (lesson !== 'sleepers') return;
    current = id;
    bar.value = 0;
    bar.hidden = false;
    status.hidden = false;
    status.textContent = 'Making the Rust futures…';
    longTask.hidden = true;
    longTasks?.start();
  });

  globalThis.addEventListener('lab:progress', (event) => {
    /** @type {Progress} */
    const progress = /** @type {CustomEvent} */ (event).detail;
    if (progress.lesson !== 'sleepers' || progress.id !== current) return;
    bar.max = progress.n;
    bar.value = progress.woken;
    const what = progress.side === 'rust' ? 'Rust futures' : 'JS Promises';
    const making = progress.made < progress.n ? `, ${count(progress.made)} made so far` : '';
    status.textContent = `${what}: ${count(progress.woken)} of ${count(progress.n)} woken${making}.`;
    card.dataset.woken = String(progress.woken);
  });

  globalThis.addEventListener('lab:run-end', (event) => {
    const { id, lesson } = /** @type {CustomEvent} */ (event).detail;
    if (lesson !== 'sleepers' || id !== current) return;
    current = undefined;
    bar.hidden = true;
    const longest = longTasks?.stop();
    longTask.hidden = false;
    longTask.dataset.longestMs = String(longest ?? '');
    longTask.textContent = longest === undefined
      ? 'This browser does not report long tasks, so the card cannot say how long the page was held.'
      : longest === 0
        ? 'While it ran, the browser reported no task of 50 ms or more: the page stayed responsive.'
        : `While it ran, the longest task the browser reported took ${formatMs(longest)}.`;
  });

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const timer = submittedMode(event, /** @type {const} */ (['queue', 'gloo']), 'queue');
    try {
      /** @type {SleepersResult} */
      const result = await lab.sleepers(readNumber(n), { maxMs: readNumber(maxMs), timer, signal: view.begin() });
      status.textContent = `Done: ${count(result.n)} of each woke.`;
      const { rust, js } = result;
      rows.replaceChildren(
        el('tr', {},
          el('th', { attrs: { scope: 'row' }, text: `Rust futures (${result.timer === 'queue' ? 'timer queue' : 'gloo'})` }),
          el('td', { text: count(result.n) }),
          el('td', { text: formatMs(rust.ms) }),
          el('td', {
            text: `${rust.heapBytesPerFuture.toFixed(1)} B (${count(rust.asleep)} asleep when counted)`,
            attrs: { 'data-heap-bytes-per-future': String(rust.heapBytesPerFuture) },
          }),
          el('td', { text: count(rust.timersSet), attrs: { 'data-timers-set': String(rust.timersSet) } }),
          el('td', { text: count(rust.timersAtOnce), attrs: { 'data-timers-at-once': String(rust.timersAtOnce) } })),
        el('tr', {},
          el('th', { attrs: { scope: 'row' }, text: 'JS Promises around setTimeout' }),
          el('td', { text: count(result.n) }),
          el('td', { text: formatMs(js.ms) }),
          el('td', { text: 'not counted (JS heap)' }),
          el('td', { text: count(js.timersSet) }),
          el('td', { text: count(js.timersAtOnce) })),
      );
      table.hidden = false;
      perFuture = rust.heapBytesPerFuture;
      compare();
    } catch (reason) {
      bar.hidden = true;
      status.textContent = reason instanceof DOMException && reason.name === 'AbortError'
        ? 'Stopped: the futures still asleep are dropped a slice at a time, and the JS timers still armed cleared.'
        : 'Failed.';
      view.showError(reason);
    }
  });

  const workerForm = /** @type {HTMLFormElement} */ (card.querySelector('#sleepers-worker-form'));
  const workerButton = /** @type {HTMLButtonElement} */ (workerForm.querySelector('button'));
  workerForm.addEventListener('submit', async (event) => {
    event.preventDefault();
    workerButton.disabled = true;
    workerCell.setAttribute('aria-busy', 'true');
    workerCell.textContent = 'measuring…';
    try {
      /** @type {ThreadCost} */
      const cost = await lab.threadCost(1, 1, {});
      workerBytes = cost.threads.memoryBytes;
      if (workerBytes === null) workerCell.textContent = 'not reported by this browser';
      else compare();
    } catch (reason) {
      workerCell.textContent = reason instanceof Error ? `failed: ${reason.message}` : 'failed';
    } finally {
      workerButton.disabled = false;
      workerCell.removeAttribute('aria-busy');
    }
  });
}
