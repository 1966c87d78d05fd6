// @ts-check
/**
 * `lab.parallel(mode, options)`: async tasks on a multi-threaded executor, in a
 * second wasm module that runs on several Web Workers sharing one memory
 * (parallel/, issue 17). The module and its workers are loaded on the first
 * call, never before: the lab's first visit does not fetch them.
 *
 * The page's thread never waits here: it spawns the tasks, posts the run's id
 * to the workers, and awaits their answers as Promises. The workers poll.
 */
import { scriptUrl } from './trusted.js';

/** @typedef {'cpu' | 'yield' | 'hog'} ParallelMode */
/**
 * @typedef {object} ParallelOptions
 * @property {number} [workers] threads polling the tasks, 1 to 8
 * @property {number} [tasks] how many tasks, 1 to 32
 * @property {number} [workMs] "cpu": each task's work, 1 to 2000 ms
 * @property {number} [slices] "yield": slices of 10 ms of work per task, a yield between each two, 1 to 50
 */
/**
 * One poll, on the run's clock (ms since the run was spawned).
 * @typedef {{ task: number, thread: number, startMs: number, endMs: number, ready: boolean }} ParallelPoll
 */
/**
 * One executor's run of the tasks.
 * @typedef {{ executor: 'multi-threaded' | 'single-threaded', threads: number, totalMs: number, polls: ParallelPoll[] }} ParallelSide
 */
/**
 * What `lab.parallel` resolves to.
 * @typedef {object} ParallelResult
 * @property {ParallelMode} mode
 * @property {{ workers: number, tasks: number, workMs: number, slices: number }} options the options the run used, defaults filled in
 * @property {number} cores the cores the browser reports (navigator.hardwareConcurrency)
 * @property {ParallelSide} parallel the tasks on `workers` threads
 * @property {ParallelSide | null} oneThread the same tasks on one thread ("cpu" and "hog"), else null
 * @property {number | null} speedUp "cpu": the one thread's total over the workers' total, else null
 * @property {string[]} lines what the run printed in the console
 * @property {number} memoryBytes the size of the threaded module's one shared memory after the run
 */

/** The options' rules: the range each must be in, its unit, and its default per mode. */
const RULES = /** @type {const} */ ({
  workers: { min: 1, max: 8, unit: 'workers' },
  tasks: { min: 1, max: 32, unit: 'tasks' },
  workMs: { min: 1, max: 2000, unit: 'milliseconds' },
  slices: { min: 1, max: 50, unit: 'slices' },
});
/** @typedef {keyof typeof RULES} OptionName */
/** @type {Record<ParallelMode, Record<OptionName, number>>} */
const DEFAULTS = {
  cpu: { workers: 2, tasks: 4, workMs: 200, slices: 1 },
  // An odd number of tasks: with an even one a FIFO queue settles into fixed
  // pairs of task and thread, and no task moves.
  yield: { workers: 2, tasks: 3, workMs: 0, slices: 6 },
  hog: { workers: 2, tasks: 4, workMs: 0, slices: 1 },
};
const MODES = /** @type {ParallelMode[]} */ (Object.keys(DEFAULTS));
/** How much work each slice of "yield" and "hog" is (parallel/src/modes.rs, SLICE_MS). */
const SLICE_MS = 10;

/** A value, short enough to quote in a message. @param {unknown} value */
function shown(value) {
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === 'number') return Object.is(value, -0) ? '-0' : String(value);
  return value === null ? 'null' : `a ${typeof value}`;
}

/**
 * Checks the arguments and fills in the defaults. Reads only the options' own
 * data properties: a getter is refused, not run.
 * @param {unknown} mode
 * @param {unknown} options
 * @returns {{ mode: ParallelMode, options: Record<OptionName, number> }}
 */
