// @ts-check
/**
 * "See the machine": beside each card's timeline, the tree of futures, the
 * executor's desk (the stack of polls, the ready queue, the microtasks and the
 * JS timers) and the source with the `.await` where each task is suspended,
 * all at the step the timeline's replay shows.
 *
 * Everything drawn here comes from `lab.tree(step, runId)` and
 * `lab.queues(step, runId)`, which replay the run's own record in Rust: no
 * state is kept or guessed here. The source is the file that compiled, copied
 * into the site at build time (scripts/build.sh), fetched the first time a
 * run is shown.
 */
import { el, formatMs } from './dom.js';
import { setSourceLines } from './lab.js';

/** @typedef {import('./pkg/async_rust_lab.js').FutureNode} FutureNode */
/** @typedef {import('./pkg/async_rust_lab.js').MachineQueues} MachineQueues */
/** @typedef {Pick<import('./lab.js').Lab, 'tree' | 'queues'>} MachineLab */

/** Each source file's lines, by the name rustc gives it (`src/lessons/sequence.rs`). */
/** @type {Map<string, string[]>} */
const sources = new Map();
/** @type {Map<string, Promise<string[] | null>>} */
const loading = new Map();

/**
 * The lines of `file`, fetched once from the copy the build put beside the page.
 * Only files under src/ are asked for: a site is rustc's own path.
 * @param {string} file
 */
function loadSource(file) {
  if (!/^src\/[a-z_/]+\.rs$/.test(file)) return Promise.resolve(null);
  let pending = loading.get(file);
  if (!pending) {
    pending = fetch(new URL(`./${file}`, import.meta.url))
      .then((response) => (response.ok ? response.text() : null))
      .then((text) => {
        if (text === null) return null;
        const lines = text.split('\n');
        sources.set(file, lines);
        return lines;
      })
      .catch(() => null);
    loading.set(file, pending);
  }
  return pending;
}

// lab.tree() in the console gets each site's text from the same copies.
setSourceLines((file, line) => sources.get(file)?.[line - 1]);

/** Words for a node's state, for people and screen readers. */
const STATE_WORDS = /** @type {const} */ ({
  created: 'created, never polled',
  pending: 'pending',
  woken: 'woken, waiting to be polled',
  polling: 'being polled now',
  ready: 'ready',
  dropped: 'dropped unfinished',
});

/** @param {FutureNode} node @param {Map<number, FutureNode>} byId */
function describeNode(node, byId) {
  const parts = [`${node.name} (${node.kind}): ${STATE_WORDS[node.state]}`];
  if (node.kind === 'timer' && node.dueMs !== undefined && (node.state === 'pending' || node.state === 'created')) {
    parts.push(`due at +${formatMs(node.dueMs)}`);
  }
  if (node.waitsOn !== undefined) {
    const leaf = byId.get(node.waitsOn);
    if (leaf) parts.push(`waits on its ${leaf.kind}${leaf.dueMs !== undefined ? ` due at +${formatMs(leaf.dueMs)}` : ''}`);
  }
  if (node.at && node.kind !== 'timer' && node.kind !== 'fetch') parts.push(`at line ${node.at.line}`);
  return parts.join(', ');
}

/** @param {FutureNode[]} nodes @param {Map<number, FutureNode>} [into] */
function index(nodes, into = new Map()) {
  for (const node of nodes) {
    into.set(node.id, node);
    index(node.children, into);
  }
  return into;
}

/** A nested list: plain lists read well with a screen reader and need no keyboard model. */
/** @param {FutureNode[]} nodes @param {Map<number, FutureNode>} byId */
function treeList(nodes, byId) {
  return el('ul', { class: 'future-tree' }, ...nodes.map((node) => {
    const item = el('li', { class: `future state-${node.state} kind-${node.kind}`, attrs: { 'data-node': String(node.id), 'data-state': node.state } },
      el('span', { class: 'future-label', text: describeNode(node, byId) }));
    if (node.children.length) item.append(treeList(node.children, byId));
    return item;
  }));
}

