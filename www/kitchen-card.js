// @ts-check
/** The kitchen lesson's card: cooking while the phone rings, sync and async. */
import { formatMs, role, readNumber, submittedMode } from './dom.js';
import { createRunView } from './run-view.js';

/** @typedef {import('./pkg/async_rust_lab.js').RunReport} RunReport */

/**
 * What the total is made of: sync waits for cooking plus the call; async for
 * max(cook, chop + pot on + call), the steps cut as Steps::of does in Rust.
 * @param {RunReport} report
 */
function describeTotal(report) {
  const { cookMs = 0, callMs = 0 } = report.args;
  const chop = Math.floor(cookMs / 4);
  const potOn = Math.floor(cookMs / 20);
  return `cooking ${cookMs} ms, call ${callMs} ms: one after the other ${cookMs + callMs}; `
    + `async max(${cookMs}, chop ${chop} + pot on ${potOn} + call ${callMs}) = ${Math.max(cookMs, chop + potOn + callMs)}`;
}

/**
 * The console call that repeats a run, since the kitchen's is one function
 * with a mode, not a function per mode.
 * @param {{ mode: string, args: Record<string, number> }} info
 */
function consoleCall({ mode, args }) {
  return `await lab.kitchen("${mode}", { cookMs: ${args.cookMs}, callMs: ${args.callMs} })`;
}

/**
 * @param {HTMLElement} card
 * @param {Pick<import('./lab.js').Lab, 'kitchen'>} lab
 */
export function mountKitchenCard(card, lab) {
  const form = /** @type {HTMLFormElement} */ (card.querySelector('form'));
  const cookMs = /** @type {HTMLInputElement} */ (form.elements.namedItem('cookMs'));
  const callMs = /** @type {HTMLInputElement} */ (form.elements.namedItem('callMs'));
  const view = createRunView(card, { lesson: 'kitchen', describeTotal, consoleCall });
  /** The last total of each mode stays on the card, so the two compare side by side. */
  const totals = { sync: role(card, 'total-sync'), async: role(card, 'total-async') };

  // Registered after the run view's own listeners, so this sees the run the
  // view has just drawn.
  globalThis.addEventListener('lab:run-end', (event) => {
    /** @type {RunReport} */
    const report = /** @type {CustomEvent} */ (event).detail;
    if (report.lesson !== 'kitchen' || (report.mode !== 'sync' && report.mode !== 'async')) return;
    const { cookMs: cook = 0, callMs: talk = 0 } = report.args;
    totals[report.mode].textContent = `${formatMs(report.totalMs)} (cooking ${cook} ms, call ${talk} ms)`;
  });

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const mode = submittedMode(event, /** @type {const} */ (['sync', 'async']), 'async');
    if (!mode) return;
    try {
      await lab.kitchen(mode, { cookMs: readNumber(cookMs), callMs: readNumber(callMs), signal: view.begin() });
    } catch (reason) {
      view.showError(reason);
    }
  });
}
