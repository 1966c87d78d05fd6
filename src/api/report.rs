//! A run's report as JS objects, the `lastRun()` export, and the observer that
//! echoes each run to the devtools console and to the page as DOM events.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::rc::Rc;
use std::sync::Once;

use js_sys::{Array, Error, Object, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{console, CustomEvent, CustomEventInit, EventTarget};

use crate::runtime::clock::performance_clock;
use crate::runtime::js_object::set;
use crate::runtime::run::{Line, Observer, Report, Run, RunInfo};
use crate::runtime::thread::current_thread;
use crate::runtime::trace::{Event, EventKind, NodeKind, TaskSummary};

thread_local! {
    // The last few finished runs, newest last: `lab.tree(step, runId)` can
    // replay a card's run after another card has run.
    // Shared with the export that finished each: no copy of a long trace.
    static RUNS: RefCell<VecDeque<Rc<Report>>> = const { RefCell::new(VecDeque::new()) };
}

/// How many finished runs are kept for `tree`/`queues`.
pub(crate) const RUNS_KEPT: usize = 8;

/// Calls `read` with the report of run `id` (the last run when `None`), if kept.
pub(crate) fn with_report<T>(id: Option<u32>, read: impl FnOnce(&Report) -> T) -> Option<T> {
    RUNS.with(|runs| {
        let runs = runs.borrow();
        let report = match id {
            Some(id) => runs.iter().find(|r| r.info.id == id),
            None => runs.back(),
        };
        report.map(|r| read(r.as_ref()))
    })
}

/// The ids of the runs kept, oldest first.
pub(crate) fn kept_run_ids() -> Vec<u32> {
    RUNS.with(|runs| runs.borrow().iter().map(|r| r.info.id).collect())
}

/// Starts a run whose lines go to the console and the page as they are printed.
pub(crate) fn start_run(
    lesson: &'static str,
    mode: &'static str,
    args: Vec<(&'static str, f64)>,
) -> Run {
    // Every lesson passes here, so this is where a panic hook is installed
    // (once; later calls are a no-op). Not `#[wasm_bindgen(start)]`: that would
    // add a `start()` export to the console API for no user's benefit.
    install_panic_hook();
    Run::start(
        lesson,
        mode,
        args,
        performance_clock(),
        Some(Rc::new(PageObserver)),
    )
}

/// Installs, once, a panic hook that logs the panic with its stack and then
/// dispatches `lab:panic` on `globalThis` with the message as its detail.
/// Under `panic = "abort"`, the default for this target, a panic aborts the
/// instance (a `RuntimeError: unreachable` follows at once);
/// the event tells the page why, so it can say so and start a fresh instance.
///
/// The log is what `console_error_panic_hook` writes (the message, then the JS
/// stack of a fresh `Error`), done here so that the message is formatted once
/// for both: the crate formats it a second time and brings its own import,
/// 0.7 KB more wasm and 0.8 KB more JS glue (0.3 KB gzipped in all).
fn install_panic_hook() {
    static INSTALLED: Once = Once::new();
    INSTALLED.call_once(|| {
        std::panic::set_hook(Box::new(|info| {
            let message = info.to_string();
            let stack = Reflect::get(&Error::new(""), &JsValue::from_str("stack"))
                .ok()
                .and_then(|stack| stack.as_string())
                .unwrap_or_default();
            console::error_1(&JsValue::from_str(&format!(
                "{message}\n\nStack:\n\n{stack}\n\n"
            )));
            dispatch("lab:panic", &JsValue::from_str(&message));
        }));
    });
}

/// Ends `run`, keeps its report for `lastRun()`, announces it to the page
/// (`lab:run-end`, with the report as a JS object), and returns it.
pub(crate) fn finish_run(run: Run) -> Rc<Report> {
    let report = Rc::new(run.finish());
    dispatch("lab:run-end", &report_to_js(&report));
    RUNS.with(|runs| {
        let mut runs = runs.borrow_mut();
        if runs.len() >= RUNS_KEPT {
            runs.pop_front();
        }
        runs.push_back(Rc::clone(&report));
    });
    report
}

/// The report of the most recent finished run: every line printed (with its time
/// since the run started and the task that printed it), every task's start, end
/// and outcome, and the total time. `undefined` before the first run.
#[wasm_bindgen(js_name = lastRun, unchecked_return_type = "RunReport | undefined", skip_jsdoc)]
pub fn last_run() -> JsValue {
    with_report(None, report_to_js).unwrap_or(JsValue::UNDEFINED)
}

/// The trace of the most recent finished run: every task's creation, each poll
/// start and end (Pending, and what it waits for, or Ready), each wake (and what
/// woke it), completion, and drop before completion. Empty before the first run.
#[wasm_bindgen(unchecked_return_type = "TraceEvent[]", skip_jsdoc)]
pub fn trace() -> JsValue {
    with_report(None, |report| task_events_to_js(report).into())
        .unwrap_or_else(|| Array::new().into())
}

/// Per-task numbers of the most recent finished run: polls, wakes, time busy
/// inside poll and time idle waiting, first poll, end and outcome. Empty before
/// the first run.
#[wasm_bindgen(js_name = traceSummary, unchecked_return_type = "TaskSummary[]", skip_jsdoc)]
pub fn trace_summary() -> JsValue {
    with_report(None, |report| task_summaries_to_js(report).into())
        .unwrap_or_else(|| Array::new().into())
}

/// Echoes a run as it happens: `console.log` for the devtools, and the events
/// `lab:run-start` and `lab:line` on `globalThis` for the page (which only
/// listens; it never reaches into Rust).
struct PageObserver;

impl Observer for PageObserver {
    fn started(&self, info: &RunInfo) {
        dispatch("lab:run-start", &info_to_js(info));
    }

    fn printed(&self, info: &RunInfo, line: &Line) {
        console::log_1(&JsValue::from_str(&format!(
            "[{}/{} #{}] +{} ms  {}",
            info.lesson,
            info.mode,
            info.id,
            // Whole ms, formatted as an integer: float formatting costs ~15 KB of wasm.
            line.at_ms.round() as i64,
            line.text
        )));
        let detail = info_to_js(info);
        set(&detail, "line", &line_to_js(line));
        dispatch("lab:line", &detail);
    }
}

/// Dispatches a `CustomEvent` on `globalThis` when it is an `EventTarget` (a page
/// or a worker); elsewhere (Node) there is no one to tell, so it does nothing.
pub(crate) fn dispatch(kind: &str, detail: &JsValue) {
    let Ok(target) = js_sys::global().dyn_into::<EventTarget>() else {
        return;
    };
    let init = CustomEventInit::new();
    init.set_detail(detail);
    if let Ok(event) = CustomEvent::new_with_event_init_dict(kind, &init) {
        // A listener that throws is reported by the browser; it must not stop the run.
        let _ = target.dispatch_event(&event);
    }
}

fn info_to_js(info: &RunInfo) -> Object {
    let object = Object::new();
    set(&object, "id", &info.id.into());
    set(&object, "lesson", &info.lesson.into());
    set(&object, "mode", &info.mode.into());
    let args = Object::new();
    for (name, value) in &info.args {
        set(&args, name, &(*value).into());
    }
    set(&object, "args", &args);
    object
}

fn line_to_js(line: &Line) -> JsValue {
    let object = Object::new();
    set(&object, "text", &line.text.as_str().into());
    set(&object, "atMs", &line.at_ms.into());
    set(
        &object,
        "task",
        &line.task.map_or(JsValue::NULL, JsValue::from),
    );
    let thread = line.thread.clone().unwrap_or_else(current_thread);
    set(&object, "thread", &thread.into());
    object.into()
}

fn optional(value: Option<f64>) -> JsValue {
    value.map_or(JsValue::NULL, JsValue::from)
}

fn summary_to_js(summary: &TaskSummary) -> JsValue {
    let object = Object::new();
    set(&object, "name", &summary.name.into());
    set(&object, "startMs", &optional(summary.start_ms));
    set(&object, "endMs", &optional(summary.end_ms));
    set(&object, "outcome", &summary.outcome.as_str().into());
    set(&object, "polls", &summary.polls.into());
    set(&object, "wakes", &summary.wakes.into());
    set(&object, "busyMs", &summary.busy_ms.into());
    set(&object, "idleMs", &summary.idle_ms.into());
    object.into()
}

/// Whether node `index` of `report` is one of the lesson's tasks: the trace
/// and summaries the page has always drawn show only those; the run, its
/// combinators and its leaves are for the tree and queues views.
fn is_task(report: &Report, index: u32) -> bool {
    report
        .tasks
        .get(index as usize)
        .is_some_and(|s| s.kind == NodeKind::Task)
}

fn task_summaries_to_js(report: &Report) -> Array {
    report
        .tasks
        .iter()
        .filter(|s| s.kind == NodeKind::Task)
        .map(summary_to_js)
        .collect()
}

/// The tasks' events, each with `step`, its index in the whole record (the
/// step that `tree(step)` and `queues(step)` take).
fn task_events_to_js(report: &Report) -> Array {
    report
        .events
        .iter()
        .enumerate()
        .filter(|(_, e)| is_task(report, e.task))
        .map(|(step, e)| {
            let js = event_to_js(e, &report.tasks);
            set(&js, "step", &JsValue::from_f64(step as f64));
            js
        })
        .collect()
}

fn event_to_js(event: &Event, tasks: &[TaskSummary]) -> JsValue {
    let object = Object::new();
    let name = tasks.get(event.task as usize).map_or("?", |s| s.name);
    set(&object, "task", &name.into());
    let kind = match event.kind {
        EventKind::Created => "created",
        EventKind::PollStart { depth } => {
            set(&object, "depth", &depth.into());
            "poll-start"
        }
        EventKind::PollEnd { ready, waiting } => {
            let result = if ready { "ready" } else { "pending" };
            set(&object, "result", &result.into());
            if let Some(cause) = waiting {
                set(&object, "waiting", &cause.as_str().into());
            }
            "poll-end"
        }
        EventKind::Woken { by } => {
            set(&object, "by", &by.as_str().into());
            "woken"
        }
        EventKind::Completed => "completed",
        EventKind::Dropped => "dropped",
        EventKind::Armed { due_ms } => {
            if let Some(due) = due_ms {
                set(&object, "dueMs", &due.into());
            }
            "armed"
        }
        EventKind::Fired => "fired",
    };
    set(&object, "kind", &kind.into());
    set(&object, "t", &event.t.into());
    object.into()
}

/// `report` as the JS object `lastRun()` returns.
pub(crate) fn report_to_js(report: &Report) -> JsValue {
    let object = info_to_js(&report.info);
    let lines: Array = report.lines.iter().map(line_to_js).collect();
    let tasks = task_summaries_to_js(report);
    let events = task_events_to_js(report);
    set(&object, "lines", &lines);
    set(&object, "tasks", &tasks);
    set(&object, "events", &events);
    set(
        &object,
        "eventsLeftOut",
        &JsValue::from_f64(report.events_left_out as f64),
    );
    set(
        &object,
        "traceCap",
        &JsValue::from_f64(report.trace_cap as f64),
    );
    set(&object, "totalMs", &report.total_ms.into());
    set(
        &object,
        "steps",
        &JsValue::from_f64(report.events.len() as f64),
    );
    set(
        &object,
        "futureBytes",
        &report
            .future_bytes
            .map_or(JsValue::NULL, |bytes| JsValue::from_f64(bytes as f64)),
    );
    object.into()
}

#[wasm_bindgen(typescript_custom_section)]
const REPORT_TYPES: &str = r#"
/** One line a lesson printed. */
export interface PrintedLine {
  /** What was printed, e.g. "thread two". */
  text: string;
  /** Milliseconds since the run started. */
  atMs: number;
  /** The task being polled when it was printed, or null outside any task. */
  task: string | null;
  /** "main" (the page's thread), or for a line a Web Worker sent back, that worker's name, such as "worker 3": the thread that slept before it. The main thread prints a worker's line when its reply arrives. */
  thread: string;
}

/** One task of a run, in milliseconds since the run started: `traceSummary()`. */
export interface TaskSummary {
  name: string;
  /** First poll (a future does nothing before it); null if never polled. */
  startMs: number | null;
  /** When it became ready or was dropped; null while running. */
  endMs: number | null;
  /** "dropped" means cancelled before it was ready, e.g. the loser of a race. */
  outcome: "ready" | "dropped" | "running";
  /** How many times it was polled: a sleeping future is polled twice, not spun. */
  polls: number;
  /** How many times its waker was called. */
  wakes: number;
  /** Time inside its polls: the only time it used the thread. */
  busyMs: number;
  /** Time between a Pending poll and the next poll or the end: waiting, thread free. */
  idleMs: number;
}

/** What a Pending future waits for, and so what wakes it. */
export type WakeCause = "timer" | "promise" | "channel" | "fetch" | "worker" | "itself" | "unknown";

/**
 * One event of a run's tasks: `trace()`, and `events` of a RunReport. `step` is
 * its index in the run's whole record (tasks, the run, combinators and leaves),
 * the step that `tree(step)` and `queues(step)` take.
 */
export type TraceEvent =
  | { task: string; t: number; step: number; kind: "created" | "completed" | "dropped" }
  | { task: string; t: number; step: number; kind: "poll-start"; depth: number }
  | { task: string; t: number; step: number; kind: "poll-end"; result: "pending" | "ready"; waiting?: WakeCause }
  | { task: string; t: number; step: number; kind: "woken"; by: WakeCause };

/** Everything one run did: `lastRun()`, and the detail of the `lab:run-end` event. */
export interface RunReport {
  id: number;
  lesson: string;
  mode: string;
  /** The arguments the run used, defaults applied, in parameter order. */
  args: Record<string, number>;
  lines: PrintedLine[];
  tasks: TaskSummary[];
  /** The trace, at most `traceCap` events; `eventsLeftOut` counts the rest. */
  events: TraceEvent[];
  eventsLeftOut: number;
  traceCap: number;
  totalMs: number;
  /** How many steps the whole record has: `tree(step)` takes 0 to steps - 1. */
  steps: number;
  /** Bytes of the run's top-level future (`size_of_val`), or null. */
  futureBytes: number | null;
}
"#;
