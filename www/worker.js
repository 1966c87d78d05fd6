// @ts-check
/**
 * One thread of the lab: a module Web Worker running its own instance of this
 * crate's wasm. Each message is a job, runtime::worker::Job as { kind, n },
 * passed as it came to the wasm export workerJob, which reads it back into the
 * Job and runs it on this thread, blocking it; the reply says which thread ran
 * it. Spawned by src/runtime/worker.rs.
 */
import init, { workerJob } from './pkg/async_rust_lab.js';

// Started at once, awaited per message: a job posted while the wasm is still
// loading waits for it instead of being lost.
/**
 * This module runs as a dedicated worker, not a page: the two members it uses of
 * its global scope (the WebWorker lib would clash with the DOM lib the rest of
 * www/ is checked with).
 * @typedef {{ postMessage(message: unknown): void, onmessage: ((event: MessageEvent) => void) | null }} WorkerScope
 */
const scope = /** @type {WorkerScope} */ (/** @type {unknown} */ (self));

const ready = init();
// A failed start is reported to the page by each job below, not as unhandled.
ready.catch(() => {});

scope.onmessage = async (event) => {
  try {
    await ready;
    scope.postMessage({ ok: true, ...workerJob(event.data) });
  } catch (error) {
    scope.postMessage({ ok: false, error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) });
  }
};
