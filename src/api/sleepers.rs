//! Export of the sleepers lesson, `sleepers(n, { maxMs, timer, signal })`:
//! what a sleeping future costs. Up to a million futures, each asleep 0 to
//! `maxMs` ms, joined in a [`SlabJoin`], against as many JS Promises around
//! `setTimeout` in the same run: the time, the heap bytes per sleeping future
//! counted at the allocator, and the JS timers armed, counted where each
//! `setTimeout` is called ([`js_timers`](crate::runtime::js_timers)).
//!
//! `join_sleepers` is the join and its measurement, shared with the
//! benchmark's sleepers row (`benchSleepers` in `bench.rs`): paced for the
//! lesson (futures made in slices with a turn of the event loop between them,
//! so the page never holds a task of 50 ms), unpaced for the benchmark.

use std::future::{poll_fn, Future};
use std::pin::Pin;
use std::task::{Context, Poll};

use futures::stream::{Stream, StreamExt};
use js_sys::Promise;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

use super::args::rules::{OneOf, WholeNumber};
use super::args::{js_or_undefined, signal_option, JsRule};
use super::export::{run_lesson, to_promise};
use super::report::dispatch;
use crate::runtime::choice::Choice;
use crate::runtime::clock::performance_clock;
use crate::runtime::heap::live_bytes;
use crate::runtime::js_object::object;
use crate::runtime::js_text::{js_number, tenths};
use crate::runtime::js_timers::{reset_peak, timer_counts, TimerSource};
use crate::runtime::recorder::untraced;
use crate::runtime::run::Run;
use crate::runtime::slab_join::SlabJoin;
use crate::runtime::time::sleep;
use crate::runtime::timer_queue::queue_sleep;
use crate::runtime::yield_now::{next_turn, NextTurn};

#[wasm_bindgen(module = "/src/api/compose_promises.js")]
extern "C" {
    /// The JS side: `n` Promises around `setTimeout`, made in slices;
    /// resolves to `{ ms, timersSet, timersAtOnce }`.
    #[wasm_bindgen(js_name = sleepPromises)]
    fn sleep_promises(n: u32, max_ms: u32, slice_ms: f64, signal: &JsValue, run_id: u32)
        -> Promise;
}

#[wasm_bindgen]
extern "C" {
    /// How many futures, as the caller passed it: typed `number`, checked in Rust.
    #[wasm_bindgen(typescript_type = "number")]
    pub type FutureCount;

    /// `sleepers`' options object as the caller passed it, read field by field.
    #[wasm_bindgen(typescript_type = "SleepersOptions")]
    pub type SleepersOptions;
}

/// The longest sleep, in ms: the lesson's `options.maxMs` and the benchmark's `maxMs`.
pub(crate) const MAX_MS: WholeNumber = WholeNumber {
    name: "options.maxMs",
    unit: "milliseconds",
    min: 0,
    max: 60_000,
    default: 1_000,
};

const N: WholeNumber = WholeNumber {
    name: "n",
    unit: "futures",
    min: 1,
    max: 1_000_000,
    default: 100_000,
};

/// The two timers a sleeper can use: gloo's `TimeoutFuture` (one JS timer per
/// future) or the lab's timer queue (one JS timer for all).
const TIMER: OneOf<TimerSource> = OneOf {
    name: "options.timer",
    default: Some(TimerSource::Queue),
};

/// The longest a slice of the paced join runs before it gives the event loop
/// a turn: well under the 50 ms of a long task, with room for what the browser
/// does in the same task.
pub(crate) const SLICE_MS: f64 = 8.0;

/// The most events the run's trace keeps: its task is polled at every slice
/// and at every timer that wakes some futures (with gloo, up to `n` times).
const TRACE_CAP: usize = 1_000;

/// Futures made (and first polled) at a time between two looks at the clock.
const BATCH: u32 = 1024;
/// Futures finished between two looks at the clock.
const CHECK_EVERY: u32 = 256;
/// The least time between two progress reports, ms.
const PROGRESS_MS: f64 = 33.0;

/// How long sleeper `i` of a run sleeps: 0 to `max_ms` ms, spread evenly and
/// shuffled (7919 is prime, so `i * 7919` runs through every remainder). The
/// JS side computes the same numbers.
pub(crate) fn sleep_ms(i: u32, max_ms: u32) -> u32 {
    let span = u64::from(max_ms).saturating_add(1);
    // Below span, so it fits in a u32; span is at least 1.
    (u64::from(i).saturating_mul(7919).checked_rem(span)).unwrap_or(0) as u32
}

