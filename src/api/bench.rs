//! Benchmark exports: the Rust side of each row of `npm run bench` (the page
//! `bench.html` runs them beside their JavaScript baselines). Each stock path
//! sits beside the lab's own faster path, so the table shows what crossing the
//! boundary costs and what a different design saves.

use std::cell::Cell;
use std::future::Future;
use std::rc::Rc;
use std::task::{Context, Waker};

use futures::channel::oneshot;
use futures::stream::FuturesUnordered;
use js_sys::Promise;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::{future_to_promise, spawn_local};

use super::args::rules::{OneOf, WholeNumber};
use super::args::JsRule;
use super::export::to_promise;
use super::promises::time_awaits;
use super::sleepers::{join_sleepers, sleep_ms, Joined, MAX_MS};
use crate::research::bridge::{eager_promise, lean_await};
use crate::runtime::bridge::Executor;
use crate::runtime::choice::choice;
use crate::runtime::clock::{performance_clock, Clock};
use crate::runtime::js_object::object;
use crate::runtime::js_timers::TimerSource;
use crate::runtime::run::Run;
use crate::runtime::slab_join::SlabJoin;
use crate::runtime::time::sleep;
use crate::runtime::timer_queue::queue_sleep;
use crate::runtime::trace::NodeKind;

fn count(name: &'static str, max: u32, value: &JsValue) -> Result<u32, JsValue> {
    WholeNumber {
        name,
        unit: "repetitions",
        min: 1,
        max,
        default: 1,
    }
    .arg(Some(value))
}

choice! {
    /// How `benchAwaitPromise` awaits: which Promise -> Future bridge, on which
    /// executor.
    enum Bridge {
        /// `"jsfuture"`: wasm-bindgen-futures' `JsFuture`, on its executor.
        JsFuture = "jsfuture",
        /// `"lean"`: the lab's `lean_await`, on wasm-bindgen-futures' executor.
        Lean = "lean",
        /// `"executor"`: the lab's reaction executor with `reaction_await`.
        Reaction = "executor",
    }
}

const BRIDGE: OneOf<Bridge> = OneOf {
    name: "bridge",
    default: Some(Bridge::JsFuture),
};

/// Benchmark: Rust awaits the same already-resolved JS Promise `n` times in a
/// loop: through wasm-bindgen-futures' `JsFuture` (bridge "jsfuture", two
/// closures per await, on its executor), the lab's `lean_await` (bridge
/// "lean", one shared function bound per await, same executor), or the lab's
/// reaction executor with `reaction_await` (bridge "executor": the loop
/// resumes inside each Promise's reaction job, as a JS async function does).
/// Resolves to the total in ms.
#[wasm_bindgen(js_name = benchAwaitPromise, unchecked_return_type = "Promise<number>", skip_jsdoc)]
pub fn bench_await_promise(
    #[wasm_bindgen(
        unchecked_param_type = "Promise<unknown>",
        param_description = "an already-resolved Promise"
    )]
    promise: JsValue,
    #[wasm_bindgen(
        unchecked_param_type = "number",
        param_description = "how many awaits, 1 to 10000000"
    )]
    n: JsValue,
    #[wasm_bindgen(
        unchecked_param_type = "\"jsfuture\" | \"lean\" | \"executor\"",
        param_description = "which bridge (default \"jsfuture\")"
    )]
    bridge: JsValue,
) -> Promise {
    // Bad arguments reject the returned Promise, as they did when this was an
    // `async fn` export; they never throw.
    let (promise, n, bridge) = match await_promise_args(promise, &n, &bridge) {
        Ok(checked) => checked,
        Err(error) => return Promise::reject(&error),
    };
    match bridge {
        Bridge::JsFuture => time_awaits(Executor::Stock, promise, n),
        Bridge::Reaction => time_awaits(Executor::Reaction, promise, n),
        Bridge::Lean => {
            let clock = performance_clock();
            future_to_promise(async move {
                let started = clock();
                for _ in 0..n {
                    lean_await(promise.clone()).await?;
                }
                Ok((clock() - started).into())
            })
        }
    }
}

/// `benchAwaitPromise`'s arguments, checked: the Promise, how many awaits, and
/// which bridge.
fn await_promise_args(
    promise: JsValue,
    n: &JsValue,
    bridge: &JsValue,
) -> Result<(Promise, u32, Bridge), JsValue> {
    let Ok(promise) = promise.dyn_into::<Promise>() else {
        return Err(js_sys::TypeError::new("promise must be a Promise").into());
    };
    let n = count("n", 10_000_000, n)?;
    let bridge = BRIDGE.arg(Some(bridge))?;
    Ok((promise, n, bridge))
}

/// Benchmark: an `async fn` export that returns at once, through the stock
/// bridge (`future_to_promise`): JS awaits it in a loop.
#[wasm_bindgen(js_name = benchReturnAsync, unchecked_return_type = "number", skip_jsdoc)]
pub async fn bench_return_async() -> Result<JsValue, JsValue> {
    Ok(JsValue::from(1))
}

