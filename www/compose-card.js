// @ts-check
/**
 * The compose card: a composition typed (or picked from the presets), parsed
 * live by Rust as you type (errors shown at their column), the code it stands
 * for in Rust and in JS, Run and Stop, then the Rust run (the lab's run view
 * and trace timeline) above the JS run (compose-view.js) and the differences
 * Rust found between the two records. A run started from the console shows
 * here too: the card draws from the `lab:compose-end` event.
 */
import { el, formatMs, proseWithCode, role } from './dom.js';
import { createRunView } from './run-view.js';
import { drawJsRecord } from './compose-view.js';

/** @typedef {import('./pkg/async_rust_lab.js').ComposeResult} ComposeResult */
/** @typedef {import('./pkg/async_rust_lab.js').RunReport} RunReport */

/** How much of a long line the error view shows on each side of the column. */
const AROUND = 40;

/**
 * The error's line of text with a caret under its column.
 * @param {string} text
 * @param {number} column 1-based, in characters
 */
function pointAt(text, column) {
  const chars = [...text];
  const before = chars.slice(0, column - 1).join('');
  const lineStart = before.lastIndexOf('\n') + 1;
  const lineEndAt = text.indexOf('\n', before.length);
  const line = [...text.slice(lineStart, lineEndAt === -1 ? undefined : lineEndAt)];
  const at = [...before.slice(lineStart)].length;
  const from = Math.max(0, at - AROUND);
  const shown = line.slice(from, at + AROUND).join('').replace(/\s/g, ' ');
  return `${from > 0 ? '…' : ''}${shown}\n${' '.repeat(at - from + (from > 0 ? 1 : 0))}^`;
}

/**
 * @param {HTMLElement} card
 * @param {Pick<import('./lab.js').Lab, 'compose' | 'composeCode' | 'composePresets'>} lab
 */
export function mountComposeCard(card, lab) {
  const form = /** @type {HTMLFormElement} */ (card.querySelector('form'));
  const textarea = /** @type {HTMLTextAreaElement} */ (form.elements.namedItem('text'));
  const presets = /** @type {HTMLSelectElement} */ (role(card, 'presets'));
  const jsToggle = /** @type {HTMLInputElement} */ (form.elements.namedItem('js'));
  const parseView = role(card, 'parse');
  const rustCode = role(card, 'rust-code');
  const jsCode = role(card, 'js-code');
  const jsSide = role(card, 'js-side');
  const jsLines = role(card, 'js-lines');
  const jsTotal = role(card, 'js-total');
  const differencesBox = role(card, 'differences-box');
  const differences = role(card, 'differences');
  const why = role(card, 'why');
  let lastText = textarea.value;
  /** How many runs this card's Run button started that are still going. */
  let startedHere = 0;
  const view = createRunView(card, {
    lesson: 'compose',
    describeTotal: (report) => `${report.tasks.length} traced tasks; the record ends when every spawned task has too`,
    consoleCall: () => `await lab.compose(${JSON.stringify(lastText)}, { js: ${jsToggle.checked} })`,
  });

  for (const preset of lab.composePresets()) {
    presets.append(el('option', { text: preset.name, attrs: { value: preset.text } }));
  }

  /** Parses the text as it is now: the code, or the error at its column. */
  const parse = () => {
    const text = textarea.value;
    presets.value = [...presets.options].some((o) => o.value === text) ? text : '';
    try {
      const code = lab.composeCode(text);
      rustCode.textContent = `${code.rustPrelude}\n${code.rust}`;
      jsCode.textContent = `${code.jsPrelude}\n${code.js}`;
      textarea.removeAttribute('aria-invalid');
      parseView.replaceChildren(el('p', { class: 'parse-ok', text: `Parsed: ${code.nodes} node${code.nodes === 1 ? '' : 's'}.` }));
      card.dataset.parse = 'ok';
    } catch (error) {
      const err = /** @type {Error & { column?: number }} */ (error);
      textarea.setAttribute('aria-invalid', 'true');
      const parts = [el('p', { class: 'error', text: `${err.name}: ${err.message}` })];
      if (typeof err.column === 'number') parts.push(el('pre', { attrs: { 'aria-hidden': 'true' } }, el('code', { text: pointAt(text, err.column) })));
      parseView.replaceChildren(...parts);
      card.dataset.parse = err.name;
    }
  };
  textarea.addEventListener('input', parse);
  presets.addEventListener('change', () => {
    if (presets.value) {
      textarea.value = presets.value;
      parse();
    }
  });
  parse();

  globalThis.addEventListener('lab:run-start', (event) => {
    if (/** @type {CustomEvent} */ (event).detail.lesson !== 'compose') return;
    jsSide.hidden = true;
    differencesBox.hidden = true;
    card.dataset.composeState = 'running';
  });

  globalThis.addEventListener('lab:compose-end', (event) => {
    /** @type {ComposeResult} */
    const result = /** @type {CustomEvent} */ (event).detail;
    lastText = result.text;
    // A run from the console: show its text and code. A run from the card
    // leaves the field alone, since the learner may be typing the next one.
    if (startedHere === 0 && textarea.value !== result.text) {
      textarea.value = result.text;
      parse();
    }
    role(card, 'console-call').textContent = `await lab.compose(${JSON.stringify(result.text)}, { js: ${Boolean(result.js)} })`;
    const items = result.differences.map((d) => el('li', { attrs: { 'data-kind': d.kind } }, ...proseWithCode(d.text)));
    const rustEnd = result.rust.error === undefined ? 'with a value' : `with the error "${result.rust.error}"`;
    items.unshift(el('li', { text: `Rust: the root future was done after ${formatMs(result.rust.totalMs)}, ${rustEnd}.` }));
    if (result.js) {
      const js = result.js;
      jsLines.replaceChildren(...js.record.lines.map((line) => el('li', { class: 'line' },
        el('span', { class: 'at', text: `+${formatMs(line.atMs)}` }),
        el('span', { class: 'text', text: line.text }))));
      const jsEnd = js.error === undefined ? 'fulfilled' : `rejected with "${js.error}"`;
      jsTotal.textContent = `The root Promise ${jsEnd} after ${formatMs(js.totalMs)}; the last Promise made settled at ${formatMs(js.record.endMs)}.`;
      // Shown first, so the drawing takes the card's width.
      jsSide.hidden = false;
      role(card, 'js-caption').textContent = drawJsRecord(role(card, 'js-lanes'), js.record);
      if (!result.differences.length) items.push(el('li', { text: 'The two records agree on every point the card checks: what printed, in what order, what started when, and which timers were cleared.' }));
    }
    differences.replaceChildren(...items);
    why.replaceChildren(...(result.rust.why ? proseWithCode(`Why it ended with an error: ${result.rust.why}`) : []));
    differencesBox.hidden = false;
    card.dataset.composeState = 'done';
  });

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    lastText = textarea.value;
    startedHere += 1;
    try {
      await lab.compose(textarea.value, { js: jsToggle.checked, signal: view.begin() });
    } catch (reason) {
      view.showError(reason);
      card.dataset.composeState = 'failed';
    } finally {
      startedHere -= 1;
    }
  });
}
