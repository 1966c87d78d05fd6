//! Exports of the sequence lesson: `sequential`, `concurrent` and `race`.

use js_sys::{Array, Promise};
use wasm_bindgen::prelude::*;

use super::args::rules::WholeNumber;
use super::args::{arg_value, signal_option, to_js_error, Millis, RunOptions};
use super::export::to_promise;
use super::report::{finish_run, start_run};
use crate::lessons::sequence::{self, DEFAULT_ONE_MS, DEFAULT_TWO_MS};
use crate::runtime::abort::abortable;
use crate::runtime::run::Run;

/// The longest sleep a caller may ask for: a minute is plenty to watch.
const MAX_MS: u32 = 60_000;

const ONE_MS: WholeNumber = WholeNumber {
    name: "oneMs",
    unit: "milliseconds",
    min: 0,
    max: MAX_MS,
    default: DEFAULT_ONE_MS,
};

const TWO_MS: WholeNumber = WholeNumber {
    name: "twoMs",
    default: DEFAULT_TWO_MS,
    ..ONE_MS
};

/// Checks the two sleeps every `thread_one`/`thread_two` export takes.
fn sleeps(one_ms: Option<Millis>, two_ms: Option<Millis>) -> Result<(u32, u32), JsValue> {
    let one = ONE_MS
        .check(arg_value(one_ms.as_ref()))
        .map_err(to_js_error)?;
    let two = TWO_MS
        .check(arg_value(two_ms.as_ref()))
        .map_err(to_js_error)?;
    Ok((one, two))
}

/// The run's arguments for the two sleeps.
fn args(one: u32, two: u32) -> Vec<(&'static str, f64)> {
    vec![(ONE_MS.name, one.into()), (TWO_MS.name, two.into())]
}

/// Printed lines as a JS array of strings.
pub(crate) fn strings(lines: &[String]) -> JsValue {
    lines
        .iter()
        .map(|s| JsValue::from_str(s))
        .collect::<Array>()
        .into()
}

/// What every `thread_one`/`thread_two` export does around its lesson: checks
/// the two sleeps and the signal (rejecting before anything starts), runs
/// `lesson` as the run `name`/`mode`, abortable, and ends the run whether or not
/// it was aborted, so that `lastRun()` shows what was printed up to an abort.
pub(crate) async fn run_with_sleeps<T>(
    (name, mode): (&'static str, &'static str),
    one_ms: Option<Millis>,
    two_ms: Option<Millis>,
    options: Option<RunOptions>,
    lesson: impl AsyncFnOnce(&Run, u32, u32) -> T,
) -> Result<T, JsValue> {
    let (one, two) = sleeps(one_ms, two_ms)?;
    let signal = signal_option(options.as_ref(), "options")?;
    let run = start_run(name, mode, args(one, two));
    let outcome = abortable(signal, lesson(&run, one, two)).await;
    finish_run(run);
    outcome
}

/// Awaits `thread_one()`, then `thread_two()`: the second does not start until
/// the first is done. Resolves to `["thread one", "thread two"]` after about
/// oneMs + twoMs. Rejects with a TypeError or RangeError on a bad argument.
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
    #[wasm_bindgen(param_description = "{ signal }: an AbortSignal that stops the run")]
    options: Option<RunOptions>,
) -> Promise {
    to_promise(sequential(one_ms, two_ms, options))
}

/// The future behind the `sequential` export ([`sequential_export`]): what its
/// Promise settles with. The wasm tests await it directly.
pub async fn sequential(
    one_ms: Option<Millis>,
    two_ms: Option<Millis>,
    options: Option<RunOptions>,
) -> Result<JsValue, JsValue> {
    let lines = run_with_sleeps(
        ("sequence", "sequential"),
        one_ms,
        two_ms,
        options,
        sequence::sequential,
    )
    .await?;
    Ok(strings(&lines))
}

/// Joins `thread_one()` and `thread_two()` on one thread: both wait at once.
/// Resolves to their lines in the order they finished (`["thread two",
/// "thread one"]` by default) after about max(oneMs, twoMs).
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
    #[wasm_bindgen(param_description = "{ signal }: an AbortSignal that stops the run")]
    options: Option<RunOptions>,
) -> Promise {
    to_promise(concurrent(one_ms, two_ms, options))
}

/// The future behind the `concurrent` export ([`concurrent_export`]): what its
/// Promise settles with. The wasm tests await it directly.
pub async fn concurrent(
    one_ms: Option<Millis>,
    two_ms: Option<Millis>,
    options: Option<RunOptions>,
) -> Result<JsValue, JsValue> {
    let lines = run_with_sleeps(
        ("sequence", "concurrent"),
        one_ms,
        two_ms,
        options,
        sequence::concurrent,
    )
    .await?;
    Ok(strings(&lines))
}

/// Races `thread_one()` against `thread_two()` (`select`): resolves to the first
/// one's line; the other is dropped unfinished, its JS timer cleared, and it
/// never prints. Takes about min(oneMs, twoMs).
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
    #[wasm_bindgen(param_description = "{ signal }: an AbortSignal that stops the run")]
    options: Option<RunOptions>,
) -> Promise {
    to_promise(race(one_ms, two_ms, options))
}

/// The future behind the `race` export ([`race_export`]): what its
/// Promise settles with. The wasm tests await it directly.
pub async fn race(
    one_ms: Option<Millis>,
    two_ms: Option<Millis>,
    options: Option<RunOptions>,
) -> Result<JsValue, JsValue> {
    let line = run_with_sleeps(
        ("sequence", "race"),
        one_ms,
        two_ms,
        options,
        sequence::race,
    )
    .await?;
    Ok(JsValue::from_str(&line))
}
