// @ts-check
/**
 * The JS side's timeline of the compose card, drawn from its record (the
 * events `lab.compose(text, { js: true })` returns under `js.record`): one
 * lane per Promise, from when it was made to when it settled, with its timers
 * armed, fired and cleared and the callbacks that ran. Small SVG lanes whose
 * x positions are percentages of the record's length, so they need no
 * redraw when the card changes width.
 */
import { el, formatMs } from './dom.js';

/** @typedef {import('./pkg/async_rust_lab.js').JsRunRecord} JsRunRecord */
/** @typedef {import('./pkg/async_rust_lab.js').JsTraceEvent} JsTraceEvent */

const SVG = 'http://www.w3.org/2000/svg';

/**
 * @param {string} tag
 * @param {Record<string, string | number>} attrs
 * @param {string} [title]
 */
function svg(tag, attrs, title) {
  const node = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, String(value));
  if (title) {
    const tip = document.createElementNS(SVG, 'title');
    tip.textContent = title;
    node.append(tip);
  }
  return node;
}

/** @param {JsTraceEvent} event */
function describe(event) {
  switch (event.kind) {
    case 'created': return `made at ${formatMs(event.t)}`;
    case 'timer-armed': return `timer of ${event.ms} ms armed at ${formatMs(event.t)}`;
    case 'timer-fired': return `timer fired at ${formatMs(event.t)}`;
    case 'timer-cleared': return `timer cleared at ${formatMs(event.t)}`;
    case 'settled': return `${event.ok ? 'fulfilled' : 'rejected'} at ${formatMs(event.t)}`;
    case 'callback': return `a callback ran at ${formatMs(event.t)} for ${formatMs(event.ms)}`;
    default: return '';
  }
}

/**
 * Draws `record` into `lanes`, replacing what was there.
 * @param {HTMLElement} lanes
 * @param {JsRunRecord} record
 */
export function drawJsRecord(lanes, record) {
  const end = Math.max(record.endMs, record.totalMs ?? 0, ...record.events.map((e) => e.t), 1);
  const x = (/** @type {number} */ t) => `${((Math.max(0, t) / end) * 100).toFixed(3)}%`;
  const list = el('ul', { class: 'js-lanes' });
  for (const task of record.tasks) {
    const events = record.events.filter((e) => e.task === task.name);
    const words = events.map(describe).filter(Boolean).join('; ');
    const track = svg('svg', { class: 'js-track', width: '100%', height: 18, role: 'img', 'aria-label': `${task.name}: ${words}` });
    const from = task.startMs ?? 0;
    const to = task.endMs ?? end;
    track.append(svg('rect', { class: 'js-alive', x: x(from), y: 6, width: x(to - from), height: 6, rx: 2 }));
    for (const event of events) {
      const title = describe(event);
      if (event.kind === 'callback') {
        track.append(svg('rect', { class: 'js-callback', x: x(event.t), y: 2, width: x(Math.max(event.ms, end / 400)), height: 14 }, title));
      } else if (event.kind === 'timer-armed' || event.kind === 'timer-fired' || event.kind === 'timer-cleared') {
        const mark = { 'timer-armed': '▲', 'timer-fired': '●', 'timer-cleared': '✕' }[event.kind];
        const text = svg('text', { class: `js-${event.kind}`, x: x(event.t), y: 14, 'text-anchor': 'middle' }, title);
        text.append(document.createTextNode(mark));
        track.append(text);
      } else if (event.kind === 'settled') {
        track.append(svg('rect', { class: event.ok ? 'js-fulfilled' : 'js-rejected', x: x(event.t), y: 1, width: 3, height: 16 }, title));
      }
    }
    list.append(el('li', { class: 'js-lane' },
      el('span', { class: 'js-lane-name', text: task.name }),
      el('span', { class: 'js-lane-track' }, track)));
  }
  lanes.replaceChildren(list, el('p', { class: 'trace-summary', text: `0 to ${formatMs(end)}: the root settled at ${formatMs(record.totalMs ?? end)}, the last Promise at ${formatMs(record.endMs)}.` }));
}
