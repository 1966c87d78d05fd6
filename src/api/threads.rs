//! Exports of the threads lesson: `threads`, `threadCost`, `blockOn`, and
//! `workerJob`, the entry point each Web Worker of the lab calls.

use js_sys::{Object, Promise};
use wasm_bindgen::prelude::*;

use super::args::rules::{Flag, OneOf, WholeNumber};
use super::args::{option_field, two_sleeps, JsRule, Millis, RunOptions, ONE_MS, TWO_MS};
use super::export::{run_lesson, strings, to_promise};
use crate::lessons::threads::{self, BlockOn, Cost};
use crate::runtime::choice::Choice;
use crate::runtime::js_object::set;
use crate::runtime::run::Run;
use crate::runtime::thread::{current_thread, wasm_memory_bytes, MAIN_THREAD};
use crate::runtime::worker::{Job, JobKind, WorkerError};

const WORKERS: WholeNumber = WholeNumber {
    name: "workers",
    unit: "workers",
    min: 1,
    max: 16,
    default: 4,
};

const TASKS: WholeNumber = WholeNumber {
    name: "tasks",
    unit: "tasks",
    min: 1,
    max: 100_000,
    default: 10_000,
};

const JOB_KIND: OneOf<JobKind> = OneOf {
    name: "job.kind",
    default: None,
};

const BLOCK_ON_VALUE: WholeNumber = WholeNumber {
    name: "job.n",
    unit: "as the value to send",
    min: 0,
    max: 1_000_000,
    default: 0,
};

const BLOCK_ON_MODE: OneOf<BlockOn> = OneOf {
    name: "mode",
    default: Some(BlockOn::Channel),
};

const SLEEP_MS: WholeNumber = WholeNumber {
    name: "job.n",
    unit: "milliseconds",
    min: 0,
    max: 60_000,
    default: 0,
};

const BELOW: WholeNumber = WholeNumber {
    name: "job.n",
    unit: "numbers",
    min: 0,
    max: 50_000_000,
    default: 0,
};

/// A worker's failure as the JS `Error` the lesson's Promise rejects with.
pub(crate) fn worker_error(error: &WorkerError) -> JsValue {
    js_sys::Error::new(&error.to_string()).into()
}

/// Runs the article's `thread_one` and `thread_two` on two real threads (Web
/// Workers, both loaded before either sleeps), each blocking in its sleep as
/// `std::thread::sleep` does. Resolves to `["thread two", "thread one"]` by default; `lastRun()` shows
/// each line's thread. Rejects with an Error if a worker fails to load or throws.
#[wasm_bindgen(js_name = threads, unchecked_return_type = "Promise<string[]>", skip_jsdoc)]
pub fn threads_export(
    #[wasm_bindgen(
        js_name = "oneMs",
        param_description = "thread_one's blocking sleep, whole ms from 0 to 60000 (default 600)"
    )]
    one_ms: Option<Millis>,
    #[wasm_bindgen(
        js_name = "twoMs",
        param_description = "thread_two's blocking sleep, whole ms from 0 to 60000 (default 300)"
    )]
    two_ms: Option<Millis>,
    #[wasm_bindgen(param_description = "{ signal }: an AbortSignal that stops the run")]
    options: Option<RunOptions>,
) -> Promise {
    to_promise(threads(one_ms, two_ms, options))
}

/// The future behind the `threads` export ([`threads_export`]): what its
/// Promise settles with. The wasm tests await it directly.
pub async fn threads(
    one_ms: Option<Millis>,
    two_ms: Option<Millis>,
    options: Option<RunOptions>,
) -> Result<JsValue, JsValue> {
    let (one, two) = two_sleeps(one_ms, two_ms)?;
    let options = options.map(JsValue::from);
    // Aborting drops the worker handles, which terminates both workers.
    let ran = run_lesson(
        ("threads", "threads"),
        vec![(ONE_MS.name, one.into()), (TWO_MS.name, two.into())],
        options.as_ref(),
        async |run: &Run| threads::threads(run, one, two).await,
    )
    .await?;
    let lines = ran.value.map_err(|e| worker_error(&e))?;
    Ok(strings(&lines))
}

fn cost_to_js(cost: &Cost) -> JsValue {
    let object = Object::new();
    set(&object, "count", &cost.count.into());
    set(&object, "startMs", &cost.start_ms.into());
    set(&object, "allBackMs", &cost.all_back_ms.into());
    set(
        &object,
        "memoryBytes",
        &cost.memory_bytes.map_or(JsValue::NULL, JsValue::from),
    );
    set(
        &object,
        "browserBytes",
        &cost.browser_bytes.map_or(JsValue::NULL, JsValue::from),
    );
    set(
        &object,
        "heapBytesEach",
        &cost.heap_bytes_each.map_or(JsValue::NULL, JsValue::from),
    );
    object.into()
}

