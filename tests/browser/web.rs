//! The sequence lesson in a real browser: line order, overlap, the race's
//! cancelled timer, and bad input. Run with `wasm-pack test --headless --chrome`.
#![cfg(target_arch = "wasm32")]
// A panic in a test is a failing test: the crate-wide bans are for input-reachable code.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::cell::Cell;
use std::rc::Rc;

use async_rust_lab::api::args::Millis;
use async_rust_lab::api::report::last_run;
use async_rust_lab::api::sequence::{concurrent, race, sequential};
use async_rust_lab::runtime::clock::performance_clock;
use async_rust_lab::runtime::time::{armed_timers, sleep};
use futures::future::{self, Either};
use js_sys::Array;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

use crate::common;
use common::{get, LineLog};

fn ms(n: f64) -> Option<Millis> {
    Some(JsValue::from_f64(n).unchecked_into())
}

fn any(value: JsValue) -> Option<Millis> {
    Some(value.unchecked_into())
}

fn lines(value: JsValue) -> Vec<String> {
    Array::from(&value)
        .iter()
        .filter_map(|v| v.as_string())
        .collect()
}

#[wasm_bindgen_test]
async fn sequential_prints_thread_one_then_thread_two_and_takes_at_least_the_sum() {
    let clock = performance_clock();
    let started = clock();
    let result = sequential(ms(120.0), ms(40.0), None).await.unwrap();
    let took = clock() - started;
    assert_eq!(lines(result), ["thread one", "thread two"]);
    assert!(
        took >= 159.0,
        "sequential took {took} ms, less than the sum of its sleeps"
    );
}

#[wasm_bindgen_test]
async fn sequential_starts_thread_two_only_after_thread_one_is_done() {
    sequential(ms(60.0), ms(20.0), None).await.unwrap();
    let report = last_run();
    let tasks = Array::from(&get(&report, "tasks"));
    let one_end = get(&tasks.get(0), "endMs").as_f64().unwrap();
    let two_start = get(&tasks.get(1), "startMs").as_f64().unwrap();
    assert!(
        two_start >= one_end,
        "thread two started at {two_start}, before thread one ended at {one_end}"
    );
}

#[wasm_bindgen_test]
async fn concurrent_prints_in_the_order_the_sleeps_end_and_takes_about_the_longest() {
    let clock = performance_clock();
    let started = clock();
    let result = concurrent(ms(300.0), ms(150.0), None).await.unwrap();
    let took = clock() - started;
    assert_eq!(lines(result), ["thread two", "thread one"]);
    assert!(
        took >= 299.0,
        "concurrent took {took} ms, less than its longest sleep"
    );
    // The waits overlapped: each task started before the other one ended.
    let tasks = Array::from(&get(&last_run(), "tasks"));
    let at = |i: u32, key: &str| get(&tasks.get(i), key).as_f64().unwrap();
    assert!(
        at(0, "startMs") < at(1, "endMs") && at(1, "startMs") < at(0, "endMs"),
        "the two waits did not overlap: {tasks:?}"
    );
}

#[wasm_bindgen_test]
async fn concurrent_order_follows_the_sleeps_not_the_order_written() {
    let result = concurrent(ms(20.0), ms(80.0), None).await.unwrap();
    assert_eq!(lines(result), ["thread one", "thread two"]);
}

#[wasm_bindgen_test]
async fn undefined_and_missing_arguments_reproduce_the_articles_output() {
    let result = concurrent(None, any(JsValue::UNDEFINED), None)
        .await
        .unwrap();
    assert_eq!(lines(result), ["thread two", "thread one"]);
    let total = get(&last_run(), "totalMs").as_f64().unwrap();
    assert!(
        total >= 599.0,
        "defaults are 600 and 300 ms, the run took {total}"
    );
}

#[wasm_bindgen_test]
async fn race_resolves_to_the_winner_and_clears_the_losers_timer() {
    let before = armed_timers();
    let lines_after = LineLog::new(|| false);
    let winner = race(ms(200.0), ms(20.0), None).await.unwrap();
    assert_eq!(winner.as_string().as_deref(), Some("thread two"));
    // Long before thread one's deadline, its timer is gone: the drop cleared it.
    assert_eq!(
        armed_timers(),
        before,
        "the loser's JS timer is still armed"
    );
    let report = last_run();
    let tasks = Array::from(&get(&report, "tasks"));
    assert_eq!(
        get(&tasks.get(0), "outcome").as_string().as_deref(),
        Some("dropped")
    );
    assert_eq!(
        get(&tasks.get(1), "outcome").as_string().as_deref(),
        Some("ready")
    );
    let printed_by_race = lines_after.count();
    // Wait past the loser's deadline: had its timer survived, it would print now.
    sleep(300).await;
    assert_eq!(printed_by_race, 1);
    assert_eq!(
        lines_after.count(),
        1,
        "the dropped thread one printed after the race"
    );
}

