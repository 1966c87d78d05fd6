// The compose lesson's JS side: the same parsed composition, handed over by
// Rust as a plain tree, run as JavaScript Promises the way the generated JS
// reads (setTimeout for sleep, a busy loop for block, fetch, Promise.all,
// Promise.race, awaits in turn, a timeout raced against a timer), and
// recorded event by event under the same task names as the Rust trace.
//
// Nothing here is cleared or aborted on its own: a Promise, once made, runs
// to the end whether anyone still awaits it or not, and that is what the
// record shows. Only Stop (the AbortSignal) clears the timers and aborts the
// requests still out.

/**
 * @typedef {{ kind: string, name: string, label: string, ms?: number, url?: string,
 *   timer?: string, children: ComposeNode[] }} ComposeNode
 */

/**
 * Runs `tree` as Promises and resolves, once every Promise it made has
 * settled, to the record: lines, events, per-task summaries, and the root's
 * value or error with the time it settled. Rejects with the signal's reason
 * on abort.
 * @param {ComposeNode} tree
 * @param {AbortSignal | undefined} signal
 */
export function runPromises(tree, signal) {
  const start = performance.now();
  const now = () => performance.now() - start;
  /** @type {{ text: string, atMs: number, task: string, thread: string }[]} */
  const lines = [];
  /** @type {{ task: string, kind: string, t: number, [more: string]: unknown }[]} */
  const events = [];
  /** @type {Map<string, { name: string, startMs: number | null, endMs: number | null, outcome: string }>} */
  const tasks = new Map();
  /** @type {Map<ReturnType<typeof setTimeout>, string>} */
  const timers = new Map();
  /** @type {Set<AbortController>} */
  const requests = new Set();
  /** @type {Promise<unknown>[]} */
  const settledAll = [];

  const record = (task, kind, more = {}) => events.push({ task, kind, t: now(), ...more });
  const print = (task, text) => {
    lines.push({ text, atMs: now(), task, thread: 'main' });
    return text;
  };
  /** A callback that runs for the node `task`, timed. */
  const callback = (task, body) => {
    const t = now();
    const result = body();
    events.push({ task, kind: 'callback', t, ms: now() - t });
    return result;
  };
  const timer = (task, ms) => new Promise((resolve) => {
    record(task, 'timer-armed', { ms });
    const id = setTimeout(() => {
      timers.delete(id);
      record(task, 'timer-fired');
      resolve(undefined);
    }, ms);
    timers.set(id, task);
  });

  /** Makes the node's Promise: it starts now. */
  function make(node) {
    record(node.name, 'created');
    tasks.set(node.name, { name: node.name, startMs: now(), endMs: null, outcome: 'pending' });
    const promise = leafOrCombinator(node);
    settledAll.push(promise.then(
      () => settle(node.name, true),
      () => settle(node.name, false),
    ));
    return promise;
  }

  function settle(name, ok) {
    record(name, 'settled', { ok });
    const task = tasks.get(name);
    if (task) Object.assign(task, { endMs: now(), outcome: ok ? 'fulfilled' : 'rejected' });
  }

  function leafOrCombinator(node) {
    const { name, label } = node;
    switch (node.kind) {
      case 'sleep':
        return timer(name, node.ms).then(() => callback(name, () => print(name, label)));
      case 'block':
        // The executor runs at once, when the Promise is made: so does the loop.
        return new Promise((resolve) => {
          callback(name, () => {
            const until = performance.now() + (node.ms ?? 0);
            while (performance.now() < until) { /* busy: nothing else runs */ }
            resolve(print(name, label));
          });
        });
      case 'yield':
        return Promise.resolve().then(() => callback(name, () => print(name, label)));
      case 'fetch': {
        const controller = new AbortController();
        requests.add(controller);
        return fetch(node.url ?? '', { signal: controller.signal })
          .then((response) => {
            if (!response.ok) throw new Error(`${label}: HTTP ${response.status}`);
            return response.text();
          })
          .then(
            () => callback(name, () => print(name, label)),
            (error) => { throw error instanceof Error && error.message.startsWith(label) ? error : new Error(`${label}: ${error}`); },
          )
          .finally(() => requests.delete(controller));
      }
      case 'fail':
        return Promise.reject(new Error(label));
      case 'join':
        return Promise.all(node.children.map(make));
      case 'select':
        return Promise.race(node.children.map(make));
      case 'seq':
        return (async () => {
          // Each Promise starts as it is made, before any await.
          const made = node.children.map(make);
          let last;
          for (const promise of made) last = await promise;
          return last;
        })();
      case 'timeout': {
        const timerName = node.timer ?? `${name} timer`;
        record(timerName, 'created');
        tasks.set(timerName, { name: timerName, startMs: now(), endMs: null, outcome: 'pending' });
        const ring = timer(timerName, node.ms ?? 0).then(() => {
          settle(timerName, true);
          throw new Error(`timed out after ${node.ms} ms`);
        });
        // The record waits for this timer too: nothing clears it.
        settledAll.push(ring.then(() => {}, () => {}));
        return Promise.race([...node.children.map(make), ring]);
      }
      case 'spawn':
        // A Promise already runs on its own: nothing to spawn.
        return make(node.children[0]);
      default:
        return Promise.reject(new Error(`unknown node ${node.kind}`));
    }
  }

  return new Promise((resolve, reject) => {
    const stop = () => {
      for (const [id, task] of timers) {
        clearTimeout(id);
        record(task, 'timer-cleared');
      }
      timers.clear();
      for (const controller of requests) controller.abort();
      reject(signal?.reason);
    };
    if (signal?.aborted) return stop();
    signal?.addEventListener('abort', stop, { once: true });
    /** @type {{ value?: unknown, error?: string, totalMs?: number }} */
    const root = {};
    const done = make(tree).then(
      (value) => { root.value = value; },
      (error) => { root.error = error instanceof Error ? error.message : String(error); },
    ).then(() => { root.totalMs = now(); });
    // The record ends when every Promise made has settled: the losers too.
    done.then(() => Promise.all(settledAll)).then(() => {
      signal?.removeEventListener('abort', stop);
      resolve({ lesson: 'compose', mode: 'js', lines, events, tasks: [...tasks.values()], ...root, endMs: now() });
    });
  });
}

// Also here, as the lab's one module of JS Promise code the Rust side calls:
// the JavaScript baseline of `lab.awaitMany` (src/api/promises.rs), the loop
// the two Rust loops are measured against. Not a snippet of its own: every JS
// snippet is one more file each page visit and each wasm test fetches.

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

// Also here, for the same reason, the sleepers lesson's JS side: `n`
// Promises, each around a setTimeout of the same 0 to maxMs ms as the Rust futures (i * 7919 % (maxMs + 1)), all
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
