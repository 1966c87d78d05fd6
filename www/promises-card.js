// @ts-check
/**
 * The Future/Promise cards: JS awaits Rust (cook), Rust awaits JS
 * (awaitPromise, channel), lazy versus eager, a Future written by hand, and
 * where Rust's .await lands among JS microtasks and macrotasks.
 */
import { el, formatMs, role } from './dom.js';
import { createRunView } from './run-view.js';

/**
 * What the promise cards call: the API's own types, from the generated .d.ts.
 * @typedef {Pick<import('./lab.js').Lab, 'cook' | 'awaitPromise' | 'channel' | 'lazy' | 'handmade' | 'handmadeSource' | 'awaitOrder' | 'awaitMany' | 'panicOnPurpose'>} PromiseLab
 */

/** @param {HTMLInputElement} input empty means "use the default" */
const readNumber = (input) => (input.value.trim() === '' ? undefined : input.valueAsNumber);

/** @param {number} ms */
const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** How a value looks in the page's tables and logs. @param {unknown} value */
export function show(value) {
  if (value instanceof Error) return `${value.name}: ${value.message}`;
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'function') return `function ${value.name || '(anonymous)'}`;
  if (value instanceof Promise) return 'a Promise';
  if (typeof value === 'object' && value !== null) return JSON.stringify(value);
  return String(value);
}

/**
 * A log list whose items carry the time since `start`.
 * @param {HTMLElement} list
 */
function timedLog(list) {
  const start = performance.now();
  list.replaceChildren();
  list.hidden = false;
  /** @param {string} text @param {string} [who] */
  return (text, who) => {
    list.append(
      el('li', { class: `line${who ? ` ${who.toLowerCase()}` : ''}` },
        el('span', { class: 'at', text: `+${formatMs(performance.now() - start)}` }),
        ...(who ? [el('span', { class: 'who', text: who })] : []),
        el('span', { class: 'text', text })),
    );
  };
}

/**
 * JS awaits Rust (cook) and Rust awaits JS (awaitPromise, channel).
 * @param {HTMLElement} card
 * @param {PromiseLab} lab
 */