export function checkArguments(mode, options) {
  const modes = 'mode must be "cpu", "yield" or "hog"';
  if (typeof mode !== 'string') throw new TypeError(`${modes} (got ${shown(mode)})`);
  const known = MODES.find((m) => m === mode);
  if (!known) throw new RangeError(`${modes} (got ${shown(mode)})`);
  const plain = 'options must be a plain object such as { workers: 2, tasks: 4 }';
  if (options === undefined) return { mode: known, options: { ...DEFAULTS[known] } };
  if (options === null || typeof options !== 'object') throw new TypeError(`${plain} (got ${shown(options)})`);
  /** @type {Record<OptionName, number>} */
  const checked = { ...DEFAULTS[known] };
  try {
    const prototype = Object.getPrototypeOf(options);
    if (prototype !== Object.prototype && prototype !== null) throw new TypeError(`${plain} (got a ${prototype?.constructor?.name ?? 'object'})`);
    for (const name of /** @type {OptionName[]} */ (Object.keys(RULES))) {
      const { min, max, unit } = RULES[name];
      const rule = `options.${name} must be a whole number of ${unit} from ${min} to ${max}`;
      const descriptor = Object.getOwnPropertyDescriptor(options, name);
      if (descriptor === undefined || (descriptor.value === undefined && !descriptor.get)) continue;
      if (descriptor.get || descriptor.set) throw new TypeError(`${rule} (got a getter; pass the number itself)`);
      const value = descriptor.value;
      if (typeof value !== 'number') throw new TypeError(`${rule} (got ${shown(value)})`);
      if (!Number.isInteger(value) || value < min || value > max) throw new RangeError(`${rule} (got ${shown(value)})`);
      checked[name] = value;
    }
  } catch (error) {
    if (error instanceof TypeError || error instanceof RangeError) {
      // A revoked Proxy's own TypeError names nothing: say which argument it was.
      if (/options/.test(error.message)) throw error;
      throw new TypeError(`${plain} (reading it threw ${error.name}: ${error.message})`);
    }
    throw new TypeError(`${plain} (reading it threw ${error instanceof Error ? error.name : 'a value'})`);
  }
  return { mode: known, options: checked };
}

/**
 * @typedef {typeof import('./pkg-parallel/async_rust_lab_parallel.js')} Glue
 * @typedef {{ number: number, ask: (message: object, timeoutMs: number) => Promise<any>, stop: () => void }} Thread
 * @typedef {{ glue: Glue, threads: Thread[] }} Engine
 */

/**
 * Starts worker `number` on the module and memory of `glue`.
 * @param {Glue} glue
 * @param {number} number
 * @returns {Thread}
 */
function spawnThread(glue, number) {
  // Through the lab's Trusted Types policy: the CSP refuses a plain URL at this sink.
  const worker = new Worker(scriptUrl(new URL('./parallel-worker.js', import.meta.url).href), { type: 'module', name: `parallel worker ${number}` });
  /** @type {{ resolve: (data: any) => void, reject: (error: Error) => void, timer: number } | null} */
  let waiting = null;
  /** @param {(w: NonNullable<typeof waiting>) => void} settle */
  const take = (settle) => {
    const w = waiting;
    waiting = null;
    if (w) {
      clearTimeout(w.timer);
      settle(w);
    }
  };
  worker.onmessage = ({ data }) => take((w) => (data.kind === 'error'
    ? w.reject(new Error(`parallel worker ${number}: ${data.error}`))
    : w.resolve(data)));
  worker.onerror = (event) => {
    event.preventDefault();
    take((w) => w.reject(new Error(`parallel worker ${number} (./parallel-worker.js) failed to load or threw: ${event.message || 'no message'}`)));
  };
  return {
    number,
    ask: (message, timeoutMs) => new Promise((resolve, reject) => {
      const timer = setTimeout(() => take((w) => w.reject(new Error(`parallel worker ${number} did not answer within ${timeoutMs} ms; the workers were stopped`))), timeoutMs);
      waiting = { resolve, reject, timer };
      worker.postMessage(message);
    }),
    stop: () => worker.terminate(),
  };
}

/** @type {Promise<Engine> | null} */
let loading = null;

/** The module, instantiated on this page, and no workers yet: once. */
function loadEngine() {
  loading ??= (async () => {
    /** @type {Glue} */
    const glue = await import('./pkg-parallel/async_rust_lab_parallel.js');
    await glue.default();
    // How much computation is a millisecond of work here: about 10 ms on this
    // thread, in two passes, well under a long task (50 ms).
    glue.calibrate(10);
    return { glue, threads: [] };
  })();
  // A failed load is tried again on the next call.
  loading.catch(() => { loading = null; });
  return loading;
}

