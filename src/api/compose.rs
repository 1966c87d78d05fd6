//! Exports of the compose lesson: `compose(text, { signal, js })`, which runs
//! a composition as Rust futures (and, with `js: true`, as JS Promises too),
//! `composeCode(text)`, the live parse with the code it stands for, and
//! `composePresets()`.

use std::rc::Rc;

use futures::future::{self, Either};
use futures::FutureExt;
use js_sys::{Array, Object, Promise, RangeError, Reflect, SyntaxError, TypeError};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

use super::args::rules::{ArgValue, Flag};
use super::args::{arg_value, js_or_undefined, signal_option, JsRule};
use super::export::to_promise;
use super::report::{dispatch, finish_run, report_to_js, start_run};
use crate::lessons::compose::code;
use crate::lessons::compose::diff::{self, JsEvent, JsKind, JsLine, JsRecord};
use crate::lessons::compose::parse::{parse, Kind, Node, ParseError, PRESETS};
use crate::lessons::compose::run::{build, task_names, timer_name, Composer, Value};
use crate::lessons::search::{sources, DEFAULT_SLOW_MS};
use crate::runtime::abort::abortable;
use crate::runtime::fetch::{service_worker_control, service_worker_controls_page};
use crate::runtime::js_object::set;
use crate::runtime::time::sleep;

#[wasm_bindgen(module = "/src/api/compose_promises.js")]
extern "C" {
    /// Runs the tree as JS Promises; resolves to its record.
    #[wasm_bindgen(js_name = runPromises)]
    fn run_promises(tree: &JsValue, signal: &JsValue) -> Promise;
}

#[wasm_bindgen]
extern "C" {
    /// A composition's text as the caller passed it, checked in Rust.
    #[wasm_bindgen(typescript_type = "string")]
    pub type CompositionText;

    /// `compose`'s options object as the caller passed it, read field by field.
    #[wasm_bindgen(typescript_type = "ComposeOptions")]
    pub type ComposeOptions;
}

const JS: Flag = Flag {
    name: "options.js",
    default: false,
};

/// How long a composition with a `fetch` waits for the sources' service
/// worker to control the page before it gives up.
const CONTROL_MS: u32 = 5_000;

/// The text, or the first preset when it is `undefined`; a `TypeError`
/// naming `text` for anything but a string.
fn text_of(text: Option<&CompositionText>) -> Result<String, JsValue> {
    match arg_value(text) {
        ArgValue::Undefined => Ok(PRESETS.first().map_or("", |(_, t)| *t).to_owned()),
        ArgValue::Text(text) => Ok(text),
        _ => Err(TypeError::new(
            "text must be a composition as a string, e.g. 'select(sleep(600, \"one\"), sleep(300, \"two\"))'",
        )
        .into()),
    }
}

/// A parse error as the JS error it stands for, with its `column` (from 1).
fn parse_error(error: &ParseError) -> JsValue {
    let js: JsValue = match error {
        ParseError::Syntax { .. } => SyntaxError::new(&error.to_string()).into(),
        ParseError::Limit { .. } => RangeError::new(&error.to_string()).into(),
    };
    set(&js, "column", &(error.at().saturating_add(1) as f64).into());
    js
}

fn parsed(text: Option<&CompositionText>) -> Result<Node, JsValue> {
    parse(&text_of(text)?).map_err(|e| parse_error(&e))
}

/// Parses a composition and returns the async Rust and the JavaScript it
/// stands for, pretty-printed, with its node count: what the card shows as
/// you type. Throws a SyntaxError (or a RangeError for a limit) whose message
/// names the column and what was expected there; its `column` says where.
#[wasm_bindgen(js_name = composeCode, unchecked_return_type = "ComposeCode", skip_jsdoc)]
pub fn compose_code(
    #[wasm_bindgen(
        param_description = "a composition such as 'join(sleep(300, \"a\"), block(200, \"b\"))' (default: the threads example)"
    )]
    text: Option<CompositionText>,
) -> Result<JsValue, JsValue> {
    let tree = parsed(text.as_ref())?;
    let object = Object::new();
    set(&object, "rust", &code::rust(&tree, "composition").into());
    set(&object, "js", &code::js(&tree).into());
    set(&object, "rustPrelude", &code::RUST_PRELUDE.into());
    set(&object, "jsPrelude", &code::JS_PRELUDE.into());
    set(&object, "nodes", &(tree.count() as f64).into());
    set(&object, "names", &strings(&task_names(&tree)));
    Ok(object.into())
}

