// @ts-check
/**
 * Draws a run's trace as SVG swimlanes, one per task plus one for the thread:
 * polls as solid blocks, waiting as a thin bar, wakes joined to the poll they
 * cause, a cross where a task was dropped unfinished, a dashed box for a future
 * made and never polled. Above it, a legend of the marks this trace uses;
 * below it, an axis of time or of steps (one slot per event, so events of the
 * same millisecond spread out) and a replay: previous / next event, play /
 * pause at 0.25x to 4x, and a caption for the current event. Every mark can be
 * hovered, focused with the keyboard or tapped (a 24 px target at least).
 */
import { el, formatMs } from './dom.js';

/** @typedef {import('./pkg/async_rust_lab.js').RunReport} RunReport */
/** @typedef {import('./pkg/async_rust_lab.js').TraceEvent} TraceEvent */

const SVG = 'http://www.w3.org/2000/svg';
/** A lane's height: 40 px, readable and a tap target's height. */
export const LANE = 40;
/** Between two lanes. */
const GAP = 6;
/** Above a lane, for its name, when names sit above the lanes (a narrow card). */
const NAME_ROW = 18;
/** The smallest tap target on a mark, both ways (WCAG 2.5.8). */
export const HIT = 24;
/** Room at each end of the plot, so a mark at time 0 or at the end keeps its whole target. */
const EDGE = HIT / 2 + 2;
/** Under this card width, lane names go above their lanes. */
const NARROW = 560;
/** The font of lane names and axis labels, for measuring them before drawing. */
const NAME_FONT = '12.8px system-ui, sans-serif';

/**
 * An SVG element with `attrs` set.
 * @param {string} tag
 * @param {Record<string, string | number>} attrs
 * @returns {SVGElement}
 */
export function svg(tag, attrs = {}) {
  const node = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, String(value));
  return node;
}

const WAITING = /** @type {Record<string, string>} */ ({
  timer: 'waiting for a timer',
  promise: 'waiting for a JS Promise',
  channel: 'waiting for a channel message',
  fetch: 'waiting for a fetch response',
  worker: 'waiting for a Web Worker',
  itself: 'asking to be polled again',
});

const WOKEN_BY = /** @type {Record<string, string>} */ ({
  timer: 'because its timer fired',
  promise: 'because a JS Promise settled',
  channel: 'because a channel message arrived',
  fetch: 'because a fetch response arrived',
  worker: 'because a Web Worker answered',
  itself: 'by itself, during its own poll (a yield)',
  unknown: 'by something it awaited',
});

const UNWOKEN =
  ' It was not woken: a join or a select (and a small join_all) polls all its futures when any one wakes, and this one was still waiting. FuturesUnordered and a large join_all poll only the woken ones.';

/**
 * What happened, in words: the caption of a replay step.
 * @param {TraceEvent} event
 * @param {boolean} [unwoken] a poll (or its end) that no wake of this task asked for
 */
export function describeEvent(event, unwoken = false) {
  switch (event.kind) {
    case 'created':
      return `${event.task}: created. A future does nothing until it is polled.`;
    case 'poll-start':
      return `${event.task}: polled${event.depth > 0 ? ' (inside another task\'s poll)' : ''}.${unwoken ? UNWOKEN : ''}`;
    case 'poll-end':
      return event.result === 'ready'
        ? `${event.task}: poll -> Ready.`
        : `${event.task}: poll -> Pending, ${WAITING[event.waiting ?? ''] ?? 'waiting'}. The thread is free for other tasks.${unwoken ? UNWOKEN : ''}`;
    case 'woken':
      return `${event.task}: woken, ${WOKEN_BY[event.by] ?? event.by}; the executor will poll it again.`;
    case 'completed':
      return `${event.task}: completed.`;
    case 'dropped':
      return `${event.task}: dropped before it was ready: cancelled. Its Drop cleaned up what it was waiting on.`;
  }
}

/**
 * The indices of poll-start and poll-end events of polls that came without a
 * wake of their own task (after its first poll): a combinator polling a child
 * that did not ask for it. Real, and worth seeing.
 * @param {TraceEvent[]} events
 * @returns {Set<number>}
 */