/**
 * Makes sure the engine has `count` workers, starting the missing ones and
 * warming them up: a fresh worker's first tasks run slower while the engine
 * compiles the module's hot code, which would be charged to the first run.
 * @param {Engine} engine
 * @param {number} count
 */
async function ensureThreads(engine, count) {
  if (engine.threads.length >= count) return;
  const fresh = [];
  for (let n = engine.threads.length + 1; n <= count; n += 1) fresh.push(spawnThread(engine.glue, n));
  try {
    await Promise.all(fresh.map((t) => t.ask({
      kind: 'start', module: engine.glue.moduleForWorkers(), memory: engine.glue.memoryForWorkers(), pageOrigin: performance.timeOrigin,
    }, 15_000)));
  } catch (error) {
    for (const t of fresh) t.stop();
    throw error;
  }
  engine.threads.push(...fresh);
  await runOn(engine, 'cpu', { workers: count, tasks: count * 2, workMs: 20, slices: 1 }, false);
}

/**
 * Runs the tasks of `mode` on the first `options.workers` threads (or, with
 * `oneThread`, on the single-threaded executor on thread 1), and returns its trace.
 * @param {Engine} engine
 * @param {ParallelMode} mode
 * @param {Record<OptionName, number>} options
 * @param {boolean} oneThread
 * @returns {Promise<ParallelSide>}
 */
async function runOn(engine, mode, options, oneThread) {
  const threads = engine.threads.slice(0, oneThread ? 1 : options.workers);
  const id = engine.glue.prepareRun(mode, options.tasks, options.workMs, options.slices, oneThread);
  // Generous: three times the whole workload on one thread, and 15 s more.
  const timeoutMs = 15_000 + 3 * serialMs(mode, options);
  try {
    await Promise.all(threads.map((t) => t.ask({ kind: 'run', run: id, thread: t.number }, timeoutMs)));
  } catch (error) {
    // A worker that failed or hangs is not to be trusted with the next run.
    for (const t of engine.threads) t.stop();
    engine.threads = [];
    throw error;
  }
  const numbers = engine.glue.takeTrace(id);
  const started = numbers[0];
  /** @type {ParallelPoll[]} */
  const polls = [];
  for (let i = 1; i + 4 < numbers.length; i += 5) {
    polls.push({ task: numbers[i], thread: numbers[i + 1], startMs: numbers[i + 2] - started, endMs: numbers[i + 3] - started, ready: numbers[i + 4] === 1 });
  }
  polls.sort((a, b) => a.startMs - b.startMs);
  return {
    executor: oneThread ? 'single-threaded' : 'multi-threaded',
    threads: threads.length,
    totalMs: polls.reduce((end, p) => Math.max(end, p.endMs), 0),
    polls,
  };
}

/** The hog's work, as parallel/src/modes.rs computes it. @param {number} tasks */
const hogMs = (tasks) => 2 * (tasks - 1) * 4 * SLICE_MS + 300;

/** The whole workload on one thread, in ms of work. @param {ParallelMode} mode @param {Record<OptionName, number>} o */
function serialMs(mode, o) {
  if (mode === 'cpu') return o.tasks * o.workMs;
  if (mode === 'yield') return o.tasks * o.slices * SLICE_MS;
  return hogMs(o.tasks) + (o.tasks - 1) * 4 * SLICE_MS;
}

/** @param {number} ms */
const ms = (ms) => `${Math.round(ms)} ms`;

/**
 * The threads that polled each task, in order, without repeats in a row.
 * @param {ParallelPoll[]} polls
 */
function pathsOf(polls) {
  /** @type {Map<number, number[]>} */
  const paths = new Map();
  for (const p of polls) {
    const path = paths.get(p.task) ?? [];
    if (path.at(-1) !== p.thread) path.push(p.thread);
    paths.set(p.task, path);
  }
  return paths;
}

/**
 * What a run prints: its totals and what they show.
 * @param {ParallelMode} mode
 * @param {Record<OptionName, number>} o
 * @param {ParallelSide} parallel
 * @param {ParallelSide | null} oneThread
 * @param {number} cores
 */
