// @ts-check
/** Builds `window.lab`, the console API: every function the wasm module exports, plus help(). */

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
  if (!parallelSaid) {
    parallelSaid = true;
    console.info('lab.parallel() loads the threaded module on its first call (once per page).');
  }
  const loaded = await import('./parallel.js');
  return loaded.parallel(mode, options);
}
let parallelSaid = false;
const PARALLEL_HELP = 'lab.parallel(mode: "cpu" | "yield" | "hog", options?: { workers?: number; tasks?: number; workMs?: number; slices?: number }): Promise<ParallelResult>'
  + '  Runs tasks on 1 to 8 Web Workers at once (a multi-threaded executor in a second wasm module, loaded on first use) and, for cpu and hog, on one thread.';

/**
 * @param {import('./api-docs.js').Manifest} manifest the lab module's exports,
 *   generated at build time from its .d.ts (pkg/lab-manifest.js)
 * @param {() => Promise<WasmModule>} load loads and instantiates the wasm module
 *   (once: the page's boot starts it at once, and every call before it is done waits for it)
 * @param {{ onTrap?: (error: WebAssembly.RuntimeError) => void }} [options]
 *   `onTrap` hears of a wasm trap thrown straight out of a call
 * @returns {{ lab: Lab, useInstance: (module: WasmModule) => void }}
 *   `lab`, and `useInstance` to point it at the module, and at a fresh instance of it after a trap
 */
export function createLab(manifest, load, { onTrap } = {}) {
  // `lab` exists before the wasm does: a call before the module is in waits for
  // it and resolves with the export's result (a Promise, even for an export
  // that answers at once once loaded); a call after calls the export directly.
  // A trapped instance cannot be trusted again, so each function calls
  // whichever instance is current: the page swaps in a fresh one and `lab`,
  // and every card holding it, keeps working.
  /** @type {WasmModule | undefined} */
  let current;
  let said = false;
  /** @param {string} name */
  const loaded = (name) => {
    if (!said) {
      said = true;
      console.info(`lab.${name}() waits for the lab's WebAssembly module, which is loading (once per page).`);
    }
    return load();
  };
  /**
   * @param {WasmModule} module
   * @param {string} name
   * @param {unknown[]} args
   */
  const call = (module, name, args) => {
    try {
      const result = /** @type {Function} */ (/** @type {Record<string, unknown>} */ (module)[name])(...args);
      return name === 'tree' ? withSourceText(result) : result;
    } catch (error) {
      if (error instanceof WebAssembly.RuntimeError) onTrap?.(error);
      throw error;
    }
  };
  /** @type {Record<string, Function>} */
  const exports = {};
  for (const { name } of manifest.exports) {
    // A method shorthand keeps the export's name for the console.
    exports[name] = {
      /** @param {unknown[]} args */
      [name](...args) {
        return current ? call(current, name, args) : loaded(name).then((module) => call(current ?? module, name, args));
      },
    }[name];
  }
  exports.parallel = parallel;
  const names = Object.keys(exports);
  // The lessons first (issue 15), each group by name: what runs something to
  // watch, then what reads a run (trace, tree…) and the helpers.
  /** @param {import('./api-docs.js').ManifestEntry[]} entries */
  const helpLines = (entries) => entries.sort((a, b) => (a.name < b.name ? -1 : 1))
    .map((doc) => (doc.name === 'parallel' ? PARALLEL_HELP : `lab.${doc.name}${doc.signature}  ${doc.summary}`));
  const entries = [...manifest.exports, { name: 'parallel', signature: '', summary: '', lesson: true }];
  const lessons = helpLines(entries.filter((doc) => doc.lesson));
  const readers = helpLines(entries.filter((doc) => !doc.lesson));
  const lines = [...lessons, ...readers];

  /** Prints one line per export, its signature and what it does, the lessons first, and returns the lines. */
  function help() {
    console.log(
      `Async Rust Lab: ${names.length} functions. Try: await lab.concurrent()\n\n` +
      `Lessons (each runs something you can watch; await it):\n${lessons.join('\n')}\n\n` +
      `What a run left, and helpers:\n${readers.join('\n')}`,
    );
    return lines;
  }

  /** @param {WasmModule} module */
  const useInstance = (module) => {
    current = module;
  };
  // Every export the manifest lists is installed above, by name: the cast only
  // states what the loop cannot show the checker.
  const lab = /** @type {Lab} */ (/** @type {unknown} */ (Object.freeze({ ...exports, help })));
  return { lab, useInstance };
}
