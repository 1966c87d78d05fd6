// @ts-check
/**
 * Draws a run's trace as SVG swimlanes, one per task plus one for the thread:
 * polls as solid marks, waiting as lighter stretches, wakes joined to the poll
 * they cause, a cross where a task was dropped unfinished. Below it, a replay:
 * previous / next event, play / pause at 0.25x to 4x, and a caption for the
 * current event. Every mark can be hovered or focused with the keyboard.
 */
import { el, formatMs } from './dom.js';

/** @typedef {import('./pkg/async_rust_lab.js').RunReport} RunReport */
/** @typedef {import('./pkg/async_rust_lab.js').TraceEvent} TraceEvent */

const SVG = 'http://www.w3.org/2000/svg';
const LANE = 28;
const LABEL = 96;
const PAD = 12;

/**
 * @param {string} tag
 * @param {Record<string, string | number>} attrs
 * @returns {SVGElement}
 */
function svg(tag, attrs = {}) {
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
  timer: 'its timer fired',
  promise: 'a JS Promise settled',
  channel: 'a channel message arrived',
  fetch: 'a fetch response arrived',
  worker: 'a Web Worker answered',
  itself: 'itself, during its own poll (a yield)',
  unknown: 'something it awaited',
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
      return `${event.task}: woken by ${WOKEN_BY[event.by] ?? event.by}; the executor will poll it again.`;
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
 * Draws `report`'s trace into `lanes` and its time axis into `axis`; redraws
 * when the lanes change width. Returns the replay controller.
 * @param {HTMLElement} lanes
 * @param {HTMLElement} axis
 * @param {RunReport} report
 */
export function drawTimeline(lanes, axis, report) {
  drawn.get(lanes)?.dispose();
  const timeline = createTimeline(lanes, axis, report);
  drawn.set(lanes, timeline);
  return timeline;
}

/**
 * The timeline drawn in each lanes element, disposed of when the next run's
 * replaces it (a WeakMap: a removed card takes its timeline with it).
 * @type {WeakMap<HTMLElement, ReturnType<typeof createTimeline>>}
 */
const drawn = new WeakMap();

/**
 * @param {HTMLElement} lanes
 * @param {HTMLElement} axis
 * @param {RunReport} report
 */
function createTimeline(lanes, axis, report) {
  const events = report.events;
  const names = report.tasks.map((t) => t.name);
  const scale = Math.max(report.totalMs, ...events.map((e) => e.t), 1);
  const unwoken = findUnwokenPolls(events);
  const say = (/** @type {number} */ i) => describeEvent(events[i], unwoken.has(i));
  let current = events.length ? 0 : -1;
  let playing = 0;
  let speed = 1;

  const caption = el('p', { class: 'trace-caption', attrs: { 'aria-live': 'polite' } });
  const position = el('span', { class: 'trace-position' });
  const prev = el('button', { text: '◀ Previous', attrs: { type: 'button', 'aria-label': 'Previous event' } });
  const play = el('button', { text: '▶ Play', attrs: { type: 'button', 'aria-label': 'Play the replay' } });
  const next = el('button', { text: 'Next ▶', attrs: { type: 'button', 'aria-label': 'Next event' } });
  const speedSelect = /** @type {HTMLSelectElement} */ (el('select', { attrs: { 'aria-label': 'Replay speed' } },
    ...[0.25, 0.5, 1, 2, 4].map((s) => el('option', { text: `${s}x`, attrs: s === 1 ? { value: String(s), selected: '' } : { value: String(s) } }))));
  const controls = el('div', { class: 'trace-controls', attrs: { role: 'group', 'aria-label': 'Replay the trace' } },
    prev, play, next, el('label', { class: 'speed' }, document.createTextNode('Speed '), speedSelect), position);
  const holder = el('div', { class: 'trace-svg' });
  const summary = el('p', { class: 'trace-summary' });

  /** @type {Map<number, SVGElement[]>} marks drawn for each event index */
  let marks = new Map();
  /** @type {SVGElement | null} */
  let cursor = null;

  function render() {
    const width = Math.max(lanes.clientWidth, 320);
    const plot = width - LABEL - PAD;
    const x = (/** @type {number} */ t) => LABEL + (Math.min(Math.max(t, 0), scale) / scale) * plot;
    const laneY = (/** @type {number} */ i) => PAD + i * LANE;
    const height = laneY(names.length + 1) + 4;
    const root = svg('svg', { width, height, viewBox: `0 0 ${width} ${height}`, class: 'trace', role: 'group', 'aria-label': `Trace of ${names.length} tasks, ${events.length} events` });
    marks = new Map();

    /** @param {number} index @param {SVGElement} node */
    const mark = (index, node) => {
      node.setAttribute('tabindex', '0');
      node.setAttribute('role', 'img');
      node.setAttribute('aria-label', `${formatMs(events[index].t)}: ${say(index)}`);
      node.dataset.event = String(index);
      const title = svg('title');
      title.textContent = node.getAttribute('aria-label');
      node.append(title);
      marks.set(index, [...(marks.get(index) ?? []), node]);
      return node;
    };

    const laneLabel = (/** @type {string} */ name, /** @type {number} */ i) => {
      const label = svg('text', { x: LABEL - 8, y: laneY(i) + LANE / 2, class: 'lane-name', 'text-anchor': 'end', 'dominant-baseline': 'middle' });
      label.textContent = name;
      root.append(svg('rect', { x: LABEL, y: laneY(i) + 4, width: plot, height: LANE - 8, class: 'lane-bg', rx: 3 }), label);
    };
    laneLabel('the thread', 0);
    names.forEach((name, i) => laneLabel(name, i + 1));

    /** @type {Map<string, number>} open poll start per task */
    const open = new Map();
    /** @type {Map<string, number>} pending-since per task */
    const waiting = new Map();
    /** @type {Map<string, number>} a wake waiting for its poll, per task */
    const wake = new Map();
    events.forEach((event, index) => {
      const lane = names.indexOf(event.task) + 1;
      const y = laneY(lane);
      const colour = `task-${(lane - 1) % 4}`;
      if (event.kind === 'created') {
        root.append(mark(index, svg('rect', { x: x(event.t) - 1, y: y + 8, width: 2, height: LANE - 16, class: `created ${colour}` })));
      } else if (event.kind === 'poll-start') {
        open.set(event.task, event.t);
        const since = waiting.get(event.task);
        if (since !== undefined) {
          root.append(svg('rect', { x: x(since), y: y + 9, width: Math.max(x(event.t) - x(since), 0), height: LANE - 18, class: `idle ${colour}` }));
          waiting.delete(event.task);
        }
        const woke = wake.get(event.task);
        if (woke !== undefined) {
          root.append(svg('line', { x1: x(events[woke].t), y1: y + LANE / 2, x2: x(event.t), y2: y + LANE / 2, class: 'wake-link' }));
          wake.delete(event.task);
        }
      } else if (event.kind === 'poll-end') {
        const start = open.get(event.task) ?? event.t;
        open.delete(event.task);
        const w = Math.max(x(event.t) - x(start), 3);
        const poll = svg('rect', { x: x(start) - 1.5, y: y + 5, width: w, height: LANE - 10, rx: 2, class: `poll ${colour} ${event.result}` });
        root.append(mark(index, poll));
        const depth = events.findLast(
          /** @type {(e: TraceEvent, i: number) => e is Extract<TraceEvent, { kind: 'poll-start' }>} */
          (e, i) => i < index && e.task === event.task && e.kind === 'poll-start',
        )?.depth ?? 0;
        if (depth === 0) {
          root.append(svg('rect', { x: x(start) - 1.5, y: laneY(0) + 5, width: w, height: LANE - 10, rx: 2, class: `poll thread-poll ${colour}` }));
        }
        if (event.result === 'pending') waiting.set(event.task, event.t);
      } else if (event.kind === 'woken') {
        wake.set(event.task, index);
        root.append(mark(index, svg('circle', { cx: x(event.t), cy: y + LANE / 2, r: 4.5, class: `wake ${colour}` })));
      } else if (event.kind === 'dropped') {
        const since = waiting.get(event.task);
        if (since !== undefined) {
          root.append(svg('rect', { x: x(since), y: y + 9, width: Math.max(x(event.t) - x(since), 0), height: LANE - 18, class: `idle ${colour}` }));
          waiting.delete(event.task);
        }
        const cx = x(event.t);
        const cross = svg('g', { class: 'drop' });
        cross.append(
          svg('rect', { x: cx - 7, y: y + 5, width: 14, height: LANE - 10, class: 'hit' }),
          svg('line', { x1: cx - 5, y1: y + 8, x2: cx + 5, y2: y + LANE - 8 }),
          svg('line', { x1: cx + 5, y1: y + 8, x2: cx - 5, y2: y + LANE - 8 }),
        );
        root.append(mark(index, cross));
      }
    });

    cursor = svg('line', { y1: PAD, y2: laneY(names.length + 1), class: 'trace-cursor' });
    root.append(cursor);
    root.addEventListener('focusin', onMark);
    root.addEventListener('mouseover', onMark);
    holder.replaceChildren(root);

    axis.replaceChildren(
      ...[0, 0.25, 0.5, 0.75, 1].map((f) => {
        const tick = el('span', { class: 'tick', text: formatMs(f * scale) });
        tick.style.left = `${LABEL + f * plot}px`;
        return tick;
      }),
    );
    show(current, x);
  }

  /** @param {Event} event */
  function onMark(event) {
    const target = /** @type {Element} */ (event.target).closest('[data-event]');
    if (target instanceof SVGElement && target.dataset.event !== undefined) {
      current = Number(target.dataset.event);
      show(current);
    }
  }

  /**
   * @param {number} index
   * @param {(t: number) => number} [x]
   */
  function show(index, x) {
    for (const nodes of marks.values()) for (const node of nodes) node.classList.remove('current');
    if (index < 0) {
      caption.textContent = 'No events: nothing was traced.';
      return;
    }
    const event = events[index];
    for (const node of marks.get(index) ?? []) node.classList.add('current');
    const width = Math.max(lanes.clientWidth, 320);
    const toX = x ?? ((/** @type {number} */ t) => LABEL + (t / scale) * (width - LABEL - PAD));
    cursor?.setAttribute('x1', String(toX(event.t)));
    cursor?.setAttribute('x2', String(toX(event.t)));
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
    const gap = events[current + 1].t - events[current].t;
    // Real time between events, scaled; events in the same millisecond still get
    // a moment on screen so the caption can be read.
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

  const left = report.eventsLeftOut ? ` ${report.eventsLeftOut} more events were left out: a run keeps at most ${report.traceCap}.` : '';
  summary.textContent = report.tasks
    .map((t) => `${t.name}: ${t.polls} poll${t.polls === 1 ? '' : 's'}, busy ${formatMs(t.busyMs)}, waiting ${formatMs(t.idleMs)}`)
    .join(' · ') + '.' + left;

  // The axis sits right under the lanes it measures.
  lanes.replaceChildren(holder, axis, summary, controls, caption);
  const resize = new ResizeObserver(() => render());
  resize.observe(lanes);
  render();

  return {
    dispose() {
      pause();
      resize.disconnect();
    },
  };
}
