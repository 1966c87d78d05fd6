//! Cancellation with an `AbortSignal`, in a real browser: the future is dropped
//! at the abort (its timers cleared), the error is an `AbortError`, and an
//! already-aborted signal starts nothing.
#![cfg(target_arch = "wasm32")]
// A panic in a test is a failing test: the crate-wide bans are for input-reachable code.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::cell::Cell;
use std::rc::Rc;

use async_rust_lab::runtime::abort::abortable;
use async_rust_lab::runtime::time::{armed_timers, sleep};
use futures::future::{self, Either};
use gloo_timers::callback::Timeout;
use wasm_bindgen_test::*;
use web_sys::AbortController;

use crate::common;
use common::get;

#[wasm_bindgen_test]
async fn without_a_signal_the_future_simply_runs() {
    assert_eq!(abortable(None, async { 7 }).await.unwrap(), 7);
}

#[wasm_bindgen_test]
async fn an_abort_drops_the_work_at_once_clears_its_timer_and_rejects_with_abort_error() {
    let before = armed_timers();
    let controller = AbortController::new().unwrap();
    let finished = Rc::new(Cell::new(false));
    let flag = finished.clone();
    let stop = controller.clone();
    let _abort_soon = Timeout::new(30, move || stop.abort());
    let work = abortable(Some(controller.signal()), async move {
        sleep(400).await;
        flag.set(true);
    });
    // "At once" as an order, not a time: the abort's timer (30 ms) fires before
    // a 300 ms one, so the run must have ended before that one fires.
    let result = match future::select(Box::pin(work), Box::pin(sleep(300))).await {
        Either::Left((result, _)) => result,
        Either::Right(_) => panic!("a 300 ms timer fired before the abort at 30 ms landed"),
    };
    let reason = result.unwrap_err();
    assert_eq!(
        get(&reason, "name").as_string().as_deref(),
        Some("AbortError")
    );
    assert_eq!(
        armed_timers(),
        before,
        "the dropped sleep's timer (or the race's) is still armed"
    );
    sleep(450).await;
    assert!(!finished.get(), "the aborted work ran on after the abort");
}

#[wasm_bindgen_test]
async fn an_already_aborted_signal_starts_nothing() {
    let controller = AbortController::new().unwrap();
    controller.abort();
    let started = Rc::new(Cell::new(false));
    let flag = started.clone();
    let result = abortable(Some(controller.signal()), async move { flag.set(true) }).await;
    assert!(result.is_err());
    assert!(!started.get());
}