/// Benchmark: the same, through the lab's eager bridge (`eager_promise`): a
/// future that is ready at its first poll becomes an already-resolved Promise.
#[wasm_bindgen(js_name = benchReturnEager, unchecked_return_type = "Promise<number>", skip_jsdoc)]
pub fn bench_return_eager() -> Promise {
    eager_promise(async { Ok(JsValue::from(1)) })
}

const TIMER: OneOf<TimerSource> = OneOf {
    name: "timer",
    default: Some(TimerSource::Queue),
};

choice! {
    /// The set `benchSleepers` joins its futures in.
    enum JoinSet {
        /// `"unordered"`: futures-util's `FuturesUnordered`.
        Unordered = "unordered",
        /// `"slab"`: the lab's `SlabJoin`.
        Slab = "slab",
    }
}

const JOIN: OneOf<JoinSet> = OneOf {
    name: "join",
    default: Some(JoinSet::Unordered),
};

/// Benchmark: `n` concurrent futures, each sleeping 0 to maxMs ms (the
/// sleepers lesson's spread), all awaited; timer "gloo" (one setTimeout and
/// closure per future) or "queue" (the lab's timer queue: one JS timer in
/// all), joined by join "unordered" (futures-util's `FuturesUnordered`: an
/// `Arc`'d task node per future) or "slab" (the lab's `SlabJoin`: futures
/// inline in one `Vec`, a 16-byte waker each). All are made and polled at
/// once, unlike the lesson's paced run. Resolves to `{ ms, heapBytesPerFuture }`:
/// the Rust heap bytes per future while all are asleep (the future, its timer
/// and its place in the join set), counted at the allocator.
#[wasm_bindgen(
    js_name = benchSleepers,
    unchecked_return_type = "Promise<{ ms: number; heapBytesPerFuture: number }>",
    skip_jsdoc
)]
pub fn bench_sleepers_export(
    #[wasm_bindgen(
        unchecked_param_type = "number",
        param_description = "how many futures, 1 to 2000000"
    )]
    n: JsValue,
    #[wasm_bindgen(
        js_name = "maxMs",
        unchecked_param_type = "number",
        param_description = "longest sleep, 0 to 60000 ms"
    )]
    max_ms: JsValue,
    #[wasm_bindgen(
        unchecked_param_type = "\"gloo\" | \"queue\"",
        param_description = "which timer (default \"queue\")"
    )]
    timer: JsValue,
    #[wasm_bindgen(
        unchecked_param_type = "\"unordered\" | \"slab\"",
        param_description = "which join set (default \"unordered\")"
    )]
    join: JsValue,
) -> Promise {
    to_promise(bench_sleepers(n, max_ms, timer, join))
}

/// The future behind the `benchSleepers` export ([`bench_sleepers_export`]):
/// what its Promise settles with. The wasm tests await it directly.
pub async fn bench_sleepers(
    n: JsValue,
    max_ms: JsValue,
    timer: JsValue,
    join: JsValue,
) -> Result<JsValue, JsValue> {
    let n = count("n", 2_000_000, &n)?;
    let max_ms = WholeNumber {
        name: "maxMs",
        ..MAX_MS
    }
    .arg(Some(&max_ms))?;
    let timer = TIMER.arg(Some(&timer))?;
    let join = JOIN.arg(Some(&join))?;
    let joined = match timer {
        TimerSource::Sleep => {
            let sleeps = (0..n).map(|i| sleep(sleep_ms(i, max_ms)));
            join_unpaced(sleeps, n, join).await
        }
        TimerSource::Queue => {
            let sleeps = (0..n).map(|i| queue_sleep(sleep_ms(i, max_ms)));
            join_unpaced(sleeps, n, join).await
        }
    };
    Ok(object([
        ("ms", joined.ms.into()),
        (
            "heapBytesPerFuture",
            (joined.heap_bytes / f64::from(n)).into(),
        ),
    ]))
}

/// `n` sleeps joined at once, unpaced (the bench measures the join alone), in
/// `SlabJoin` or in futures' own `FuturesUnordered`.
async fn join_unpaced<F: Future<Output = ()> + Unpin>(
    sleeps: impl Iterator<Item = F>,
    n: u32,
    join: JoinSet,
) -> Joined {
    let nothing = || 0;
    match join {
        JoinSet::Slab => {
            let mut set = SlabJoin::with_capacity(n as usize);
            join_sleepers(&mut set, sleeps, n, &nothing, None).await
        }
        JoinSet::Unordered => {
            join_sleepers(&mut FuturesUnordered::new(), sleeps, n, &nothing, None).await
        }
    }
}

