// @ts-check
/**
 * Draws a `lab.parallel` run as SVG lanes, one per thread, from the polls the
 * executors recorded: each poll a mark coloured and numbered by its task,
 * where it ran and when. Polls on different lanes that overlap in time ran at
 * the same instant, on different threads. The one-thread run, where there is
 * one, is drawn under it on the same time scale. The lanes, axis, legend and
 * marks are timeline.js's, so they follow the same rules: 40 px lanes across
 * the card, ticks that never collide, 24 px tap targets that never overlap
 * (polls closer than a target share one).
 */
import { el, formatMs } from './dom.js';
import { LANE, addMark, captionMarks, drawAxis, drawLanes, drawingWidth, groupCloseMarks, laneLayout, legendOf, renderAtWidth, svg, textWidth } from './timeline.js';

/** @typedef {import('./parallel.js').ParallelResult} ParallelResult */
/** @typedef {import('./parallel.js').ParallelSide} ParallelSide */
/** @typedef {import('./parallel.js').ParallelPoll} ParallelPoll */

/** The font of the task number on a poll (style.css, svg.parallel-trace .poll-task). */
const NUMBER_FONT = '600 12px system-ui, sans-serif';

/** @param {ParallelSide} side */
const threadsOf = (side) => [...new Set(side.polls.map((p) => p.thread))].sort((a, b) => a - b);

/** @param {ParallelSide} side @param {number} thread */
const laneName = (side, thread) => (side.executor === 'single-threaded' ? 'one thread' : `worker ${thread}`);

/**
 * The most polls that were running at one instant: sorted starts and ends,
 * an end before a start at the same time (touching polls did not overlap).
 * @param {ParallelPoll[]} polls
 */
export function mostAtOnce(polls) {
  const edges = polls.flatMap((p) => [[p.startMs, 1], [p.endMs, -1]]).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let now = 0;
  let most = 0;
  for (const [, change] of edges) {
    now += change;
    most = Math.max(most, now);
  }
  return most;
}

/**
 * What this run's picture shows, from its polls: how many ran at once, which
 * tasks moved between threads, and the one-thread run below.
 * @param {ParallelResult} result
 */
export function describeParallel(result) {
  const { parallel, oneThread } = result;
  const workers = `${result.options.workers} worker${result.options.workers === 1 ? '' : 's'}`;
  const parts = ['One lane per thread, one mark per poll, coloured and numbered by its task.'];
  const most = mostAtOnce(parallel.polls);
  parts.push(most > 1
    ? `On ${workers}: up to ${most} polls ran at the same instant, on ${most} threads: their marks overlap across lanes.`
    : `On ${workers}: no two polls overlapped in this run.`);
  const moved = [...new Set(parallel.polls.map((p) => p.task))]
    .filter((task) => new Set(parallel.polls.filter((p) => p.task === task).map((p) => p.thread)).size > 1);
  if (moved.length) parts.push(`Polled on more than one thread, moving at a yield: task ${moved.join(', ')}.`);
  if (oneThread) {
    parts.push(mostAtOnce(oneThread.polls) > 1
      ? 'Below, the same tasks on one thread, on the same time scale.'
      : 'Below, the same tasks on one thread, on the same time scale: one poll after another, never two at once.');
  }
  return parts.join(' ');
}

/**
 * One side's drawing: a lane per thread, a mark per poll.
 * @param {ParallelSide} side
 * @param {string} title what ran, e.g. "On 2 workers…"
 * @param {{ width: number, scale: number, sizedBy: string[] }} frame the drawing's width, the time it stands for (ms), every side's lane names
 */
