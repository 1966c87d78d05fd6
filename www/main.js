// @ts-check
/**
 * Boots the page around `lab`: the status line, the banner and fresh instance
 * after a wasm trap, and, once the wasm is in and the main thread idle, the lesson cards.
 *
 * `lab` itself is installed by boot.js, a classic script in the <head> that
 * runs before the body is parsed and starts loading the wasm at once (issue
 * 18). This module is deferred: it runs once the page is parsed, and what it
 * loads stays off the path to the first answer. The cards are page UI that
 * `lab` does not need: were they static imports, their modules would be
 * fetched and compiled before this module could even run, queued on the same
 * connections and the same main thread as the wasm.
 */
import { boot } from './lab.js';

const root = document.documentElement;
/**
 * The document parsed. index.html loads main.js as a deferred module script,
 * which runs once the HTML is parsed and before DOMContentLoaded, so this is
 * already settled then; were main.js loaded async, it could run before the
 * page is parsed, and what touches the page waits for this.
 */
const parsed = document.readyState === 'loading'
  ? new Promise((resolve) => document.addEventListener('DOMContentLoaded', resolve, { once: true }))
  : Promise.resolve();
/** The status line under the title (once the page is parsed); the lab's own state is on the root element's data attributes. */
const status = () => /** @type {HTMLElement} */ (document.getElementById('lab-status'));

/**
 * After a wasm trap (under `panic = "abort"`, this target's default, a Rust
 * panic aborts the instance: `RuntimeError: unreachable`), says so in a banner and points `lab` at a fresh instance of
 * the module, so the page keeps working without a reload. The trapped
 * instance's pending Promises never settle; that is the lesson, not a bug here.
 * @param {(module: import('./lab.js').WasmModule) => void} useInstance
 */
function recoverFromTraps(useInstance) {
  // By hand rather than with dom.js's el(): dom.js is the cards' helper and
  // loads with them, after the wasm; this banner must exist before.
  const banner = document.createElement('p');
  banner.className = 'banner';
  banner.setAttribute('role', 'alert');
  banner.hidden = true;
  parsed.then(() => status().after(banner));
  let panic = '';
  let instance = 1;
  let recovering = false;
  globalThis.addEventListener('lab:panic', (event) => {
    panic = String(/** @type {CustomEvent} */ (event).detail);
  });
  /** @param {unknown} error */
  const recover = async (error) => {
    if (recovering) return;
    recovering = true;
    instance += 1;
    const why = panic || (error instanceof Error ? `${error.name}: ${error.message}` : String(error));
    banner.hidden = false;
    banner.textContent = `The WebAssembly module trapped (${why}). Starting a fresh instance…`;
    try {
      // Another URL is another module record, with its own instance; the same
      // .wasm file, from the HTTP cache.
      const fresh = await import(`./pkg/async_rust_lab.js?instance=${instance}`);
      await fresh.default();
      useInstance(fresh);
      banner.textContent = `The WebAssembly module trapped (${why}): its Promises in flight will never settle. ` +
        `A fresh instance (number ${instance}) now runs the lab; nothing needs a reload.`;
      root.dataset.labInstance = String(instance);
    } catch (failure) {
      banner.textContent = `The WebAssembly module trapped (${why}), and a fresh instance failed to start ` +
        `(${failure instanceof Error ? failure.message : String(failure)}): reload the page.`;
    }
    panic = '';
    recovering = false;
  };
  // A trap inside an async export happens in a microtask, not in the call.
  globalThis.addEventListener('error', (event) => {
    if (event.error instanceof WebAssembly.RuntimeError) recover(event.error);
  });
  return recover;
}

/**
 * Loads and mounts the lesson cards. run-view.js, timeline.js and dom.js are
 * imported here too, although the cards import them, so that all are fetched
 * at once instead of being discovered one import after another.
 * @param {import('./lab.js').Lab} lab
 */