/// Benchmark: spawn `n` trivial tasks with `spawn_local` and wait until all
/// have run. Resolves to the total in ms.
#[wasm_bindgen(js_name = benchSpawn, unchecked_return_type = "Promise<number>", skip_jsdoc)]
pub fn bench_spawn_export(
    #[wasm_bindgen(
        unchecked_param_type = "number",
        param_description = "how many tasks, 1 to 10000000"
    )]
    n: JsValue,
) -> Promise {
    to_promise(bench_spawn(n))
}

/// The future behind the `benchSpawn` export ([`bench_spawn_export`]): what
/// its Promise settles with.
pub async fn bench_spawn(n: JsValue) -> Result<JsValue, JsValue> {
    let n = count("n", 10_000_000, &n)?;
    let clock = performance_clock();
    let started = clock();
    let left = Rc::new(Cell::new(n));
    let (done, all_ran) = oneshot::channel::<()>();
    let done = Rc::new(Cell::new(Some(done)));
    for _ in 0..n {
        let left = left.clone();
        let done = done.clone();
        spawn_local(async move {
            left.set(left.get().saturating_sub(1));
            if left.get() == 0 {
                if let Some(done) = done.take() {
                    let _ = done.send(());
                }
            }
        });
    }
    let _ = all_ran.await;
    Ok((clock() - started).into())
}

choice! {
    /// The clock `benchTraceEvent`'s trace reads.
    enum TraceClock {
        /// `"performance"`: `performance.now()` for each event, as every lesson.
        Performance = "performance",
        /// `"counter"`: a count, which asks the browser nothing.
        Counter = "counter",
    }
}

const TRACE_CLOCK: OneOf<TraceClock> = OneOf {
    name: "clock",
    default: Some(TraceClock::Performance),
};

choice! {
    /// What `benchTraceEvent` polls.
    enum TraceShape {
        /// `"task"`: one traced task.
        Task = "task",
        /// `"tree"`: that task in a `join` node in the run's root.
        Tree = "tree",
    }
}

const TRACE_SHAPE: OneOf<TraceShape> = OneOf {
    name: "shape",
    default: Some(TraceShape::Task),
};

/// Benchmark: what recording one trace event costs: a traced task polled `n`
/// times, two events a poll. Clock "performance" reads `performance.now()` for
/// each event, as every lesson does; clock "counter" only counts, which leaves
/// the recording alone (the trace model, its summaries, the waker bookkeeping)
/// without the price of asking the browser for the time. Shape "task" polls
/// one traced task; shape "tree" polls that task inside a `join` node inside
/// the run's root, as the lessons are recorded for the tree of futures (six
/// events a poll, each node also marking the run it polls). Resolves to
/// nanoseconds per event.
#[wasm_bindgen(js_name = benchTraceEvent, unchecked_return_type = "number", skip_jsdoc)]
pub fn bench_trace_event(
    #[wasm_bindgen(
        unchecked_param_type = "number",
        param_description = "how many polls, 1 to 10000000"
    )]
    n: JsValue,
    #[wasm_bindgen(
        unchecked_param_type = "\"performance\" | \"counter\"",
        param_description = "the trace's clock (default \"performance\")"
    )]
    clock: JsValue,
    #[wasm_bindgen(
        unchecked_param_type = "\"task\" | \"tree\"",
        param_description = "a lone task, or a task in a join in the run's root (default \"task\")"
    )]
    shape: JsValue,
) -> Result<f64, JsValue> {
    let n = count("n", 10_000_000, &n)?;
    let trace_clock = TRACE_CLOCK.arg(Some(&clock))?;
    let shape = TRACE_SHAPE.arg(Some(&shape))?;
    // The stopwatch is always the real clock; only the trace's clock varies.
    let stopwatch = performance_clock();
    let clock: Clock = match trace_clock {
        TraceClock::Counter => {
            let ticks = Rc::new(Cell::new(0.0));
            Rc::new(move || {
                ticks.set(ticks.get() + 1.0);
                ticks.get()
            })
        }
        TraceClock::Performance => stopwatch.clone(),
    };
    let run = Run::start("bench", "trace", vec![], clock, None);
    let task = run.task("busy", std::future::pending::<()>());
    let started;
    let events_per_poll = match shape {
        TraceShape::Tree => {
            let join = run.node(
                "join",
                NodeKind::Join,
                futures::future::join(task, std::future::pending::<()>()),
            );
            let mut root = Box::pin(run.root(join));
            started = stopwatch();
            for _ in 0..n {
                let _ = root.as_mut().poll(&mut Context::from_waker(Waker::noop()));
            }
            6.0
        }
        TraceShape::Task => {
            let mut task = Box::pin(task);
            started = stopwatch();
            for _ in 0..n {
                let _ = task.as_mut().poll(&mut Context::from_waker(Waker::noop()));
            }
            2.0
        }
    };
    let ns = (stopwatch() - started) * 1e6 / (events_per_poll * f64::from(n));
    Ok(ns)
}