/**
 * One tray of the desk. Each item has a key; an item whose key was not in
 * this tray at the step drawn before is marked as arriving, so it can slide
 * in (only where motion is welcome: style.css).
 * @param {string} title
 * @param {string} role
 * @param {{ key: string, text: string, state?: string }[]} items
 * @param {string} empty what an empty tray means
 * @param {Set<string> | undefined} before the keys this tray showed at the previous draw
 */
function tray(title, role, items, empty, before) {
  return el('div', { class: 'tray', attrs: { 'data-role': role } },
    el('h4', { text: title }),
    items.length
      ? el('ol', {}, ...items.map(({ key, text, state }) => el('li', {
        text,
        class: [before && !before.has(key) ? 'arriving' : '', state ? `tray-${state}` : ''].join(' ').trim(),
        attrs: { 'data-key': key },
      })))
      : el('p', { class: 'tray-empty', text: empty }));
}

/**
 * The executor's desk at a step: what is being polled, what is ready, what
 * waits and on whom, what the lab queued as microtasks, and its JS timers.
 * @param {FutureNode[]} roots
 * @param {Map<number, FutureNode>} byId
 * @param {MachineQueues} queues
 * @param {Map<string, Set<string>>} [before] each tray's keys at the previous draw
 */
function desk(roots, byId, queues, before) {
  const stack = queues.stack.length
    ? [{ key: 'executor', text: 'the executor (wasm-bindgen-futures)' },
      ...queues.stack.map((entry) => ({ key: String(entry.id), text: entry.name }))]
    : [];
  const waiting = [...byId.values()]
    .filter((node) => node.kind === 'task' && node.state === 'pending')
    .map((node) => {
      const leaf = node.waitsOn === undefined ? undefined : byId.get(node.waitsOn);
      const holder = !leaf ? 'a future it polls holds its waker'
        : leaf.kind === 'timer' ? `its timer (due +${formatMs(leaf.dueMs ?? 0)}) holds its waker`
          : `its ${leaf.kind} holds its waker`;
      return { key: String(node.id), text: `${node.name}: ${holder}` };
    });
  const trays = [
    tray('Polling now (the stack, outermost first)', 'stack', stack, 'Nothing: the thread is free for the browser.', before?.get('stack')),
    tray('Ready queue (woken, not yet polled)', 'ready', queues.ready.map((entry) => ({ key: String(entry.id), text: entry.name })), 'Empty.', before?.get('ready')),
    tray('Waiting (pending, and who holds the waker)', 'waiting', waiting, 'No task is waiting.', before?.get('waiting')),
    tray('Microtasks the lab has queued', 'microtasks', queues.microtasks.map((m) => ({ key: `${m.kind}${m.id ?? ''}`, text: m.what })), 'None.', before?.get('microtasks')),
    tray('JS timers the lab armed', 'timers', queues.timers.map((timer) => {
      const when = timer.atMs === undefined ? '' : ` at +${formatMs(timer.atMs)}`;
      return { key: String(timer.id), text: `${timer.owner}'s timer, due +${formatMs(timer.dueMs)}: ${timer.state}${when}`, state: timer.state };
    }), 'None yet.', before?.get('timers')),
  ];
  return el('div', { class: 'desk', attrs: { 'data-role': 'desk' } }, ...trays);
}

/** The keys each tray of `panel` shows now. @param {Element} panel */
function trayKeys(panel) {
  const keys = new Map();
  for (const tray of panel.querySelectorAll('.tray[data-role]')) {
    keys.set(/** @type {HTMLElement} */ (tray).dataset.role, new Set([...tray.querySelectorAll('li[data-key]')].map((li) => /** @type {HTMLElement} */ (li).dataset.key)));
  }
  return keys;
}

/**
 * The source around every leaf the run has made so far (each leaf's site is
 * the line of its `.await`), each line numbered, the lines where a task is
 * suspended now marked with the tasks' names.
 * @param {FutureNode[]} roots
 */