function findUnwokenPolls(events) {
  const found = new Set();
  /** @type {Map<string, { polled: boolean, woken: boolean, start: number }>} */
  const tasks = new Map();
  events.forEach((event, index) => {
    const state = tasks.get(event.task) ?? { polled: false, woken: false, start: -1 };
    tasks.set(event.task, state);
    if (event.kind === 'woken') state.woken = true;
    if (event.kind === 'poll-start') {
      state.start = state.polled && !state.woken ? index : -1;
      if (state.start !== -1) found.add(index);
      state.polled = true;
      state.woken = false;
    }
    if (event.kind === 'poll-end' && state.start !== -1) found.add(index);
  });
  return found;
}

/**
 * @typedef {object} DrawOptions
 * @property {number} [scaleMs] the time axis' length, when traces side by side share one
 * @property {boolean} [compact] the drawing and its axis only: no legend, axis switch, summary or replay
 */

/**
 * Draws `report`'s trace into `lanes` and its axis into `axis`; redraws when
 * the lanes change width. Returns the replay controller.
 * @param {HTMLElement} lanes
 * @param {HTMLElement} axis
 * @param {RunReport} report
 * @param {DrawOptions} [options]
 */
export function drawTimeline(lanes, axis, report, options = {}) {
  drawn.get(lanes)?.dispose();
  const timeline = createTimeline(lanes, axis, report, options);
  drawn.set(lanes, timeline);
  return timeline;
}

/**
 * The timeline drawn in each lanes element, disposed of when the next run's
 * replaces it (a WeakMap: a removed card takes its timeline with it).
 * @type {WeakMap<HTMLElement, ReturnType<typeof createTimeline>>}
 */
const drawn = new WeakMap();

/** @type {CanvasRenderingContext2D | null | undefined} */
let measurer;
/** The font `measurer` was last set to, as given (the canvas reads it back normalized). */
let measuredFont = '';

/**
 * The width `text` takes in `font`, measured (labels vary, and a guess per
 * character is how ticks came to collide).
 * @param {string} text
 * @param {string} font
 */
export function textWidth(text, font) {
  const key = `${font}\n${text}`;
  const known = widths.get(key);
  if (known !== undefined) return known;
  measurer ??= document.createElement('canvas').getContext('2d');
  if (!measurer) return text.length * 8;
  // Setting a canvas font parses it each time, even to the same value: only when it changes.
  if (measuredFont !== font) measurer.font = measuredFont = font;
  const width = measurer.measureText(text).width;
  // Labels repeat from run to run (ticks, lane names); a run brings a few new
  // ones. Bounded, so that a long session keeps a few tens of KB at most.
  if (widths.size > 500) widths.clear();
  widths.set(key, width);
  return width;
}

/** Widths measured so far, by font and text: chooseTicks measures every candidate tick. */
const widths = new Map();

/**
 * The axis ticks for `max` units over `plotWidth` px: the smallest step of 1,
 * 2 or 5 times a power of ten whose labels, measured, keep a gap between them.
 * @param {number} max the axis' last value (ms, or the last step)
 * @param {number} plotWidth px from 0 to `max`
 * @param {(value: number) => string} label
 * @param {string} font
 * @param {number} [least] the smallest step worth a tick (a step axis has whole steps)
 * @returns {{ value: number, text: string, width: number }[]}
 */
export function chooseTicks(max, plotWidth, label, font, least = 0) {
  const room = Math.max(max, 1e-9);
  for (let power = 10 ** Math.floor(Math.log10(room / 100)); ; power *= 10) {
    for (const base of [1, 2, 5]) {
      const step = base * power;
      if (step < least) continue;
      const ticks = [];
      for (let value = 0; value <= room + 1e-9; value += step) {
        const text = label(value);
        ticks.push({ value, text, width: textWidth(text, font) });
      }
      const widest = Math.max(...ticks.map((t) => t.width));
      if (ticks.length === 1 || (step / room) * plotWidth >= widest + 16) return ticks;
    }
  }
}

/**
 * Chooses the ticks of an axis `plot` px long standing for 0 to `max` (in the
 * axis element's own font) and places their labels in `axis`, skipping any
 * that would come within 8 px of the one before. `at` gives a value's x in
 * the drawing, which is `width` px wide.
 * @param {HTMLElement} axis
 * @param {{ max: number, plot: number, width: number, at: (value: number) => number, label?: (value: number) => string, least?: number }} scale
 */
export function drawAxis(axis, { max, plot, width, at, label = formatMs, least = 0 }) {
  const font = getComputedStyle(axis).font || NAME_FONT;
  /** @type {number} right edge of the last tick placed */
  let placedTo = -Infinity;
  const nodes = [];
  for (const tick of chooseTicks(max, plot, label, font, least)) {
    const from = Math.min(Math.max(at(tick.value) - tick.width / 2, 0), width - tick.width - 2);
    if (from < placedTo + 8) continue;
    placedTo = from + tick.width;
    const node = el('span', { class: 'tick', text: tick.text });
    node.style.left = `${from}px`;
    nodes.push(node);
  }
  axis.replaceChildren(...nodes);
}