export function mountPromisesCard(card, lab) {
  const form = /** @type {HTMLFormElement} */ (card.querySelector('form'));
  const dish = /** @type {HTMLSelectElement} */ (form.elements.namedItem('dish'));
  const cookMs = /** @type {HTMLInputElement} */ (form.elements.namedItem('cookMs'));
  const outcome = role(card, 'outcome');
  const view = createRunView(card, { lesson: 'promises' });

  // run-view writes lab.<mode>(numbers); cook takes a dish and an options
  // object. The dish is the name of the run's task, known from its first line.
  globalThis.addEventListener('lab:run-start', (event) => {
    if (/** @type {CustomEvent} */ (event).detail.lesson === 'promises') outcome.textContent = '';
  });
  globalThis.addEventListener('lab:line', (event) => {
    const { lesson, args, line } = /** @type {CustomEvent} */ (event).detail;
    if (lesson !== 'promises' || !line.task) return;
    role(card, 'console-call').textContent =
      `await lab.cook(${JSON.stringify(line.task)}, { burn: ${Boolean(args.burn)}, cookMs: ${args.cookMs} })`;
  });

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const button = /** @type {SubmitEvent} */ (event).submitter;
    const burn = button instanceof HTMLButtonElement && button.value === 'true';
    try {
      // The <select>'s options are the API's dishes; a value it does not know
      // would be the API's own TypeError, shown like any other.
      const value = await lab.cook(/** @type {Parameters<PromiseLab['cook']>[0]} */ (dish.value), { burn, cookMs: readNumber(cookMs), signal: view.begin() });
      outcome.textContent = `The Promise resolved with ${show(value)}.`;
      outcome.className = 'outcome resolved';
    } catch (reason) {
      outcome.textContent = `The Promise rejected with ${show(reason)}${reason instanceof Error ? ' (an Error)' : ''}.`;
      outcome.className = 'outcome rejected';
      if (!(reason instanceof Error && /burned/.test(reason.message))) view.showError(reason);
    }
  });

  const table = role(card, 'crossings');
  const body = role(card, 'crossings-body');
  const channelLog = role(card, 'channel-log');

  card.querySelector('[data-action="pass-through"]')?.addEventListener('click', async () => {
    const object = { answer: 42 };
    const error = new TypeError('not a number');
    /** @type {[string, () => unknown, unknown][]} label, the p to pass, what should come back */
    const cases = [
      ['Promise.resolve(42)', () => Promise.resolve(42), 42],
      ['Promise.resolve(undefined)', () => Promise.resolve(undefined), undefined],
      ['Promise.resolve(null)', () => Promise.resolve(null), null],
      ['Promise.resolve(o)', () => Promise.resolve(object), object],
      ['Promise.reject(new TypeError(…))', () => Promise.reject(error), error],
      ["Promise.reject('just a string')", () => Promise.reject('just a string'), 'just a string'],
      ['a thenable: { then(r) { r(7) } }', () => ({ then: (/** @type {Function} */ r) => r(7) }), 7],
      ['a function, not a Promise', () => show, show],
      ['a timer: resolves in 50 ms', () => pause(50).then(() => 'late'), 'late'],
    ];
    body.replaceChildren();
    table.hidden = false;
    for (const [label, make, expected] of cases) {
      let settled;
      try {
        settled = { how: 'resolved', value: await lab.awaitPromise(make()) };
      } catch (reason) {
        settled = { how: 'rejected', value: reason };
      }
      body.append(el('tr', {},
        el('th', { attrs: { scope: 'row' } }, el('code', { text: label })),
        el('td', { text: `${settled.how}: ${show(settled.value)}` }),
        el('td', { class: 'same', text: Object.is(settled.value, expected) ? 'yes' : 'NO' })));
    }
  });

  card.querySelector('[data-action="channel"]')?.addEventListener('click', async () => {
    const log = timedLog(channelLog);
    const { promise, send, fail } = lab.channel();
    log('const { promise, send, fail } = lab.channel()');
    promise.then(
      (value) => log(`promise resolved with ${show(value)}`),
      (reason) => log(`promise rejected with ${show(reason)}`),
    );
    await pause(150);
    log(`send('first') returned ${send('first')}`);
    log(`send('second') returned ${send('second')}`);
    log(`fail(new Error('too late')) returned ${fail(new Error('too late'))}`);
    await promise.catch(() => {});
    log(`awaited again: ${show(await promise)}`);
  });
}

/**
 * The JS half of lazy versus eager, next to the Rust half (lab.lazy).
 * @param {HTMLElement} card
 * @param {PromiseLab} lab
 */
export function mountLazyCard(card, lab) {
  const form = /** @type {HTMLFormElement} */ (card.querySelector('form'));
  const waitMs = /** @type {HTMLInputElement} */ (form.elements.namedItem('waitMs'));
  const view = createRunView(card, { lesson: 'lazy' });
  const jsLines = role(card, 'js-lines');

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const wait = readNumber(waitMs);
    const rust = lab.lazy(wait, { signal: view.begin() });
    // A bad waitMs rejects at once: stop the JS half's wait right there rather
    // than after it (a typo of 70000 would hang the card for 70 s).
    const rejected = new Promise((_, reject) => { rust.catch(reject); });
    const log = timedLog(jsLines);
    try {
      new Promise((resolve) => { log('A: executor runs'); resolve(undefined); });
      log('promise A made (it will never be awaited)');
      const b = new Promise((resolve) => { log('B: executor runs'); resolve(undefined); });
      log('promise B made');
      await Promise.race([pause(wait ?? 300), rejected]);
      log(`${wait ?? 300} ms later: await B`);
      await b;
      log('B was done long ago: nothing left to run');
      await rust;
    } catch (reason) {
      jsLines.replaceChildren();
      view.showError(reason);
    }
  });
}

