//! Export of the search lesson: `searchStats(mode, { timeoutMs, slowMs, hedgeMs })`.

use futures::future::{self, Either};
use futures::FutureExt;
use js_sys::{Array, Object, Promise, JSON};
use wasm_bindgen::prelude::*;

use super::args::rules::{OneOf, WholeNumber};
use super::args::{js_or_undefined, JsRule};
use super::export::{run_lesson, to_promise};
use crate::lessons::search::{
    self, Asked, Found, Mode, SearchError, DEFAULT_HEDGE_MS, DEFAULT_SLOW_MS, DEFAULT_TIMEOUT_MS,
};
use crate::runtime::choice::Choice;
use crate::runtime::fetch::{service_worker_control, service_worker_controls_page};
use crate::runtime::js_object::set;
use crate::runtime::run::Run;
use crate::runtime::time::sleep;

#[wasm_bindgen]
extern "C" {
    /// The search's mode as the caller passed it, checked in Rust.
    #[wasm_bindgen(typescript_type = "SearchMode")]
    pub type SearchModeArg;

    /// The search's options object as the caller passed it, read field by field.
    #[wasm_bindgen(typescript_type = "SearchOptions")]
    pub type SearchOptions;
}

const MODE: OneOf<Mode> = OneOf {
    name: "mode",
    default: Some(Mode::Race),
};

const TIMEOUT_MS: WholeNumber = WholeNumber {
    name: "options.timeoutMs",
    unit: "milliseconds",
    min: 0,
    max: 60_000,
    default: DEFAULT_TIMEOUT_MS,
};

const SLOW_MS: WholeNumber = WholeNumber {
    name: "options.slowMs",
    default: DEFAULT_SLOW_MS,
    ..TIMEOUT_MS
};

const HEDGE_MS: WholeNumber = WholeNumber {
    name: "options.hedgeMs",
    default: DEFAULT_HEDGE_MS,
    ..TIMEOUT_MS
};

/// Asks three sources for COVID-19 figures (one answers 404, one is slow, one
/// is quick) with real `fetch`: `"sequential"`, `"fallback"`, `"race"` (the
/// first *successful* answer wins), `"all"` or `"hedged"` (ask the next source
/// too when no answer came within `hedgeMs`, or at once after a failure),
/// under one global timeout. Resolves to which source answered, how long it
/// took and the figures; rejects with a `TimeoutError` or an `Error`.
#[wasm_bindgen(js_name = searchStats, unchecked_return_type = "Promise<SearchResult>", skip_jsdoc)]
pub fn search_stats_export(
    #[wasm_bindgen(
        param_description = "\"sequential\", \"fallback\", \"race\", \"all\" or \"hedged\" (default \"race\")"
    )]
    mode: Option<SearchModeArg>,
    #[wasm_bindgen(
        param_description = "{ timeoutMs, slowMs, hedgeMs }: whole ms from 0 to 60000 (defaults 3000, 1200 and 200)"
    )]
    options: Option<SearchOptions>,
) -> Promise {
    to_promise(search_stats(mode, options))
}

/// The future behind the `searchStats` export ([`search_stats_export`]): what its
/// Promise settles with. The wasm tests await it directly.
pub async fn search_stats(
    mode: Option<SearchModeArg>,
    options: Option<SearchOptions>,
) -> Result<JsValue, JsValue> {
    let mode = MODE.arg(mode.as_ref())?;
    let options = js_or_undefined(options);
    let timeout_ms = TIMEOUT_MS.field(&options, "options", "timeoutMs")?;
    let slow_ms = SLOW_MS.field(&options, "options", "slowMs")?;
    let hedge_ms = HEDGE_MS.field(&options, "options", "hedgeMs")?;
    let mut args = vec![("timeoutMs", timeout_ms.into()), ("slowMs", slow_ms.into())];
    if mode == Mode::Hedged {
        args.push(("hedgeMs", hedge_ms.into()));
    }
    let ran = run_lesson(
        ("search", mode.name()),
        args,
        Some(&options),
        async |run: &Run| {
            // A fetch sent before the sources' service worker controls the page would
            // miss it and reach the real server, which has no /sources/. The wait
            // counts against the global timeout.
            if !service_worker_controls_page() {
                run.print("wait until the sources' service worker controls this page");
                let waited =
                    future::select(service_worker_control().boxed_local(), sleep(timeout_ms));
                match waited.await {
                    Either::Left((Ok(()), _)) => {}
                    Either::Left((Err(reason), _)) => return Err(NoSources::Failed(reason)),
                    Either::Right(_) => return Err(NoSources::TimedOut),
                }
            }
            let left_ms = timeout_ms.saturating_sub(run.elapsed_ms().ceil() as u32);
            let sources = search::sources(slow_ms);
            Ok(search::search(run, mode.strategy(hedge_ms), &sources, left_ms).await)
        },
    )
    .await?;
    let took_ms = ran.report.total_ms;
    let mode_name = mode.name();
    let outcome = match ran.value {
        Ok(outcome) => outcome,
        Err(NoSources::Failed(reason)) => {
            return Err(js_sys::Error::new(&format!(
                "searchStats needs the service worker that serves its sources: {reason}"
            ))
            .into())
        }
        Err(NoSources::TimedOut) => {
            return Err(timeout_error(
                &format!(
                    "searchStats(\"{mode_name}\") timed out after {timeout_ms} ms: no service \
                     worker took control of this page to serve the sources (the page registers \
                     sources-sw.js)"
                ),
                &[],
            ))
        }
    };
    match outcome {
        Ok(found) => Ok(found_to_js(mode_name, took_ms, &found)),
        Err(SearchError::TimedOut { asked, .. }) => Err(timeout_error(
            &format!(
                "searchStats(\"{mode_name}\") timed out after {timeout_ms} ms; the requests still out were aborted"
            ),
            &asked,
        )),
        Err(SearchError::NoAnswer { asked }) => {
            let reasons: Vec<String> = asked
                .iter()
                .map(|a| format!("{}: {}", a.source, a.result.as_ref().err().map_or("answered", String::as_str)))
                .collect();
            let error = js_sys::Error::new(&format!("no source answered ({})", reasons.join("; ")));
            set(&error, "asked", &asked_to_js(&asked));
            Err(error.into())
        }
    }
}

