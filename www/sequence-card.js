// @ts-check
/** The sequence lesson's card: sequential, concurrent (join) and race (select). */
import { readNumber, submittedMode } from './dom.js';
import { createRunView } from './run-view.js';

/** @typedef {import('./pkg/async_rust_lab.js').RunReport} RunReport */

/**
 * How the total compares with the sleeps: sequential waits for the sum,
 * concurrent for the longest, race for the shortest.
 * @param {RunReport} report
 */
function describeTotal(report) {
  const { oneMs = 0, twoMs = 0 } = report.args;
  return `sleeps ${oneMs} + ${twoMs} ms: sum ${oneMs + twoMs}, longest ${Math.max(oneMs, twoMs)}, shortest ${Math.min(oneMs, twoMs)}`;
}

/**
 * @param {HTMLElement} card
 * @param {Pick<import('./lab.js').Lab, 'sequential' | 'concurrent' | 'race'>} lab
 */
export function mountSequenceCard(card, lab) {
  const form = /** @type {HTMLFormElement} */ (card.querySelector('form'));
  const oneMs = /** @type {HTMLInputElement} */ (form.elements.namedItem('oneMs'));
  const twoMs = /** @type {HTMLInputElement} */ (form.elements.namedItem('twoMs'));
  const view = createRunView(card, { lesson: 'sequence', describeTotal });

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const mode = submittedMode(event, /** @type {const} */ (['sequential', 'concurrent', 'race']), 'concurrent');
    if (!mode) return;
    try {
      await lab[mode](readNumber(oneMs), readNumber(twoMs), { signal: view.begin() });
    } catch (reason) {
      view.showError(reason);
    }
  });
}
