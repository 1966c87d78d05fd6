//! The kitchen lesson in a real browser: the order of the steps, the caller's
//! wait, sync taking turns where async overlaps, and bad input.
#![cfg(target_arch = "wasm32")]
// A panic in a test is a failing test: the crate-wide bans are for input-reachable code.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use async_rust_lab::api::kitchen::{kitchen, KitchenMode, KitchenOptions};
use async_rust_lab::api::report::last_run;
use js_sys::{Array, Object, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

fn mode(value: impl Into<JsValue>) -> Option<KitchenMode> {
    Some(value.into().unchecked_into())
}

fn options(cook_ms: f64, call_ms: f64) -> Option<KitchenOptions> {
    let object = Object::new();
    Reflect::set(&object, &"cookMs".into(), &cook_ms.into()).unwrap();
    Reflect::set(&object, &"callMs".into(), &call_ms.into()).unwrap();
    Some(object.unchecked_into())
}

fn get(target: &JsValue, key: &str) -> JsValue {
    Reflect::get(target, &key.into()).unwrap()
}

fn number(target: &JsValue, key: &str) -> f64 {
    get(target, key).as_f64().unwrap()
}

fn lines(result: &JsValue) -> Vec<String> {
    Array::from(&get(result, "lines"))
        .iter()
        .filter_map(|v| v.as_string())
        .collect()
}

fn position(lines: &[String], starts_with: &str) -> usize {
    lines
        .iter()
        .position(|l| l.starts_with(starts_with))
        .unwrap_or_else(|| panic!("no line starts with {starts_with:?}: {lines:?}"))
}

#[wasm_bindgen_test]
async fn sync_finishes_cooking_before_picking_up_and_the_caller_waits_all_along() {
    let result = kitchen(mode("sync"), options(400.0, 200.0)).await.unwrap();
    let lines = lines(&result);
    assert_eq!(lines.first().map(String::as_str), Some("the phone rings"));
    assert!(position(&lines, "dinner is served") < position(&lines, "pick up the phone"));
    assert_eq!(lines.last().map(String::as_str), Some("hang up"));
    let waited = number(&result, "callerWaitedMs");
    assert!(
        waited >= 399.0,
        "the caller waited {waited} ms, less than the cooking"
    );
    let total = number(&result, "totalMs");
    assert!(
        total >= 599.0,
        "sync took {total} ms, less than cooking plus the call"
    );
}

#[wasm_bindgen_test]
async fn async_picks_up_once_the_pot_is_on_and_talks_while_it_boils() {
    let result = kitchen(mode("async"), options(400.0, 200.0)).await.unwrap();
    let lines = lines(&result);
    let pot_on = position(&lines, "wait for the water to boil");
    let pick_up = position(&lines, "pick up the phone");
    let hang_up = position(&lines, "hang up");
    let boils = position(&lines, "the water boils");
    // Not before the chopping is done (one cook), but during the boil.
    assert!(position(&lines, "put the pot on") < pick_up);
    assert!(pot_on < pick_up && pick_up < boils, "{lines:?}");
    assert!(hang_up < boils, "{lines:?}");
    let waited = number(&result, "callerWaitedMs");
    // The pot is on after a quarter plus a twentieth of 400 ms: 120 ms. That
    // the wait ended during the boil, not after it, is the line order above.
    assert!(waited >= 119.0, "the caller waited {waited} ms");
}

/// The (start, end) of the run's "cooking" and "phone call" tasks, from its trace.
fn cooking_and_call() -> ((f64, f64), (f64, f64)) {
    let tasks = Array::from(&get(&last_run(), "tasks"));
    let span = |name: &str| {
        let task = tasks
            .iter()
            .find(|t| get(t, "name").as_string().as_deref() == Some(name))
            .unwrap_or_else(|| panic!("no task {name:?}: {tasks:?}"));
        (number(&task, "startMs"), number(&task, "endMs"))
    };
    (span("cooking"), span("phone call"))
}

#[wasm_bindgen_test]
async fn for_the_same_dinner_and_call_sync_takes_turns_and_async_overlaps_them() {
    let sync = kitchen(mode("sync"), options(500.0, 300.0)).await.unwrap();
    let ((_, cooked), (call_started, _)) = cooking_and_call();
    assert!(
        call_started >= cooked,
        "sync: the call started at {call_started} ms, before the cooking ended at {cooked} ms"
    );
    let asynchronous = kitchen(mode("async"), options(500.0, 300.0)).await.unwrap();
    let ((_, cooked), (call_started, _)) = cooking_and_call();
    assert!(
        call_started < cooked,
        "async: the call started at {call_started} ms, after the cooking ended at {cooked} ms"
    );
    let (sync_ms, async_ms) = (number(&sync, "totalMs"), number(&asynchronous, "totalMs"));
    assert!(
        sync_ms >= 799.0,
        "sync took {sync_ms} ms, less than cooking plus the call"
    );
    assert!(
        async_ms >= 499.0,
        "async took {async_ms} ms, less than the cooking itself"
    );
}

#[wasm_bindgen_test]
async fn the_trace_has_a_cooking_task_and_a_phone_task_and_in_async_they_overlap() {
    kitchen(mode("async"), options(200.0, 60.0)).await.unwrap();
    let tasks = Array::from(&get(&last_run(), "tasks"));
    assert_eq!(tasks.length(), 2);
    let (cooking, phone) = (tasks.get(0), tasks.get(1));
    assert_eq!(
        get(&cooking, "name").as_string().as_deref(),
        Some("cooking")
    );
    assert_eq!(
        get(&phone, "name").as_string().as_deref(),
        Some("phone call")
    );
    assert!(number(&phone, "endMs") < number(&cooking, "endMs"));
    assert!(number(&phone, "startMs") < number(&cooking, "endMs"));
}

#[wasm_bindgen_test]
async fn defaults_apply_when_mode_and_options_are_left_out() {
    let result = kitchen(None, None).await.unwrap();
    assert_eq!(get(&result, "mode").as_string().as_deref(), Some("async"));
    let args = get(&last_run(), "args");
    assert_eq!(number(&args, "cookMs"), 1200.0);
    assert_eq!(number(&args, "callMs"), 600.0);
}

#[wasm_bindgen_test]
async fn bad_arguments_reject_with_errors_naming_the_parameter_and_the_module_keeps_working() {
    let cases: Vec<(Option<KitchenMode>, Option<KitchenOptions>, &str, &str)> = vec![
        (
            mode("fast"),
            None,
            "RangeError",
            "mode must be one of \"sync\", \"async\"",
        ),
        (mode(3), None, "TypeError", "mode must be one of"),
        (
            mode(JsValue::NULL),
            None,
            "TypeError",
            "mode must be one of",
        ),
        (
            None,
            options(-1.0, 0.0),
            "RangeError",
            "options.cookMs must be a whole number of milliseconds from 0 to 60000",
        ),
        (
            None,
            options(0.0, 2.5),
            "RangeError",
            "options.callMs must be a whole number of milliseconds from 0 to 60000",
        ),
        (
            None,
            Some(JsValue::from_str("x").unchecked_into()),
            "TypeError",
            "options must be an object",
        ),
    ];
    for (mode, options, class, message) in cases {
        let err = kitchen(mode, options).await.unwrap_err();
        let err: js_sys::Error = err.dyn_into().unwrap();
        assert_eq!(String::from(err.name()), class);
        let text = String::from(err.message());
        assert!(text.starts_with(message), "{text}");
    }
    let result = kitchen(mode("sync"), options(0.0, 0.0)).await.unwrap();
    assert_eq!(lines(&result).len(), 8);
}
