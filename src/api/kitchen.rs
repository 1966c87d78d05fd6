//! Export of the kitchen lesson: `kitchen(mode, { cookMs, callMs })`.

use js_sys::{Array, Promise};
use wasm_bindgen::prelude::*;

use super::args::rules::{OneOf, WholeNumber};
use super::args::{js_or_undefined, JsRule};
use super::export::{run_lesson, to_promise};
use crate::lessons::kitchen::{self, Mode, DEFAULT_CALL_MS, DEFAULT_COOK_MS};
use crate::runtime::choice::Choice;
use crate::runtime::js_object::object;
use crate::runtime::run::Run;

#[wasm_bindgen]
extern "C" {
    /// The kitchen's mode as the caller passed it, checked in Rust (any JS value
    /// at run time; typed for TypeScript users).
    #[wasm_bindgen(typescript_type = "\"sync\" | \"async\"")]
    pub type KitchenMode;

    /// The kitchen's options object as the caller passed it, read field by field.
    #[wasm_bindgen(typescript_type = "KitchenOptions")]
    pub type KitchenOptions;
}

const MODE: OneOf<Mode> = OneOf {
    name: "mode",
    default: Some(Mode::Async),
};

const COOK_MS: WholeNumber = WholeNumber {
    name: "options.cookMs",
    unit: "milliseconds",
    min: 0,
    max: 60_000,
    default: DEFAULT_COOK_MS,
};

const CALL_MS: WholeNumber = WholeNumber {
    name: "options.callMs",
    default: DEFAULT_CALL_MS,
    ..COOK_MS
};

/// Cooks dinner while the phone rings: in `"sync"` you finish cooking, then pick
/// up (the caller waits the whole time: cook + call); in `"async"` you talk
/// while the pot boils: max(cook, chop + pot on + call). Chopping is busy work
/// on the thread. Resolves to the lines, the total and how long the caller waited.
#[wasm_bindgen(js_name = kitchen, unchecked_return_type = "Promise<KitchenResult>", skip_jsdoc)]
pub fn kitchen_export(
    #[wasm_bindgen(param_description = "\"sync\" or \"async\" (default \"async\")")] mode: Option<
        KitchenMode,
    >,
    #[wasm_bindgen(
        param_description = "{ cookMs, callMs }: whole ms from 0 to 60000 (defaults 1200 and 600)"
    )]
    options: Option<KitchenOptions>,
) -> Promise {
    to_promise(kitchen(mode, options))
}

/// The future behind the `kitchen` export ([`kitchen_export`]): what its
/// Promise settles with. The wasm tests await it directly.
pub async fn kitchen(
    mode: Option<KitchenMode>,
    options: Option<KitchenOptions>,
) -> Result<JsValue, JsValue> {
    let mode = MODE.arg(mode.as_ref())?;
    let options = js_or_undefined(options);
    let cook_ms = COOK_MS.field(&options, "options", "cookMs")?;
    let call_ms = CALL_MS.field(&options, "options", "callMs")?;
    let ran = run_lesson(
        ("kitchen", mode.name()),
        vec![("cookMs", cook_ms.into()), ("callMs", call_ms.into())],
        Some(&options),
        async |run: &Run| kitchen::evening(run, mode, cook_ms, call_ms).await,
    )
    .await?;
    let (outcome, total_ms) = (ran.value, ran.report.total_ms);

    let lines: Array = outcome.lines.iter().map(|l| JsValue::from_str(l)).collect();
    Ok(object([
        ("mode", JsValue::from_str(mode.name())),
        ("lines", lines.into()),
        ("totalMs", total_ms.into()),
        ("callerWaitedMs", outcome.caller_waited_ms.into()),
    ]))
}

#[wasm_bindgen(typescript_custom_section)]
const KITCHEN_TYPES: &str = r#"
/** What to cook and how long to talk: `lab.kitchen("async", { cookMs: 1200, callMs: 600 })`. */
export interface KitchenOptions {
  /** All of cooking, whole ms from 0 to 60000 (default 1200): a quarter chopping (busy work on the thread), a twentieth putting the pot on, a tenth serving, the rest the boil (timers). */
  cookMs?: number;
  /** The call once picked up, whole ms from 0 to 60000 (default 600). */
  callMs?: number;
  /** Aborting it stops the run (see RunOptions). */
  signal?: AbortSignal;
}

/** What `lab.kitchen()` resolves to. */
export interface KitchenResult {
  mode: "sync" | "async";
  /** Every line printed, in order. */
  lines: string[];
  /** From the first line to the last, in ms. */
  totalMs: number;
  /** From the ring to picking up, in ms. */
  callerWaitedMs: number;
}
"#;
