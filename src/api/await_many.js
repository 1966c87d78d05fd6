// awaitMany's JavaScript baseline (src/api/promises.rs): the loop the two Rust
// loops are measured against, written as a learner would write it.

/**
 * Awaits `promise` `n` times in an `async function` and resolves to the
 * milliseconds it took.
 * @param {Promise<unknown>} promise an already-resolved Promise
 * @param {number} n how many awaits
 */
export async function jsAwaits(promise, n) {
  const started = performance.now();
  for (let i = 0; i < n; i += 1) await promise;
  return performance.now() - started;
}