#[wasm_bindgen_test]
async fn a_dropped_sleep_never_runs_its_continuation() {
    // gloo's own test, on our lazy sleep: the branch that loses must never set the flag.
    let flag = Rc::new(Cell::new(false));
    let set = flag.clone();
    let loser = async move {
        sleep(60).await;
        set.set(true);
    };
    let winner = sleep(10);
    match future::select(Box::pin(loser), winner).await {
        Either::Left(_) => panic!("the 60 ms branch beat the 10 ms one"),
        Either::Right(_) => {}
    }
    sleep(120).await;
    assert!(!flag.get());
    assert_eq!(armed_timers(), 0);
}

#[wasm_bindgen_test]
fn sleep_is_lazy_and_arms_no_timer_until_polled() {
    let before = armed_timers();
    let pending = sleep(1_000);
    assert_eq!(armed_timers(), before);
    drop(pending);
}

#[wasm_bindgen_test]
async fn bad_arguments_reject_with_a_type_or_range_error_naming_the_parameter() {
    let range = [-1.0, 1e12, f64::NAN, 2.5, f64::INFINITY, 60_001.0];
    for (position, name) in [(0, "oneMs"), (1, "twoMs")] {
        for bad in range {
            let args = if position == 0 {
                (ms(bad), ms(0.0))
            } else {
                (ms(0.0), ms(bad))
            };
            let err = sequential(args.0, args.1, None).await.unwrap_err();
            assert!(
                err.is_instance_of::<js_sys::RangeError>(),
                "{name}={bad} gave {err:?}"
            );
            let message = String::from(err.unchecked_ref::<js_sys::Error>().message());
            assert!(
                message.contains(name) && message.contains("0 to 60000"),
                "{message}"
            );
        }
        for bad in [
            JsValue::from_str("abc"),
            js_sys::Object::new().into(),
            JsValue::TRUE,
        ] {
            let args = if position == 0 {
                (any(bad.clone()), ms(0.0))
            } else {
                (ms(0.0), any(bad.clone()))
            };
            let err = concurrent(args.0, args.1, None).await.unwrap_err();
            assert!(
                err.is_instance_of::<js_sys::TypeError>(),
                "{name}={bad:?} gave {err:?}"
            );
            let message = String::from(err.unchecked_ref::<js_sys::Error>().message());
            assert!(
                message.contains(name) && message.contains("0 to 60000"),
                "{message}"
            );
        }
    }
    // The module works normally afterwards.
    assert_eq!(
        lines(sequential(ms(0.0), ms(0.0), None).await.unwrap()),
        ["thread one", "thread two"]
    );
    assert_eq!(
        race(ms(0.0), ms(5.0), None)
            .await
            .unwrap()
            .as_string()
            .as_deref(),
        Some("thread one")
    );
}

fn blocking_options() -> JsValue {
    let options = js_sys::Object::new();
    js_sys::Reflect::set(&options, &"blocking".into(), &true.into()).unwrap();
    options.into()
}

#[wasm_bindgen_test]
async fn blocking_join_runs_in_argument_order_one_poll_each_in_the_sum() {
    let result = concurrent(
        ms(60.0),
        ms(20.0),
        Some(blocking_options().unchecked_into()),
    )
    .await
    .unwrap();
    assert_eq!(lines(result), ["thread one", "thread two"]);
    let report = last_run();
    assert!(get(&report, "totalMs").as_f64().unwrap() >= 79.0);
    for task in Array::from(&get(&report, "tasks")).iter() {
        assert_eq!(get(&task, "polls").as_f64(), Some(1.0));
    }
}

#[wasm_bindgen_test]
async fn blocking_race_has_nothing_to_cancel_the_second_is_never_polled() {
    let winner = race(ms(30.0), ms(0.0), Some(blocking_options().unchecked_into()))
        .await
        .unwrap();
    assert_eq!(winner.as_string().as_deref(), Some("thread one"));
    let tasks = Array::from(&get(&last_run(), "tasks"));
    assert_eq!(get(&tasks.get(1), "polls").as_f64(), Some(0.0));
    assert_eq!(
        get(&tasks.get(1), "outcome").as_string().as_deref(),
        Some("dropped")
    );
}
