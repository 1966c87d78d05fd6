//! Exports of the sequence lesson: `sequential`, `concurrent` and `race`, each
//! with `{ blocking }` (sleep by blocking the thread), and `race` with
//! `{ finishLoser }` (poll the loser to completion after the race).

use js_sys::Promise;
use wasm_bindgen::prelude::*;

use super::args::rules::Flag;
use super::args::{js_or_undefined, two_sleeps, JsRule, Millis, ONE_MS, TWO_MS};
use super::export::{run_lesson, strings, to_promise};
use crate::lessons::sequence::{self, Mode, Sleep};
use crate::runtime::choice::Choice;
use crate::runtime::run::Run;

#[wasm_bindgen]
extern "C" {
    /// The options of `sequential` and `concurrent`, `{ signal?, blocking? }`:
    /// any JS value at run time, read field by field.
    #[wasm_bindgen(typescript_type = "SleepOptions")]
    pub type SleepOptions;

    /// The options of `race`, `{ signal?, blocking?, finishLoser? }`.
    #[wasm_bindgen(typescript_type = "RaceOptions")]
    pub type RaceOptions;
}

#[wasm_bindgen(typescript_custom_section)]
const SLEEP_OPTIONS: &str = r#"
/** `lab.concurrent(600, 300, { blocking: true })`. */
export interface SleepOptions {
  /** Sleep by blocking the thread (a busy wait, as std::thread::sleep would here) instead of awaiting a timer (default false). */
  blocking?: boolean;
  /** Aborting it stops the run (see RunOptions). */
  signal?: AbortSignal;
}

/** `lab.race(600, 300, { finishLoser: true })`. */
export interface RaceOptions {
  /** Sleep by blocking the thread instead of awaiting a timer (default false). */
  blocking?: boolean;
  /** After the race, poll the loser to completion through the reference select hands back, instead of leaving it to be dropped with its pin! slot (default false). */
  finishLoser?: boolean;
  /** Aborting it stops the run (see RunOptions). */
  signal?: AbortSignal;
}
"#;

/// `options.blocking`: absent means await a timer.
const BLOCKING: Flag = Flag {
    name: "options.blocking",
    default: false,
};

/// `options.finishLoser`: absent means the loser is dropped with its slot.
const FINISH_LOSER: Flag = Flag {
    name: "options.finishLoser",
    default: false,
};

/// Reads `options.blocking` as how the two functions sleep.
fn how_they_sleep(options: &JsValue) -> Result<Sleep, JsValue> {
    let blocking = BLOCKING.field(options, "options", "blocking")?;
    Ok(if blocking {
        Sleep::Blocking
    } else {
        Sleep::Awaiting
    })
}

/// The run's arguments: the two sleeps, then what `extra` adds (options
/// switched on, as 1).
fn args(one: u32, two: u32, extra: &[&'static str]) -> Vec<(&'static str, f64)> {
    let mut args = vec![(ONE_MS.name, one.into()), (TWO_MS.name, two.into())];
    args.extend(extra.iter().map(|name| (*name, 1.0)));
    args
}

/// Checks the two sleeps, then runs `lesson` as the run `sequence`/`mode`
/// ([`run_lesson`]). `extra` names the run's switched-on options, recorded in
/// its arguments.
async fn run_with_sleeps<T>(
    mode: Mode,
    (one_ms, two_ms): (Option<Millis>, Option<Millis>),
    (options, extra): (&JsValue, &[&'static str]),
    lesson: impl AsyncFnOnce(&Run, u32, u32) -> T,
) -> Result<T, JsValue> {
    let (one, two) = two_sleeps(one_ms, two_ms)?;
    let ran = run_lesson(
        ("sequence", mode.name()),
        args(one, two, extra),
        Some(options),
        async |run: &Run| lesson(run, one, two).await,
    )
    .await?;
    Ok(ran.value)
}

/// Awaits `thread_one()`, then `thread_two()`: the second does not start until
/// the first is done. Resolves to `["thread one", "thread two"]` after about
/// oneMs + twoMs. `{ blocking: true }`: each sleep blocks the thread instead
/// (one long poll per task, frames dropped). Rejects with a TypeError or
/// RangeError on a bad argument.
#[wasm_bindgen(js_name = sequential, unchecked_return_type = "Promise<string[]>", skip_jsdoc)]
pub fn sequential_export(
    #[wasm_bindgen(
        js_name = "oneMs",
        param_description = "thread_one's sleep, whole ms from 0 to 60000 (default 600)"
    )]
    one_ms: Option<Millis>,
    #[wasm_bindgen(
        js_name = "twoMs",
        param_description = "thread_two's sleep, whole ms from 0 to 60000 (default 300)"
    )]
    two_ms: Option<Millis>,
    #[wasm_bindgen(
        param_description = "{ signal, blocking }: an AbortSignal that stops the run; blocking: sleep by blocking the thread"
    )]
    options: Option<SleepOptions>,
) -> Promise {
    to_promise(sequential(one_ms, two_ms, options))
}

/// The future behind the `sequential` export ([`sequential_export`]): what its
/// Promise settles with. The wasm tests await it directly.
pub async fn sequential(
    one_ms: Option<Millis>,
    two_ms: Option<Millis>,
    options: Option<SleepOptions>,
) -> Result<JsValue, JsValue> {
    both_lines(
        Mode::Sequential,
        (one_ms, two_ms),
        options,
        sequence::sequential_sleeping,
    )
    .await
}

