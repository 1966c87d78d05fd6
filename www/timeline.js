// @ts-check
/** Draws a run's tasks as bars on a shared time axis, from its RunReport. */
import { el, formatMs } from './dom.js';

/** @typedef {import('./pkg/async_rust_lab.js').RunReport} RunReport */

/**
 * Replaces the contents of `lanes` and `axis` with one lane per task of `report`.
 * @param {HTMLElement} lanes
 * @param {HTMLElement} axis
 * @param {RunReport} report
 */
export function drawTimeline(lanes, axis, report) {
  const ends = report.tasks.map((t) => t.endMs ?? report.totalMs);
  const scale = Math.max(report.totalMs, ...ends, 1);
  const pct = (/** @type {number} */ ms) => `${Math.min(100, Math.max(0, (ms / scale) * 100))}%`;

  lanes.replaceChildren(
    ...report.tasks.map((task, index) => {
      const start = task.startMs ?? 0;
      const end = task.endMs ?? report.totalMs;
      const described =
        task.outcome === 'dropped'
          ? `${task.name}: polled from ${formatMs(start)}, dropped unfinished at ${formatMs(end)}`
          : `${task.name}: from ${formatMs(start)} to ${formatMs(end)} (${formatMs(end - start)})`;
      const bar = el('div', {
        class: `bar task-${index % 4} ${task.outcome}`,
        attrs: { role: 'img', 'aria-label': described, title: described },
      });
      bar.style.left = pct(start);
      bar.style.width = `calc(${pct(end - start)} + 2px)`;
      if (task.outcome === 'dropped') bar.append(el('span', { class: 'drop-mark', text: '✕', attrs: { 'aria-hidden': 'true' } }));
      const track = el('div', { class: 'track' }, bar);
      for (const line of report.lines.filter((l) => l.task === task.name)) {
        const dot = el('span', { class: 'print-mark', attrs: { title: `printed "${line.text}" at ${formatMs(line.atMs)}` } });
        dot.style.left = pct(line.atMs);
        track.append(dot);
      }
      return el('div', { class: 'lane' }, el('span', { class: 'lane-label', text: task.name }), track);
    }),
  );

  axis.replaceChildren(
    ...[0, 0.25, 0.5, 0.75, 1].map((f) => {
      const tick = el('span', { class: 'tick', text: formatMs(f * scale) });
      tick.style.left = `${f * 100}%`;
      return tick;
    }),
  );
}