/// How a join is paced: slices of at most `slice_ms`, a turn of the event
/// loop between them, and progress reports.
pub(crate) struct Pace<'a> {
    /// The longest a slice may run, ms.
    pub(crate) slice_ms: f64,
    /// Told how many have finished and how many were made: at most every 33
    /// ms, once all are made and polled, and at the end.
    pub(crate) progress: &'a mut dyn FnMut(u32, u32),
}

/// What [`join_sleepers`] measured.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Joined {
    /// From before the first future was made until the last one finished, ms.
    pub(crate) ms: f64,
    /// The heap bytes held beyond what was live before, once every future
    /// had been made and polled: the futures, their timers and the set.
    pub(crate) heap_bytes: f64,
    /// How many were asleep at that moment (the rest had finished already).
    pub(crate) asleep: u32,
}

/// How a round of polling the set ended.
enum Drained {
    /// The set is empty.
    Empty,
    /// Every future woken so far was polled; the rest sleep.
    Asleep,
    /// The slice's time ran out with work left.
    OutOfTime,
}

/// Polls `set` until it is empty or pending, counting what finishes; stops
/// early when `out_of_time` says so (asked every 256 finished).
fn drain<S: Stream<Item = ()> + Unpin>(
    set: &mut S,
    cx: &mut Context<'_>,
    woken: &mut u32,
    out_of_time: &dyn Fn() -> bool,
) -> Drained {
    let mut since_check: u32 = 0;
    loop {
        match set.poll_next_unpin(cx) {
            Poll::Ready(Some(())) => {
                *woken = woken.saturating_add(1);
                since_check = since_check.saturating_add(1);
                if since_check >= CHECK_EVERY {
                    since_check = 0;
                    if out_of_time() {
                        return Drained::OutOfTime;
                    }
                }
            }
            Poll::Ready(None) => return Drained::Empty,
            Poll::Pending => return Drained::Asleep,
        }
    }
}

/// Makes `n` futures from `futures` into `set` and awaits them all; measures
/// the heap once all were made and polled (less `own_bytes()`, what the
/// caller's own record holds, before and then). Polled untraced: a million
/// sleeps are no nodes of a run's tree.
///
/// With a `pace`, futures are made `BATCH` at a time and each slice yields to
/// the event loop after `pace.slice_ms`; without, all are made at once and
/// polled in one go (the benchmark's way: fastest, one long task).
pub(crate) async fn join_sleepers<S, F>(
    set: &mut S,
    futures: impl Iterator<Item = F>,
    n: u32,
    own_bytes: &dyn Fn() -> usize,
    mut pace: Option<Pace<'_>>,
) -> Joined
where
    S: Stream<Item = ()> + Extend<F> + Unpin,
{
    let clock = performance_clock();
    let mut futures = futures;
    let before = live_bytes().saturating_sub(own_bytes());
    let started = clock();
    let (mut made, mut woken) = (0u32, 0u32);
    let mut measured: Option<(f64, u32)> = None;
    let mut turn: Option<NextTurn> = None;
    let mut last_progress = f64::NEG_INFINITY;
    let slice_ms = pace.as_ref().map(|p| p.slice_ms);
    poll_fn(|cx: &mut Context<'_>| {
        untraced(|| loop {
            if let Some(waiting) = turn.as_mut() {
                if Pin::new(waiting).poll(cx).is_pending() {
                    return Poll::Pending;
                }
                turn = None;
            }
            let slice_start = clock();
            let out_of_time = || slice_ms.is_some_and(|ms| clock() - slice_start >= ms);
            let state = loop {
                if made < n {
                    let left = n.saturating_sub(made);
                    let batch = if slice_ms.is_some() {
                        BATCH.min(left)
                    } else {
                        left
                    };
                    set.extend(futures.by_ref().take(batch as usize));
                    made = made.saturating_add(batch);
                }
                match drain(set, cx, &mut woken, &out_of_time) {
                    Drained::OutOfTime => break Drained::OutOfTime,
                    drained @ (Drained::Asleep | Drained::Empty) if made >= n => break drained,
                    // More to make: on in this slice if there is time.
                    _ if out_of_time() => break Drained::OutOfTime,
                    _ => {}
                }
            };
            if matches!(state, Drained::Asleep) && measured.is_none() {
                let held = live_bytes()
                    .saturating_sub(own_bytes())
                    .saturating_sub(before);
                measured = Some((held as f64, made.saturating_sub(woken)));
                // The moment all are made: always reported.
                last_progress = f64::NEG_INFINITY;
            }
            let empty = matches!(state, Drained::Empty);
            if let Some(pace) = pace.as_mut() {
                let now = clock();
                if empty || now - last_progress >= PROGRESS_MS {
                    last_progress = now;
                    (pace.progress)(woken, made);
                }
            }
            match state {
                Drained::Empty => return Poll::Ready(()),
                Drained::Asleep => return Poll::Pending,
                // Polled at the top of the loop, which arms its timer.
                Drained::OutOfTime => turn = Some(next_turn()),
            }
        })
    })
    .await;
    let (heap_bytes, asleep) = measured.unwrap_or((0.0, 0));
    Joined {
        ms: clock() - started,
        heap_bytes,
        asleep,
    }
}

