// @ts-check
/**
 * Boots the page: instantiates the wasm module, exposes the console API as
 * `window.lab`, and mounts the lesson cards.
 */
import init, * as wasm from './pkg/async_rust_lab.js';
import { createLab } from './lab.js';
import { el } from './dom.js';
import { mountSequenceCard } from './sequence-card.js';
import { mountPromiseCards } from './promises-card.js';
import { mountKitchenCard } from './kitchen-card.js';
import { mountSearchCard } from './search-card.js';
import { mountThreadsCard } from './threads-card.js';
import { mountBlockingCard } from './blocking-card.js';

const status = /** @type {HTMLElement} */ (document.getElementById('lab-status'));
const started = performance.now();

/** The .d.ts holds the API's docs for lab.help(); the lab works without it. */
async function readDeclarations() {
  try {
    const response = await fetch(new URL('./pkg/async_rust_lab.d.ts', import.meta.url));
    return response.ok ? await response.text() : '';
  } catch {
    return '';
  }
}

/**
 * After a wasm trap (a Rust panic aborts the instance: `RuntimeError:
 * unreachable`), says so in a banner and points `lab` at a fresh instance of
 * the module, so the page keeps working without a reload. The trapped
 * instance's pending Promises never settle; that is the lesson, not a bug here.
 * @param {(module: import('./lab.js').WasmModule) => void} useInstance
 */
function recoverFromTraps(useInstance) {
  const banner = el('p', { class: 'banner', attrs: { role: 'alert' } });
  banner.hidden = true;
  status.after(banner);
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
      document.documentElement.dataset.labInstance = String(instance);
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

try {
  const [, dts] = await Promise.all([init(), readDeclarations()]);
  /** @type {(error: unknown) => void} */
  let onTrap = () => {};
  const { lab, useInstance } = createLab(wasm, dts, { onTrap: (error) => onTrap(error) });
  onTrap = recoverFromTraps(useInstance);
  Object.defineProperty(window, 'lab', { value: lab, enumerable: true });
  mountSequenceCard(/** @type {HTMLElement} */ (document.getElementById('sequence')), lab);
  mountPromiseCards(document, lab);
  mountKitchenCard(/** @type {HTMLElement} */ (document.getElementById('kitchen')), lab);
  mountSearchCard(/** @type {HTMLElement} */ (document.getElementById('search')), lab);
  mountThreadsCard(/** @type {HTMLElement} */ (document.getElementById('threads')), lab);
  mountBlockingCard(/** @type {HTMLElement} */ (document.getElementById('blocking')), lab);
  status.textContent = `Ready in ${Math.round(performance.now() - started)} ms. Open the devtools console and type lab.help() to see the API.`;
  // The benchmark reads this mark: navigation start to a usable `lab`.
  performance.mark('lab-ready');
  document.documentElement.dataset.labReady = 'true';
} catch (error) {
  status.textContent = `The WebAssembly module failed to start: ${error instanceof Error ? error.message : String(error)}`;
  status.classList.add('failed');
  document.documentElement.dataset.labReady = 'failed';
  throw error;
}