async function mountCards(lab) {
  const [sequence, promises, kitchen, search, threads, blocking, parallel, compose, machine, stepper, sleepers] = await Promise.all([
    import('./sequence-card.js'),
    import('./promises-card.js'),
    import('./kitchen-card.js'),
    import('./search-card.js'),
    import('./threads-card.js'),
    import('./blocking-card.js'),
    // The card only: the threaded module it runs is loaded by its first run.
    import('./parallel-card.js'),
    import('./compose-card.js'),
    import('./machine-view.js'),
    import('./stepper-card.js'),
    import('./sleepers-card.js'),
    import('./run-view.js'),
    import('./timeline.js'),
    import('./dom.js'),
  ]);
  /** @param {string} id */
  const card = (id) => /** @type {HTMLElement} */ (document.getElementById(id));
  sequence.mountSequenceCard(card('sequence'), lab);
  promises.mountPromiseCards(document, lab);
  kitchen.mountKitchenCard(card('kitchen'), lab);
  search.mountSearchCard(card('search'), lab);
  threads.mountThreadsCard(card('threads'), lab);
  blocking.mountBlockingCard(card('blocking'), lab);
  parallel.mountParallelCard(card('parallel'), lab);
  compose.mountComposeCard(card('compose'), lab);
  machine.mountMachineViews(document, lab);
  stepper.mountStepperCard(card('stepper'), lab);
  sleepers.mountSleepersCard(card('sleepers'), lab);
}

/**
 * Mounts what goes around the cards, once they are in: the table of contents
 * and the claims' links (page-nav.js), the console on the page
 * (page-console.js), which calls `lab` as the devtools console would, and the
 * cue on code panes that scroll sideways (page-scroll.js).
 * @param {import('./lab.js').Lab} lab
 */
async function mountPageTools(lab) {
  const [nav, pageConsole, hero, scroll] = await Promise.all([import('./page-nav.js'), import('./page-console.js'), import('./page-hero.js'), import('./page-scroll.js')]);
  scroll.watchSideScroll(document.body);
  const heroSection = document.getElementById('hero');
  if (heroSection) hero.mountHero(heroSection, lab);
  nav.mountToc(document);
  nav.mountClaimLinks(document);
  const section = document.getElementById('console');
  if (section) pageConsole.mountConsole(section, lab);
}

/**
 * Says on the page what failed to start, marks the given ready flags failed
 * (the tests wait on them), and rethrows so the console shows the error too.
 * @param {string} what
 * @param {unknown} error
 * @param {('labReady' | 'wasmReady' | 'cardsReady')[]} flags
 * @returns {never}
 */
function failed(what, error, flags) {
  const line = status();
  line.textContent = `${what}: ${error instanceof Error ? error.message : String(error)}`;
  line.classList.add('failed');
  for (const flag of flags) root.dataset[flag] = 'failed';
  throw error;
}

/** @type {import('./lab.js').Lab} */
let lab;
try {
  if (!boot) throw new Error('boot.js did not run');
  lab = boot.lab;
  boot.onTrap(recoverFromTraps(boot.useInstance));
  await parsed;
  if (root.dataset.wasmReady !== 'true') {
    status().textContent = `Ready in ${boot.readyMs} ms; loading the WebAssembly module. Open the devtools console and type lab.help() to see the API.`;
  }
} catch (error) {
  await parsed;
  failed('The lab failed to start', error, ['labReady', 'wasmReady', 'cardsReady']);
}

/**
 * Resolves when the main thread is idle, or after `timeout` ms at the latest
 * (a browser without requestIdleCallback: after one turn of the event loop).
 * @param {number} timeout
 * @returns {Promise<void>}
 */
const idle = (timeout) => new Promise((resolve) => {
  if (typeof requestIdleCallback === 'function') requestIdleCallback(() => resolve(), { timeout });
  else setTimeout(resolve, 0);
});

try {
  await boot.wasm;
  // The wasm is instantiated (boot.js marked it): every export answers at once
  // from here on. What the page does about it (the status line, which needs a
  // frame, and the cards, which fetch and compile 20 modules) waits until the
  // main thread is idle, so that a call made while the module was loading,
  // whose timers are already set, is answered first (docs/benchmarks.md).
  await idle(500);
  const wasmMs = Math.round(performance.getEntriesByName('wasm-ready')[0].startTime);
  status().textContent = `Ready in ${wasmMs} ms. Open the devtools console and type lab.help() to see the API.`;
} catch (error) {
  // The page still works without it: the lessons' text, the table of contents
  // and the console on the page, which says why each call fails.
  await mountPageTools(lab).catch(() => {});
  failed('The WebAssembly module failed to load: the lessons\' text is here, their runs are not', error, ['wasmReady', 'cardsReady']);
}

try {
  await mountCards(lab);
  await mountPageTools(lab);
  // Every card answers its buttons from here on (the e2e tests wait for this),
  // so the submissions boot.js held since before the body was parsed (a Run
  // clicked early) are let through, and replayed.
  root.dataset.cardsReady = 'true';
  boot.replaySubmits();
} catch (error) {
  failed('The lab is ready in the console, but the lessons\' cards failed to load', error, ['cardsReady']);
}
