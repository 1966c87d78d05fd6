// @ts-check
/**
 * Boots the page: instantiates the wasm module, exposes the console API as
 * `window.lab`, and mounts the lesson cards.
 */
import init, * as wasm from './pkg/async_rust_lab.js';
import { createLab } from './lab.js';
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

try {
  const [, dts] = await Promise.all([init(), readDeclarations()]);
  const lab = createLab(wasm, dts);
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