/// The article's examples as compositions, `{ name, text }` each, in the
/// order the card lists them.
#[wasm_bindgen(js_name = composePresets, unchecked_return_type = "{ name: string; text: string }[]", skip_jsdoc)]
pub fn compose_presets() -> JsValue {
    PRESETS
        .iter()
        .map(|(name, text)| {
            let preset = Object::new();
            set(&preset, "name", &(*name).into());
            set(&preset, "text", &(*text).into());
            JsValue::from(preset)
        })
        .collect::<Array>()
        .into()
}

/// Runs a composition of futures (`sleep`, `block`, `yield`, `fetch`, `fail`;
/// `join`, `select`, `seq`, `timeout`, `spawn`) as real traced Rust futures,
/// and with `{ js: true }` then as JS Promises too. Resolves to `{ rust, js,
/// differences }`: each side's lines, total and root value or error, and
/// where the two records differ. A syntax error rejects with a SyntaxError,
/// a limit (16 levels, 200 nodes, ms 0 to 60000) with a RangeError.
#[wasm_bindgen(js_name = compose, unchecked_return_type = "Promise<ComposeResult>", skip_jsdoc)]
pub fn compose_export(
    #[wasm_bindgen(
        param_description = "a composition such as 'select(sleep(600, \"one\"), sleep(300, \"two\"))' (default: the threads example)"
    )]
    text: Option<CompositionText>,
    #[wasm_bindgen(
        param_description = "{ signal, js }: an AbortSignal that stops the run; js: true to run it as JS Promises too (default false)"
    )]
    options: Option<ComposeOptions>,
) -> Promise {
    to_promise(compose(text, options))
}

/// The future behind the `compose` export ([`compose_export`]): what its
/// Promise settles with. The wasm tests await it directly.
pub async fn compose(
    text: Option<CompositionText>,
    options: Option<ComposeOptions>,
) -> Result<JsValue, JsValue> {
    let tree = parsed(text.as_ref())?;
    let options = js_or_undefined(options);
    let js = JS.field(&options, "options", "js")?;
    let signal = signal_option(Some(&options), "options")?;
    if has_fetch(&tree) && !service_worker_controls_page() {
        let waited = future::select(service_worker_control().boxed_local(), sleep(CONTROL_MS));
        if let Either::Left((Err(_), _)) | Either::Right(_) = waited.await {
            return Err(js_sys::Error::new(
                "compose: fetch needs the service worker that serves the sources, and none controls this page",
            )
            .into());
        }
    }

    let names = task_names(&tree);
    let run = start_run("compose", "rust", vec![("nodes", tree.count() as f64)]);
    let composer = Rc::new(Composer::new(run, &tree));
    let ran = {
        let root = build(&composer, &tree);
        let run = composer.run();
        abortable(
            signal.clone(),
            run.root(async {
                let outcome = root.await;
                let total = run.elapsed_ms();
                // A spawned task outlives a lost race, as a detached task does:
                // the record waits for it.
                composer.spawned_done().await;
                (outcome, total)
            }),
        )
        .await
    };
    if ran.is_err() {
        composer.abort_spawned();
    }
    composer.spawned_done().await;
    let Ok(composer) = Rc::try_unwrap(composer) else {
        return Err(js_sys::Error::new("compose: a spawned task outlived its run").into());
    };
    let report = finish_run(composer.into_run());
    let (outcome, total) = ran?;

    let result = Object::new();
    let rust = side(
        &report
            .lines
            .iter()
            .map(|l| l.text.clone())
            .collect::<Vec<_>>(),
        total,
    );
    let rust_error = outcome.as_ref().err().map(|f| f.message.clone());
    match &outcome {
        Ok(value) => set(&rust, "value", &value_to_js(value)),
        Err(failure) => {
            set(&rust, "error", &failure.message.as_str().into());
            set(&rust, "why", &diff::why(&tree, &names, failure).into());
        }
    }
    set(&rust, "report", &report_to_js(&report));
    set(&result, "rust", &rust);
    set(&result, "text", &text_of(text.as_ref())?.into());

    let differences = Array::new();
    if js {
        let signal_js = js_or_undefined(signal);
        let record = JsFuture::from(run_promises(&tree_to_js(&tree, &names), &signal_js)).await?;
        let js_record = record_from_js(&record);
        let js_error = Reflect::get(&record, &"error".into())
            .ok()
            .and_then(|e| e.as_string());
        let js_total = number(&record, "totalMs");
        let js_side = side(
            &js_record
                .lines
                .iter()
                .map(|l| l.text.clone())
                .collect::<Vec<_>>(),
            js_total,
        );
        match &js_error {
            Some(error) => set(&js_side, "error", &error.as_str().into()),
            None => set(
                &js_side,
                "value",
                &Reflect::get(&record, &"value".into()).unwrap_or(JsValue::UNDEFINED),
            ),
        }
        set(&js_side, "record", &record);
        set(&result, "js", &js_side);
        for found in diff::differences(
            &tree,
            &names,
            &report,
            &js_record,
            (rust_error.as_deref(), js_error.as_deref()),
        ) {
            let item = Object::new();
            set(&item, "kind", &found.kind.into());
            set(&item, "task", &found.task.into());
            set(&item, "text", &found.text.into());
            differences.push(&item);
        }
    }
    set(&result, "differences", &differences);
    dispatch("lab:compose-end", &result);
    Ok(result.into())
}