async function sourceView(roots) {
  /** @type {Map<string, Map<number, string[]>>} file -> line -> tasks suspended there */
  const suspended = new Map();
  /** @type {Map<string, Set<number>>} file -> lines of every leaf made so far */
  const sites = new Map();
  const visit = (/** @type {FutureNode} */ node) => {
    if (node.at) sites.set(node.at.file, (sites.get(node.at.file) ?? new Set()).add(node.at.line));
    if (node.kind === 'task' && node.at && (node.state === 'pending' || node.state === 'woken')) {
      const lines = suspended.get(node.at.file) ?? new Map();
      lines.set(node.at.line, [...(lines.get(node.at.line) ?? []), node.name]);
      suspended.set(node.at.file, lines);
    }
    node.children.forEach(visit);
  };
  roots.forEach(visit);
  const views = [];
  for (const [file, lineSet] of sites) {
    const lines = await loadSource(file);
    if (!lines) continue;
    const marks = suspended.get(file) ?? new Map();
    const first = Math.max(1, Math.min(...lineSet) - 4);
    const last = Math.min(lines.length, Math.max(...lineSet) + 3);
    const code = el('code');
    for (let n = first; n <= last; n += 1) {
      const who = marks.get(n);
      code.append(el('span', {
        class: who ? 'source-line await-here' : lineSet.has(n) ? 'source-line await-site' : 'source-line',
        attrs: who ? { 'data-line': String(n), 'data-suspended': who.join(', ') } : { 'data-line': String(n) },
      },
      el('span', { class: 'line-number', text: String(n).padStart(3, ' ') }),
      document.createTextNode(` ${lines[n - 1] ?? ''}`),
      ...(who ? [el('span', { class: 'suspended-note', text: `  ← ${who.join(', ')} suspended here` })] : [])));
      code.append('\n');
    }
    const waiting = [...marks.values()].flat();
    views.push(el('figure', { class: 'source', attrs: { 'data-role': 'await-source', 'data-file': file } },
      el('figcaption', {
        text: `${file}, the file that compiled, around each .await this run reached: `
          + (waiting.length ? `${waiting.join(' and ')} ${waiting.length === 1 ? 'is' : 'are'} suspended at the marked line.` : 'no task is suspended at this step.'),
      }),
      el('pre', { attrs: { tabindex: '0', 'aria-label': `${file}, lines ${first} to ${last}` } }, code)));
  }
  return views;
}

/**
 * Marks the card's printed lines by the step's time: those printed by then,
 * and the newest of them, which this step (or the last before it) printed.
 * @param {Element | null} card
 * @param {number[]} printedAt each line's time, in the order printed
 * @param {number} t
 */
function markPrinted(card, printedAt, t) {
  const items = card?.querySelectorAll('[data-role="lines"] > li') ?? [];
  if (items.length !== printedAt.length) return;
  const newest = printedAt.findLastIndex((at) => at <= t);
  items.forEach((item, i) => {
    item.classList.toggle('line-later', printedAt[i] > t);
    item.classList.toggle('line-now', i === newest);
  });
}

/** @param {FutureNode | undefined} root @param {number | null} bytes */
function futureState(root, bytes) {
  if (!root) return '';
  const state = root.state === 'created' ? 'unresumed'
    : root.state === 'ready' ? 'returned'
      : root.state === 'dropped' ? 'dropped'
        : root.at ? `suspended, its innermost wait at line ${root.at.line}` : 'suspended';
  return `The run's top-level future: ${bytes === null ? 'size unknown' : `${bytes} bytes (size_of_val)`}, ${state}.`;
}

/**
 * Adds the machine panel to every card whose timeline replays a run, and
 * redraws it at each step of the replay.
 * @param {ParentNode} root
 * @param {MachineLab} lab
 */