/// `sequential` and `concurrent`: the same arguments, checks and run, but for
/// the lesson function, which gets the two sleeps and how to sleep them.
async fn both_lines(
    mode: Mode,
    sleeps: (Option<Millis>, Option<Millis>),
    options: Option<SleepOptions>,
    lesson: impl AsyncFnOnce(&Run, u32, u32, Sleep) -> Vec<String>,
) -> Result<JsValue, JsValue> {
    let options = js_or_undefined(options);
    let how = how_they_sleep(&options)?;
    let lines = run_with_sleeps(
        mode,
        sleeps,
        (&options, blocking_arg(how)),
        async |run: &Run, one, two| lesson(run, one, two, how).await,
    )
    .await?;
    Ok(strings(&lines))
}

/// Joins `thread_one()` and `thread_two()` on one thread: both wait at once.
/// Resolves to their lines in the order they finished (`["thread two",
/// "thread one"]` by default) after about max(oneMs, twoMs). `{ blocking: true
/// }`: each sleep blocks the thread, so join runs them one after the other,
/// in argument order, in oneMs + twoMs.
#[wasm_bindgen(js_name = concurrent, unchecked_return_type = "Promise<string[]>", skip_jsdoc)]
pub fn concurrent_export(
    #[wasm_bindgen(
        js_name = "oneMs",
        param_description = "thread_one's sleep, whole ms from 0 to 60000 (default 600)"
    )]
    one_ms: Option<Millis>,
    #[wasm_bindgen(
        js_name = "twoMs",
        param_description = "thread_two's sleep, whole ms from 0 to 60000 (default 300)"
    )]
    two_ms: Option<Millis>,
    #[wasm_bindgen(
        param_description = "{ signal, blocking }: an AbortSignal that stops the run; blocking: sleep by blocking the thread"
    )]
    options: Option<SleepOptions>,
) -> Promise {
    to_promise(concurrent(one_ms, two_ms, options))
}

/// The future behind the `concurrent` export ([`concurrent_export`]): what its
/// Promise settles with. The wasm tests await it directly.
pub async fn concurrent(
    one_ms: Option<Millis>,
    two_ms: Option<Millis>,
    options: Option<SleepOptions>,
) -> Result<JsValue, JsValue> {
    both_lines(
        Mode::Concurrent,
        (one_ms, two_ms),
        options,
        sequence::concurrent_sleeping,
    )
    .await
}

/// Races `thread_one()` against `thread_two()` (`select`): resolves to the first
/// one's line; the other is dropped unfinished when its `pin!` slot goes out of
/// scope, its JS timer cleared, and it never prints. Takes about min(oneMs,
/// twoMs). `{ finishLoser: true }`: the loser is then polled to completion and
/// prints too. `{ blocking: true }`: thread_one's poll sleeps and wins; there is
/// nothing to cancel.
#[wasm_bindgen(js_name = race, unchecked_return_type = "Promise<string>", skip_jsdoc)]
pub fn race_export(
    #[wasm_bindgen(
        js_name = "oneMs",
        param_description = "thread_one's sleep, whole ms from 0 to 60000 (default 600)"
    )]
    one_ms: Option<Millis>,
    #[wasm_bindgen(
        js_name = "twoMs",
        param_description = "thread_two's sleep, whole ms from 0 to 60000 (default 300)"
    )]
    two_ms: Option<Millis>,
    #[wasm_bindgen(
        param_description = "{ signal, blocking, finishLoser }: an AbortSignal that stops the run; blocking: sleep by blocking the thread; finishLoser: poll the loser to completion after the race"
    )]
    options: Option<RaceOptions>,
) -> Promise {
    to_promise(race(one_ms, two_ms, options))
}

/// The future behind the `race` export ([`race_export`]): what its
/// Promise settles with. The wasm tests await it directly.
pub async fn race(
    one_ms: Option<Millis>,
    two_ms: Option<Millis>,
    options: Option<RaceOptions>,
) -> Result<JsValue, JsValue> {
    let options = js_or_undefined(options);
    let how = how_they_sleep(&options)?;
    let finish = FINISH_LOSER.field(&options, "options", "finishLoser")?;
    let extra: &[&'static str] = match (how, finish) {
        (Sleep::Blocking, true) => &[BLOCKING_ARG, FINISH_LOSER_ARG],
        (Sleep::Blocking, false) => &[BLOCKING_ARG],
        (Sleep::Awaiting, true) => &[FINISH_LOSER_ARG],
        (Sleep::Awaiting, false) => &[],
    };
    let line = run_with_sleeps(
        Mode::Race,
        (one_ms, two_ms),
        (&options, extra),
        async |run: &Run, one, two| sequence::race_sleeping(run, one, two, how, finish).await,
    )
    .await?;
    Ok(JsValue::from_str(&line))
}

/// The run argument that says the sleeps blocked.
const BLOCKING_ARG: &str = "blocking";
/// The run argument that says the race's loser was polled to completion.
const FINISH_LOSER_ARG: &str = "finishLoser";

/// The run arguments for `how`: `blocking` when the sleeps block.
fn blocking_arg(how: Sleep) -> &'static [&'static str] {
    match how {
        Sleep::Blocking => &[BLOCKING_ARG],
        Sleep::Awaiting => &[],
    }
}