/// A set of sleepers that, dropped with futures still in it (a stopped run),
/// is taken apart a slice at a time on later turns of the event loop: a
/// million gloo sleeps each clear a JS timer as they go, which at once would
/// hold the page for a long task.
struct Releasing<F: Future<Output = ()> + Unpin + 'static>(SlabJoin<F>);

impl<F: Future<Output = ()> + Unpin + 'static> Drop for Releasing<F> {
    fn drop(&mut self) {
        if self.0.is_empty() {
            return;
        }
        let mut set = std::mem::take(&mut self.0);
        wasm_bindgen_futures::spawn_local(async move {
            let clock = performance_clock();
            loop {
                let start = clock();
                while !set.is_empty() && clock() - start < SLICE_MS {
                    set.drop_some(BATCH as usize);
                }
                if set.is_empty() {
                    break;
                }
                next_turn().await;
            }
        });
    }
}

/// [`join_sleepers`] in a [`SlabJoin`] that, should the run stop, is taken
/// apart a slice at a time ([`Releasing`]).
async fn join_releasing<F: Future<Output = ()> + Unpin + 'static>(
    sleeps: impl Iterator<Item = F>,
    n: u32,
    own_bytes: &dyn Fn() -> usize,
    pace: Option<Pace<'_>>,
) -> Joined {
    let mut set = Releasing(SlabJoin::with_capacity(n as usize));
    join_sleepers(&mut set.0, sleeps, n, own_bytes, pace).await
}

/// Runs `n` sleepers on `timer`, paced, reporting progress as `lab:progress`
/// events of `run` (side "rust"); returns what was measured and the JS timers
/// the sleeps armed: `setTimeout` calls and the most live at once.
async fn rust_side(run: &Run, n: u32, max_ms: u32, timer: TimerSource) -> (Joined, u64, usize) {
    reset_peak(timer);
    let set_before = timer_counts(timer).set;
    let id = run.info().id;
    let mut progress = |woken: u32, made: u32| {
        dispatch(
            "lab:progress",
            &object([
                ("id", id.into()),
                ("lesson", "sleepers".into()),
                ("side", "rust".into()),
                ("woken", woken.into()),
                ("made", made.into()),
                ("n", n.into()),
            ]),
        );
    };
    let own_bytes = || run.trace_heap_bytes();
    let pace = Some(Pace {
        slice_ms: SLICE_MS,
        progress: &mut progress,
    });
    let joined = match timer {
        TimerSource::Sleep => {
            let sleeps = (0..n).map(|i| sleep(sleep_ms(i, max_ms)));
            join_releasing(sleeps, n, &own_bytes, pace).await
        }
        TimerSource::Queue => {
            let sleeps = (0..n).map(|i| queue_sleep(sleep_ms(i, max_ms)));
            join_releasing(sleeps, n, &own_bytes, pace).await
        }
    };
    let counts = timer_counts(timer);
    (joined, counts.set.saturating_sub(set_before), counts.peak)
}

/// What a sleeping future costs: makes `n` futures (default 100000, up to
/// 1000000), each sleeping 0 to `maxMs` ms, and awaits them all in one
/// `SlabJoin`; then as many JS Promises around `setTimeout`, in the same run.
/// Both are made in slices, with a turn of the event loop between slices, so
/// the page stays responsive. Resolves to a SleepersResult: the times, the
/// Rust heap bytes per sleeping future (counted at the allocator while they
/// sleep) and the JS timers armed, counted at each `setTimeout` call.
#[wasm_bindgen(js_name = sleepers, unchecked_return_type = "Promise<SleepersResult>", skip_jsdoc)]
pub fn sleepers_export(
    #[wasm_bindgen(param_description = "how many futures, 1 to 1000000 (default 100000)")]
    n: Option<FutureCount>,
    #[wasm_bindgen(
        param_description = "{ maxMs, timer, signal }: the longest sleep, whole ms from 0 to 60000 (default 1000); \"gloo\" or \"queue\" (default \"queue\")"
    )]
    options: Option<SleepersOptions>,
) -> Promise {
    to_promise(sleepers(n, options))
}

