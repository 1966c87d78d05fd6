//! `lab.stepper(mode, { oneMs, twoMs })`: the sequence lesson's futures run by
//! the hand-driven executor of `runtime/stepper.rs`, one poll per `poll()`.
//!
//! The tasks are the lesson's own `thread_one`/`thread_two`, wrapped in
//! `run.task` as the automatic run wraps them, so the stepper's run has a
//! trace like any other (`lab.lastRun()` once it is done).
//!
//! What the executor holds differs by mode, and the card says so:
//! `"concurrent"` spawns thread one and thread two as two top-level tasks, so
//! that you poll each (the automatic lesson instead hands wasm-bindgen-futures
//! one future, a `join` of the two, which polls both whenever either wakes);
//! `"sequential"` and `"race"` are one task each, the lesson's own function.

use std::rc::Rc;

use js_sys::{Array, Error, Function};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use super::args::rules::{OneOf, WholeNumber};
use super::args::{js_or_undefined, JsRule};
use super::export::strings;
use super::report::{finish_run, start_run};
use crate::lessons::sequence::{
    self, thread_one, thread_two, Mode, DEFAULT_ONE_MS, DEFAULT_TWO_MS,
};
use crate::runtime::choice::Choice;
use crate::runtime::js_object::object;
use crate::runtime::machine::{machine_at, NodeState};
use crate::runtime::recorder;
use crate::runtime::run::Run;
use crate::runtime::stepper::{BoxedTask, Executor, Polled};

#[wasm_bindgen]
extern "C" {
    /// The stepper's mode as the caller passed it, checked in Rust.
    #[wasm_bindgen(typescript_type = "\"sequential\" | \"concurrent\" | \"race\"")]
    pub type StepperMode;

    /// `{ oneMs?, twoMs? }`, read field by field.
    #[wasm_bindgen(typescript_type = "StepperOptions")]
    pub type StepperOptions;

    /// Runs `callback` in a microtask: a wake is announced after the code
    /// that woke the task (a timer's callback, inside Rust) has returned, so
    /// a listener that polls at once cannot re-enter it.
    #[wasm_bindgen(js_name = queueMicrotask)]
    fn queue_microtask(callback: &Function);
}

#[wasm_bindgen(typescript_custom_section)]
const STEPPER_OPTIONS: &str = r#"
/** `lab.stepper("concurrent", { oneMs: 600, twoMs: 300 })`. */
export interface StepperOptions {
  /** thread_one's sleep, whole ms from 0 to 60000 (default 600). */
  oneMs?: number;
  /** thread_two's sleep, whole ms from 0 to 60000 (default 300). */
  twoMs?: number;
}
"#;

const MODE: OneOf<Mode> = OneOf {
    name: "mode",
    default: Some(Mode::Concurrent),
};

const ONE_MS: WholeNumber = WholeNumber {
    name: "options.oneMs",
    unit: "milliseconds",
    min: 0,
    max: 60_000,
    default: DEFAULT_ONE_MS,
};

const TWO_MS: WholeNumber = WholeNumber {
    name: "options.twoMs",
    default: DEFAULT_TWO_MS,
    ..ONE_MS
};

/// A hand-driven executor running the sequence lesson: see the module docs.
/// `free()` drops it, and with it its futures, which clears their timers.
#[wasm_bindgen]
pub struct Stepper {
    executor: Executor<JsValue>,
    /// The run, until every task is done and it is finished.
    run: Option<Rc<Run>>,
    run_id: u32,
    mode: Mode,
    /// What was printed, kept once the run is finished.
    printed: Vec<String>,
    on_wake: JsValue,
}

