// @ts-check
/** Builds `window.lab`, the console API: every function the wasm module exports, plus help(). */
import { parseExportDocs } from './api-docs.js';

/** @typedef {typeof import('./pkg/async_rust_lab.js')} WasmModule */
/**
 * `window.lab`: the module's exports as the generated .d.ts types them, without
 * the plumbing, plus help(). Cards take a `Pick` of it: only what they call.
 * @typedef {Omit<WasmModule, 'default' | 'initSync'> & { help: () => string[] }} Lab
 */

/** What wasm-bindgen's glue exports that is plumbing, not lab API. */
const PLUMBING = new Set(['default', 'initSync']);

/**
 * @param {WasmModule} module the generated module's namespace object
 * @param {string} dts the generated .d.ts text ('' if it could not be read)
 * @returns {Lab}
 */
export function createLab(module, dts) {
  const docs = parseExportDocs(dts);
  /** @type {Record<string, Function>} */
  const exports = {};
  for (const [name, value] of Object.entries(module)) {
    if (typeof value === 'function' && !PLUMBING.has(name)) exports[name] = value;
  }
  const names = Object.keys(exports).sort();
  const lines = names.map((name) => {
    const doc = docs.get(name);
    return doc ? `lab.${name}${doc.signature}  ${doc.summary}` : `lab.${name}(…)`;
  });

  /** Prints one line per export, its signature and what it does, and returns the lines. */
  function help() {
    console.log(
      `Async Rust Lab: ${names.length} functions. Try: await lab.concurrent()\n\n${lines.join('\n')}`,
    );
    return lines;
  }

  // Every export the .d.ts declares is copied above, by name: the cast only
  // states what the loop cannot show the checker.
  return /** @type {Lab} */ (/** @type {unknown} */ (Object.freeze({ ...exports, help })));
}