/**
 * Where lanes go in a drawing `width` px wide, one per name, top to bottom:
 * 40 px each, the names beside them when they fit in a third of the width,
 * else above them (a phone).
 * @param {number} width
 * @param {string[]} names
 * @param {string[]} [sizedBy] the names that set the room names take: those of
 *   every drawing that shares one time scale, so their plots line up
 */
export function laneLayout(width, names, sizedBy = names) {
  const widestName = Math.max(...sizedBy.map((n) => textWidth(n, NAME_FONT)));
  const above = width < NARROW || widestName + 16 > width / 3;
  const left = above ? EDGE : Math.ceil(widestName) + 16 + EDGE;
  const pitch = LANE + GAP + (above ? NAME_ROW : 0);
  const laneTop = (/** @type {number} */ i) => 4 + i * pitch + (above ? NAME_ROW : 0);
  return { above, left, plot: width - left - EDGE, laneTop, height: laneTop(names.length - 1) + LANE + 4 };
}

/**
 * Draws the lanes of `layout` into `root`: a background and a name each.
 * @param {SVGElement} root
 * @param {ReturnType<typeof laneLayout>} layout
 * @param {string[]} names
 */
export function drawLanes(root, { above, left, plot, laneTop }, names) {
  names.forEach((name, i) => {
    const top = laneTop(i);
    const label = above
      ? svg('text', { x: EDGE, y: top - 5, class: 'lane-name' })
      : svg('text', { x: left - EDGE - 4, y: top + LANE / 2, class: 'lane-name', 'text-anchor': 'end', 'dominant-baseline': 'middle' });
    label.textContent = name;
    root.append(svg('rect', { x: left, y: top, width: plot, height: LANE, class: 'lane-bg', rx: 4 }), label);
  });
}

/**
 * Makes `group` a mark of `root` (a drawing `width` px wide): focusable,
 * labelled, with a transparent target of at least HIT x HIT around `box` (the
 * visible shape's box), kept inside the drawing; appends it to `root`.
 * @param {SVGElement} root
 * @param {SVGElement} group
 * @param {{ x: number, y: number, width: number, height: number }} box
 * @param {number} width
 * @param {string} label
 */
export function addMark(root, group, box, width, label) {
  const w = Math.max(box.width, HIT);
  const h = Math.max(box.height, HIT);
  const x = Math.min(Math.max(box.x + box.width / 2 - w / 2, 0), width - w);
  group.prepend(svg('rect', { x, y: box.y + box.height / 2 - h / 2, width: w, height: h, class: 'hit' }));
  group.setAttribute('tabindex', '0');
  group.setAttribute('role', 'img');
  group.setAttribute('aria-label', label);
  const title = svg('title');
  title.textContent = label;
  group.append(title);
  root.append(group);
  return group;
}

/** @typedef {{ x: number, y: number, width: number, height: number }} Box */

/**
 * The x-range of the tap target addMark gives a shape of box `box`.
 * @param {Box} box
 */
const targetSpan = (box) => {
  const w = Math.max(box.width, HIT);
  const from = box.x + box.width / 2 - w / 2;
  return [from, from + w];
};

/**
 * Groups the marks of each lane whose tap targets would overlap: marks closer
 * than a target's width become one target, whose label reads them all, so a
 * tap never lands on a target hidden under another. Taken left to right in
 * each lane, a mark joins the lane's last group when its target would reach
 * into that group's.
 * @template T
 * @param {{ lane: number, box: Box, item: T }[]} marks
 * @returns {{ lane: number, box: Box, items: T[] }[]}
 */
export function groupCloseMarks(marks) {
  /** @type {{ lane: number, box: Box, items: T[] }[]} */
  const groups = [];
  /** @type {Map<number, { lane: number, box: Box, items: T[] }>} */
  const lastOf = new Map();
  const inOrder = marks.map((mark, i) => ({ ...mark, i })).sort((a, b) => a.lane - b.lane || a.box.x - b.box.x || a.i - b.i);
  for (const { lane, box, item } of inOrder) {
    const last = lastOf.get(lane);
    if (last && targetSpan(box)[0] < targetSpan(last.box)[1]) {
      const x = Math.min(last.box.x, box.x);
      const y = Math.min(last.box.y, box.y);
      last.box = {
        x, y,
        width: Math.max(last.box.x + last.box.width, box.x + box.width) - x,
        height: Math.max(last.box.y + last.box.height, box.y + box.height) - y,
      };
      last.items.push(item);
    } else {
      const group = { lane, box, items: [item] };
      groups.push(group);
      lastOf.set(lane, group);
    }
  }
  return groups;
}