/// Measures what a thread costs next to an async task: starts `workers` Web
/// Workers (each its own JS realm and wasm instance: far heavier than an OS
/// thread), then spawns `tasks` async tasks, and times how long each takes to
/// start and to hear back from all; a task's bytes are counted at the
/// allocator. Resolves to a ThreadCost.
#[wasm_bindgen(js_name = threadCost, unchecked_return_type = "Promise<ThreadCost>", skip_jsdoc)]
pub fn thread_cost_export(
    #[wasm_bindgen(param_description = "how many Web Workers, 1 to 16 (default 4)")]
    workers: Option<Millis>,
    #[wasm_bindgen(param_description = "how many async tasks, 1 to 100000 (default 10000)")]
    tasks: Option<Millis>,
    #[wasm_bindgen(
        unchecked_param_type = "{ askBrowser?: boolean; signal?: AbortSignal }",
        param_description = "askBrowser: also ask the browser what memory it attributes to the workers (cross-origin isolated pages only; takes 10 to 20 s)"
    )]
    options: Option<JsValue>,
) -> Promise {
    to_promise(thread_cost(workers, tasks, options))
}

/// The future behind the `threadCost` export ([`thread_cost_export`]): what its
/// Promise settles with. The wasm tests await it directly.
pub async fn thread_cost(
    workers: Option<Millis>,
    tasks: Option<Millis>,
    options: Option<JsValue>,
) -> Result<JsValue, JsValue> {
    let workers = WORKERS.arg(workers.as_ref())?;
    let tasks = TASKS.arg(tasks.as_ref())?;
    let options = options.unwrap_or(JsValue::UNDEFINED);
    let ask_browser = ask_browser(&options)?;
    let measured = run_lesson(
        ("threads", "threadCost"),
        vec![(WORKERS.name, workers.into()), (TASKS.name, tasks.into())],
        Some(&options),
        async |run: &Run| {
            let on_threads = run
                .task(
                    "threads",
                    threads::cost_of_threads(run, workers, ask_browser),
                )
                .await;
            let on_tasks = match on_threads {
                Ok(_) => Some(
                    run.task(
                        "tasks",
                        threads::cost_of_tasks(run, tasks, wasm_memory_bytes),
                    )
                    .await,
                ),
                Err(_) => None,
            };
            (on_threads, on_tasks)
        },
    )
    .await?;
    let (on_threads, on_tasks) = measured.value;
    let on_threads = on_threads.map_err(|e| worker_error(&e))?;
    let object = Object::new();
    set(&object, "threads", &cost_to_js(&on_threads));
    if let Some(on_tasks) = on_tasks {
        set(&object, "tasks", &cost_to_js(&on_tasks));
    }
    Ok(object.into())
}

/// `options.askBrowser`: absent means false; anything but a boolean is a TypeError.
const ASK_BROWSER: Flag = Flag {
    name: "options.askBrowser",
    default: false,
};

fn ask_browser(options: &JsValue) -> Result<bool, JsValue> {
    ASK_BROWSER.field(options, "options", "askBrowser")
}

/// Runs one job on the calling thread, blocking it until done: what each Web
/// Worker of `threads`, `threadCost`, `blockOn` and `blocking` runs. Called on
/// the page itself, it freezes the page for as long as the job takes; it
/// refuses `block_on_timer` there, which would never return.
#[wasm_bindgen(js_name = workerJob, unchecked_return_type = "WorkerReply", skip_jsdoc)]
pub fn worker_job(
    #[wasm_bindgen(
        unchecked_param_type = "{ kind: \"ping\" | \"sleep\" | \"primes\" | \"block_on\" | \"block_on_timer\"; n?: number }",
        param_description = "sleep: block for n ms (0 to 60000); primes: count the primes below n (to 50000000); block_on: futures::executor::block_on over a channel that carries n (to 1000000); block_on_timer: block_on(sleep(n ms)), which deadlocks (workers only)"
    )]
    job: JsValue,
) -> Result<JsValue, JsValue> {
    let job = read_job(&job)?;
    // The page's thread would never come back: no event loop, no page.
    if matches!(job, Job::BlockOnTimer { .. }) && current_thread() == MAIN_THREAD {
        return Err(js_sys::TypeError::new(
            "job.kind \"block_on_timer\" (block_on over a timer of job.n ms) runs only on a Web Worker: on the page's main thread it would block forever",
        )
        .into());
    }
    let done = threads::run_job(job);
    let reply = Object::new();
    set(&reply, "thread", &current_thread().into());
    set(&reply, "value", &done.value.into());
    set(&reply, "how", &done.how.into());
    set(&reply, "wasmBytes", &wasm_memory_bytes().into());
    Ok(reply.into())
}

