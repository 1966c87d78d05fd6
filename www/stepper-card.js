// @ts-check
/**
 * "You are the executor": the learner drives `lab.stepper()` one poll at a
 * time. The card re-reads the handle after each poll and after each wake (the
 * handle's `onwake`), so it never polls the page on a timer of its own. At the
 * end it runs the same mode automatically once and compares the two traces.
 */
import { el, formatMs, readNumber, role } from './dom.js';

/** @typedef {import('./pkg/async_rust_lab.js').Stepper} Stepper */
/** @typedef {import('./pkg/async_rust_lab.js').StepperPoll} StepperPoll */
/** @typedef {import('./pkg/async_rust_lab.js').TaskSummary} TaskSummary */

const MODES = /** @type {const} */ (['concurrent', 'sequential', 'race']);

/**
 * The lesson's tasks of the last finished run and their polls and wakes.
 * @param {Pick<import('./lab.js').Lab, 'traceSummary'>} lab
 * @returns {Map<string, TaskSummary>}
 */
function tasksOfLastRun(lab) {
  return new Map(lab.traceSummary().map((t) => [t.name, t]));
}

/**
 * One poll's answer as a line of the log.
 * @param {StepperPoll} answer
 */
function describe(answer) {
  if (answer.result === 'idle') return `idle: ${answer.message}`;
  if (answer.result === 'pending') return `${answer.task}: Pending${answer.waitsOn ? `, waiting on a ${answer.waitsOn}` : ''}`;
  return `${answer.task}: Ready(${JSON.stringify(answer.value)})`;
}

/**
 * @param {HTMLElement} card
 * @param {Pick<import('./lab.js').Lab, 'stepper' | 'traceSummary' | 'sequential' | 'concurrent' | 'race'>} lab
 */
export function mountStepperCard(card, lab) {
  const form = /** @type {HTMLFormElement} */ (card.querySelector('form'));
  const field = (/** @type {string} */ name) => /** @type {HTMLInputElement} */ (form.elements.namedItem(name));
  const pollButton = /** @type {HTMLButtonElement} */ (role(card, 'poll'));
  const ready = role(card, 'ready');
  const timers = role(card, 'timers');
  const printed = role(card, 'printed');
  const log = role(card, 'poll-log');
  const error = role(card, 'stepper-error');
  const compare = role(card, 'stepper-compare');
  const compareRows = role(card, 'stepper-compare-rows');
  const note = role(card, 'stepper-compare-note');
  const code = role(card, 'stepper-code');
  const source = role(card, 'stepper-source');
  /** @type {Stepper | undefined} */
  let stepper;
  let sourceAsked = false;
  /** The sleeps the card's stepper was made with: the automatic run uses the same. */
  let sleeps = { oneMs: /** @type {number | undefined} */ (undefined), twoMs: /** @type {number | undefined} */ (undefined) };

  /** Shows the executor's source, fetched from the file that compiled, once. */
  const showSource = async () => {
    if (sourceAsked) return;
    sourceAsked = true;
    try {
      const response = await fetch(new URL('./src/runtime/stepper.rs', import.meta.url));
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      code.textContent = await response.text();
    } catch (reason) {
      code.textContent = `The source could not be fetched (${reason instanceof Error ? reason.message : String(reason)}); it is src/runtime/stepper.rs in the repository.`;
    }
    source.hidden = false;
  };

  /** Redraws the queue, the timers and the lines from the handle. */
  const draw = () => {
    if (!stepper) return;
    const now = stepper.nowMs;
    ready.replaceChildren(...stepper.ready.map((name) => el('li', { text: name })));
    if (!stepper.ready.length) ready.append(el('li', { class: 'empty', text: stepper.done ? '(done)' : '(empty: every task is waiting)' }));
    timers.replaceChildren(...stepper.timers.map((t) => el('li', {
      text: `${t.task}: due at +${formatMs(t.dueMs)}${Number.isFinite(now) ? ` (in ${formatMs(Math.max(0, t.dueMs - now))})` : ''}`,
    })));
    if (!timers.childElementCount) timers.append(el('li', { class: 'empty', text: '(none)' }));
    printed.replaceChildren(...stepper.lines.map((line) => el('li', { text: line })));
    pollButton.disabled = stepper.done;
  };

  /** Runs the same mode automatically and compares the traces task by task. */
  const compareWithAutomatic = async (/** @type {Stepper} */ done) => {
    const yours = tasksOfLastRun(lab);
    const mode = /** @type {typeof MODES[number]} */ (done.mode);
    await lab[mode](sleeps.oneMs, sleeps.twoMs);
    const automatic = tasksOfLastRun(lab);
    compareRows.replaceChildren(...[...automatic.keys()].map((name) => el('tr', {},
      el('th', { attrs: { scope: 'row' }, text: name }),
      el('td', { text: String(yours.get(name)?.polls ?? 0) }),
      el('td', { text: String(automatic.get(name)?.polls ?? 0) }),
      el('td', { text: String(automatic.get(name)?.wakes ?? 0) }),
    )));
    const extra = [...automatic.keys()].filter((name) => (automatic.get(name)?.polls ?? 0) > (yours.get(name)?.polls ?? 0));
    note.textContent = extra.length
      ? `The automatic run polled ${extra.join(' and ')} more often than you did: it hands the executor one future, a join, and join polls every unfinished child whenever it is polled, so a wake of one thread polls the other too, which is still waiting. You held each thread as its own task and polled only the one that was woken: one poll per wake, plus the first.`
      : 'Same polls, task by task: you polled each task as often as the automatic run did.';
    compare.hidden = false;
    note.hidden = false;
  };

  /** Redraws whenever a timer wakes a task of `s`, while it is the card's. */
  const watch = (/** @type {Stepper} */ s) => {
    s.onwake = () => { if (stepper === s) draw(); };
  };

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void showSource();
    error.hidden = true;
    compare.hidden = true;
    note.hidden = true;
    const mode = MODES.find((m) => m === field('mode').value) ?? 'concurrent';
    const asked = { oneMs: readNumber(field('oneMs')), twoMs: readNumber(field('twoMs')) };
    try {
      const fresh = lab.stepper(mode, asked);
      stepper?.free();
      stepper = fresh;
      sleeps = asked;
    } catch (reason) {
      error.textContent = reason instanceof Error ? `${reason.name}: ${reason.message}` : String(reason);
      error.hidden = false;
      return;
    }
    watch(stepper);
    log.replaceChildren();
    draw();
    pollButton.focus();
  });

  pollButton.addEventListener('click', () => {
    if (!stepper) return;
    const current = stepper;
    try {
      const answer = current.poll();
      log.append(el('li', { class: answer.result, text: describe(answer) }));
    } catch (reason) {
      error.textContent = reason instanceof Error ? reason.message : String(reason);
      error.hidden = false;
    }
    draw();
    if (current.done && compare.hidden) {
      compareWithAutomatic(current).catch((reason) => {
        error.textContent = reason instanceof Error ? reason.message : String(reason);
        error.hidden = false;
      });
    }
  });
}
