//! Exports of the threads lesson: `threads`, `threadCost`, and `workerJob`,
//! the entry point each Web Worker of the lab calls.

use js_sys::{Object, Promise};
use wasm_bindgen::prelude::*;

use super::args::rules::{Flag, OneOf, WholeNumber};
use super::args::{arg_value, option_field, signal_option, to_js_error, Millis, RunOptions};
use super::export::to_promise;
use super::report::{finish_run, start_run};
use super::sequence::{run_with_sleeps, strings};
use crate::lessons::blocking::count_primes;
use crate::lessons::threads::{self, Cost};
use crate::runtime::abort::abortable;
use crate::runtime::js_object::set;
use crate::runtime::thread::{block_for, current_thread, wasm_memory_bytes};
use crate::runtime::worker::WorkerError;

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

const JOB_KIND: OneOf = OneOf {
    name: "job.kind",
    choices: &["ping", "sleep", "primes"],
    default: None,
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
/// Workers), each blocking in its sleep as `std::thread::sleep` does.
/// Resolves to `["thread two", "thread one"]` by default; `lastRun()` shows
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
    // Aborting drops the worker handles, which terminates both workers.
    let result = run_with_sleeps(
        ("threads", "threads"),
        one_ms,
        two_ms,
        options,
        threads::threads,
    )
    .await;
    let lines = result?.map_err(|e| worker_error(&e))?;
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
    object.into()
}

/// Measures what a thread costs next to an async task: starts `workers` Web
/// Workers, then spawns `tasks` async tasks, and times how long each takes to
/// start and to hear back from all. Resolves to a ThreadCost.
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
    let workers = WORKERS
        .check(arg_value(workers.as_ref()))
        .map_err(to_js_error)?;
    let tasks = TASKS
        .check(arg_value(tasks.as_ref()))
        .map_err(to_js_error)?;
    let options = options.unwrap_or(JsValue::UNDEFINED);
    let ask_browser = ask_browser(&options)?;
    let signal = signal_option(Some(&options), "options")?;
    let run = start_run(
        "threads",
        "threadCost",
        vec![(WORKERS.name, workers.into()), (TASKS.name, tasks.into())],
    );
    let measured = abortable(signal, async {
        let on_threads = run
            .task(
                "threads",
                threads::cost_of_threads(&run, workers, ask_browser),
            )
            .await;
        let on_tasks = match on_threads {
            Ok(_) => Some(
                run.task(
                    "tasks",
                    threads::cost_of_tasks(&run, tasks, wasm_memory_bytes),
                )
                .await,
            ),
            Err(_) => None,
        };
        (on_threads, on_tasks)
    })
    .await;
    finish_run(run);
    let (on_threads, on_tasks) = measured?;
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
    ASK_BROWSER
        .check(option_field(options, "options", "askBrowser")?)
        .map_err(to_js_error)
}

/// Runs one job on the calling thread, blocking it until done: what each Web
/// Worker of `threads`, `threadCost` and `blocking` runs. Called on the page
/// itself, it freezes the page for as long as the job takes.
#[wasm_bindgen(js_name = workerJob, unchecked_return_type = "WorkerReply", skip_jsdoc)]
pub fn worker_job(
    #[wasm_bindgen(
        unchecked_param_type = "{ kind: \"ping\" | \"sleep\" | \"primes\"; n?: number }",
        param_description = "sleep: block for n ms (0 to 60000); primes: count the primes below n (to 50000000)"
    )]
    job: JsValue,
) -> Result<JsValue, JsValue> {
    let kind = JOB_KIND
        .check(option_field(&job, "job", "kind")?)
        .map_err(to_js_error)?;
    let n = option_field(&job, "job", "n")?;
    let (value, how) = match kind {
        "sleep" => {
            let ms = SLEEP_MS.check(n).map_err(to_js_error)?;
            (f64::from(ms), block_for(ms).as_str())
        }
        "primes" => {
            let below = BELOW.check(n).map_err(to_js_error)?;
            (f64::from(count_primes(0, below)), "trial division")
        }
        _ => (0.0, "ping"),
    };
    let reply = Object::new();
    set(&reply, "thread", &current_thread().into());
    set(&reply, "value", &value.into());
    set(&reply, "how", &how.into());
    set(&reply, "wasmBytes", &wasm_memory_bytes().into());
    Ok(reply.into())
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
  /** With `askBrowser`, the bytes the browser attributes to the workers
   * (performance.measureUserAgentSpecificMemory; mostly JS heap in Chromium); otherwise, or for tasks, null. */
  browserBytes: number | null;
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