fn has_fetch(node: &Node) -> bool {
    matches!(node.kind, Kind::Fetch(_)) || node.children.iter().any(has_fetch)
}

fn strings(texts: &[String]) -> JsValue {
    texts
        .iter()
        .map(|t| JsValue::from_str(t))
        .collect::<Array>()
        .into()
}

/// `{ lines, totalMs }`: what both sides have.
fn side(lines: &[String], total_ms: f64) -> Object {
    let object = Object::new();
    set(&object, "lines", &strings(lines));
    set(&object, "totalMs", &total_ms.into());
    object
}

fn value_to_js(value: &Value) -> JsValue {
    match value {
        Value::Text(text) => text.as_str().into(),
        Value::List(values) => values.iter().map(value_to_js).collect::<Array>().into(),
    }
}

/// The tree as the JS side takes it: kind, task name, label, ms, the
/// source's URL, the timeout's timer name, children.
fn tree_to_js(node: &Node, names: &[String]) -> JsValue {
    let object = Object::new();
    let name = names.get(node.id).map_or("node", String::as_str);
    set(&object, "kind", &node.kind.name().into());
    set(&object, "name", &name.into());
    set(&object, "label", &node.label.as_str().into());
    match node.kind {
        Kind::Sleep(ms) | Kind::Block(ms) => set(&object, "ms", &ms.into()),
        Kind::Timeout(ms) => {
            set(&object, "ms", &ms.into());
            set(&object, "timer", &timer_name(name).into());
        }
        Kind::Fetch(source) => {
            let url = sources(DEFAULT_SLOW_MS)
                .into_iter()
                .find(|s| s.name == source.as_str())
                .map(|s| s.url)
                .unwrap_or_default();
            set(&object, "url", &url.into());
        }
        _ => {}
    }
    let children: Array = node
        .children
        .iter()
        .map(|child| tree_to_js(child, names))
        .collect();
    set(&object, "children", &children);
    object.into()
}

fn number(object: &JsValue, key: &str) -> f64 {
    Reflect::get(object, &key.into())
        .ok()
        .and_then(|v| v.as_f64())
        .unwrap_or(f64::NAN)
}

fn text(object: &JsValue, key: &str) -> String {
    Reflect::get(object, &key.into())
        .ok()
        .and_then(|v| v.as_string())
        .unwrap_or_default()
}

