// @ts-check
/**
 * Installs `window.lab`, the console API, and starts loading the wasm module,
 * before the page's body is parsed (issue 18).
 *
 * A classic script, not a module: index.html runs it where it stands in the
 * <head>, right after pkg/lab-manifest.js (the exports' table, generated at
 * build time) and above the stylesheet's element (a classic script waits for a
 * stylesheet above it), before the parser reads the body. The wasm,
 * its glue and the glue's snippets are requested the moment `lab` is ready and
 * compile while the page is parsed, laid out and painted, so that the first
 * call waits for the module and not for the page. A module script cannot run
 * that early: a deferred one runs once the whole page is parsed, and an async
 * one, in Chromium, after the layout that ends the parsing (docs/benchmarks.md).
 *
 * Everything else the page does, main.js does as a deferred module: the status
 * line, the trap banner, the cards. It finds what it needs here through
 * `labBoot` (read by lab.js).
 */
(() => {
  /** How the console line that says `lab` is ready begins (scripts/bench.mjs waits for it). */
  const READY_LINE = 'Async Rust Lab is ready';
  const root = document.documentElement;
  /**
   * The folder of the page, whose pkg/ holds the wasm and the glue's snippets,
   * wherever the site is served. The built page carries this script inline
   * (scripts/inline-boot.mjs), where it has no src of its own: then the
   * page's URL, the folder index.html and boot.js share.
   */
  const here = /** @type {HTMLScriptElement | null} */ (document.currentScript)?.src || document.baseURI;
  /** @type {import('./api-docs.js').Manifest} the exports' table, which pkg/lab-manifest.js sets just before */
  const manifest = Reflect.get(self, 'labManifest');
  if (!manifest) throw new Error('pkg/lab-manifest.js did not run before boot.js');

  /** @typedef {import('./lab.js').WasmModule} WasmModule */
  /** @typedef {import('./lab.js').Lab} Lab */

  /**
   * Looks up a source line's text (set by machine-view.js once the page has
   * fetched the sources that compiled); until then sites carry no text.
   * @type {(file: string, line: number) => string | undefined}
   */
  let sourceLine = () => undefined;

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

  let parallelSaid = false;
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
  const PARALLEL_HELP = 'lab.parallel(mode: "cpu" | "yield" | "hog", options?: { workers?: number; tasks?: number; workMs?: number; slices?: number }): Promise<ParallelResult>'
    + '  Runs tasks on 1 to 8 Web Workers at once (a multi-threaded executor in a second wasm module, loaded on first use) and, for cpu and hog, on one thread.';

  /** @type {Promise<WasmModule> | undefined} */
  let loading;
  /**
   * Loads the glue, its snippets and the .wasm, all requested at once (the glue
   * would find its snippets, and the .wasm, only once it runs), and instantiates
   * the module: once per page, whoever asks first.
   */
  function loadWasm() {
    loading ??= (async () => {
      const pkg = new URL('./pkg/', here);
      const wasmUrl = new URL('async_rust_lab_bg.wasm', pkg);
      // Compiled as it streams in, off the main thread, while the glue is
      // fetched and waits for its turn on a main thread busy with the page.
      // Should the host not serve it as application/wasm, the glue fetches it
      // again and takes its own slower way.
      const compiled = WebAssembly.compileStreaming(fetch(wasmUrl)).catch(() => wasmUrl);
      const [glue] = await Promise.all([
        import('./pkg/async_rust_lab.js'),
        ...manifest.snippets.map((snippet) => import(new URL(snippet, pkg).href)),
      ]);
      await glue.default({ module_or_path: await compiled });
      return glue;
    })();
    return loading;
  }

  // `lab` exists before the wasm does: a call before the module is in waits for
  // it and resolves with the export's result (a Promise, even for an export
  // that answers at once once loaded); a call after calls the export directly.
  // A trapped instance cannot be trusted again, so each function calls
  // whichever instance is current: the page swaps in a fresh one and `lab`,
  // and every card holding it, keeps working.
  /** @type {WasmModule | undefined} */
  let current;
  /** @type {(error: WebAssembly.RuntimeError) => void} */
  let onTrap = () => {};
  let said = false;
  /** @param {string} name */
  const loaded = (name) => {
    if (!said) {
      said = true;
      console.info(`lab.${name}() waits for the lab's WebAssembly module, which is loading (once per page).`);
    }
    return loadWasm();
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
      if (error instanceof WebAssembly.RuntimeError) onTrap(error);
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

  // Every export the manifest lists is installed above, by name: the cast only
  // states what the loop cannot show the checker.
  const lab = /** @type {Lab} */ (/** @type {unknown} */ (Object.freeze({ ...exports, help })));
  Object.defineProperty(window, 'lab', { value: lab, enumerable: true });
  // The benchmark reads this mark: navigation start to `lab` installed, every
  // function help() lists callable (a call before the wasm is in waits for it).
  const readyMs = Math.round(performance.mark('lab-ready').startTime);
  root.dataset.labReady = 'true';
  // For whoever has the console open, the lab's main interface. Also how
  // `npm run bench` hears that the page is ready without running anything in
  // it (scripts/bench.mjs).
  console.info(`${READY_LINE} (${readyMs} ms): type lab.help() to see the API.`);

  // The wasm's fetch and compile start now, while the body is parsed. Once it
  // is instantiated, every export answers at once; main.js says so on the page.
  const wasm = loadWasm().then((module) => {
    current ??= module;
    performance.mark('wasm-ready');
    root.dataset.wasmReady = 'true';
    return module;
  });
  // main.js reports a failure; until it runs, nothing is unhandled here.
  wasm.catch(() => {});

  // The lessons' forms are in the HTML before their cards are mounted, and
  // `lab` is ready (the page says so) before the body is even parsed. A Run
  // clicked before the cards answer would submit its form natively: a page
  // reload. From here on, each submission is held (the last one per form)
  // until main.js has mounted the cards and replays it.
  /** @type {Map<HTMLFormElement, HTMLElement | null>} */
  const heldSubmits = new Map();
  /** @param {SubmitEvent} event */
  const holdSubmit = (event) => {
    event.preventDefault();
    heldSubmits.set(/** @type {HTMLFormElement} */ (event.target), event.submitter);
  };
  document.addEventListener('submit', holdSubmit, { capture: true });

  /** @type {import('./lab.js').Boot} */
  const boot = {
    lab,
    readyMs,
    wasm,
    useInstance: (module) => {
      current = module;
    },
    onTrap: (handler) => {
      onTrap = handler;
    },
    setSourceLines: (lookup) => {
      sourceLine = lookup;
    },
    replaySubmits: () => {
      document.removeEventListener('submit', holdSubmit, { capture: true });
      for (const [form, submitter] of heldSubmits) form.requestSubmit(submitter);
      heldSubmits.clear();
    },
  };
  Object.defineProperty(window, 'labBoot', { value: Object.freeze(boot) });
})();
