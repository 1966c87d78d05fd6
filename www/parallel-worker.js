// @ts-check
/**
 * One thread of the threaded module (issue 17): a module Web Worker that runs
 * the same wasm module as the page, on the page's own memory. Started by
 * parallel.js, which sends it the compiled module and the shared memory; then,
 * for each run, the run's id, and the worker polls that run's tasks until the
 * run is over (`workOn` blocks this thread, parking it when there is nothing to
 * do), and says so.
 */
import { initSync, startWorker, workOn } from './pkg-parallel/async_rust_lab_parallel.js';

/**
 * This module runs as a dedicated worker, not a page: the members of its global
 * scope it uses (the WebWorker lib would clash with the DOM lib www/ is checked with).
 * @typedef {{ postMessage(message: unknown): void, onmessage: ((event: MessageEvent) => void) | null }} WorkerScope
 */
const scope = /** @type {WorkerScope} */ (/** @type {unknown} */ (self));

/** @param {unknown} error */
const describe = (error) => (error instanceof Error ? `${error.name}: ${error.message}` : String(error));

scope.onmessage = ({ data }) => {
  try {
    if (data.kind === 'start') {
      // Its own instance of the module, on the page's memory: its own stack
      // and thread-local storage, everything else shared.
      initSync({ module: data.module, memory: data.memory });
      startWorker(performance.timeOrigin, data.pageOrigin);
      scope.postMessage({ kind: 'ready' });
    } else if (data.kind === 'run') {
      workOn(data.run, data.thread);
      scope.postMessage({ kind: 'done', run: data.run });
    }
  } catch (error) {
    scope.postMessage({ kind: 'error', error: describe(error) });
  }
};