/**
 * The hand-written future: its real source and the trace of its polls.
 * @param {HTMLElement} card
 * @param {PromiseLab} lab
 */
export function mountHandmadeCard(card, lab) {
  const form = /** @type {HTMLFormElement} */ (card.querySelector('form'));
  const ticks = /** @type {HTMLInputElement} */ (form.elements.namedItem('ticks'));
  const everyMs = /** @type {HTMLInputElement} */ (form.elements.namedItem('everyMs'));
  const view = createRunView(card, { lesson: 'handmade' });
  role(card, 'source').textContent = lab.handmadeSource();

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    try {
      await lab.handmade(readNumber(ticks), readNumber(everyMs), { signal: view.begin() });
    } catch (reason) {
      view.showError(reason);
    }
  });
}

/** The executors `lab.awaitOrder` runs on, in the order the card shows them. */
export const EXECUTORS = /** @type {const} */ (['stock', 'reaction']);

/**
 * Runs Rust's awaitOrder on `executor` among JS steps of every kind and logs
 * all of them, in the order they really ran. Resolves when every step has run.
 * @param {PromiseLab} lab
 * @param {(text: string, who: 'JS' | 'Rust') => void} log
 * @param {typeof EXECUTORS[number]} [executor]
 */
export async function interleave(lab, log, executor = 'stock') {
  /** @param {Event} event */
  const onLine = (event) => {
    const { lesson, line } = /** @type {CustomEvent} */ (event).detail;
    if (lesson === 'await-order') log(line.text.replace(/^Rust: /, ''), 'Rust');
  };
  globalThis.addEventListener('lab:line', onLine);
  try {
    const timer = new Promise((resolve) => setTimeout(() => { log('setTimeout(0) callback', 'JS'); resolve(undefined); }, 0));
    queueMicrotask(() => log('microtask 1', 'JS'));
    async function jsTwin() {
      log('a JS async function: body starts at once', 'JS');
      await null;
      log('a JS async function: after await null', 'JS');
    }
    const twin = jsTwin();
    const rust = lab.awaitOrder({ executor });
    log(`lab.awaitOrder({ executor: "${executor}" }) returned`, 'JS');
    queueMicrotask(() => {
      log('microtask 2', 'JS');
      queueMicrotask(() => log('microtask 3, queued by 2', 'JS'));
    });
    await Promise.all([twin, rust, timer]);
    log('await lab.awaitOrder() resumed', 'JS');
  } finally {
    globalThis.removeEventListener('lab:line', onLine);
  }
}

/** A ratio for people: two significant digits, then "x". @param {number} ratio */
const times = (ratio) => `${ratio < 10 ? ratio.toFixed(1) : Math.round(ratio)}x`;

/**
 * The await-order card: the same Rust code on both executors, one log each,
 * and the measured cost of many awaits on each, beside plain JS.
 * @param {HTMLElement} card
 * @param {PromiseLab} lab
 */
