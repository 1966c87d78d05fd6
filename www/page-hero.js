// @ts-check
/**
 * The first screen's experiment: one click runs the article's two sleeps
 * awaited in turn, then joined, and draws both real traces on one time scale,
 * one above the other. Nothing runs until the click: the page starts no work
 * of its own on arrival.
 */
import { formatMs, role } from './dom.js';
import { drawTimeline } from './timeline.js';

/** thread_one's and thread_two's sleeps (ms): the article's order, the longer first. */
const ONE_MS = 600;
const TWO_MS = 300;

/**
 * Whether the run's two tasks were in progress at the same time, read from its
 * trace (first poll to end), so the sentence says what this run did.
 * @param {import('./pkg/async_rust_lab.js').RunReport} report
 */
function overlapIn(report) {
  const [a, b] = report.tasks;
  if (!a || !b || a.startMs === null || b.startMs === null || a.endMs === null || b.endMs === null) return false;
  return a.startMs < b.endMs && b.startMs < a.endMs;
}

/**
 * @param {HTMLElement} section the hero section of index.html
 * @param {Pick<import('./lab.js').Lab, 'sequential' | 'concurrent' | 'lastRun'>} lab
 */
export function mountHero(section, lab) {
  const button = /** @type {HTMLButtonElement} */ (section.querySelector('[data-action="hero-run"]'));
  const result = role(section, 'hero-result');
  const [inTurn, together] = /** @type {HTMLElement[]} */ ([...section.querySelectorAll('figure.hero-trace')]);

  /**
   * @param {HTMLElement} figure
   * @param {import('./pkg/async_rust_lab.js').RunReport} report
   * @param {number} scaleMs
   */
  const draw = (figure, report, scaleMs) => {
    role(figure, 'hero-total').textContent = `${formatMs(report.totalMs)}`;
    drawTimeline(role(figure, 'hero-lanes'), role(figure, 'hero-axis'), report, { scaleMs, compact: true });
  };

  button.addEventListener('click', async () => {
    button.disabled = true;
    section.setAttribute('aria-busy', 'true');
    try {
      result.textContent = 'Running in turn…';
      await lab.sequential(ONE_MS, TWO_MS);
      const first = lab.lastRun();
      if (first?.mode !== 'sequential') throw new Error('another run ended in between; press Run again');
      draw(inTurn, first, first.totalMs);
      result.textContent = 'Running together…';
      await lab.concurrent(ONE_MS, TWO_MS);
      const second = lab.lastRun();
      if (second?.mode !== 'concurrent') throw new Error('another run ended in between; press Run again');
      const scaleMs = Math.max(first.totalMs, second.totalMs);
      draw(inTurn, first, scaleMs);
      draw(together, second, scaleMs);
      section.dataset.ran = 'true';
      result.textContent = `In turn: ${formatMs(first.totalMs)}; ${overlapIn(first) ? 'the two sleeps overlapped' : 'thread two began only once thread one had ended'}. `
        + `Together: ${formatMs(second.totalMs)}; ${overlapIn(second) ? 'both sleeps were under way at once, on the one thread' : 'they did not overlap'}.`;
    } catch (error) {
      result.textContent = `The run failed: ${error instanceof Error ? error.message : String(error)}`;
    } finally {
      button.disabled = false;
      section.removeAttribute('aria-busy');
    }
  });
}