/// Reads a job's message, `{ kind, n }`, into a [`Job`], checking `n` by the
/// rule of its kind (a ping ignores it).
fn read_job(job: &JsValue) -> Result<Job, JsValue> {
    let kind = JOB_KIND.field(job, "job", "kind")?;
    let n = option_field(job, "job", "n")?;
    let checked = |rule: WholeNumber| rule.check_js(n.clone());
    Ok(match kind {
        JobKind::Ping => Job::Ping,
        JobKind::Sleep => Job::Sleep {
            ms: checked(SLEEP_MS)?,
        },
        JobKind::Primes => Job::Primes {
            below: checked(BELOW)?,
        },
        JobKind::BlockOn => Job::BlockOn {
            value: checked(BLOCK_ON_VALUE)?,
        },
        JobKind::BlockOnTimer => Job::BlockOnTimer {
            ms: checked(SLEEP_MS)?,
        },
    })
}

#[wasm_bindgen(typescript_custom_section)]
const THREAD_TYPES: &str = r#"
/** One side of `threadCost()`: threads or async tasks. */
export interface CostSide {
  count: number;
  /** Milliseconds to start them all (`new Worker` or `spawn_local`). */
  startMs: number;
  /** Milliseconds until every one had run and reported back. */
  allBackMs: number;
  /** Bytes of wasm memory they took (each worker's own instance; the tasks' growth of this one), or null. */
  memoryBytes: number | null;
  /** For tasks: the bytes on the Rust heap per task while all wait, counted at the allocator; null for threads. */
  heapBytesEach: number | null;
  /** With `askBrowser`, the bytes the browser attributes to the workers
   * (performance.measureUserAgentSpecificMemory; mostly JS heap in Chromium); otherwise, or for tasks, null. */
  browserBytes: number | null;
}

/** What `blockOn()` saw. */
export interface BlockOnResult {
  mode: "channel" | "timer";
  /** The Web Worker that ran block_on, e.g. "worker 5". */
  thread: string;
  /** What block_on returned (42 for "channel"), or null when it never did. */
  value: number | null;
  /** The worker's account ("futures::executor::block_on, 2 polls"), or "deadlock: terminated". */
  how: string;
  /** True when the worker did not answer in time: deadlocked, then terminated. */
  deadlocked: boolean;
  /** From sending the job to the answer or to giving up, in ms. */
  waitedMs: number;
}

/** What `threadCost()` measured. */
export interface ThreadCost {
  threads: CostSide;
  tasks: CostSide;
}

/** What `workerJob()` reports, from the thread that ran it. */
export interface WorkerReply {
  /** "main", or the worker's name, e.g. "worker 3". */
  thread: string;
  /** The ms slept, or the count of primes. */
  value: number;
  /** "Atomics.wait" or "spin-wait" for a sleep. */
  how: string;
  /** The size of that thread's wasm memory, in bytes. */
  wasmBytes: number;
}
"#;

/// Runs `futures::executor::block_on` on a Web Worker, which blocks that
/// worker's thread until the future is done: `"channel"` (default) over a
/// future that needs nothing from outside, which returns 42; `"timer"` over a
/// `sleep` whose timer needs the worker's own event loop, which block_on is
/// blocking: a deadlock, detected by a timeout here on the page, which then
/// terminates the worker. Resolves to a BlockOnResult either way.
#[wasm_bindgen(js_name = blockOn, unchecked_return_type = "Promise<BlockOnResult>", skip_jsdoc)]
pub fn block_on_export(
    #[wasm_bindgen(
        unchecked_param_type = "\"channel\" | \"timer\"",
        param_description = "\"channel\" or \"timer\" (default \"channel\")"
    )]
    mode: Option<JsValue>,
    #[wasm_bindgen(param_description = "{ signal }: an AbortSignal that stops the run")]
    options: Option<RunOptions>,
) -> Promise {
    to_promise(block_on(mode, options))
}

/// The future behind the `blockOn` export ([`block_on_export`]): what its
/// Promise settles with. The wasm tests await it directly.
pub async fn block_on(
    mode: Option<JsValue>,
    options: Option<RunOptions>,
) -> Result<JsValue, JsValue> {
    let case = BLOCK_ON_MODE.arg(mode.as_ref())?;
    let options = options.map(JsValue::from);
    // Aborting drops the worker handle, which terminates the worker.
    let ran = run_lesson(
        ("threads", "blockOn"),
        vec![],
        options.as_ref(),
        async |run: &Run| {
            run.task("block_on on a worker", threads::block_on_worker(run, case))
                .await
        },
    )
    .await?;
    let seen = ran.value.map_err(|e| worker_error(&e))?;
    let object = Object::new();
    set(&object, "mode", &case.name().into());
    set(&object, "thread", &seen.thread.as_str().into());
    set(
        &object,
        "value",
        &seen.value.map_or(JsValue::NULL, JsValue::from),
    );
    set(&object, "how", &seen.how.as_str().into());
    set(&object, "deadlocked", &seen.deadlocked.into());
    set(&object, "waitedMs", &seen.waited_ms.into());
    Ok(object.into())
}
