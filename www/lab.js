// @ts-check
/** Builds `window.lab`, the console API: every function the wasm module exports, plus help(). */
import { parseExportDocs } from './api-docs.js';

/** @typedef {typeof import('./pkg/async_rust_lab.js')} WasmModule */
/**
 * `window.lab`: the module's exports as the generated .d.ts types them, without
 * the plumbing, plus help(). Cards take a `Pick` of it: only what they call.
 * @typedef {Omit<WasmModule, 'default' | 'initSync' | 'Stepper'> & { help: () => string[], parallel: typeof import('./parallel.js').parallel }} Lab
 */

/**
 * Looks up a source line's text (set by machine-view.js once the page has
 * fetched the sources that compiled); until then sites carry no text.
 * @type {(file: string, line: number) => string | undefined}
 */
let sourceLine = () => undefined;

/**
 * Lets `lab.tree()` give each site's source text.
 * @param {(file: string, line: number) => string | undefined} lookup
 */
export function setSourceLines(lookup) {
  sourceLine = lookup;
}

/**
 * Adds `text` to every site of a tree returned by `tree()`.
 * @param {unknown} nodes
 */
function withSourceText(nodes) {
  if (!Array.isArray(nodes)) return nodes;
  for (const node of nodes) {
    const text = node?.at ? sourceLine(node.at.file, node.at.line) : undefined;
    if (text !== undefined) node.at.text = text.trim();
    withSourceText(node?.children);
  }
  return nodes;
}

/**
 * `lab.parallel` is no export of this module: it runs in the threaded module
 * (parallel/, www/parallel.js), which is fetched only when first called, and
 * parallel.js with it. Its help line is written here, as the .d.ts would.
 * @type {typeof import('./parallel.js').parallel}
 */
async function parallel(mode, options) {
  const loaded = await import('./parallel.js');
  return loaded.parallel(mode, options);
}
const PARALLEL_HELP = 'lab.parallel(mode: "cpu" | "yield" | "hog", options?: { workers?: number; tasks?: number; workMs?: number; slices?: number }): Promise<ParallelResult>'
  + '  Runs tasks on 1 to 8 Web Workers at once (a multi-threaded executor in a second wasm module, loaded on first use) and, for cpu and hog, on one thread.';

/** What wasm-bindgen's glue exports that is plumbing, not lab API. */
const PLUMBING = new Set(['default', 'initSync']);

/**
 * @param {WasmModule} module the generated module's namespace object
 * @param {string} dts the generated .d.ts text ('' if it could not be read)
 * @param {{ onTrap?: (error: WebAssembly.RuntimeError) => void }} [options]
 *   `onTrap` hears of a wasm trap thrown straight out of a call
 * @returns {{ lab: Lab, useInstance: (module: WasmModule) => void }}
 *   `lab`, and `useInstance` to point it at a fresh instance of the module after a trap
 */
export function createLab(module, dts, { onTrap } = {}) {
  const docs = parseExportDocs(dts);
  // A trapped instance cannot be trusted again, so each function of `lab`
  // calls whichever instance is current: the page swaps in a fresh one and
  // `lab`, and every card holding it, keeps working.
  let current = module;
  /** @type {Record<string, Function>} */
  const exports = {};
  for (const [name, value] of Object.entries(module)) {
    if (typeof value !== 'function' || PLUMBING.has(name)) continue;
    // A class the module exports (Stepper) is the type of a handle an export
    // returns, made only by that export: not a function of `lab`.
    if (/^[A-Z]/.test(name)) continue;
    // A method shorthand keeps the export's name for the console.
    exports[name] = {
      /** @param {unknown[]} args */
      [name](...args) {
        try {
          const result = /** @type {Function} */ (/** @type {Record<string, unknown>} */ (current)[name])(...args);
          return name === 'tree' ? withSourceText(result) : result;
        } catch (error) {
          if (error instanceof WebAssembly.RuntimeError) onTrap?.(error);
          throw error;
        }
      },
    }[name];
  }
  exports.parallel = parallel;
  const names = Object.keys(exports).sort();
  const lines = names.map((name) => {
    const doc = docs.get(name);
    if (name === 'parallel') return PARALLEL_HELP;
    return doc ? `lab.${name}${doc.signature}  ${doc.summary}` : `lab.${name}(…)`;
  });

  /** Prints one line per export, its signature and what it does, and returns the lines. */
  function help() {
    console.log(
      `Async Rust Lab: ${names.length} functions. Try: await lab.concurrent()\n\n${lines.join('\n')}`,
    );
    return lines;
  }

  /** @param {WasmModule} fresh */
  const useInstance = (fresh) => {
    current = fresh;
  };
  // Every export the .d.ts declares is copied above, by name: the cast only
  // states what the loop cannot show the checker.
  const lab = /** @type {Lab} */ (/** @type {unknown} */ (Object.freeze({ ...exports, help })));
  return { lab, useInstance };
}
