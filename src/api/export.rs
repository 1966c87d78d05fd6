//! One way to write a lesson export: `run_lesson` checks the `{ signal }`
//! option, starts the run, makes it abortable and finishes it, so each export
//! only checks its own arguments and calls its lesson; and one Rust Future ->
//! JS Promise bridge for every async export ([`to_promise`]).
//!
//! A `#[wasm_bindgen] pub async fn` export makes wasm-bindgen wrap its body in
//! its own `future_to_promise(async move { .. })`: one monomorphized copy of
//! the Promise executor closure, the spawned task's setup and the
//! resolve/reject calls per export, each with the whole body inlined into it.
//! The lab's async exports are instead plain functions that return a
//! [`Promise`] from [`to_promise`], which boxes the export's future as a
//! `dyn Future` and hands it to the one non-generic `spawn_boxed`: a single
//! copy of that machinery for all of them.
//!
//! Nothing a caller sees changes. The future still only starts on a later
//! microtask (as `future_to_promise` always does), so a bad argument still
//! rejects rather than throws, and a panic still happens outside the call. The
//! `.d.ts` says `Promise<..>` through each export's `unchecked_return_type`.
//! Each export's body stays a Rust `async fn` of the same name, which the wasm
//! tests await directly.
//!
//! The lessons on executors take `{ executor: "reaction" }` too: their futures
//! then go to the lab's reaction executor ([`to_promise_on`]), which polls a
//! task at once, inside the call. A bad argument still rejects (the task
//! returns its `Err` and the Promise rejects), but only arguments the export
//! checks before it picks the executor can reject before the body starts.

use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;

use js_sys::{Array, Promise};
use wasm_bindgen::JsValue;
use wasm_bindgen_futures::future_to_promise;

use super::args::signal_option;
use super::report::{finish_run, start_run};
use crate::runtime::abort::abortable;
use crate::runtime::bridge::Executor;
use crate::runtime::reaction_executor::spawn_promise;
use crate::runtime::run::{Report, Run};

/// A lesson run that ended without being aborted: what the lesson returned,
/// and the run's report (already kept for `lastRun()` and announced to the page).
pub(crate) struct Finished<T> {
    /// What the lesson's future returned.
    pub(crate) value: T,
    /// The run's record, for an export that reads it in Rust.
    pub(crate) report: Rc<Report>,
}

/// What every lesson export does around its lesson, once its own arguments are
/// checked: reads `options.signal` (a TypeError naming `options.signal` if it
/// is not an AbortSignal, before anything starts), starts the run
/// `lesson`/`mode` with `args` (the checked arguments, defaults applied, as
/// `lastRun().args` shows them), runs `body` as its root, abortable, and
/// finishes the run whether or not it was aborted, so that `lastRun()` shows
/// what was printed up to an abort. An abort is the `Err` (the signal's reason).
pub(crate) async fn run_lesson<T>(
    (lesson, mode): (&'static str, &'static str),
    args: Vec<(&'static str, f64)>,
    options: Option<&JsValue>,
    body: impl AsyncFnOnce(&Run) -> T,
) -> Result<Finished<T>, JsValue> {
    let signal = signal_option(options, "options")?;
    let run = start_run(lesson, mode, args);
    let outcome = abortable(signal, run.root(body(&run))).await;
    let report = finish_run(run);
    outcome.map(|value| Finished { value, report })
}

/// [`run_lesson`] for a lesson whose JS callbacks print (a timer's callback
/// that says it fired): they outlive any borrow of the run, so the body gets
/// the run as an `Rc` to clone into them. Every clone must be gone when the
/// body's future is (dropped with it, as a timer is): if one is not, the run
/// cannot finish, and that is an `Error` saying so rather than a silent leak.
pub(crate) async fn run_shared_lesson<T>(
    (lesson, mode): (&'static str, &'static str),
    args: Vec<(&'static str, f64)>,
    options: Option<&JsValue>,
    body: impl AsyncFnOnce(Rc<Run>) -> T,
) -> Result<Finished<T>, JsValue> {
    let signal = signal_option(options, "options")?;
    let run = Rc::new(start_run(lesson, mode, args));
    let outcome = abortable(signal, run.root(body(run.clone()))).await;
    let report = finish_shared_run(run)?;
    outcome.map(|value| Finished { value, report })
}

/// Finishes a run shared with the lesson's callbacks, once they are gone.
/// Not generic, so it is compiled once.
fn finish_shared_run(run: Rc<Run>) -> Result<Rc<Report>, JsValue> {
    match Rc::try_unwrap(run) {
        Ok(run) => Ok(finish_run(run)),
        Err(run) => Err(js_sys::Error::new(&format!(
            "{}: a callback outlived its run",
            run.info().lesson
        ))
        .into()),
    }
}

/// Printed lines as a JS array of strings: what the sequence and threads
/// lessons resolve to.
pub(crate) fn strings(lines: &[String]) -> JsValue {
    lines
        .iter()
        .map(|s| JsValue::from_str(s))
        .collect::<Array>()
        .into()
}

/// What every async export's future is boxed as.
type BoxedExport = Pin<Box<dyn Future<Output = Result<JsValue, JsValue>>>>;

/// Runs `future` as a JS Promise: `Ok` resolves it, `Err` rejects it, exactly
/// as an `async fn` export would. Only the boxing is generic; see the module
/// docs for what sharing the rest saves.
pub fn to_promise<F>(future: F) -> Promise
where
    F: Future<Output = Result<JsValue, JsValue>> + 'static,
{
    spawn_boxed(Box::pin(future))
}

/// [`to_promise`] on `executor`: the stock one is `future_to_promise`'s (the
/// future starts in a later microtask), the reaction one polls it at once,
/// inside this call, up to its first `.await` that is not ready.
pub fn to_promise_on<F>(executor: Executor, future: F) -> Promise
where
    F: Future<Output = Result<JsValue, JsValue>> + 'static,
{
    match executor {
        Executor::Stock => to_promise(future),
        // Boxed as `to_promise` boxes: one copy of the spawn for every export.
        Executor::Reaction => spawn_promise::<BoxedExport>(Box::pin(future)),
    }
}

/// The one `future_to_promise` instance behind every async export. Not
/// inlined: inlined into each caller it would be copied into each again.
#[inline(never)]
fn spawn_boxed(future: BoxedExport) -> Promise {
    future_to_promise(future)
}