/// Why a search could not start: no service worker serves the sources.
enum NoSources {
    /// Waiting for one failed, for this reason.
    Failed(String),
    /// None took control within the search's whole timeout.
    TimedOut,
}

fn timeout_error(message: &str, asked: &[Asked]) -> JsValue {
    let error = js_sys::Error::new(message);
    error.set_name("TimeoutError");
    set(&error, "asked", &asked_to_js(asked));
    error.into()
}

fn asked_to_js(asked: &[Asked]) -> JsValue {
    asked
        .iter()
        .map(|a| {
            let object = Object::new();
            set(&object, "source", &a.source.into());
            set(&object, "ok", &a.result.is_ok().into());
            if let Err(reason) = &a.result {
                set(&object, "error", &reason.as_str().into());
            }
            JsValue::from(object)
        })
        .collect::<Array>()
        .into()
}

fn found_to_js(mode: &str, took_ms: f64, found: &Found) -> JsValue {
    let object = Object::new();
    set(&object, "mode", &mode.into());
    set(&object, "source", &found.source.into());
    set(&object, "tookMs", &took_ms.into());
    // The sources serve JSON; a body that is not JSON shows as null figures.
    let figures = JSON::parse(&found.body).unwrap_or(JsValue::NULL);
    set(&object, "figures", &figures);
    if let Some(agree) = found.agree {
        set(&object, "agree", &agree.into());
    }
    set(&object, "asked", &asked_to_js(&found.asked));
    object.into()
}

#[wasm_bindgen(typescript_custom_section)]
const SEARCH_TYPES: &str = r#"
/** How `lab.searchStats()` asks its sources. */
export type SearchMode = "sequential" | "fallback" | "race" | "all" | "hedged";

/** `lab.searchStats("race", { timeoutMs: 3000, slowMs: 1200 })`. */
export interface SearchOptions {
  /** The global timeout, whole ms from 0 to 60000 (default 3000). */
  timeoutMs?: number;
  /** How long the slowpoke source takes, whole ms from 0 to 60000 (default 1200). */
  slowMs?: number;
  /** In "hedged" mode: how long to wait for an answer before asking the next source too, whole ms from 0 to 60000 (default 200). */
  hedgeMs?: number;
  /** Aborting it stops the run (see RunOptions). */
  signal?: AbortSignal;
}

/** One country's totals on the dataset's date. */
export interface CountryFigures {
  country: string;
  confirmed: number;
  deaths: number;
}

/** What the sources serve: a small real dataset, its source named in it. */
export interface Figures {
  source: string;
  date: string;
  countries: CountryFigures[];
}

/** One source that finished, answered or failed. */
export interface AskedSource {
  source: "gone" | "slowpoke" | "quick";
  ok: boolean;
  /** Why it failed, e.g. "HTTP 404". */
  error?: string;
}

/** What `lab.searchStats()` resolves to. */
export interface SearchResult {
  mode: SearchMode;
  /** The source whose answer is used. */
  source: "gone" | "slowpoke" | "quick";
  /** From the call to the answer, in ms. */
  tookMs: number;
  figures: Figures | null;
  /** In "all" mode: whether every answer was the same. */
  agree?: boolean;
  /** Every source that finished, in the order they did. */
  asked: AskedSource[];
}
"#;
