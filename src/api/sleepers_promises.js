// The sleepers lesson's JS side: `n` Promises, each around a setTimeout of
// the same 0 to maxMs ms as the Rust futures (i * 7919 % (maxMs + 1)), all
// awaited with Promise.all. Made as the Rust side makes its futures: in slices
// of sliceMs, with a setTimeout(0) between slices so the page can draw and
// take input. It counts its own setTimeout calls (the slices' are not a
// sleep's and are left out) and reports progress with the same `lab:progress`
// event as the Rust side.
//
// On abort it rejects at once with the signal's reason and clears the timers
// still armed, a slice at a time.

/** The timer ids a run armed, from `from` on, cleared a slice at a time. */
function clearInSlices(ids, from, sliceMs) {
  let i = from;
  const slice = () => {
    const start = performance.now();
    while (i < ids.length && performance.now() - start < sliceMs) {
      const end = Math.min(ids.length, i + 256);
      for (; i < end; i += 1) clearTimeout(ids[i]);
    }
    if (i < ids.length) setTimeout(slice, 0);
    else ids.length = 0;
  };
  slice();
}

/**
 * Resolves, once all `n` have resolved, to `{ ms, timersSet, timersAtOnce }`:
 * from the first Promise made to Promise.all settling, the setTimeout calls
 * made for the sleeps, and the most armed at once.
 * @param {number} n
 * @param {number} maxMs
 * @param {number} sliceMs
 * @param {AbortSignal | undefined} signal
 * @param {number} runId the run whose progress this is
 */
export function sleepPromises(n, maxMs, sliceMs, signal, runId) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    /** @type {Promise<void>[]} */
    const promises = [];
    /** @type {ReturnType<typeof setTimeout>[]} */
    const ids = [];
    let made = 0;
    let woken = 0;
    let set = 0;
    let live = 0;
    let peak = 0;
    let lastProgress = 0;
    let stopped = false;
    const progress = (now) => {
      lastProgress = now;
      dispatchEvent(new CustomEvent('lab:progress', {
        detail: { id: runId, lesson: 'sleepers', side: 'js', woken, made, n },
      }));
    };
    const onAbort = () => {
      stopped = true;
      reject(signal.reason);
      clearInSlices(ids, 0, sliceMs);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    const sleep = (ms) => new Promise((wake) => {
      ids.push(setTimeout(() => {
        live -= 1;
        woken += 1;
        const now = performance.now();
        if (now - lastProgress >= 33) progress(now);
        wake();
      }, ms));
      set += 1;
      live += 1;
      if (live > peak) peak = live;
    });
    const slice = () => {
      if (stopped) return;
      const start = performance.now();
      while (made < n && performance.now() - start < sliceMs) {
        const end = Math.min(n, made + 256);
        for (; made < end; made += 1) promises.push(sleep((made * 7919) % (maxMs + 1)));
      }
      progress(performance.now());
      if (made < n) {
        setTimeout(slice, 0);
        return;
      }
      Promise.all(promises).then(() => {
        if (stopped) return;
        const ms = performance.now() - started;
        signal?.removeEventListener('abort', onAbort);
        progress(performance.now());
        ids.length = 0;
        resolve({ ms, timersSet: set, timersAtOnce: peak });
      });
    };
    if (signal?.aborted) {
      onAbort();
      return;
    }
    // Before the first Promise: the JS side has begun.
    progress(started);
    slice();
  });
}