export function mountAwaitOrderCard(card, lab) {
  const logs = /** @type {HTMLElement[]} */ ([...card.querySelectorAll('[data-role="order-log"]')]);
  const logOf = (/** @type {string} */ executor) => logs.find((list) => list.dataset.executor === executor);
  card.querySelector('[data-action="run-order"]')?.addEventListener('click', async () => {
    card.setAttribute('aria-busy', 'true');
    try {
      for (const list of logs) list.replaceChildren();
      // One after the other: each log holds only its own run's lines.
      for (const executor of EXECUTORS) {
        const list = logOf(executor);
        if (list) await interleave(lab, timedLog(list), executor);
      }
    } finally {
      card.removeAttribute('aria-busy');
    }
  });

  const table = role(card, 'await-cost');
  const rows = role(card, 'await-cost-rows');
  const caption = role(card, 'await-cost-caption');
  const error = role(card, 'await-cost-error');
  card.querySelector('[data-action="await-many"]')?.addEventListener('click', async () => {
    card.setAttribute('aria-busy', 'true');
    error.hidden = true;
    try {
      const n = 100_000;
      const { jsMs, stockMs, reactionMs } = await lab.awaitMany(n);
      /** @type {[string, number][]} */
      const measured = [
        ['JavaScript: await in an async function', jsMs],
        ['Rust, wasm-bindgen-futures\' executor (JsFuture)', stockMs],
        ['Rust, the lab\'s reaction executor (reaction_await)', reactionMs],
      ];
      caption.textContent = `${n.toLocaleString('en-US')} awaits of one already-resolved Promise in a loop, each way, `
        + 'in batches of 5,000 (the three ways in turn in each batch, and the page free to draw between batches: '
        + 'an unbroken chain of microtasks would freeze it), the times the batches\' sums, measured just now in this page '
        + 'on this machine (they vary from run to run; docs/benchmarks.md has repeated runs)';
      rows.replaceChildren(...measured.map(([who, ms]) => el('tr', {},
        el('th', { text: who, attrs: { scope: 'row' } }),
        el('td', { text: `${ms.toFixed(1)} ms` }),
        el('td', { text: `${Math.round((ms * 1e6) / n)} ns` }),
        // performance.now() is coarse where the page is not cross-origin isolated.
        el('td', { text: jsMs > 0 ? times(ms / jsMs) : 'too fast to tell' }))));
      table.hidden = false;
    } catch (reason) {
      error.textContent = show(reason);
      error.hidden = false;
    } finally {
      card.removeAttribute('aria-busy');
    }
  });
}

/**
 * The experiment that breaks things on purpose: a Rust future panics while JS
 * awaits it. The page's trap handling (main.js) shows the banner and starts a
 * fresh instance; this shows what the caller sees: a Promise that never settles.
 * @param {HTMLElement} card
 * @param {PromiseLab} lab
 */
function mountPanicExperiment(card, lab) {
  const button = el('button', { text: 'Panic on purpose', attrs: { type: 'button' } });
  const outcome = el('p', { class: 'outcome', attrs: { 'data-role': 'panic-outcome', 'aria-live': 'polite' } });
  card.append(el('div', { class: 'experiment', attrs: { 'data-role': 'panic-experiment' } },
    el('h3', { text: 'Experiment: a future that panics (this breaks the module on purpose)' }),
    el('p', { text: 'In WebAssembly a Rust panic aborts the whole instance (RuntimeError: unreachable). '
      + 'The Promise JS awaits never settles, and the instance cannot be trusted again, '
      + 'so the page starts a fresh one: everything keeps working without a reload.' }),
    el('p', { class: 'controls' }, button),
    outcome));
  button.addEventListener('click', async () => {
    outcome.textContent = 'await lab.panicOnPurpose() …';
    const settled = lab.panicOnPurpose().then(() => 'resolved', () => 'rejected');
    const result = await Promise.race([settled, pause(1000).then(() => 'pending')]);
    outcome.textContent = result === 'pending'
      ? 'After 1 s the Promise is still pending: it never settles. The module trapped; see the banner at the top.'
      : `The Promise ${result}, which a panic should not allow.`;
  });
}

/**
 * Mounts the four cards of the Future/Promise lesson.
 * @param {Document} page
 * @param {PromiseLab} lab
 */
export function mountPromiseCards(page, lab) {
  /** @param {string} id */
  const card = (id) => {
    const node = page.getElementById(id);
    if (!node) throw new Error(`the page has no #${id}`);
    return node;
  };
  mountPromisesCard(card('promises'), lab);
  mountPanicExperiment(card('promises'), lab);
  mountLazyCard(card('lazy'), lab);
  mountHandmadeCard(card('handmade'), lab);
  mountAwaitOrderCard(card('await-order'), lab);
}
