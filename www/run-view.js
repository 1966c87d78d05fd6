// @ts-check
/**
 * The live view of a lesson card: the lines as they are printed, the elapsed
 * time, then the total and the timeline. It listens to the events the wasm
 * module dispatches for every run, so a run started from the console shows here
 * too; it never reaches into Rust.
 */
import { el, formatMs, role } from './dom.js';
import { describePicture, drawTimeline } from './timeline.js';

/** @typedef {import('./pkg/async_rust_lab.js').RunReport} RunReport */
/** @typedef {import('./pkg/async_rust_lab.js').PrintedLine} PrintedLine */
/** @typedef {{ id: number, lesson: string, mode: string, args: Record<string, number> }} RunInfo */

/** @param {RunInfo} info */
const callPerMode = (info) => `await lab.${info.mode}(${Object.values(info.args).join(', ')})`;

/**
 * @param {HTMLElement} card the lesson's card, with the data-role elements of index.html
 * @param {{ lesson: string, describeTotal?: (report: RunReport) => string, consoleCall?: (info: RunInfo) => string }} options
 *   `consoleCall` writes the call that repeats a run; the default suits a
 *   function per mode, `lab.<mode>(args...)`.
 */
export function createRunView(card, { lesson, describeTotal, consoleCall = callPerMode }) {
  const title = role(card, 'run-title');
  // Every card shows a run the same way, so the view builds that part itself,
  // right after the card's own run title: the printed lines (announced as they
  // come), the total, an error, the trace, and the console call that repeats it.
  const lines = el('ol', {
    class: 'lines',
    attrs: { 'data-role': 'lines', 'aria-live': 'polite', 'aria-label': title.dataset.linesLabel ?? 'Printed lines' },
  });
  const total = el('p', { class: 'total', attrs: { 'data-role': 'total' } });
  const error = el('p', { class: 'error', attrs: { 'data-role': 'error', role: 'alert' } });
  // The figure's caption says what this card's picture shows: the card's own
  // words (its data-picture attribute), then what this run's trace holds.
  const pictureCaption = el('figcaption', { text: card.dataset.picture ?? '' });
  const timeline = el('figure', { class: 'timeline', attrs: { 'data-role': 'timeline' } },
    pictureCaption,
    el('div', { class: 'lanes', attrs: { 'data-role': 'lanes' } }),
    el('div', { class: 'axis', attrs: { 'data-role': 'axis', 'aria-hidden': 'true' } }));
  const call = el('code', { attrs: { 'data-role': 'console-call' } });
  const hint = el('p', { class: 'console-hint', attrs: { 'data-role': 'console-hint' } },
    document.createTextNode('From the console: '), call);
  error.hidden = timeline.hidden = hint.hidden = true;
  title.after(lines, total, error, hint);
  // The timeline takes the card's whole width: after the columns when the
  // lines sit in one of two (the lazy and hand-written cards).
  const columns = title.closest('.side-by-side');
  if (columns && card.contains(columns)) columns.after(timeline);
  else hint.before(timeline);
  /** @type {number | undefined} the run the card shows: the newest one */
  let current;
  /** @type {AbortController | null} stops the run this card started, if it still runs */
  let running = null;
  // A Stop button beside the card's Run buttons, and the card's rule for a
  // second Run while one is going: the new run stops the old one.
  const stop = /** @type {HTMLButtonElement} */ (el('button', {
    class: 'stop',
    text: 'Stop',
    attrs: { type: 'button', 'aria-describedby': `${card.id}-stop-note` },
  }));
  stop.disabled = true;
  stop.addEventListener('click', () => running?.abort());
  card.querySelector('.buttons')?.append(
    stop,
    el('span', { class: 'stop-note', text: 'Running again stops the run in progress.', attrs: { id: `${card.id}-stop-note` } }),
  );
  let startedAt = 0;
  let ticker = 0;

  const tick = () => {
    total.textContent = `Running… ${formatMs(performance.now() - startedAt)}`;
    ticker = requestAnimationFrame(tick);
  };

  /** @param {Event} event */
  const detail = (event) => /** @type {CustomEvent} */ (event).detail;

  globalThis.addEventListener('lab:run-start', (event) => {
    /** @type {RunInfo} */
    const info = detail(event);
    if (info.lesson !== lesson) return;
    current = info.id;
    startedAt = performance.now();
    card.setAttribute('aria-busy', 'true');
    card.dataset.mode = info.mode;
    title.textContent = `${info.mode}, run #${info.id}`;
    lines.replaceChildren();
    error.hidden = true;
    timeline.hidden = true;
    hint.hidden = false;
    call.textContent = consoleCall(info);
    cancelAnimationFrame(ticker);
    tick();
  });

  globalThis.addEventListener('lab:line', (event) => {
    /** @type {RunInfo & { line: PrintedLine }} */
    const { id, line } = detail(event);
    if (id !== current) return;
    lines.append(
      el('li', { class: 'line' },
        el('span', { class: 'at', text: `+${formatMs(line.atMs)}` }),
        el('span', { class: 'text', text: line.text }),
        el('span', { class: 'thread', text: `on thread ${line.thread}` })),
    );
  });

  globalThis.addEventListener('lab:run-end', (event) => {
    /** @type {RunReport} */
    const report = detail(event);
    if (report.id !== current) return;
    cancelAnimationFrame(ticker);
    card.removeAttribute('aria-busy');
    stop.disabled = true;
    total.textContent = `Total: ${formatMs(report.totalMs)}${describeTotal ? ` (${describeTotal(report)})` : ''}`;
    pictureCaption.textContent = [card.dataset.picture, describePicture(report)].filter(Boolean).join(' ');
    // Shown first, so that the drawing is made at the width it will have.
    timeline.hidden = false;
    drawTimeline(role(card, 'lanes'), role(card, 'axis'), report);
  });

  return {
    /**
     * The signal for a run the card is about to start: it stops the card's
     * run in progress first, and the Stop button stops it.
     */
    begin() {
      running?.abort();
      running = new AbortController();
      stop.disabled = false;
      return running.signal;
    },
    /** Shows an error from a run the card started (a rejected Promise). @param {unknown} reason */
    showError(reason) {
      cancelAnimationFrame(ticker);
      card.removeAttribute('aria-busy');
      stop.disabled = true;
      const name = reason instanceof Error || reason instanceof DOMException ? reason.name : '';
      error.textContent = name === 'AbortError'
        ? 'Stopped: the run\'s future was dropped, so its timers and requests were cancelled (the trace shows the drops).'
        : reason instanceof Error ? `${reason.name}: ${reason.message}` : String(reason);
      error.hidden = false;
    },
  };
}
