//! Async Rust Lab's threaded module: async tasks polled by several threads at
//! once, in the page.
//!
//! The lab's main module runs everything on the page's one thread, taking turns.
//! This one, built separately with nightly Rust (std rebuilt with atomics), runs
//! on Web Workers that share its one wasm memory, so that a multi-threaded
//! executor ([`executor`]) can poll tasks in parallel and move them between
//! threads, as tokio's multi-threaded runtime does. The page loads it only when
//! the "Parallel async" card or `lab.parallel()` is first used (`www/parallel.js`).
//!
//! How a run goes, from the page's JS:
//! 1. [`prepare_run`] on the page's thread builds the tasks of a mode
//!    ([`modes`]) and, for the multi-threaded executor, spawns them: a run id.
//! 2. Each worker is told the id and calls [`work_on`], which polls tasks until
//!    the run is over (or, for the single-threaded comparison, runs the
//!    single-threaded executor, [`local`], on that one worker), then returns.
//! 3. When every worker has said so, the page takes the trace: [`take_trace`].
//!
//! The page's thread never blocks: it does not wait for locks ([`sync`]) and it
//! hears of the end from the workers' messages, as a Promise.

pub mod clock;
pub mod executor;
pub mod local;
pub mod modes;
pub mod sync;
pub mod trace;
pub mod work;

use executor::Executor;
use modes::{Mode, Plan};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use trace::Poll;
use wasm_bindgen::prelude::*;

/// A run between [`prepare_run`] and [`take_trace`].
struct Run {
    /// Its id, as the page and the workers know it.
    id: u32,
    /// When it was prepared, on the page's clock.
    started_ms: f64,
    /// Which executor runs it.
    on: RunOn,
}

/// The executor of a run.
enum RunOn {
    /// The multi-threaded executor, its tasks already spawned.
    Pool(Arc<Executor>),
    /// The single-threaded executor, on the one worker that calls [`work_on`]:
    /// its tasks are built there, and its polls kept here once it is done.
    OneThread(Plan, Vec<Poll>),
}

/// The runs in flight (one or two at a time: the page runs them in turn).
static RUNS: Mutex<Vec<Run>> = Mutex::new(Vec::new());
/// The next run's id.
static NEXT_RUN: AtomicU32 = AtomicU32::new(1);
/// The most tasks a run may have, and work per task and slices: the page checks
/// the options first (www/parallel.js), with the same limits.
const MAX_TASKS: u32 = 32;
/// See [`MAX_TASKS`].
const MAX_WORK_MS: u32 = 2000;
/// See [`MAX_TASKS`].
const MAX_SLICES: u32 = 50;

/// Puts a worker on the page's clock and lets it block on locks. Each worker
/// calls it once, after `initSync`, with its own `performance.timeOrigin` and
/// the page's.
#[wasm_bindgen(js_name = startWorker)]
pub fn start_worker(own_origin_ms: f64, page_origin_ms: f64) {
    sync::mark_worker();
    clock::align_to_page(own_origin_ms, page_origin_ms);
}

/// The compiled module, for the page to hand to each worker (`initSync`).
#[wasm_bindgen(js_name = moduleForWorkers)]
pub fn wasm_module() -> JsValue {
    wasm_bindgen::module()
}

/// The one shared `WebAssembly.Memory`, for the page to hand to each worker:
/// every thread's stack, heap and the executor's queue live in it.
#[wasm_bindgen(js_name = memoryForWorkers)]
pub fn shared_memory() -> JsValue {
    wasm_bindgen::memory()
}

/// Measures how many steps of work take a millisecond, over about `budget_ms`
/// on the calling thread, and keeps it for the runs' tasks. Returns the steps.
#[wasm_bindgen]
pub fn calibrate(budget_ms: f64) -> f64 {
    work::calibrate(budget_ms.clamp(1.0, 40.0)) as f64
}

/// Builds a run of `mode` (`"cpu"`, `"yield"`, `"hog"`) and returns its id.
/// With `one_thread` false its tasks are spawned on the multi-threaded executor
/// now; with true they will run on the single-threaded one, on one worker.
#[wasm_bindgen(js_name = prepareRun)]
pub fn prepare_run(
    mode: &str,
    tasks: u32,
    work_ms: u32,
    slices: u32,
    one_thread: bool,
) -> Result<u32, JsError> {
    let mode = Mode::parse(mode)
        .ok_or_else(|| JsError::new("mode must be \"cpu\", \"yield\" or \"hog\""))?;
    if !(1..=MAX_TASKS).contains(&tasks) || work_ms > MAX_WORK_MS || slices > MAX_SLICES {
        return Err(JsError::new(
            "tasks must be from 1 to 32, workMs at most 2000 and slices at most 50",
        ));
    }
    let plan = Plan {
        mode,
        tasks,
        work_ms,
        slices: slices.max(1),
    };
    let id = NEXT_RUN.fetch_add(1, Ordering::Relaxed);
    let started_ms = clock::now_ms();
    let on = if one_thread {
        RunOn::OneThread(plan, Vec::new())
    } else {
        let executor = Executor::new();
        for index in 0..tasks {
            executor.spawn(index, plan.task(index));
        }
        RunOn::Pool(executor)
    };
    sync::lock(&RUNS).push(Run { id, started_ms, on });
    Ok(id)
}

/// On a worker: works on run `run` as thread `thread` until the run is over.
/// Blocks the worker (it parks while there is nothing to do), so the page must
/// never call it; it refuses to.
#[wasm_bindgen(js_name = workOn)]
pub fn work_on(run: u32, thread: u32) -> Result<(), JsError> {
    if !sync::on_worker() {
        return Err(JsError::new(
            "workOn runs on a worker only: it blocks its thread",
        ));
    }
    let job = {
        let runs = sync::lock(&RUNS);
        match runs.iter().find(|r| r.id == run).map(|r| &r.on) {
            Some(RunOn::Pool(executor)) => Ok(Arc::clone(executor)),
            Some(RunOn::OneThread(plan, _)) => Err(Some(*plan)),
            None => Err(None),
        }
    };
    match job {
        Ok(executor) => executor.run_worker(thread),
        Err(Some(plan)) => {
            // The same tasks as the multi-threaded run's; here they stay on this thread.
            let tasks = (0..plan.tasks)
                .map(|i| -> local::LocalFuture { plan.task(i) })
                .collect();
            let polls = local::run_to_completion(tasks, thread);
            if let Some(Run {
                on: RunOn::OneThread(_, kept),
                ..
            }) = sync::lock(&RUNS).iter_mut().find(|r| r.id == run)
            {
                *kept = polls;
            }
        }
        Err(None) => return Err(JsError::new("no such run")),
    }
    Ok(())
}

/// Ends run `run` and returns its trace as numbers: the time it was prepared,
/// then five per poll (task, thread, start, end, 1 if Ready else 0), in ms on
/// the page's `performance.now()` axis. Call it once its workers are done.
#[wasm_bindgen(js_name = takeTrace)]
pub fn take_trace(run: u32) -> Result<Vec<f64>, JsError> {
    let taken = {
        let mut runs = sync::lock(&RUNS);
        let index = runs
            .iter()
            .position(|r| r.id == run)
            .ok_or_else(|| JsError::new("no such run"))?;
        runs.swap_remove(index)
    };
    let polls = match taken.on {
        RunOn::Pool(executor) => executor.polls(),
        RunOn::OneThread(_, polls) => polls,
    };
    let mut numbers = Vec::with_capacity(1 + polls.len() * trace::FIELDS);
    numbers.push(taken.started_ms);
    numbers.extend(trace::flatten(&polls));
    Ok(numbers)
}
