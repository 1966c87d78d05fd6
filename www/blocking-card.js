// @ts-check
/**
 * The blocking lesson's card: a ball moved by JavaScript on every frame (so it
 * stops whenever the main thread is busy), the three ways to run one CPU-bound
 * job, and a table comparing what each did to the page.
 */
import { el, formatMs, role } from './dom.js';
import { createRunView } from './run-view.js';

/** @typedef {import('./pkg/async_rust_lab.js').BlockingRun} BlockingRun */

const MODES = /** @type {const} */ (['async', 'chunked', 'worker']);
const LABELS = { async: 'in an async fn', chunked: 'in chunks', worker: 'on a worker' };

/**
 * Moves the ball back and forth, one step per frame, and counts frames. Driven
 * by requestAnimationFrame on the main thread on purpose: a CSS animation
 * runs on the compositor and would keep moving through a frozen page.
 * @param {HTMLElement} card
 */
function animate(card) {
  const ball = role(card, 'ball');
  const counter = role(card, 'frame-counter');
  let frames = 0;
  const reduced = globalThis.matchMedia?.('(prefers-reduced-motion: reduce)').matches;
  /** @param {number} now */
  const frame = (now) => {
    frames += 1;
    // A 2-second round trip. With reduced motion the ball stays still and the
    // frame counter alone shows whether the page is drawing or frozen.
    const phase = (now % 2000) / 2000;
    const x = phase < 0.5 ? phase * 2 : 2 - phase * 2;
    if (!reduced) ball.style.left = `calc(${(x * 100).toFixed(2)}% - ${(x * 1.5).toFixed(3)}rem)`;
    if (frames % 10 === 0) counter.textContent = `frames drawn: ${frames}`;
    requestAnimationFrame(frame);
  };
  requestAnimationFrame(frame);
}

/**
 * @param {HTMLElement} card
 * @param {Pick<import('./lab.js').Lab, 'blocking'>} lab
 */
export function mountBlockingCard(card, lab) {
  animate(card);
  const view = createRunView(card, {
    lesson: 'blocking',
    consoleCall: (info) => `await lab.blocking("${info.mode}", ${info.args.below})`,
  });
  const form = /** @type {HTMLFormElement} */ (card.querySelector('form'));
  const below = /** @type {HTMLInputElement} */ (form.elements.namedItem('below'));
  const table = role(card, 'blocking-table');
  const rows = role(card, 'blocking-rows');
  /** @type {Map<string, BlockingRun>} */
  const results = new Map();

  const show = () => {
    rows.replaceChildren(...MODES.filter((m) => results.has(m)).map((mode) => {
      const r = /** @type {BlockingRun} */ (results.get(mode));
      return el('tr', { attrs: { 'data-mode': mode } },
        el('th', { attrs: { scope: 'row' }, text: LABELS[mode] }),
        el('td', { text: String(r.primes) }),
        el('td', { text: formatMs(r.jobMs) }),
        el('td', { text: String(r.framesDropped) }),
        el('td', { text: formatMs(r.longestGapMs) }),
        el('td', { text: r.thread }));
    }));
    table.hidden = results.size === 0;
  };

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const button = /** @type {SubmitEvent} */ (event).submitter;
    const choice = button instanceof HTMLButtonElement ? button.value : 'chunked';
    const modes = choice === 'all' ? MODES : MODES.filter((m) => m === choice);
    const n = below.value.trim() === '' ? undefined : below.valueAsNumber;
    try {
      for (const mode of modes) {
        results.set(mode, await lab.blocking(mode, n, { signal: view.begin() }));
        show();
      }
    } catch (reason) {
      view.showError(reason);
    }
  });
}