export function mountMachineViews(root, lab) {
  /** @type {Map<number, { bytes: number | null, printedAt: number[] }>} what each run's report says that the record does not */
  const runs = new Map();
  globalThis.addEventListener('lab:run-end', (event) => {
    const report = /** @type {CustomEvent<import('./pkg/async_rust_lab.js').RunReport>} */ (event).detail;
    runs.set(report.id, { bytes: report.futureBytes, printedAt: report.lines.map((line) => line.atMs) });
    // Eight runs are kept in Rust; keep no more here.
    for (const id of runs.keys()) if (runs.size > 8) runs.delete(id);
  });
  /** @type {WeakMap<Element, number>} the latest draw asked of each card, so a slow source fetch cannot draw over a newer step */
  const generation = new WeakMap();

  /** @type {Map<Element, { figure: Element, runId: number, step: number }>} the newest step asked of each panel, not drawn yet */
  const asked = new Map();
  let frame = 0;

  root.addEventListener('lab:step', (event) => {
    const { runId, step } = /** @type {CustomEvent<{ runId: number, step: number }>} */ (event).detail;
    const figure = /** @type {Element} */ (event.target).closest('[data-role="timeline"]');
    if (!figure) return;
    let panel = figure.parentElement?.querySelector('[data-role="machine"]');
    if (!panel) {
      // A group, not a section: a landmark per card would crowd the page's landmarks.
      const cardTitle = figure.closest('.card')?.querySelector('h2')?.textContent ?? 'this card';
      panel = el('div', { class: 'machine', attrs: { 'data-role': 'machine', role: 'group', 'aria-label': `The machine at this step: ${cardTitle}` } });
      figure.after(panel);
    }
    // Drawn at the next frame, not in the task that asked: a step is asked
    // for when a run ends (in the task where its last reply arrived, which
    // already draws the timeline) and at each replay step; a frame draws
    // only the newest step each panel was asked for.
    asked.set(panel, { figure, runId, step });
    frame ||= requestAnimationFrame(() => {
      frame = 0;
      const drawing = [...asked];
      asked.clear();
      for (const [panel, { figure, runId, step }] of drawing) draw(figure, panel, runId, step);
    });
  });

  /**
   * Draws `panel` (beside the timeline `figure`) at `step` of run `runId`.
   * @param {Element} figure @param {Element} panel @param {number} runId @param {number} step
   */
  async function draw(figure, panel, runId, step) {
    const mine = (generation.get(panel) ?? 0) + 1;
    generation.set(panel, mine);
    let roots;
    let queues;
    try {
      roots = lab.tree(step, runId);
      queues = lab.queues(step, runId);
    } catch {
      // The run is no longer kept (eight newer runs since): say so rather than draw a stale picture.
      panel.replaceChildren(el('p', { text: 'This run is no longer kept: run it again to see its machine.' }));
      return;
    }
    const byId = index(roots);
    markPrinted(figure.parentElement, runs.get(runId)?.printedAt ?? [], queues.t);
    const views = await sourceView(roots);
    if (generation.get(panel) !== mine) return;
    const panelEl = /** @type {HTMLElement} */ (panel);
    const sameRun = panelEl.dataset.runId === String(runId);
    const before = trayKeys(panel);
    panelEl.dataset.step = String(step);
    panelEl.dataset.runId = String(runId);
    panel.replaceChildren(
      el('h3', { text: `The machine at +${formatMs(queues.t)} (step ${step + 1})` }),
      el('p', { class: 'future-size', attrs: { 'data-role': 'future-size' }, text: futureState(roots[0], runs.get(runId)?.bytes ?? null) }),
      el('div', { class: 'machine-grid' },
        el('div', { class: 'tree-view', attrs: { 'data-role': 'future-tree' } },
          el('h4', { text: 'The tree of futures' }), treeList(roots, byId)),
        desk(roots, byId, queues, sameRun ? before : undefined)),
      ...views,
      el('p', { class: 'machine-note', text: 'Derived from the run\'s record only: polls, wakes, timers armed, fired and cleared. wasm-bindgen-futures\' own queue is not visible from Rust: a queued executor run is inferred from the wake of the run\'s future.' }),
    );
  }
}