function drawSide(side, title, { width, scale, sizedBy }) {
  const threads = threadsOf(side);
  const names = threads.map((thread) => laneName(side, thread));
  const layout = laneLayout(width, names, sizedBy);
  const { left, plot, laneTop, height } = layout;
  const x = (/** @type {number} */ t) => left + (Math.min(Math.max(t, 0), scale) / scale) * plot;
  const root = svg('svg', {
    width, height, viewBox: `0 0 ${width} ${height}`, class: 'trace parallel-trace', role: 'group',
    'aria-label': `${title}: ${side.polls.length} polls on ${threads.length} thread${threads.length === 1 ? '' : 's'}`,
  });
  drawLanes(root, layout, names);
  // One thread runs one poll at a time, so a lane's polls never overlap; but a
  // yielding task's polls can be shorter than a tap target, and close ones
  // share a target (groupCloseMarks), which reads each of them.
  const marks = side.polls
    .map((poll, index) => {
      const lane = threads.indexOf(poll.thread);
      const left = x(poll.startMs);
      const box = { x: left, y: laneTop(lane) + 4, width: Math.max(x(poll.endMs) - left, 2), height: LANE - 8 };
      return { lane, box, item: { poll, index, box } };
    });
  for (const { lane, box, items } of groupCloseMarks(marks)) {
    const group = svg('g', { class: 'mark', 'data-event': items[0].index, 'data-polls': items.length, 'data-thread': threads[lane] });
    for (const { poll, box: pollBox } of items) {
      group.append(svg('rect', { ...pollBox, rx: 2, class: `poll task-${poll.task % 4} ${poll.ready ? 'ready' : 'pending'}`, 'data-task': poll.task }));
      // The task's number, where the poll is wide enough to hold it.
      if (pollBox.width > textWidth(String(poll.task), NUMBER_FONT) + 8) {
        const number = svg('text', { x: pollBox.x + pollBox.width / 2, y: pollBox.y + pollBox.height / 2, class: 'poll-task', 'text-anchor': 'middle', 'dominant-baseline': 'middle', 'aria-hidden': 'true' });
        number.textContent = String(poll.task);
        group.append(number);
      }
    }
    const words = items.map(({ poll }) => `task ${poll.task} polled from ${formatMs(poll.startMs)} to ${formatMs(poll.endMs)}, ${poll.ready ? 'Ready (finished)' : 'Pending (it yielded)'}`);
    addMark(root, group, box, width, `${names[lane]}: ${words.join('; ')}`);
  }
  return { root, axis: { max: scale, plot, width, at: x } };
}

/**
 * Draws `result` into `holder`, replacing what was there, and again when the
 * holder changes width. Returns what the picture shows (describeParallel).
 * @param {HTMLElement} holder
 * @param {ParallelResult} result
 */
export function drawParallelRun(holder, result) {
  const sides = [result.parallel, ...(result.oneThread ? [result.oneThread] : [])];
  const scale = Math.max(...sides.map((s) => s.totalMs), 1);
  const sizedBy = sides.flatMap((side) => threadsOf(side).map((thread) => laneName(side, thread)));
  const workers = `${result.options.workers} worker${result.options.workers === 1 ? '' : 's'}`;
  const polls = sides.flatMap((side) => side.polls);
  /** @type {[string, string][]} */
  const entries = [];
  if (polls.some((p) => !p.ready)) entries.push(['poll', 'a poll that returned Pending (the task yielded)']);
  if (polls.some((p) => p.ready)) entries.push(['ready', 'a poll that returned Ready (the task finished)']);
  entries.push(['numbered', 'the number of the task polled']);
  const legend = legendOf(entries);
  const caption = el('p', { class: 'trace-caption', text: 'Tap, hover or focus a poll to read it here.', attrs: { 'aria-live': 'polite' } });

  function render() {
    const width = drawingWidth(holder);
    const drawn = sides.map((side) => {
      const title = side.executor === 'single-threaded'
        ? `The same tasks on one thread (the single-threaded executor): ${formatMs(side.totalMs)}`
        : `On ${workers} (the multi-threaded executor): ${formatMs(side.totalMs)}`;
      const { root, axis } = drawSide(side, title, { width, scale, sizedBy });
      captionMarks(root, caption);
      const axisNode = el('div', { class: 'axis', attrs: { 'aria-hidden': 'true' } });
      const node = el('div', { class: 'parallel-side', attrs: { 'data-executor': side.executor } },
        el('p', { class: 'parallel-side-title', text: title }),
        el('div', { class: 'trace-svg' }, root), axisNode);
      return { node, axisNode, axis };
    });
    holder.replaceChildren(legend, ...drawn.map((d) => d.node), caption,
      el('p', { class: 'axis-note', text: `${sides.length > 1 ? 'Both on' : 'On'} one time scale: 0 to ${formatMs(scale)}.` }));
    // The axes measure their labels in their own font, so they are drawn in place.
    for (const { axisNode, axis } of drawn) drawAxis(axisNode, axis);
  }
  renderAtWidth(holder, render);
  return describeParallel(result);
}
