// @ts-check
/**
 * The benchmarks: each row runs its Rust paths and a JavaScript baseline in the
 * same page and the same run, `runs` times each, interleaved so that a slow
 * moment of a shared machine hits every variant alike.
 */

/**
 * @typedef {{ variant: string, samples: number[], extra?: Record<string, number> }} Variant
 * @typedef {{ id: string, title: string, unit: string, goal: string, lesson: string, variants: Variant[] }} Row
 *   `lesson`: what the row teaches, shown under its table
 */

/** @param {number[]} xs */
export function median(xs) {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

const nextTask = () => new Promise((resolve) => setTimeout(resolve, 0));

/**
 * @param {Pick<typeof import('./pkg-bench/async_rust_lab.js'), 'benchAwaitPromise' | 'benchReturnAsync' | 'benchReturnEager' | 'benchSleepers' | 'benchSpawn' | 'benchTraceEvent'>} lab
 *   bench.html's own build of the module (www/pkg-bench, with the bench feature)
 * @param {{ runs?: number, awaits?: number, sleepers?: number, maxSleepMs?: number, spawns?: number, traceEvents?: number,
 *           onProgress?: (done: number, total: number, label: string) => void, signal?: AbortSignal,
 *           parallel?: typeof import('./parallel.js').parallel, parallelWorkMs?: number }} [options]
 *   `parallel`: lab.parallel, for the row of the threaded module (issue 17); without it the row is left out
 * @returns {Promise<Row[]>}
 */
export async function runBenchmarks(lab, options = {}) {
  const {
    runs = 5, awaits = 100_000, sleepers = 1_000_000, maxSleepMs = 1000, spawns = 100_000, traceEvents = 100_000,
    onProgress = () => {}, signal, parallel, parallelWorkMs = 200,
  } = options;

  /** @type {{ row: Row, variant: string, run: () => Promise<number | { ms: number, extra: Record<string, number> }> }[]} */
  const plan = [];
  /** @type {Row[]} */
  const rows = [];
  /**
   * @param {Omit<Row, 'variants'>} row
   * @param {Record<string, () => Promise<number | { ms: number, extra: Record<string, number> }>>} variants
   */
  const add = (row, variants) => {
    const full = { ...row, variants: Object.keys(variants).map((variant) => ({ variant, samples: /** @type {number[]} */ ([]) })) };
    rows.push(full);
    for (const [variant, run] of Object.entries(variants)) plan.push({ row: full, variant, run });
  };

  const resolved = Promise.resolve(1);
  add({ id: 'await-resolved', title: `Rust awaits an already-resolved JS Promise, ${awaits.toLocaleString('en')} times`, unit: 'ms', goal: 'Rust at most 5x JS',
    lesson: "Each Rust `.await` on a JS Promise crosses into JS to call `then`, and back when the Promise settles. Under wasm-bindgen-futures (`JsFuture`) that costs two closures and two microtask hops per await: the reaction only wakes the task, and the executor polls it a microtask later. `lean_await` saves the closures; the lab's reaction executor also polls the task inside the reaction job itself, where a JS async function resumes, and that is what brings it near JS.",
  }, {
    'JS async function': async () => {
      const t = performance.now();
      for (let i = 0; i < awaits; i++) await resolved;
      return performance.now() - t;
    },
    'Rust, stock JsFuture': () => lab.benchAwaitPromise(resolved, awaits, 'jsfuture'),
    'Rust, lab lean_await': () => lab.benchAwaitPromise(resolved, awaits, 'lean'),
    'Rust, lab reaction executor': () => lab.benchAwaitPromise(resolved, awaits, 'executor'),
  });

  const jsReturn = async () => 1;
  /** @param {() => Promise<unknown>} f */
  const loopAwait = async (f) => {
    const t = performance.now();
    for (let i = 0; i < awaits; i++) await f();
    return performance.now() - t;
  };
  add({ id: 'await-rust', title: `JS awaits a Rust async fn that returns at once, ${awaits.toLocaleString('en')} times`, unit: 'ms', goal: 'Rust at most 3x JS',
    lesson: 'An `async fn` export becomes a Promise through `future_to_promise`: a spawned task, two closures and a first poll one microtask later, even when the answer is ready at once. `eager_promise` polls once, right away, and hands back an already-settled Promise when it can.',
  }, {
    'JS async function': () => loopAwait(jsReturn),
    'Rust, stock future_to_promise': () => loopAwait(lab.benchReturnAsync),
    'Rust, lab eager_promise': () => loopAwait(lab.benchReturnEager),
  });

  add({ id: 'sleepers', title: `${sleepers.toLocaleString('en')} concurrent futures, each sleeping 0 to ${maxSleepMs} ms`, unit: 'ms', goal: 'Rust at most 0.5x JS; at most 64 bytes of wasm memory per sleeping future',
    lesson: "One `setTimeout` and one JS closure per sleeping future (gloo-timers) costs more than JS's own timers. The lab's timer queue keeps every deadline in Rust and arms one JS timer, for the earliest. The join set decides most of the remaining bytes: `FuturesUnordered` gives each future its own reference-counted task node; `SlabJoin` keeps the futures side by side in one Vec.",
  }, {
    'JS Promises around setTimeout': async () => {
      let state = 0x9e3779b9;
      const next = () => {
        state ^= state << 13; state >>>= 0;
        state ^= state >>> 17;
        state ^= state << 5; state >>>= 0;
        return state % (maxSleepMs + 1);
      };
      const t = performance.now();
      const all = new Array(sleepers);
      for (let i = 0; i < sleepers; i++) all[i] = new Promise((resolve) => setTimeout(resolve, next()));
      await Promise.all(all);
      return performance.now() - t;
    },
    'Rust, stock gloo-timers + FuturesUnordered': async () => {
      const r = await lab.benchSleepers(sleepers, maxSleepMs, 'gloo', 'unordered');
      return { ms: r.ms, extra: { heapBytesPerFuture: r.heapBytesPerFuture } };
    },
    'Rust, lab timer queue + FuturesUnordered': async () => {
      const r = await lab.benchSleepers(sleepers, maxSleepMs, 'queue', 'unordered');
      return { ms: r.ms, extra: { heapBytesPerFuture: r.heapBytesPerFuture } };
    },
    'Rust, lab timer queue + lab SlabJoin': async () => {
      const r = await lab.benchSleepers(sleepers, maxSleepMs, 'queue', 'slab');
      return { ms: r.ms, extra: { heapBytesPerFuture: r.heapBytesPerFuture } };
    },
  });

  add({ id: 'spawn', title: `Spawn ${spawns.toLocaleString('en')} trivial tasks and wait for all`, unit: 'ms', goal: 'Rust at most 3x JS',
    lesson: 'A task spawned with `spawn_local` is an entry in a Rust queue: a whole batch of them runs in one microtask, where JS pays a microtask each.',
  }, {
    'JS queueMicrotask': () => new Promise((resolve) => {
      const t = performance.now();
      let left = spawns;
      for (let i = 0; i < spawns; i++) queueMicrotask(() => { if (--left === 0) resolve(performance.now() - t); });
    }),
    'Rust, stock spawn_local': () => lab.benchSpawn(spawns),
  });

  add({ id: 'trace-event', title: 'Recording one trace event (with its timestamp)', unit: 'ns', goal: 'at most 50 ns',
    lesson: "What the lab's timeline costs. Recording the event itself is the small part (the counter clock shows it alone); asking the browser for the time is most of it: `performance.now()` is clamped and jittered against timing attacks, and costs JavaScript just as much.",
  }, {
    'JS array push of {task, kind, t}': async () => {
      const events = [];
      const t = performance.now();
      for (let i = 0; i < traceEvents; i++) events.push({ task: 0, kind: i & 1, t: performance.now() });
      return ((performance.now() - t) * 1e6) / traceEvents;
    },
    'JS performance.now() alone': async () => {
      let sum = 0;
      const t = performance.now();
      for (let i = 0; i < traceEvents; i++) sum += performance.now();
      const ns = ((performance.now() - t) * 1e6) / traceEvents;
      return sum > 0 ? ns : ns; // sum keeps the loop from being optimized away
    },
    'Rust, lab trace': async () => lab.benchTraceEvent(traceEvents / 2, 'performance', 'task'),
    'Rust, lab trace, recording alone (counter clock)': async () => lab.benchTraceEvent(traceEvents / 2, 'counter', 'task'),
    // The tree of futures records the run and each combinator too: per event, what nesting costs.
    'Rust, lab trace, a task in a join in the run (the tree)': async () => lab.benchTraceEvent(Math.floor(traceEvents / 6), 'performance', 'tree'),
  });

  if (parallel && globalThis.crossOriginIsolated === true) {
    const tasks = 4;
    const cores = navigator.hardwareConcurrency;
    /** @param {number} workers */
    const cpu = (workers) => parallel('cpu', { workers, tasks, workMs: parallelWorkMs });
    add({ id: 'parallel-cpu', title: `Speed-up of ${tasks} CPU-bound tasks of ${parallelWorkMs} ms on the threaded module (this browser reports ${cores} cores)`, unit: 'x',
      goal: 'near min(workers, free cores)',
      lesson: 'Each call runs the same tasks on the single-threaded executor (on one worker) and on the multi-threaded one with 1, 2 or 4 workers; a sample is the single-threaded time over the multi-threaded time of that call, so the first line is 1 by definition. Tasks that never await gain from more threads only as far as there are free cores: past that, the workers take turns on them.',
    }, {
      'single-threaded executor (the baseline)': async () => 1,
      ...Object.fromEntries([1, 2, 4].map((workers) => [`multi-threaded, ${workers} worker${workers === 1 ? '' : 's'}`,
        async () => (await cpu(workers)).speedUp ?? NaN])),
    });
  }

  const total = plan.length * runs;
  let done = 0;
  for (let r = 0; r < runs; r++) {
    for (const step of plan) {
      if (signal?.aborted) throw new DOMException('The benchmarks were stopped', 'AbortError');
      onProgress(done, total, `${step.row.title}: ${step.variant} (${r + 1} of ${runs})`);
      await nextTask();
      const out = await step.run();
      const variant = /** @type {Variant} */ (step.row.variants.find((v) => v.variant === step.variant));
      if (typeof out === 'number') variant.samples.push(out);
      else {
        variant.samples.push(out.ms);
        for (const [key, value] of Object.entries(out.extra)) variant.extra = { ...variant.extra, [key]: Math.max(variant.extra?.[key] ?? 0, value) };
      }
      done += 1;
    }
  }
  onProgress(done, total, 'done');
  return rows;
}
