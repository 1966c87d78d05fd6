// @ts-check
/**
 * The JS side's timeline of the compose card, drawn from its record (the
 * events `lab.compose(text, { js: true })` returns under `js.record`): one
 * lane per Promise, from when it was made to when it settled, with its timers
 * armed, fired and cleared and the callbacks that ran. The lanes, axis, legend
 * and marks are timeline.js's, so they follow the same rules as the Rust
 * side's drawing above it: 40 px lanes across the card, ticks that never
 * collide, 24 px tap targets, a caption for the mark tapped.
 */
import { el, formatMs } from './dom.js';
import { LANE, addMark, captionMarks, drawAxis, drawLanes, drawingWidth, groupCloseMarks, laneLayout, legendOf, renderAtWidth, svg } from './timeline.js';

/** @typedef {import('./pkg/async_rust_lab.js').JsRunRecord} JsRunRecord */
/** @typedef {import('./pkg/async_rust_lab.js').JsTraceEvent} JsTraceEvent */

/** @param {JsTraceEvent} event */
function describe(event) {
  switch (event.kind) {
    case 'created': return `made at ${formatMs(event.t)}: its work starts now, awaited or not`;
    case 'timer-armed': return `a timer of ${event.ms} ms armed at ${formatMs(event.t)}`;
    case 'timer-fired': return `its timer fired at ${formatMs(event.t)}`;
    case 'timer-cleared': return `its timer cleared at ${formatMs(event.t)}, before it fired`;
    case 'settled': return `${event.ok ? 'fulfilled' : 'rejected'} at ${formatMs(event.t)}`;
    case 'callback': return `a callback ran at ${formatMs(event.t)} for ${formatMs(event.ms)}`;
    default: return '';
  }
}

/** The marks the legend can show, in its order, each with the event kind that draws it. */
const LEGEND = /** @type {const} */ ([
  ['alive', 'a Promise, from made to settled', 'created'],
  ['created', 'made (its work starts)', 'created'],
  ['armed', 'timer armed', 'timer-armed'],
  ['fired', 'timer fired', 'timer-fired'],
  ['cleared', 'timer cleared', 'timer-cleared'],
  ['callback', 'a callback ran', 'callback'],
  ['fulfilled', 'fulfilled', 'settled'],
  ['rejected', 'rejected', 'settled'],
]);

/**
 * What this record's picture shows: the lanes, when the root settled, what
 * ran on after it, which timers were cleared, which Promises rejected.
 * @param {JsRunRecord} record
 */
export function describeJsRecord(record) {
  const root = record.totalMs;
  const parts = [`${record.tasks.length} lane${record.tasks.length === 1 ? '' : 's'}, one per Promise the JS side made, each from when it was made (its work starts then) to when it settled. The root settled at ${formatMs(root)}.`];
  const after = record.tasks.filter((t) => t.endMs === null || t.endMs > root);
  if (after.length) {
    parts.push(`Still running after the root settled: ${after.map((t) => (t.endMs === null ? `${t.name} (never settled)` : `${t.name} (settled at ${formatMs(t.endMs)})`)).join(', ')}.`);
  }
  const cleared = [...new Set(record.events.filter((e) => e.kind === 'timer-cleared').map((e) => e.task))];
  if (cleared.length) parts.push(`Timers cleared: ${cleared.join(', ')}.`);
  const rejected = record.tasks.filter((t) => t.outcome === 'rejected');
  if (rejected.length) parts.push(`Rejected: ${rejected.map((t) => t.name).join(', ')}.`);
  return parts.join(' ');
}

/**
 * Draws `record` into `lanes`, replacing what was there, and again when the
 * lanes change width. Returns what the picture shows (describeJsRecord).
 * @param {HTMLElement} lanes
 * @param {JsRunRecord} record
 */
