// @ts-check
/**
 * `window.lab`'s types, and the page's modules' way to what boot.js set up:
 * boot.js, a classic script, installs `lab` and starts loading the wasm before
 * the body is parsed, and leaves the rest here for main.js and the cards.
 */

/** @typedef {typeof import('./pkg/async_rust_lab.js')} WasmModule */
/**
 * `window.lab`: the module's exports as the generated .d.ts types them, without
 * the plumbing, plus help(). Cards take a `Pick` of it: only what they call.
 * @typedef {Omit<WasmModule, 'default' | 'initSync' | 'Stepper'> & { help: () => string[], parallel: typeof import('./parallel.js').parallel }} Lab
 */
/**
 * What boot.js hands to the page's modules.
 * @typedef {object} Boot
 * @property {Lab} lab `window.lab`
 * @property {number} readyMs when `lab` was ready (the `lab-ready` mark), in ms from navigation start
 * @property {Promise<WasmModule>} wasm the wasm module, instantiated (the `wasm-ready` mark) or failed to load
 * @property {(module: WasmModule) => void} useInstance points `lab` at a module: a fresh instance after a trap
 * @property {(handler: (error: WebAssembly.RuntimeError) => void) => void} onTrap
 *   sets who hears of a wasm trap thrown straight out of a call
 * @property {(lookup: (file: string, line: number) => string | undefined) => void} setSourceLines
 *   lets `lab.tree()` give each site's source text
 * @property {() => void} replaySubmits once the cards answer their forms: stops
 *   holding the forms' submissions and replays those held (a Run clicked early)
 */

/** What boot.js set up; undefined if it did not run (main.js then says the lab failed to start). */
export const boot = /** @type {Boot | undefined} */ (Reflect.get(self, 'labBoot'));

/**
 * Lets `lab.tree()` give each site's source text.
 * @param {(file: string, line: number) => string | undefined} lookup
 */
export function setSourceLines(lookup) {
  boot?.setSourceLines(lookup);
}