/// The future behind the `sleepers` export ([`sleepers_export`]): what its
/// Promise settles with. The wasm tests await it directly.
pub async fn sleepers(
    n: Option<FutureCount>,
    options: Option<SleepersOptions>,
) -> Result<JsValue, JsValue> {
    let n = N.arg(n.as_ref())?;
    let options = js_or_undefined(options);
    let max_ms = MAX_MS.field(&options, "options", "maxMs")?;
    let timer = TIMER.field(&options, "options", "timer")?;
    let signal = js_or_undefined(signal_option(Some(&options), "options")?);
    let ran = run_lesson(
        ("sleepers", timer.name()),
        vec![(N.name, n.into()), ("maxMs", max_ms.into())],
        Some(&options),
        async |run: &Run| {
            run.limit_trace(TRACE_CAP);
            let (rust, timers_set, at_once) =
                run.task("rust futures", rust_side(run, n, max_ms, timer)).await;
            let per_future = rust.heap_bytes / f64::from(rust.asleep.max(1));
            run.print(format!(
                "{n} Rust futures ({}) made and polled: {} asleep, {} heap bytes each",
                timer.name(),
                rust.asleep,
                tenths(per_future)
            ));
            run.print(format!(
                "all {n} woke after {} ms; JS timers: {timers_set} setTimeout calls, at most {at_once} at once",
                js_number(rust.ms.round())
            ));
            let promises = sleep_promises(n, max_ms, SLICE_MS, &signal, run.info().id);
            let js = run
                .task("js promises", JsFuture::from(promises))
                .await?;
            let js_ms = js_sys::Reflect::get(&js, &"ms".into())
                .ok()
                .and_then(|ms| ms.as_f64())
                .unwrap_or(f64::NAN);
            run.print(format!(
                "{n} JS Promises around setTimeout all resolved after {} ms",
                js_number(js_ms.round())
            ));
            let rust = object([
                ("ms", rust.ms.into()),
                ("heapBytesPerFuture", per_future.into()),
                ("heapBytes", rust.heap_bytes.into()),
                ("asleep", rust.asleep.into()),
                ("timersSet", (timers_set as f64).into()),
                ("timersAtOnce", (at_once as f64).into()),
            ]);
            Ok::<_, JsValue>((rust, js))
        },
    )
    .await?;
    let (rust, js) = ran.value?;
    Ok(object([
        ("n", n.into()),
        ("maxMs", max_ms.into()),
        ("timer", timer.name().into()),
        ("rust", rust),
        ("js", js),
    ]))
}

#[wasm_bindgen(typescript_custom_section)]
const SLEEPERS_TYPES: &str = r#"
/** How to sleep: `lab.sleepers(100000, { maxMs: 1000, timer: "queue" })`. */
export interface SleepersOptions {
  /** The longest sleep, whole ms from 0 to 60000 (default 1000); sleeper i sleeps i * 7919 % (maxMs + 1) ms. */
  maxMs?: number;
  /** "gloo": gloo-timers' TimeoutFuture, one JS timer per future; "queue" (default): the lab's timer queue, one JS timer for all. */
  timer?: "gloo" | "queue";
  /** Aborting it stops the run (see RunOptions); the futures still asleep are dropped a slice at a time. */
  signal?: AbortSignal;
}

/** What `lab.sleepers()` resolves to. */
export interface SleepersResult {
  n: number;
  maxMs: number;
  timer: "gloo" | "queue";
  /** The Rust futures, joined in one SlabJoin. */
  rust: {
    /** From the first future made to the last one woken, ms. */
    ms: number;
    /** Rust heap bytes per sleeping future, counted at the allocator once all were made and polled: heapBytes / asleep. */
    heapBytesPerFuture: number;
    /** The heap's growth then: the futures, their wakers, their timers and the set (the run's own trace left out). */
    heapBytes: number;
    /** How many were asleep then (the rest had already woken). */
    asleep: number;
    /** setTimeout calls the sleeps made, counted at each call. */
    timersSet: number;
    /** The most of those timers armed at once. */
    timersAtOnce: number;
  };
  /** As many JS Promises around setTimeout, joined with Promise.all. */
  js: {
    /** From the first Promise made to Promise.all settling, ms. */
    ms: number;
    /** setTimeout calls made, counted at each call. */
    timersSet: number;
    /** The most armed at once. */
    timersAtOnce: number;
  };
}
"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sleeps_spread_over_every_ms_from_0_to_max_and_match_the_js_side() {
        let max = 1000;
        let mut seen = vec![false; max as usize + 1];
        for i in 0..=max {
            seen[sleep_ms(i, max) as usize] = true;
        }
        assert!(seen.iter().all(|&s| s), "every ms from 0 to {max} comes up");
        assert_eq!(sleep_ms(0, 0), 0);
        assert_eq!(sleep_ms(999_999, 0), 0);
        // (i * 7919) % (maxMs + 1), exact in a JS number: no u32 wrap-around.
        assert_eq!(
            sleep_ms(999_999, 60_000),
            (999_999u64 * 7919 % 60_001) as u32
        );
    }
}
