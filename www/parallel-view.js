// @ts-check
/**
 * Draws a `lab.parallel` run as SVG lanes, one per thread, from the polls the
 * executors recorded: each poll a mark coloured by its task, where it ran and
 * when. Polls on different lanes that overlap in time ran at the same instant,
 * on different threads. The one-thread run, where there is one, is drawn under
 * it on the same time scale.
 */
import { el, formatMs } from './dom.js';

/** @typedef {import('./parallel.js').ParallelResult} ParallelResult */
/** @typedef {import('./parallel.js').ParallelSide} ParallelSide */

const SVG = 'http://www.w3.org/2000/svg';
const LANE = 30;
const LABEL = 116;
const PAD = 8;

/**
 * @param {string} tag
 * @param {Record<string, string | number>} attrs
 */
function svg(tag, attrs = {}) {
  const node = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, String(value));
  return node;
}

/**
 * One side's lanes: a lane per thread, a mark per poll.
 * @param {ParallelSide} side
 * @param {string} title what ran, e.g. "2 workers"
 * @param {number} scale the time the width stands for, in ms
 * @param {number} width in px
 */
function drawSide(side, title, scale, width) {
  const plot = width - LABEL - PAD;
  const x = (/** @type {number} */ t) => LABEL + (Math.min(Math.max(t, 0), scale) / scale) * plot;
  const threads = [...new Set(side.polls.map((p) => p.thread))].sort((a, b) => a - b);
  const height = PAD * 2 + threads.length * LANE;
  const root = svg('svg', {
    width, height, viewBox: `0 0 ${width} ${height}`, class: 'trace parallel-trace', role: 'group',
    'aria-label': `${title}: ${side.polls.length} polls on ${threads.length} thread${threads.length === 1 ? '' : 's'}, ${formatMs(side.totalMs)} in all`,
  });
  threads.forEach((thread, lane) => {
    const y = PAD + lane * LANE;
    const label = svg('text', { x: LABEL - 8, y: y + LANE / 2, class: 'lane-name', 'text-anchor': 'end', 'dominant-baseline': 'middle' });
    label.textContent = side.executor === 'single-threaded' ? 'one thread' : `worker ${thread}`;
    root.append(svg('rect', { x: LABEL, y: y + 3, width: plot, height: LANE - 6, class: 'lane-bg', rx: 3 }), label);
    for (const poll of side.polls.filter((p) => p.thread === thread)) {
      const left = x(poll.startMs);
      const w = Math.max(x(poll.endMs) - left, 2);
      const mark = svg('rect', {
        x: left, y: y + 5, width: w, height: LANE - 10, rx: 2,
        class: `poll task-${poll.task % 4} ${poll.ready ? 'ready' : 'pending'}`, tabindex: 0, role: 'img',
        'data-task': poll.task, 'data-thread': poll.thread,
      });
      const said = `${label.textContent}: task ${poll.task} polled from ${formatMs(poll.startMs)} to ${formatMs(poll.endMs)}, `
        + `${poll.ready ? 'Ready (finished)' : 'Pending (it yielded)'}`;
      mark.setAttribute('aria-label', said);
      const tip = svg('title');
      tip.textContent = said;
      mark.append(tip);
      root.append(mark);
      if (w > 22) {
        const name = svg('text', { x: left + w / 2, y: y + LANE / 2, class: 'poll-task', 'text-anchor': 'middle', 'dominant-baseline': 'middle', 'aria-hidden': 'true' });
        name.textContent = String(poll.task);
        root.append(name);
      }
    }
  });
  return root;
}

/**
 * Draws `result` into `holder`, replacing what was there.
 * @param {HTMLElement} holder
 * @param {ParallelResult} result
 */
export function drawParallelRun(holder, result) {
  const sides = [result.parallel, ...(result.oneThread ? [result.oneThread] : [])];
  const scale = Math.max(...sides.map((s) => s.totalMs), 1);
  const width = Math.max(holder.clientWidth, 320);
  const workers = `${result.options.workers} worker${result.options.workers === 1 ? '' : 's'}`;
  holder.replaceChildren(...sides.map((side) => {
    const title = side.executor === 'single-threaded'
      ? `The same tasks on one thread (the single-threaded executor): ${formatMs(side.totalMs)}`
      : `On ${workers} (the multi-threaded executor): ${formatMs(side.totalMs)}`;
    return el('div', { class: 'parallel-side', attrs: { 'data-executor': side.executor } },
      el('p', { class: 'parallel-side-title', text: title }),
      drawSide(side, title, scale, width));
  }), el('p', { class: 'axis-note', text: `Both on one time scale: 0 to ${formatMs(scale)}. The number on a poll is its task.` }));
}