/**
 * A caption under a drawing that tells the mark hovered, focused or tapped
 * (a tap is a click) in words, and marks it current.
 * @param {SVGElement} root
 * @param {HTMLElement} caption
 */
export function captionMarks(root, caption) {
  const show = (/** @type {Event} */ event) => {
    const target = /** @type {Element} */ (event.target).closest('[data-event]');
    if (!(target instanceof SVGElement)) return;
    for (const node of root.querySelectorAll('.current')) node.classList.remove('current');
    target.classList.add('current');
    caption.textContent = target.getAttribute('aria-label') ?? '';
  };
  for (const type of ['focusin', 'mouseover', 'click']) root.addEventListener(type, show);
}

/**
 * Calls `render` now and again whenever `element` changes width (the height
 * is the drawing's own), replacing what watched `element` before. Returns a
 * function that stops watching.
 * @param {HTMLElement} element
 * @param {() => void} render
 */
export function renderAtWidth(element, render) {
  watched.get(element)?.disconnect();
  let lastWidth = element.clientWidth;
  const observer = new ResizeObserver(() => {
    // Width 0: the drawing is hidden (a card hides it while a new run goes),
    // and the run's end draws anew; drawing it now is work no one sees.
    if (element.clientWidth === lastWidth || element.clientWidth === 0) return;
    lastWidth = element.clientWidth;
    render();
  });
  observer.observe(element);
  watched.set(element, observer);
  render();
  return () => observer.disconnect();
}

/** @type {WeakMap<HTMLElement, ResizeObserver>} */
const watched = new WeakMap();

/** A drawing's width in `element`: all of it, and never under 300 px. */
export const drawingWidth = (/** @type {HTMLElement} */ element) => Math.max(element.clientWidth, 300);

/** The marks a trace's legend can show, in the order it shows them. */
const LEGEND = /** @type {const} */ ([
  ['poll', 'a poll (Pending)'],
  ['ready', 'the poll that returned Ready'],
  ['idle', 'waiting, the thread free'],
  ['wake', 'woken, dashed to the poll it causes'],
  ['created', 'created'],
  ['drop', 'dropped unfinished'],
  ['unpolled', 'created, never polled'],
]);

/**
 * A little picture of a mark, drawn with the drawings' own classes so it has
 * their colours in both themes.
 * @param {string} kind
 */
function swatch(kind) {
  const root = svg('svg', { width: 30, height: 18, viewBox: '0 0 30 18', class: 'legend-swatch', 'aria-hidden': 'true' });
  const cross = () => [svg('line', { x1: 9, y1: 3, x2: 21, y2: 15 }), svg('line', { x1: 21, y1: 3, x2: 9, y2: 15 })];
  const shapes = {
    poll: () => [svg('rect', { x: 4, y: 2, width: 22, height: 14, rx: 2, class: 'poll task-1 pending' })],
    ready: () => [svg('rect', { x: 4, y: 2, width: 22, height: 14, rx: 2, class: 'poll task-1 ready' })],
    idle: () => [svg('rect', { x: 1, y: 7, width: 28, height: 4, class: 'idle task-1' })],
    wake: () => [svg('line', { x1: 10, y1: 9, x2: 28, y2: 9, class: 'wake-link' }), svg('circle', { cx: 8, cy: 9, r: 5, class: 'wake task-1' })],
    created: () => [svg('rect', { x: 13, y: 2, width: 4, height: 14, class: 'created task-1' })],
    drop: cross,
    unpolled: () => [svg('rect', { x: 2, y: 3, width: 26, height: 12, rx: 2, class: 'unpolled' })],
    // The compose card's JS side (compose-view.js).
    alive: () => [svg('rect', { x: 1, y: 7, width: 28, height: 4, class: 'js-alive task-1' })],
    armed: () => [svg('path', { d: 'M9 15 L15 4 L21 15 Z', class: 'js-armed' })],
    fired: () => [svg('circle', { cx: 15, cy: 9, r: 5, class: 'js-fired' })],
    cleared: cross,
    // The parallel card's (parallel-view.js): a poll with its task's number.
    numbered: () => {
      const number = svg('text', { x: 15, y: 10, class: 'poll-task', 'text-anchor': 'middle', 'dominant-baseline': 'middle' });
      number.textContent = '0';
      return [svg('rect', { x: 4, y: 1, width: 22, height: 16, rx: 2, class: 'poll task-0 pending' }), number];
    },
    callback: () => [svg('rect', { x: 4, y: 2, width: 22, height: 14, rx: 2, class: 'js-callback task-1' })],
    fulfilled: () => [svg('rect', { x: 13, y: 1, width: 4, height: 16, class: 'js-settled' })],
    rejected: () => [svg('rect', { x: 13, y: 1, width: 4, height: 16, class: 'js-settled rejected' })],
  };
  const group = svg('g', { class: kind === 'drop' ? 'drop' : kind === 'cleared' ? 'js-cleared' : '' });
  group.append(...(shapes[/** @type {keyof typeof shapes} */ (kind)]?.() ?? []));
  root.append(group);
  return root;
}