/// Makes a stepper in `mode` ("sequential", "concurrent" or "race"; default
/// "concurrent") over thread_one and thread_two. Nothing is polled until you
/// call its `poll()`. Throws a TypeError or RangeError on a bad argument.
#[wasm_bindgen(js_name = stepper, skip_jsdoc)]
pub fn stepper(
    #[wasm_bindgen(
        param_description = "\"sequential\", \"concurrent\" or \"race\" (default \"concurrent\")"
    )]
    mode: Option<StepperMode>,
    #[wasm_bindgen(
        param_description = "{ oneMs, twoMs }: the two sleeps, whole ms from 0 to 60000 (defaults 600 and 300)"
    )]
    options: Option<StepperOptions>,
) -> Result<Stepper, JsValue> {
    let mode = MODE.arg(mode.as_ref())?;
    let options = js_or_undefined(options);
    let one = ONE_MS.field(&options, "options", "oneMs")?;
    let two = TWO_MS.field(&options, "options", "twoMs")?;
    let run = Rc::new(start_run(
        "stepper",
        mode.name(),
        vec![("oneMs", one.into()), ("twoMs", two.into())],
    ));
    let executor = Executor::new(tasks(&run, mode, one, two));
    Ok(Stepper {
        executor,
        run_id: run.info().id,
        run: Some(run),
        mode,
        printed: Vec::new(),
        on_wake: JsValue::NULL,
    })
}

/// The executor's top-level tasks for `mode`. Each owns a handle on the run,
/// so it can live in the executor as long as it needs.
fn tasks(run: &Rc<Run>, mode: Mode, one: u32, two: u32) -> Vec<(&'static str, BoxedTask<JsValue>)> {
    let run = run.clone();
    match mode {
        Mode::Sequential => vec![(
            "sequential",
            Box::pin(async move { strings(&sequence::sequential(&run, one, two).await) }),
        )],
        Mode::Race => vec![(
            "race",
            Box::pin(async move { JsValue::from(sequence::race(&run, one, two).await) }),
        )],
        Mode::Concurrent => {
            let run_two = run.clone();
            vec![
                (
                    "thread one",
                    Box::pin(async move {
                        JsValue::from(run.task("thread one", thread_one(&run, one)).await)
                    }),
                ),
                (
                    "thread two",
                    Box::pin(async move {
                        let run = run_two;
                        JsValue::from(run.task("thread two", thread_two(&run, two)).await)
                    }),
                ),
            ]
        }
    }
}

#[wasm_bindgen]
impl Stepper {
    /// Polls the first task of the ready queue once, and nothing else, and
    /// says what happened: `{ task, result: "pending", waitsOn }` or
    /// `{ task, result: "ready", value }`; with an empty queue nothing is
    /// polled: `{ result: "idle", message }`. Throws once every task is done.
    #[wasm_bindgen(unchecked_return_type = "StepperPoll")]
    pub fn poll(&mut self) -> Result<JsValue, JsValue> {
        if self.executor.done() {
            return Err(Error::new(
                "poll(): this stepper is done: every task returned Ready; make a new one with lab.stepper()",
            )
            .into());
        }
        Ok(match self.executor.poll_next() {
            Polled::Idle => object([
                ("result", "idle".into()),
                ("message", "nothing to poll: every task is waiting".into()),
            ]),
            Polled::Pending { task, waits_on } => object([
                ("task", task.into()),
                ("result", "pending".into()),
                (
                    "waitsOn",
                    waits_on.map_or(JsValue::NULL, |c| c.as_str().into()),
                ),
            ]),
            Polled::Ready { task, value } => {
                if self.executor.done() {
                    self.finish();
                }
                object([
                    ("task", task.into()),
                    ("result", "ready".into()),
                    ("value", value),
                ])
            }
        })
    }

    /// Ends the run once every task is done: its trace becomes `lab.lastRun()`.
    fn finish(&mut self) {
        let Some(run) = self.run.take() else { return };
        // The tasks are dropped (done), so this is the last handle on the run.
        match Rc::try_unwrap(run) {
            Ok(run) => {
                let report = finish_run(run);
                self.printed = report.lines.iter().map(|l| l.text.clone()).collect();
            }
            Err(run) => self.run = Some(run),
        }
    }