/// The JS side's record, read back into Rust for the comparison.
fn record_from_js(record: &JsValue) -> JsRecord {
    let list =
        |key: &str| Array::from(&Reflect::get(record, &key.into()).unwrap_or(JsValue::UNDEFINED));
    let lines = list("lines")
        .iter()
        .map(|line| JsLine {
            text: text(&line, "text"),
            at_ms: number(&line, "atMs"),
            task: text(&line, "task"),
        })
        .collect();
    let events = list("events")
        .iter()
        .filter_map(|event| {
            let kind = match text(&event, "kind").as_str() {
                "created" => JsKind::Created,
                "timer-armed" => JsKind::TimerArmed,
                "timer-fired" => JsKind::TimerFired,
                "timer-cleared" => JsKind::TimerCleared,
                "settled" => JsKind::Settled {
                    ok: Reflect::get(&event, &"ok".into())
                        .ok()
                        .and_then(|v| v.as_bool())
                        .unwrap_or(false),
                },
                "callback" => JsKind::Callback {
                    ms: number(&event, "ms"),
                },
                _ => return None,
            };
            Some(JsEvent {
                task: text(&event, "task"),
                kind,
                t: number(&event, "t"),
            })
        })
        .collect();
    JsRecord { lines, events }
}

#[wasm_bindgen(typescript_custom_section)]
const COMPOSE_TYPES: &str = r#"
/** The options of `compose`. */
export interface ComposeOptions {
  /** Aborting it stops the run (see RunOptions): timers cleared, requests aborted, spawned tasks too. */
  signal?: AbortSignal;
  /** true: after the Rust run, run the same composition as JS Promises and compare the records (default false). */
  js?: boolean;
}

/** What `composeCode` returns: the code a composition stands for. */
export interface ComposeCode {
  /** The async Rust, as one `async fn composition()`. */
  rust: string;
  /** The JavaScript, as one `async function composition()`. */
  js: string;
  /** What the Rust leaves and imports are. */
  rustPrelude: string;
  /** What the JS leaves are. */
  jsPrelude: string;
  /** How many nodes it has (at most 200). */
  nodes: number;
  /** Each node's task name in the traces, depth first. */
  names: string[];
}

/** One event of the JS side's record, named by the same task names as the Rust trace. */
export type JsTraceEvent =
  | { task: string; t: number; kind: "created" | "timer-fired" | "timer-cleared" }
  | { task: string; t: number; kind: "timer-armed"; ms: number }
  | { task: string; t: number; kind: "settled"; ok: boolean }
  | { task: string; t: number; kind: "callback"; ms: number };

/** The JS side's record: what its Promises printed and did. */
export interface JsRunRecord {
  lesson: "compose";
  mode: "js";
  lines: PrintedLine[];
  events: JsTraceEvent[];
  /** Each node's Promise: made (startMs), settled (endMs), and how. */
  tasks: { name: string; startMs: number | null; endMs: number | null; outcome: "fulfilled" | "rejected" | "pending" }[];
  /** When the root settled. */
  totalMs: number;
  /** When the last Promise made settled: the record's end. */
  endMs: number;
  value?: unknown;
  error?: string;
}

/** One side of a composition's run. */
export interface ComposeSide {
  /** The lines printed, in order. */
  lines: string[];
  /** Milliseconds until the root future (or Promise) was done. */
  totalMs: number;
  /** The root's value: a leaf's label, or a join's list. */
  value?: unknown;
  /** The root's error, e.g. "fetch gone: HTTP 404". */
  error?: string;
}

/** What `compose` resolves to. */
export interface ComposeResult {
  /** The composition run. */
  text: string;
  /** The Rust run, with its report (as `lastRun()`) and, for an error, why. */
  rust: ComposeSide & { report: RunReport; why?: string };
  /** The JS run, with `{ js: true }`. */
  js?: ComposeSide & { record: JsRunRecord };
  /** Where the two records differ (empty without `{ js: true }`). */
  differences: { kind: "loser-printed" | "timer-not-cleared" | "eager-start" | "order" | "outcome"; task: string; text: string }[];
}
"#;