/**
 * A legend: each `[kind, text]` a swatch of that mark (see swatch) and its words.
 * @param {readonly (readonly [string, string])[]} entries
 */
export function legendOf(entries) {
  return el('ul', { class: 'trace-legend', attrs: { 'aria-label': 'Legend' } },
    ...entries.map(([kind, text]) => el('li', {}, swatch(kind), el('span', { text }))));
}

/**
 * What this run's picture shows, from its trace: how many lanes, which tasks
 * were in progress at the same time, which were dropped and which never polled. The
 * card adds what its lesson is about (run-view.js).
 * @param {RunReport} report
 */
export function describePicture(report) {
  const tasks = report.tasks;
  const parts = [`${tasks.length + 1} lanes: the page's one thread on top (its polls never overlap), then ${tasks.length === 1 ? 'the task' : `one per future the run made: ${tasks.map((t) => t.name).join(', ')}`}.`];
  const spans = tasks.filter((t) => t.startMs !== null && t.endMs !== null);
  /** @type {string[]} */
  const overlaps = [];
  spans.forEach((a, i) => spans.slice(i + 1).forEach((b) => {
    if (/** @type {number} */ (a.startMs) < /** @type {number} */ (b.endMs) && /** @type {number} */ (b.startMs) < /** @type {number} */ (a.endMs)) overlaps.push(`${a.name} and ${b.name}`);
  }));
  if (overlaps.length) parts.push(`In progress at the same time, between first poll and end: ${overlaps.slice(0, 3).join('; ')}${overlaps.length > 3 ? '; …' : ''}.`);
  else if (spans.length > 1) parts.push('No two of them were in progress at the same time: one after the other.');
  const never = tasks.filter((t) => t.polls === 0);
  if (never.length) parts.push(`Never polled, so its body never ran: ${never.map((t) => t.name).join(', ')}.`);
  const dropped = tasks.filter((t) => t.outcome === 'dropped' && t.polls > 0);
  if (dropped.length) parts.push(`Dropped unfinished (✕): ${dropped.map((t) => t.name).join(', ')}.`);
  return parts.join(' ');
}

/**
 * @param {HTMLElement} lanes
 * @param {HTMLElement} axis
 * @param {RunReport} report
 * @param {DrawOptions} options
 */