export function drawJsRecord(lanes, record) {
  const end = Math.max(record.endMs, record.totalMs ?? 0, ...record.events.map((e) => e.t), 1);
  const names = record.tasks.map((t) => t.name);
  const kinds = new Set(record.events.map((e) => e.kind));
  const settled = record.events.filter((e) => e.kind === 'settled');
  const legend = legendOf(LEGEND
    .filter(([kind, , event]) => kinds.has(event)
      && (kind === 'fulfilled' ? settled.some((e) => e.ok) : kind === 'rejected' ? settled.some((e) => !e.ok) : true))
    .map(([kind, text]) => /** @type {const} */ ([kind, text])));
  const caption = el('p', { class: 'trace-caption', text: 'Tap, hover or focus a mark to read it here.', attrs: { 'aria-live': 'polite' } });
  const holder = el('div', { class: 'trace-svg' });
  const axis = el('div', { class: 'axis', attrs: { 'aria-hidden': 'true' } });
  const summary = el('p', { class: 'trace-summary', text: `0 to ${formatMs(end)}: the root settled at ${formatMs(record.totalMs ?? end)}, the last Promise at ${formatMs(record.endMs)}.` });

  function render() {
    const width = drawingWidth(lanes);
    const layout = laneLayout(width, names);
    const { left, plot, laneTop, height } = layout;
    const x = (/** @type {number} */ t) => left + (Math.min(Math.max(t, 0), end) / end) * plot;
    const root = svg('svg', {
      width, height, viewBox: `0 0 ${width} ${height}`, class: 'trace js-trace', role: 'group',
      'aria-label': `The JS record: ${names.length} Promises, ${record.events.length} events`,
    });
    drawLanes(root, layout, names);
    // Each Promise's life, under its marks.
    record.tasks.forEach((task, lane) => {
      if (task.startMs === null) return;
      const from = x(task.startMs);
      root.append(svg('rect', { x: from, y: laneTop(lane) + LANE / 2 - 3, width: Math.max(x(task.endMs ?? end) - from, 0), height: 6, rx: 1, class: `js-alive task-${lane % 4}` }));
    });
    /** @type {{ lane: number, box: { x: number, y: number, width: number, height: number }, item: { index: number, words: string, shape: SVGElement, block: boolean } }[]} */
    const marks = [];
    record.events.forEach((event, index) => {
      const lane = names.indexOf(event.task);
      if (lane < 0) return;
      const y = laneTop(lane);
      const at = x(event.t);
      const colour = `task-${lane % 4}`;
      /** @type {[SVGElement, { x: number, y: number, width: number, height: number }] | null} */
      let drawn = null;
      if (event.kind === 'created') {
        const box = { x: at - 2, y: y + 6, width: 4, height: LANE - 12 };
        drawn = [svg('rect', { ...box, class: `created ${colour}` }), box];
      } else if (event.kind === 'callback') {
        const box = { x: at, y: y + 4, width: Math.max(x(event.t + event.ms) - at, 4), height: LANE - 8 };
        drawn = [svg('rect', { ...box, rx: 2, class: `js-callback ${colour}` }), box];
      } else if (event.kind === 'timer-armed') {
        drawn = [svg('path', { d: `M${at - 6} ${y + LANE - 5} L${at} ${y + LANE - 16} L${at + 6} ${y + LANE - 5} Z`, class: 'js-armed' }), { x: at - 6, y: y + LANE - 16, width: 12, height: 11 }];
      } else if (event.kind === 'timer-fired') {
        drawn = [svg('circle', { cx: at, cy: y + LANE / 2, r: 6, class: 'js-fired' }), { x: at - 6, y: y + LANE / 2 - 6, width: 12, height: 12 }];
      } else if (event.kind === 'timer-cleared') {
        const cross = svg('g', { class: 'js-cleared' });
        cross.append(svg('line', { x1: at - 6, y1: y + 10, x2: at + 6, y2: y + LANE - 10 }), svg('line', { x1: at + 6, y1: y + 10, x2: at - 6, y2: y + LANE - 10 }));
        drawn = [cross, { x: at - 6, y: y + 10, width: 12, height: LANE - 20 }];
      } else if (event.kind === 'settled') {
        const box = { x: at - 2, y: y + 2, width: 4, height: LANE - 4 };
        drawn = [svg('rect', { ...box, class: `js-settled${event.ok ? '' : ' rejected'}` }), box];
      }
      if (drawn) marks.push({ lane, box: drawn[1], item: { index, words: describe(event), shape: drawn[0], block: event.kind === 'callback' } });
    });
    // Marks of one Promise closer than a tap target are one target
    // (groupCloseMarks): a tap there reads all of them, and none hides
    // another's target.
    for (const { lane, box, items } of groupCloseMarks(marks)) {
      const group = svg('g', { class: 'mark', 'data-event': items[0].index });
      // A callback is a block: under the marks of the same moment.
      group.append(...items.filter((i) => i.block).map((i) => i.shape), ...items.filter((i) => !i.block).map((i) => i.shape));
      addMark(root, group, box, width, `${names[lane]}: ${items.map((i) => i.words).join('; ')}`);
    }
    captionMarks(root, caption);
    holder.replaceChildren(root);
    drawAxis(axis, { max: end, plot, width, at: x });
  }
  lanes.replaceChildren(legend, holder, axis, summary, caption);
  renderAtWidth(lanes, render);
  return describeJsRecord(record);
}
