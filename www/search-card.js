// @ts-check
/**
 * The search lesson's card: three sources asked in sequence, as a fallback, as
 * a race, all at once, or hedged. It registers the service worker that serves the
 * sources; Rust waits until that worker controls the page before its first fetch.
 */
import { el, role, readNumber, submittedMode } from './dom.js';
import { createRunView } from './run-view.js';
import { scriptUrl } from './trusted.js';

/** @typedef {import('./pkg/async_rust_lab.js').RunReport} RunReport */
/** @typedef {import('./pkg/async_rust_lab.js').SearchResult} SearchResult */

const MODES = /** @type {const} */ (['sequential', 'fallback', 'race', 'all', 'hedged']);

/** @param {RunReport} report */
function describeTotal(report) {
  const { slowMs = 0, timeoutMs = 0, hedgeMs } = report.args;
  const hedge = hedgeMs === undefined ? '' : `; hedge after ${hedgeMs} ms`;
  return `gone 80 ms (404), slowpoke ${slowMs} ms, quick 250 ms; timeout ${timeoutMs} ms${hedge}`;
}

/** @param {{ mode: string, args: Record<string, number> }} info */
function consoleCall({ mode, args }) {
  const hedge = args.hedgeMs === undefined ? '' : `, hedgeMs: ${args.hedgeMs}`;
  return `await lab.searchStats("${mode}", { timeoutMs: ${args.timeoutMs}, slowMs: ${args.slowMs}${hedge} })`;
}

/**
 * Registers the sources' worker. Where there is no service worker support (an
 * insecure origin, some private modes) the card says so; the runs then fail
 * with the reason when their timeout strikes.
 * @param {(reason: unknown) => void} onError
 */
function registerSources(onError) {
  if (!('serviceWorker' in navigator)) {
    onError(new Error('this browser gives the page no service worker, so the sources cannot be served'));
    return;
  }
  navigator.serviceWorker.register(scriptUrl(new URL('./sources-sw.js', import.meta.url).href)).catch(onError);
}

/**
 * @param {HTMLElement} card
 * @param {Pick<import('./lab.js').Lab, 'searchStats'>} lab
 */
export function mountSearchCard(card, lab) {
  const form = /** @type {HTMLFormElement} */ (card.querySelector('form'));
  const slowMs = /** @type {HTMLInputElement} */ (form.elements.namedItem('slowMs'));
  const timeoutMs = /** @type {HTMLInputElement} */ (form.elements.namedItem('timeoutMs'));
  const hedgeMs = /** @type {HTMLInputElement} */ (form.elements.namedItem('hedgeMs'));
  const view = createRunView(card, { lesson: 'search', describeTotal, consoleCall });
  const table = role(card, 'figures');
  const caption = role(card, 'figures-caption');
  const rows = role(card, 'figures-rows');
  const source = role(card, 'figures-source');
  const number = new Intl.NumberFormat('en');

  registerSources((reason) => view.showError(reason));

  // Registered after the run view's own listener, so this one has the last word.
  globalThis.addEventListener('lab:run-start', (event) => {
    const info = /** @type {CustomEvent} */ (event).detail;
    if (info.lesson !== 'search') return;
    table.hidden = true;
  });

  /** @param {SearchResult} result */
  const showFigures = (result) => {
    const figures = result.figures;
    if (!figures) return;
    const agreement = result.agree === undefined ? '' : result.agree ? ', every answer the same' : ', and the answers differ';
    caption.textContent = `Answered by ${result.source}${agreement}: totals on ${figures.date}`;
    source.textContent = figures.source;
    rows.replaceChildren(...figures.countries.map((c) => el('tr', {},
      el('th', { text: c.country, attrs: { scope: 'row' } }),
      el('td', { text: number.format(c.confirmed) }),
      el('td', { text: number.format(c.deaths) }))));
    table.hidden = false;
  };

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const mode = submittedMode(event, MODES, 'race');
    if (!mode) return;
    try {
      const hedge = mode === 'hedged' ? { hedgeMs: readNumber(hedgeMs) } : {};
      showFigures(await lab.searchStats(mode, { slowMs: readNumber(slowMs), timeoutMs: readNumber(timeoutMs), ...hedge, signal: view.begin() }));
    } catch (reason) {
      view.showError(reason);
    }
  });
}
