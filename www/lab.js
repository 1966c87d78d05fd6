// @ts-check
/** Builds `window.lab`, the console API: every function the wasm module exports, plus help(). */
import { parseExportDocs } from './api-docs.js';

/** What wasm-bindgen's glue exports that is plumbing, not lab API. */
const PLUMBING = new Set(['default', 'initSync']);

/**
 * @param {Record<string, unknown>} module the generated module's namespace object
 * @param {string} dts the generated .d.ts text ('' if it could not be read)
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

  return Object.freeze({ ...exports, help });
}