function describe(mode, o, parallel, oneThread, cores) {
  const on = `${o.workers} worker${o.workers === 1 ? '' : 's'}`;
  const lines = [];
  if (mode === 'cpu' && oneThread) {
    lines.push(`lab.parallel("cpu"): ${o.tasks} tasks of ${o.workMs} ms of work each: ${ms(parallel.totalMs)} on ${on}, ${ms(oneThread.totalMs)} on one thread: ${(oneThread.totalMs / parallel.totalMs).toFixed(2)}x (this browser reports ${cores} cores)`);
  } else if (mode === 'yield') {
    const moved = [...pathsOf(parallel.polls)].filter(([, path]) => new Set(path).size > 1);
    lines.push(`lab.parallel("yield"): ${o.tasks} tasks of ${o.slices} slices on ${on}, ${ms(parallel.totalMs)}: ${moved.length} of ${o.tasks} tasks were polled on more than one thread`);
    for (const [task, path] of pathsOf(parallel.polls)) lines.push(`  task ${task}: ${path.map((t) => `worker ${t}`).join(' -> ')}`);
  } else if (mode === 'hog' && oneThread) {
    const hog = parallel.polls.find((p) => p.task === 0);
    const othersEnd = (/** @type {ParallelSide} */ side) => side.polls.filter((p) => p.task !== 0).reduce((end, p) => Math.max(end, p.endMs), 0);
    lines.push(`lab.parallel("hog"): task 0 never yields and held worker ${hog?.thread} from ${ms(hog?.startMs ?? 0)} to ${ms(hog?.endMs ?? 0)}; the other ${o.tasks - 1} tasks finished at ${ms(othersEnd(parallel))} on the other worker${o.workers > 2 ? 's' : ''}. On one thread they finished at ${ms(othersEnd(oneThread))}, after the hog.`);
  }
  return lines;
}

/** Runs one after the other: a run takes every worker it asks for. */
let queue = Promise.resolve();

/**
 * Runs tasks on N Web Workers at once (a multi-threaded executor in a second
 * wasm module, loaded on first use), and for "cpu" and "hog" the same tasks on
 * one thread, and compares.
 * @param {ParallelMode} mode "cpu": CPU-bound tasks that never yield; "yield":
 *   tasks that work in slices and yield between them (they move between
 *   threads); "hog": task 0 never yields, the others work in slices
 * @param {ParallelOptions} [options]
 * @returns {Promise<ParallelResult>}
 */
export async function parallel(mode, options) {
  const checked = checkArguments(mode, options);
  if (globalThis.crossOriginIsolated !== true) {
    throw new Error('lab.parallel needs a cross-origin isolated page (served with COOP same-origin and COEP require-corp): '
      + 'without it the browser offers no SharedArrayBuffer, so no WebAssembly memory can be shared between threads');
  }
  const run = queue.then(() => execute(checked.mode, checked.options));
  queue = run.then(() => {}, () => {});
  return run;
}

/**
 * @param {ParallelMode} mode
 * @param {Record<OptionName, number>} options
 * @returns {Promise<ParallelResult>}
 */
async function execute(mode, options) {
  dispatchEvent(new CustomEvent('lab:parallel-start', { detail: { mode, options } }));
  try {
    const engine = await loadEngine();
    await ensureThreads(engine, options.workers);
    const side = await runOn(engine, mode, options, false);
    const one = mode === 'yield' ? null : await runOn(engine, mode, options, true);
    const cores = navigator.hardwareConcurrency;
    const lines = describe(mode, options, side, one, cores);
    for (const line of lines) console.info(line);
    /** @type {ParallelResult} */
    const result = {
      mode,
      options: { ...options },
      cores,
      parallel: side,
      oneThread: one,
      speedUp: mode === 'cpu' && one ? one.totalMs / side.totalMs : null,
      lines,
      memoryBytes: engine.glue.memoryForWorkers().buffer.byteLength,
    };
    dispatchEvent(new CustomEvent('lab:parallel-end', { detail: result }));
    return result;
  } catch (error) {
    dispatchEvent(new CustomEvent('lab:parallel-error', { detail: { mode, error } }));
    throw error;
  }
}
