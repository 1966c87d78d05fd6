// @ts-check
/** The sequence lesson's card: sequential, concurrent (join) and race (select). */
import { el, formatMs, readNumber, role, submittedMode } from './dom.js';
import { createRunView } from './run-view.js';

/** @typedef {import('./pkg/async_rust_lab.js').RunReport} RunReport */

const MODES = /** @type {const} */ (['sequential', 'concurrent', 'race', 'race-finish', 'compare']);

/**
 * How the total compares with the sleeps: sequential waits for the sum,
 * concurrent for the longest, race for the shortest; blocking, join waits for
 * the sum too.
 * @param {RunReport} report
 */
function describeTotal(report) {
  const { oneMs = 0, twoMs = 0, blocking = 0 } = report.args;
  const how = blocking ? '; each sleep blocked the thread' : '';
  return `sleeps ${oneMs} + ${twoMs} ms: sum ${oneMs + twoMs}, longest ${Math.max(oneMs, twoMs)}, shortest ${Math.min(oneMs, twoMs)}${how}`;
}

/** @param {{ mode: string, args: Record<string, number> }} info */
function consoleCall({ mode, args }) {
  const { oneMs, twoMs, blocking = 0, finishLoser = 0 } = args;
  const options = [blocking ? 'blocking: true' : '', finishLoser ? 'finishLoser: true' : ''].filter(Boolean);
  return `await lab.${mode}(${oneMs}, ${twoMs}${options.length ? `, { ${options.join(', ')} }` : ''})`;
}

/**
 * Records the page's frames from now until `stop()` is called, then says how
 * many were dropped (gaps over one and a half frames of 60 Hz) and the longest
 * gap: a blocked main thread draws nothing.
 */
function watchFrames() {
  /** @type {number[]} */
  const times = [];
  /** @type {(value?: unknown) => void} */
  let drawn = () => {};
  const firstFrame = new Promise((resolve) => { drawn = resolve; });
  let request = requestAnimationFrame(function frame(at) {
    times.push(at);
    drawn();
    request = requestAnimationFrame(frame);
  });
  return {
    /** Resolves at the first frame: a freeze before it would go unmeasured. */
    firstFrame,
    /** @returns {Promise<{ dropped: number, longestMs: number }>} after one more frame */
    async stop() {
      await new Promise((resolve) => requestAnimationFrame(resolve));
      cancelAnimationFrame(request);
      let dropped = 0;
      let longestMs = 0;
      for (let i = 1; i < times.length; i += 1) {
        const gap = times[i] - times[i - 1];
        longestMs = Math.max(longestMs, gap);
        if (gap > 1.5 * (1000 / 60)) dropped += Math.round(gap / (1000 / 60)) - 1;
      }
      return { dropped, longestMs };
    },
  };
}

/**
 * @param {HTMLElement} card
 * @param {Pick<import('./lab.js').Lab, 'sequential' | 'concurrent' | 'race' | 'threads' | 'lastRun'>} lab
 */
export function mountSequenceCard(card, lab) {
  const form = /** @type {HTMLFormElement} */ (card.querySelector('form'));
  const oneMs = /** @type {HTMLInputElement} */ (form.elements.namedItem('oneMs'));
  const twoMs = /** @type {HTMLInputElement} */ (form.elements.namedItem('twoMs'));
  const blocking = /** @type {HTMLInputElement} */ (form.elements.namedItem('blocking'));
  const view = createRunView(card, { lesson: 'sequence', describeTotal, consoleCall });
  const frames = role(card, 'frames');
  const compare = role(card, 'compare-table');
  const compareRows = role(card, 'compare-rows');

  /**
   * The article's "fewer resources and runs faster", side by side: the same
   * two sleeps awaited in sequence, joined, and on two Web Workers.
   */
  async function runCompare() {
    compare.hidden = true;
    compare.removeAttribute('data-done');
    /** @type {[string, string, () => Promise<unknown>][]} */
    const ways = [
      ['sequential', 'await one, then the other (the block_on example)', () => lab.sequential(readNumber(oneMs), readNumber(twoMs), { signal: view.begin() })],
      ['concurrent', 'join, on this one thread', () => lab.concurrent(readNumber(oneMs), readNumber(twoMs), { signal: view.begin() })],
      ['threads', 'two Web Workers, each blocking in its sleep (their start included)', () => lab.threads(readNumber(oneMs), readNumber(twoMs))],
    ];
    /** @type {HTMLElement[]} */
    const rows = [];
    for (const [mode, label, start] of ways) {
      await start();
      const report = lab.lastRun();
      rows.push(el('tr', { attrs: { 'data-mode': mode, 'data-total-ms': String(report?.totalMs ?? NaN) } },
        el('th', { attrs: { scope: 'row' }, text: mode }),
        el('td', { text: label }),
        el('td', { text: formatMs(report?.totalMs ?? NaN) })));
    }
    compareRows.replaceChildren(...rows);
    compare.hidden = false;
    compare.setAttribute('data-done', 'true');
  }

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const mode = submittedMode(event, MODES, 'concurrent');
    if (!mode) return;
    const block = blocking.checked;
    frames.hidden = true;
    const watch = block ? watchFrames() : null;
    try {
      await watch?.firstFrame;
      if (mode === 'compare') {
        await runCompare();
      } else if (mode === 'race-finish') {
        await lab.race(readNumber(oneMs), readNumber(twoMs), { blocking: block, finishLoser: true, signal: view.begin() });
      } else {
        await lab[mode](readNumber(oneMs), readNumber(twoMs), { blocking: block, signal: view.begin() });
      }
    } catch (reason) {
      view.showError(reason);
    } finally {
      if (watch) {
        const { dropped, longestMs } = await watch.stop();
        frames.textContent = `While the thread was blocked the page drew nothing: ${dropped} frames dropped, the longest gap between two frames ${formatMs(longestMs)}.`;
        frames.dataset.dropped = String(dropped);
        frames.hidden = false;
      }
    }
  });
}