    /// The names of the tasks in the ready queue, the next to be polled first.
    #[wasm_bindgen(getter, unchecked_return_type = "string[]")]
    pub fn ready(&self) -> JsValue {
        self.executor
            .ready()
            .into_iter()
            .map(JsValue::from)
            .collect::<Array>()
            .into()
    }

    /// The JS timers armed and not yet fired, from the run's trace:
    /// `{ task, dueMs }`, dueMs in ms since the stepper was made.
    #[wasm_bindgen(getter, unchecked_return_type = "{ task: string; dueMs: number }[]")]
    pub fn timers(&self) -> JsValue {
        let timers = Array::new();
        let recorder = self.run.as_ref().and_then(|r| recorder::find(r.info().id));
        if let Some(trace) = recorder.as_ref().and_then(|r| r.trace.try_borrow().ok()) {
            let machine = machine_at(trace.summaries(), trace.events(), usize::MAX);
            for timer in machine.queues.timers {
                if timer.state == NodeState::Pending {
                    timers.push(&object([
                        ("task", timer.owner.into()),
                        ("dueMs", timer.due_ms.into()),
                    ]));
                }
            }
        }
        timers.into()
    }

    /// Milliseconds since the stepper was made (its run's clock).
    #[wasm_bindgen(getter, js_name = nowMs)]
    pub fn now_ms(&self) -> f64 {
        self.run.as_ref().map_or(f64::NAN, |run| run.elapsed_ms())
    }

    /// What has been printed so far.
    #[wasm_bindgen(getter, unchecked_return_type = "string[]")]
    pub fn lines(&self) -> JsValue {
        match &self.run {
            Some(run) => strings(&run.printed()),
            None => strings(&self.printed),
        }
    }

    /// Whether every task has returned Ready.
    #[wasm_bindgen(getter)]
    pub fn done(&self) -> bool {
        self.executor.done()
    }

    /// The mode it was made with.
    #[wasm_bindgen(getter)]
    pub fn mode(&self) -> String {
        self.mode.name().to_owned()
    }

    /// Its run's id: `lab.lastRun()` is this run once the stepper is done.
    #[wasm_bindgen(getter, js_name = runId)]
    pub fn run_id(&self) -> u32 {
        self.run_id
    }

    /// Each top-level task and the polls you have made of it.
    #[wasm_bindgen(getter, unchecked_return_type = "{ task: string; polls: number }[]")]
    pub fn polls(&self) -> JsValue {
        self.executor
            .polls()
            .into_iter()
            .map(|(task, polls)| object([("task", task.into()), ("polls", polls.into())]))
            .collect::<Array>()
            .into()
    }

    /// The function called (in a microtask) after a wake puts a task in the
    /// ready queue; `null` when none.
    #[wasm_bindgen(getter, unchecked_return_type = "(() => void) | null")]
    pub fn onwake(&self) -> JsValue {
        self.on_wake.clone()
    }

    /// Sets the function called after each wake: a function, or `null` or
    /// `undefined` for none. Anything else is a TypeError naming `onwake`.
    #[wasm_bindgen(setter)]
    pub fn set_onwake(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "(() => void) | null | undefined")] callback: JsValue,
    ) -> Result<(), JsValue> {
        if callback.is_undefined() || callback.is_null() {
            self.executor.on_wake(None);
            self.on_wake = JsValue::NULL;
            return Ok(());
        }
        let Some(function) = callback.dyn_ref::<Function>().cloned() else {
            return Err(
                js_sys::TypeError::new("onwake must be a function, null or undefined").into(),
            );
        };
        self.executor
            .on_wake(Some(Rc::new(move || queue_microtask(&function))));
        self.on_wake = callback;
        Ok(())
    }
}

#[wasm_bindgen(typescript_custom_section)]
const STEPPER_POLL: &str = r#"
/** What one `poll()` of a Stepper did. */
export type StepperPoll =
  | { task: string; result: "pending"; waitsOn: string | null }
  | { task: string; result: "ready"; value: unknown }
  | { result: "idle"; message: string };
"#;
