//! Export of the blocking lesson: `blocking(mode, below)`.

use js_sys::{Object, Promise};
use wasm_bindgen::prelude::*;

use super::args::rules::{OneOf, WholeNumber};
use super::args::{JsRule, Millis, RunOptions};
use super::export::{run_lesson, to_promise};
use super::threads::worker_error;
use crate::lessons::blocking::{self, Way, DEFAULT_BELOW};
use crate::runtime::choice::Choice;
use crate::runtime::js_object::set;
use crate::runtime::run::Run;

#[wasm_bindgen]
extern "C" {
    /// The mode as the caller passed it: typed as the three choices in the
    /// `.d.ts`, but any JS value at run time, checked against the three. Optional, so
    /// `lab.blocking()` means the default.
    #[wasm_bindgen(typescript_type = "\"async\" | \"chunked\" | \"worker\"")]
    pub type BlockingMode;
}

const MODE: OneOf<Way> = OneOf {
    name: "mode",
    default: Some(Way::InAsyncFn),
};

const BELOW: WholeNumber = WholeNumber {
    name: "below",
    unit: "numbers",
    min: 2,
    max: 20_000_000,
    default: DEFAULT_BELOW,
};

/// Counts the primes below `below` one of three ways and watches the page's
/// frames meanwhile: "async" (an async fn on the main thread: the page
/// freezes), "chunked" (yields to the event loop between chunks) or "worker"
/// (on a Web Worker). Resolves to a BlockingRun.
#[wasm_bindgen(js_name = blocking, unchecked_return_type = "Promise<BlockingRun>", skip_jsdoc)]
pub fn blocking_export(
    #[wasm_bindgen(param_description = "where the job runs (default \"async\")")] mode: Option<
        BlockingMode,
    >,
    #[wasm_bindgen(
        param_description = "count the primes below this, 2 to 20000000 (default 3000000)"
    )]
    below: Option<Millis>,
    #[wasm_bindgen(
        param_description = "{ signal }: an AbortSignal that stops the run (between chunks, or the worker; an \"async\" job cannot be interrupted: that is its lesson)"
    )]
    options: Option<RunOptions>,
) -> Promise {
    to_promise(blocking(mode, below, options))
}

/// The future behind the `blocking` export ([`blocking_export`]): what its
/// Promise settles with. The wasm tests await it directly.
pub async fn blocking(
    mode: Option<BlockingMode>,
    below: Option<Millis>,
    options: Option<RunOptions>,
) -> Result<JsValue, JsValue> {
    let way = MODE.arg(mode.as_ref())?;
    let below = BELOW.arg(below.as_ref())?;
    let options = options.map(JsValue::from);
    let ran = run_lesson(
        ("blocking", way.name()),
        vec![(BELOW.name, below.into())],
        options.as_ref(),
        async |run: &Run| blocking::count(run, way, below).await,
    )
    .await?;
    let outcome = ran.value.map_err(|e| worker_error(&e))?;
    let object = Object::new();
    set(&object, "mode", &way.name().into());
    set(&object, "below", &below.into());
    set(&object, "primes", &outcome.primes.into());
    set(&object, "jobMs", &outcome.job_ms.into());
    set(&object, "totalMs", &ran.report.total_ms.into());
    set(&object, "framesDrawn", &outcome.frames.drawn.into());
    set(&object, "framesDropped", &outcome.frames.dropped.into());
    set(
        &object,
        "longestGapMs",
        &outcome.frames.longest_gap_ms.into(),
    );
    set(&object, "thread", &outcome.thread.into());
    set(&object, "chunks", &outcome.chunks.into());
    Ok(object.into())
}

#[wasm_bindgen(typescript_custom_section)]
const BLOCKING_TYPES: &str = r#"
/** What one `blocking()` run saw. */
export interface BlockingRun {
  mode: "async" | "chunked" | "worker";
  below: number;
  /** How many primes lie below `below`: the same in every mode. */
  primes: number;
  /** Milliseconds from the job's start to its result. */
  jobMs: number;
  /** The whole run, including the frames watched before and after. */
  totalMs: number;
  /** Frames the page drew while watched. */
  framesDrawn: number;
  /** Frames it should have drawn but could not: the main thread was busy. */
  framesDropped: number;
  /** The longest gap between two frames, in ms: the longest the page was frozen. */
  longestGapMs: number;
  /** The thread that counted: "main" or a worker's name. */
  thread: string;
  /** How many pieces the job ran in (1 unless chunked). */
  chunks: number;
}
"#;