function createTimeline(lanes, axis, report, { scaleMs = 0, compact = false }) {
  const events = report.events;
  const names = report.tasks.map((t) => t.name);
  const neverPolled = new Set(report.tasks.filter((t) => t.polls === 0).map((t) => t.name));
  const scale = Math.max(scaleMs, report.totalMs, ...events.map((e) => e.t), 1);
  const unwoken = findUnwokenPolls(events);
  const say = (/** @type {number} */ i) => describeEvent(events[i], unwoken.has(i));
  let current = events.length ? 0 : -1;
  let playing = 0;
  let speed = 1;
  /** @type {'time' | 'steps'} */
  let axisKind = 'time';

  const caption = el('p', { class: 'trace-caption', attrs: { 'aria-live': 'polite' } });
  const position = el('span', { class: 'trace-position' });
  const prev = el('button', { text: '◀ Previous', attrs: { type: 'button', 'aria-label': 'Previous event' } });
  const play = el('button', { text: '▶ Play', attrs: { type: 'button', 'aria-label': 'Play the replay' } });
  const next = el('button', { text: 'Next ▶', attrs: { type: 'button', 'aria-label': 'Next event' } });
  const speedSelect = /** @type {HTMLSelectElement} */ (el('select', { attrs: { 'aria-label': 'Replay speed' } },
    ...[0.25, 0.5, 1, 2, 4].map((s) => el('option', { text: `${s}x`, attrs: s === 1 ? { value: String(s), selected: '' } : { value: String(s) } }))));
  const controls = el('div', { class: 'trace-controls', attrs: { role: 'group', 'aria-label': 'Replay the trace' } },
    prev, play, next, el('label', { class: 'speed' }, document.createTextNode('Speed '), speedSelect), position);
  const timeButton = el('button', { text: 'Time', attrs: { type: 'button', 'aria-pressed': 'true', 'data-axis': 'time' } });
  const stepsButton = el('button', { text: 'Steps', attrs: { type: 'button', 'aria-pressed': 'false', 'data-axis': 'steps' } });
  const axisSwitch = el('div', { class: 'axis-switch', attrs: { role: 'group', 'aria-label': 'Axis' } },
    el('span', { class: 'axis-switch-name', text: 'Axis:' }), timeButton, stepsButton,
    el('span', { class: 'axis-switch-note', text: 'Steps gives each event its own slot, so events of the same millisecond spread out.' }));
  const present = new Set(['poll', 'idle']);
  for (const event of events) {
    if (event.kind === 'poll-end' && event.result === 'ready') present.add('ready');
    if (event.kind === 'woken') present.add('wake');
    if (event.kind === 'created') present.add('created');
    if (event.kind === 'dropped') present.add('drop');
  }
  if (neverPolled.size) present.add('unpolled');
  const legend = legendOf(LEGEND.filter(([kind]) => present.has(kind)));
  const holder = el('div', { class: 'trace-svg' });
  const summary = el('p', { class: 'trace-summary' });

  /** @type {Map<number, SVGElement[]>} marks drawn for each event index */
  let marks = new Map();
  /** @type {SVGElement | null} */
  let cursor = null;
  /** @type {(index: number) => number} the x of event `index` in the drawing on screen */
  let xOf = () => 0;

  function render() {
    const width = drawingWidth(lanes);
    const { above, left, plot, laneTop, height } = laneLayout(width, ['the thread', ...names]);
    const atTime = (/** @type {number} */ t) => left + (Math.min(Math.max(t, 0), scale) / scale) * plot;
    const slot = plot / Math.max(events.length, 1);
    xOf = axisKind === 'time' ? (index) => atTime(events[index]?.t ?? scale) : (index) => left + (Math.min(index, events.length) + 0.5) * slot;
    const endX = axisKind === 'time' ? atTime(scale) : left + plot;
    const root = svg('svg', { width, height, viewBox: `0 0 ${width} ${height}`, class: 'trace', role: 'group', 'aria-label': `Trace of ${names.length} tasks, ${events.length} events, on a ${axisKind === 'time' ? 'time' : 'step'} axis` });
    marks = new Map();

    /**
     * Makes `group` the mark of event `index` (addMark), captioned with it.
     * @param {number} index
     * @param {SVGElement} group
     * @param {{ x: number, y: number, width: number, height: number }} box the visible shape's box
     */
    const mark = (index, group, box) => {
      group.dataset.event = String(index);
      marks.set(index, [...(marks.get(index) ?? []), group]);
      return addMark(root, group, box, width, `${formatMs(events[index].t)}: ${say(index)}`);
    };
    /** @param {string} cls @param {SVGElement[]} children */
    const group = (cls, ...children) => {
      const g = svg('g', { class: cls });
      g.append(...children);
      return g;
    };

    drawLanes(root, { above, left, plot, laneTop, height }, ['the thread', ...names]);

    /** @type {Map<string, number>} open poll start (event index) per task */
    const open = new Map();
    /** @type {Map<string, number>} pending-since (event index) per task */
    const waiting = new Map();
    /** @type {Map<string, number>} a wake waiting for its poll, per task */
    const wake = new Map();
    /** @type {Map<string, number>} where a task never polled was created */
    const createdAt = new Map();
    const idle = (/** @type {number} */ from, /** @type {number} */ to, /** @type {number} */ y, /** @type {string} */ colour) =>
      root.append(svg('rect', { x: xOf(from), y: y + LANE / 2 - 3, width: Math.max(xOf(to) - xOf(from), 0), height: 6, rx: 1, class: `idle ${colour}` }));
    events.forEach((event, index) => {
      const lane = names.indexOf(event.task) + 1;
      const y = laneTop(lane);
      const colour = `task-${(lane - 1) % 4}`;
      if (event.kind === 'created') {
        if (neverPolled.has(event.task)) createdAt.set(event.task, index);
        const box = { x: xOf(index) - 2, y: y + 6, width: 4, height: LANE - 12 };
        mark(index, group('mark', svg('rect', { ...box, class: `created ${colour}` })), box);
      } else if (event.kind === 'poll-start') {
        open.set(event.task, index);
        const since = waiting.get(event.task);
        if (since !== undefined) {
          idle(since, index, y, colour);
          waiting.delete(event.task);
        }
        const woke = wake.get(event.task);
        if (woke !== undefined) {
          root.append(svg('line', { x1: xOf(woke), y1: y + LANE / 2, x2: xOf(index), y2: y + LANE / 2, class: 'wake-link' }));
          wake.delete(event.task);
        }
      } else if (event.kind === 'poll-end') {
        const start = open.get(event.task) ?? index;
        open.delete(event.task);
        const x0 = xOf(start) - 2;
        const w = Math.max(xOf(index) - xOf(start) + 4, 4);
        const box = { x: x0, y: y + 4, width: w, height: LANE - 8 };
        mark(index, group('mark', svg('rect', { ...box, rx: 2, class: `poll ${colour} ${event.result}` })), box);
        const depth = events.findLast(
          /** @type {(e: TraceEvent, i: number) => e is Extract<TraceEvent, { kind: 'poll-start' }>} */
          (e, i) => i < index && e.task === event.task && e.kind === 'poll-start',
        )?.depth ?? 0;
        if (depth === 0) {
          root.append(svg('rect', { x: x0, y: laneTop(0) + 4, width: w, height: LANE - 8, rx: 2, class: `poll thread-poll ${colour}` }));
        }
        if (event.result === 'pending') waiting.set(event.task, index);
      } else if (event.kind === 'woken') {
        wake.set(event.task, index);
        const box = { x: xOf(index) - 6, y: y + LANE / 2 - 6, width: 12, height: 12 };
        mark(index, group('mark', svg('circle', { cx: xOf(index), cy: y + LANE / 2, r: 6, class: `wake ${colour}` })), box);
      } else if (event.kind === 'dropped') {
        const since = waiting.get(event.task);
        if (since !== undefined) {
          idle(since, index, y, colour);
          waiting.delete(event.task);
        }
        const born = createdAt.get(event.task);
        if (born !== undefined) {
          // Made and dropped without a poll: a dashed box over its whole life, named.
          const x0 = xOf(born) + 4;
          const w = Math.max(xOf(index) - x0 - 8, 0);
          root.append(svg('rect', { x: x0, y: y + 8, width: w, height: LANE - 16, rx: 3, class: 'unpolled' }));
          const note = svg('text', { x: x0 + w / 2, y: y + LANE / 2, class: 'lane-note', 'text-anchor': 'middle', 'dominant-baseline': 'middle' });
          note.textContent = 'never polled';
          if (w > textWidth('never polled', NAME_FONT) + 8) root.append(note);
        }
        const cx = xOf(index);
        const box = { x: cx - 7, y: y + 8, width: 14, height: LANE - 16 };
        mark(index, group('drop',
          svg('line', { x1: cx - 6, y1: y + 10, x2: cx + 6, y2: y + LANE - 10 }),
          svg('line', { x1: cx + 6, y1: y + 10, x2: cx - 6, y2: y + LANE - 10 })), box);
      }
    });
    // Still waiting when the run's record ends: the bar goes to the end.
    for (const [task, since] of waiting) {
      const lane = names.indexOf(task) + 1;
      root.append(svg('rect', { x: xOf(since), y: laneTop(lane) + LANE / 2 - 3, width: Math.max(endX - xOf(since), 0), height: 6, rx: 1, class: `idle task-${(lane - 1) % 4}` }));
    }
    // A never-polled future's name says so too, where the name has room.
    if (!above) {
      for (const label of root.querySelectorAll('text.lane-name')) {
        if (neverPolled.has(label.textContent ?? '')) label.classList.add('never-polled');
      }
    }

    cursor = svg('line', { y1: 2, y2: height - 2, class: 'trace-cursor' });
    root.append(cursor);
    root.addEventListener('focusin', onMark);
    root.addEventListener('mouseover', onMark);
    // A tap is a click: it shows the mark's details in the caption, as hover and focus do.
    root.addEventListener('click', onMark);
    holder.replaceChildren(root);

    if (axisKind === 'time') drawAxis(axis, { max: scale, plot, width, at: atTime });
    else drawAxis(axis, { max: Math.max(events.length - 1, 1), plot: plot - slot, width, at: (n) => left + (n + 0.5) * slot, label: (n) => `#${Math.round(n) + 1}`, least: 1 });
    axis.dataset.axis = axisKind;
    show(current);
  }

  /** @param {Event} event */
  function onMark(event) {
    const target = /** @type {Element} */ (event.target).closest('[data-event]');
    if (target instanceof SVGElement && target.dataset.event !== undefined) {
      current = Number(target.dataset.event);
      show(current);
    }
  }

  /** @param {number} index */
  function show(index) {
    for (const nodes of marks.values()) for (const node of nodes) node.classList.remove('current');
    if (index < 0) {
      caption.textContent = 'No events: nothing was traced.';
      return;
    }
    const event = events[index];
    for (const node of marks.get(index) ?? []) node.classList.add('current');
    cursor?.setAttribute('x1', String(xOf(index)));
    cursor?.setAttribute('x2', String(xOf(index)));
    caption.textContent = `+${formatMs(event.t)}  ${say(index)}`;
    position.textContent = `event ${index + 1} of ${events.length}`;
    prev.toggleAttribute('disabled', index === 0);
    next.toggleAttribute('disabled', index === events.length - 1);
    // The machine views (machine-view.js) follow the replay: they hear which
    // step of the whole record this event is, and redraw from it.
    lanes.dispatchEvent(new CustomEvent('lab:step', {
      bubbles: true,
      detail: { runId: report.id, step: event.step, t: event.t },
    }));
  }

  /** @param {number} delta */
  function step(delta) {
    if (!events.length) return;
    current = Math.min(events.length - 1, Math.max(0, current + delta));
    show(current);
  }

  function pause() {
    clearTimeout(playing);
    playing = 0;
    play.textContent = '▶ Play';
    play.setAttribute('aria-label', 'Play the replay');
  }

  function tick() {
    if (current >= events.length - 1) return pause();
    const gap = axisKind === 'time' ? events[current + 1].t - events[current].t : 0;
    // On the time axis, real time between events, scaled; on either, events in
    // the same millisecond still get a moment on screen so the caption can be read.
    playing = window.setTimeout(() => {
      step(1);
      tick();
    }, Math.max(gap, 400) / speed);
  }

  prev.addEventListener('click', () => { pause(); step(-1); });
  next.addEventListener('click', () => { pause(); step(1); });
  play.addEventListener('click', () => {
    if (playing) return pause();
    // Reduced motion: no stepping animation; Play jumps to the end, whose
    // caption and cursor say where the run finished. Previous/Next still step.
    if (globalThis.matchMedia?.('(prefers-reduced-motion: reduce)').matches) {
      current = events.length - 1;
      show(current);
      return;
    }
    if (current >= events.length - 1) current = -1;
    play.textContent = '❚❚ Pause';
    play.setAttribute('aria-label', 'Pause the replay');
    step(1);
    tick();
  });
  speedSelect.addEventListener('change', () => { speed = Number(speedSelect.value); });
  for (const button of [timeButton, stepsButton]) {
    button.addEventListener('click', () => {
      axisKind = button.dataset.axis === 'steps' ? 'steps' : 'time';
      timeButton.setAttribute('aria-pressed', String(axisKind === 'time'));
      stepsButton.setAttribute('aria-pressed', String(axisKind === 'steps'));
      render();
    });
  }

  const leftOut = report.eventsLeftOut ? ` ${report.eventsLeftOut} more events were left out: a run keeps at most ${report.traceCap}.` : '';
  summary.textContent = report.tasks
    .map((t) => t.polls === 0
      ? `${t.name}: never polled`
      : `${t.name}: ${t.polls} poll${t.polls === 1 ? '' : 's'}, busy ${formatMs(t.busyMs)}, waiting ${formatMs(t.idleMs)}`)
    .join(' · ') + '.' + leftOut;

  // The legend above the drawing, the axis right under the lanes it measures.
  if (compact) lanes.replaceChildren(holder, axis);
  else lanes.replaceChildren(legend, holder, axis, axisSwitch, summary, controls, caption);
  const stopWatching = renderAtWidth(lanes, render);

  return {
    dispose() {
      pause();
      stopWatching();
    },
  };
}
