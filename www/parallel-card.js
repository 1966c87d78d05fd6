// @ts-check
/**
 * The "Parallel async" card: runs `lab.parallel` from its buttons, and shows
 * every run, whether started here or from the console (it listens to the
 * `lab:parallel-*` events parallel.js dispatches): the totals, the speed-up,
 * one lane per thread, and what the run printed. The threaded module is loaded
 * by the first run, not by this card.
 */
import { el, formatMs, readNumber, role, submittedMode } from './dom.js';
import { drawParallelRun } from './parallel-view.js';

/** @typedef {import('./parallel.js').ParallelResult} ParallelResult */

/**
 * Says what the page allows: the cores the browser reports, and whether the
 * page is cross-origin isolated (without it, no memory can be shared).
 * @param {HTMLElement} card
 */
function showCapabilities(card) {
  const cores = navigator.hardwareConcurrency;
  role(card, 'cores').textContent = `This browser reports ${cores} logical core${cores === 1 ? '' : 's'} (navigator.hardwareConcurrency). `
    + (cores > 1
      ? 'With more than one, two workers can each have a core to themselves, unless other programs are using them.'
      : 'With one, the workers take turns on it: they run concurrently, not in parallel, and there is no speed-up.');
  const isolated = globalThis.crossOriginIsolated === true;
  const note = role(card, 'parallel-isolation');
  note.dataset.isolated = String(isolated);
  note.textContent = isolated
    ? 'This page is cross-origin isolated, so its WebAssembly memory can be shared with Web Workers: the threaded module can run.'
    : 'This page is not cross-origin isolated (its host did not send the COOP and COEP headers), so the browser offers no SharedArrayBuffer and no WebAssembly memory can be shared between threads: the threaded module cannot run here, and the Run buttons are off. The rest of the lab works.';
  return isolated;
}

/**
 * The totals of a run, as terms and values.
 * @param {ParallelResult} result
 * @returns {[string, string][]}
 */
function totalsOf(result) {
  const workers = `${result.options.workers} worker${result.options.workers === 1 ? '' : 's'}`;
  /** @type {[string, string][]} */
  const rows = [[`on ${workers}`, formatMs(result.parallel.totalMs)]];
  if (result.oneThread) rows.push(['on one thread', formatMs(result.oneThread.totalMs)]);
  if (result.speedUp !== null) rows.push(['speed-up', `${result.speedUp.toFixed(2)}x`]);
  rows.push(['cores reported', String(result.cores)]);
  return rows;
}

/**
 * @param {HTMLElement} card
 * @param {Pick<import('./lab.js').Lab, 'parallel'>} lab
 */
export function mountParallelCard(card, lab) {
  const isolated = showCapabilities(card);
  const form = /** @type {HTMLFormElement} */ (card.querySelector('#parallel-form'));
  for (const button of form.querySelectorAll('button')) button.disabled = !isolated;
  const field = (/** @type {string} */ name) => /** @type {HTMLInputElement} */ (form.elements.namedItem(name));
  const title = role(card, 'run-title');
  const totals = role(card, 'parallel-totals');
  const lanes = role(card, 'parallel-lanes');
  const figure = role(card, 'parallel-figure');
  const printed = role(card, 'parallel-lines');
  const error = role(card, 'parallel-error');
  let started = 0;
  let ticker = 0;

  globalThis.addEventListener('lab:parallel-start', (event) => {
    const { mode } = /** @type {CustomEvent} */ (event).detail;
    card.setAttribute('aria-busy', 'true');
    card.dataset.mode = mode;
    error.hidden = true;
    started = performance.now();
    // Four times a second, not every frame: the workers may be using every
    // core, and the less the page's thread has to do meanwhile, the better it
    // keeps up with input.
    const tick = () => { title.textContent = `Running "${mode}"… ${formatMs(performance.now() - started)}`; };
    clearInterval(ticker);
    tick();
    ticker = setInterval(tick, 250);
  });

  globalThis.addEventListener('lab:parallel-end', (event) => {
    /** @type {ParallelResult} */
    const result = /** @type {CustomEvent} */ (event).detail;
    clearInterval(ticker);
    const o = result.options;
    title.textContent = `"${result.mode}": ${o.tasks} tasks on ${o.workers} worker${o.workers === 1 ? '' : 's'}`;
    totals.replaceChildren(...totalsOf(result).map(([term, value]) => el('div', {}, el('dt', { text: term }), el('dd', { text: value }))));
    totals.hidden = false;
    printed.replaceChildren(...result.lines.map((line) => el('li', { class: 'line', text: line })));
    figure.hidden = false;
    role(card, 'parallel-caption').textContent = drawParallelRun(lanes, result);
    card.dataset.runs = String(Number(card.dataset.runs ?? 0) + 1);
    card.removeAttribute('aria-busy');
  });

  globalThis.addEventListener('lab:parallel-error', (event) => {
    const { error: reason } = /** @type {CustomEvent} */ (event).detail;
    clearInterval(ticker);
    title.textContent = 'The run failed.';
    error.textContent = reason instanceof Error ? `${reason.name}: ${reason.message}` : String(reason);
    error.hidden = false;
    card.removeAttribute('aria-busy');
  });

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const mode = submittedMode(event, /** @type {const} */ (['cpu', 'yield', 'hog']), 'cpu');
    if (!mode) return;
    const options = { workers: readNumber(field('workers')), tasks: readNumber(field('tasks')) };
    const extra = mode === 'cpu' ? { workMs: readNumber(field('workMs')) } : mode === 'yield' ? { slices: readNumber(field('slices')) } : {};
    try {
      await lab.parallel(mode, { ...options, ...extra });
    } catch (reason) {
      // A bad field is refused before any run starts, so no event reports it.
      error.textContent = reason instanceof Error ? `${reason.name}: ${reason.message}` : String(reason);
      error.hidden = false;
      card.removeAttribute('aria-busy');
    }
  });

  // The compiler's own words, from the build (scripts/build.sh), fetched when asked for.
  const sendError = role(card, 'send-error');
  const show = /** @type {HTMLButtonElement} */ (card.querySelector('[data-action="send-error"]'));
  show.addEventListener('click', async () => {
    show.disabled = true;
    try {
      const response = await fetch(new URL('./pkg-parallel/send-error.txt', import.meta.url));
      sendError.textContent = response.ok ? await response.text() : `The build's record of the error is missing (HTTP ${response.status}).`;
    } catch (reason) {
      sendError.textContent = `The build's record of the error could not be read: ${reason instanceof Error ? reason.message : String(reason)}`;
    }
    sendError.hidden = false;
  });
}
