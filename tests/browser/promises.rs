//! The Future/Promise lesson in a real browser: values and reasons crossing
//! both ways unchanged, the channel's settle-once rule, laziness, the
//! hand-written future's trace, where `.await` lands among JS tasks, and
//! where it lands on the other executor (`{ executor: "reaction" }`).
#![cfg(target_arch = "wasm32")]
// A panic in a test is a failing test: the crate-wide bans are for input-reachable code.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::cell::Cell;
use std::rc::Rc;

use async_rust_lab::api::promises::{
    await_many, await_order, await_order_export, await_promise, await_promise_export, channel,
    cook, handmade, handmade_source, lazy, CookOptions, Dish, ExecutorOptions,
};
use async_rust_lab::api::report::last_run;
use async_rust_lab::runtime::clock::performance_clock;
use js_sys::{Array, Function, Object, Promise, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;

use crate::common;
use common::{get, LineLog};

/// Evaluates a JS function body, e.g. `return { then(r) { r(7) } }`.
fn js(body: &str) -> JsValue {
    Function::new_no_args(body)
        .call0(&JsValue::UNDEFINED)
        .unwrap()
}

fn is(a: &JsValue, b: &JsValue) -> bool {
    Object::is(a, b)
}

/// A JS number as any of the number-typed parameters (`Millis`, `Count`).
fn num<T: JsCast>(n: f64) -> Option<T> {
    Some(JsValue::from_f64(n).unchecked_into())
}

fn strings(value: &JsValue) -> Vec<String> {
    Array::from(value)
        .iter()
        .filter_map(|v| v.as_string())
        .collect()
}

/// The texts of the last finished run's lines.
fn last_lines() -> Vec<String> {
    Array::from(&get(&last_run(), "lines"))
        .iter()
        .map(|line| get(&line, "text").as_string().unwrap())
        .collect()
}

/// Odd values a Promise can carry: each must come back as the very same value.
fn odd_values() -> Vec<(&'static str, JsValue)> {
    vec![
        ("42", 42.into()),
        ("undefined", JsValue::UNDEFINED),
        ("null", JsValue::NULL),
        ("NaN", JsValue::from_f64(f64::NAN)),
        ("a string", "text".into()),
        ("an object", Object::new().into()),
        ("a function", js("return function f() {}")),
        ("an Error", js_sys::Error::new("boom").into()),
        ("a symbol", js("return Symbol('s')")),
    ]
}

// --- Rust awaits JS: awaitPromise ---

#[wasm_bindgen_test]
async fn await_promise_resolves_to_the_very_value_the_promise_resolves_with() {
    for (name, value) in odd_values() {
        let promise = Promise::resolve(&value);
        let result = await_promise(promise.into(), None).await;
        let got = result.unwrap_or_else(|e| panic!("{name} rejected with {e:?}"));
        assert!(is(&got, &value), "{name} came back as {got:?}");
    }
}

#[wasm_bindgen_test]
async fn await_promise_rejects_with_the_very_reason_error_or_not() {
    for (name, reason) in odd_values() {
        let promise = Promise::reject(&reason);
        let result = await_promise(promise.into(), None).await;
        let got = result.expect_err(name);
        assert!(is(&got, &reason), "{name} rejected as {got:?}");
    }
}

#[wasm_bindgen_test]
async fn await_promise_of_a_plain_value_resolves_to_it_as_await_would() {
    for (name, value) in odd_values() {
        let got = await_promise(value.clone(), None).await.unwrap();
        assert!(is(&got, &value), "{name} came back as {got:?}");
    }
}

#[wasm_bindgen_test]
async fn await_promise_adopts_thenables_both_ways() {
    let fulfils = js("return { then(resolve) { resolve(7); } }");
    assert_eq!(await_promise(fulfils, None).await.unwrap(), 7);
    let rejects = js("return { then(_, reject) { reject('no'); } }");
    assert_eq!(await_promise(rejects, None).await.unwrap_err(), "no");
    let throws = js("return { then() { throw 'thrown'; } }");
    assert_eq!(await_promise(throws, None).await.unwrap_err(), "thrown");
    let getter_throws = js("return { get then() { throw 'getter'; } }");
    assert_eq!(
        await_promise(getter_throws, None).await.unwrap_err(),
        "getter"
    );
}

#[wasm_bindgen_test]
async fn await_promise_waits_for_a_promise_that_settles_later() {
    let clock = performance_clock();
    let started = clock();
    let later = js("return new Promise((resolve) => setTimeout(() => resolve('late'), 80))");
    assert_eq!(await_promise(later, None).await.unwrap(), "late");
    let took = clock() - started;
    assert!(
        took >= 79.0,
        "resolved after {took} ms, before the promise did"
    );
}

#[wasm_bindgen_test]
async fn a_promise_whose_constructor_getter_throws_rejects_instead_of_throwing_through_rust() {
    let hostile = js("const p = Promise.resolve(1); \
         Object.defineProperty(p, 'constructor', { get() { throw 'hostile'; } }); return p");
    assert_eq!(await_promise(hostile, None).await.unwrap_err(), "hostile");
    // The module still works.
    assert_eq!(await_promise(5.into(), None).await.unwrap(), 5);
}

// --- channel ---

struct Channel {
    promise: Promise,
    send: Function,
    fail: Function,
}

fn open() -> Channel {
    let object = channel();
    Channel {
        promise: get(&object, "promise").dyn_into().unwrap(),
        send: get(&object, "send").dyn_into().unwrap(),
        fail: get(&object, "fail").dyn_into().unwrap(),
    }
}

/// Calls `f(value)` with `this` undefined, as a destructured `send(value)` would be.
fn call(f: &Function, value: &JsValue) -> JsValue {
    f.call1(&JsValue::UNDEFINED, value).unwrap()
}

async fn outcome(promise: &Promise) -> Result<JsValue, JsValue> {
    JsFuture::from(promise.clone()).await
}

#[wasm_bindgen_test]
async fn channel_send_resolves_the_promise_with_the_very_value() {
    for (name, value) in odd_values() {
        let ch = open();
        assert_eq!(call(&ch.send, &value), true, "{name}");
        let got = outcome(&ch.promise).await.unwrap();
        assert!(is(&got, &value), "{name} came back as {got:?}");
    }
}

#[wasm_bindgen_test]
async fn channel_fail_rejects_the_promise_with_the_very_reason_even_a_promise() {
    let mut reasons = odd_values();
    reasons.push(("a Promise", Promise::resolve(&JsValue::from(1)).into()));
    reasons.push(("a thenable", js("return { then(r) { r(1); } }")));
    for (name, reason) in reasons {
        let ch = open();
        assert_eq!(call(&ch.fail, &reason), true, "{name}");
        let got = outcome(&ch.promise).await.unwrap_err();
        assert!(is(&got, &reason), "{name} rejected as {got:?}");
    }
}

#[wasm_bindgen_test]
async fn channel_settles_once_later_calls_return_false_and_change_nothing() {
    let ch = open();
    assert_eq!(call(&ch.send, &"first".into()), true);
    assert_eq!(call(&ch.send, &"second".into()), false);
    assert_eq!(call(&ch.fail, &"too late".into()), false);
    assert_eq!(outcome(&ch.promise).await.unwrap(), "first");
    // Even after the promise settled, later calls neither throw nor change it.
    assert_eq!(call(&ch.fail, &"later".into()), false);
    assert_eq!(outcome(&ch.promise).await.unwrap(), "first");

    let ch = open();
    assert_eq!(call(&ch.fail, &"first".into()), true);
    assert_eq!(call(&ch.send, &"second".into()), false);
    assert_eq!(outcome(&ch.promise).await.unwrap_err(), "first");
}

#[wasm_bindgen_test]
async fn channel_send_with_no_argument_resolves_to_undefined() {
    let ch = open();
    assert_eq!(ch.send.call0(&JsValue::UNDEFINED).unwrap(), true);
    assert!(outcome(&ch.promise).await.unwrap().is_undefined());
}

#[wasm_bindgen_test]
async fn channel_send_adopts_promises_and_thenables_as_resolve_does() {
    let ch = open();
    call(
        &ch.send,
        &js("return { then(resolve) { resolve('adopted'); } }"),
    );
    assert_eq!(outcome(&ch.promise).await.unwrap(), "adopted");

    let ch = open();
    call(&ch.send, &Promise::reject(&"inner no".into()));
    assert_eq!(outcome(&ch.promise).await.unwrap_err(), "inner no");
}

#[wasm_bindgen_test]
async fn channel_sending_its_own_promise_rejects_with_a_type_error() {
    let ch = open();
    assert_eq!(call(&ch.send, &ch.promise.clone().into()), true);
    let error = outcome(&ch.promise).await.unwrap_err();
    assert!(error.is_instance_of::<js_sys::TypeError>(), "{error:?}");
}

/// `f(value)` for a JS function made from `params` and `body`.
fn js_fn(params: &str, body: &str) -> Function {
    Function::new_with_args(params, body)
}

#[wasm_bindgen_test]
async fn channel_rejects_a_thenable_that_later_resolves_with_the_channels_own_promise() {
    // A native Promise rejects this cycle with a TypeError; so must the channel.
    let ch = open();
    let thenable = js_fn(
        "p",
        "return { then(resolve) { setTimeout(() => resolve(p), 0); } }",
    )
    .call1(&JsValue::UNDEFINED, &ch.promise)
    .unwrap();
    call(&ch.send, &thenable);
    // Before the fix this stayed pending forever: fail in 2 s, do not hang.
    let settled = futures::future::select(
        Box::pin(outcome(&ch.promise)),
        Box::pin(async_rust_lab::runtime::time::sleep(2000)),
    )
    .await;
    let futures::future::Either::Left((result, _)) = settled else {
        panic!("the channel stayed pending, where a Promise rejects the cycle");
    };
    let error = result.unwrap_err();
    assert!(error.is_instance_of::<js_sys::TypeError>(), "{error:?}");

    // And what JS itself does with the same thenable, as the reference.
    let native = js_fn(
        "",
        "let resolve; const p = new Promise((r) => { resolve = r; }); \
         resolve({ then(r) { setTimeout(() => r(p), 0); } }); return p;",
    )
    .call0(&JsValue::UNDEFINED)
    .unwrap();
    let native_error = outcome(&native.unchecked_into()).await.unwrap_err();
    assert!(native_error.is_instance_of::<js_sys::TypeError>());
}

#[wasm_bindgen_test]
async fn channel_adopts_as_a_promise_does_chains_throws_and_later_calls() {
    // A thenable resolving with another thenable: adopted all the way down.
    let ch = open();
    call(
        &ch.send,
        &js("return { then(r) { r({ then(r2) { setTimeout(() => r2('deep'), 0); } }); } }"),
    );
    assert_eq!(outcome(&ch.promise).await.unwrap(), "deep");

    // A `then` getter that throws rejects with what it threw.
    let ch = open();
    call(&ch.send, &js("return { get then() { throw 'getter'; } }"));
    assert_eq!(outcome(&ch.promise).await.unwrap_err(), "getter");

    // A throw after resolving changes nothing; the first call decides.
    let ch = open();
    call(
        &ch.send,
        &js("return { then(r, j) { r('first'); j('second'); throw 'late'; } }"),
    );
    assert_eq!(outcome(&ch.promise).await.unwrap(), "first");

    // `then` is not called inside `send`, as a Promise's resolve defers it.
    let ch = open();
    let log = Array::new();
    let thenable = js_fn("log", "return { then(r) { log.push('then'); r(1); } }")
        .call1(&JsValue::UNDEFINED, &log)
        .unwrap();
    call(&ch.send, &thenable);
    assert_eq!(log.length(), 0, "then ran synchronously inside send");
    assert_eq!(outcome(&ch.promise).await.unwrap(), 1);
    assert_eq!(log.length(), 1);
}

#[wasm_bindgen_test]
async fn channel_promise_stays_pending_until_send() {
    let ch = open();
    let settled = Rc::new(Cell::new(false));
    let flag = settled.clone();
    let on_settle = Closure::once(move |_: JsValue| flag.set(true));
    let _ = ch.promise.then(&on_settle);
    JsFuture::from(js("return new Promise((r) => setTimeout(r, 30))").unchecked_into::<Promise>())
        .await
        .unwrap();
    assert!(
        !settled.get(),
        "the channel's promise settled with nothing sent"
    );
    call(&ch.send, &1.into());
    outcome(&ch.promise).await.unwrap();
    JsFuture::from(Promise::resolve(&JsValue::UNDEFINED))
        .await
        .unwrap();
    assert!(settled.get());
}

// --- JS awaits Rust: cook ---

fn dish(value: impl Into<JsValue>) -> Option<Dish> {
    Some(value.into().unchecked_into())
}

fn options(burn: JsValue, cook_ms: f64) -> Option<CookOptions> {
    let object = Object::new();
    Reflect::set(&object, &"burn".into(), &burn).unwrap();
    Reflect::set(&object, &"cookMs".into(), &cook_ms.into()).unwrap();
    Some(object.unchecked_into())
}

#[wasm_bindgen_test]
async fn cook_resolves_when_the_dish_is_ready_and_rejects_with_an_error_when_it_burns() {
    let ready = cook(dish("rice"), options(false.into(), 20.0))
        .await
        .unwrap();
    assert_eq!(ready, "rice is ready");
    let burned = cook(dish("toast"), options(true.into(), 20.0))
        .await
        .unwrap_err();
    let error: js_sys::Error = burned.dyn_into().expect("the rejection is an Error");
    let message = String::from(error.message());
    assert!(message.contains("toast burned"), "{message}");
    assert_eq!(last_lines(), ["toast goes on the stove", "toast burned!"]);
}

#[wasm_bindgen_test]
async fn cook_defaults_to_toast_for_400_ms() {
    let clock = performance_clock();
    let started = clock();
    let ready = cook(None, None).await.unwrap();
    assert_eq!(ready, "toast is ready");
    assert!(clock() - started >= 399.0);
}

#[wasm_bindgen_test]
async fn cook_rejects_bad_arguments_naming_them() {
    let raw = |v: JsValue| Some(v.unchecked_into::<CookOptions>());
    let cases: Vec<(Option<Dish>, Option<CookOptions>, &str, &str)> = vec![
        (dish("cake"), None, "RangeError", "dish"),
        (dish(5), None, "TypeError", "dish"),
        (dish("soup"), raw(5.into()), "TypeError", "options"),
        (
            dish("soup"),
            options("yes".into(), 10.0),
            "TypeError",
            "options.burn",
        ),
        (
            dish("soup"),
            options(false.into(), -1.0),
            "RangeError",
            "options.cookMs",
        ),
        (
            dish("soup"),
            options(false.into(), 1e9),
            "RangeError",
            "options.cookMs",
        ),
    ];
    for (dish, opts, class, name) in cases {
        let shown = format!("{:?}", dish.as_ref().map(AsRef::<JsValue>::as_ref));
        let error = cook(dish, opts).await.unwrap_err();
        let error: js_sys::Error = error.dyn_into().unwrap();
        assert_eq!(String::from(error.name()), class, "{shown}");
        let message = String::from(error.message());
        assert!(message.starts_with(&format!("{name} ")), "{message}");
    }
    // null is a value, not "use the default", as for every parameter of the lab.
    let error = cook(dish("soup"), options(JsValue::NULL, 0.0))
        .await
        .unwrap_err();
    assert!(error.is_instance_of::<js_sys::TypeError>());
    // The module keeps working.
    let soup = cook(dish("soup"), options(false.into(), 0.0)).await;
    assert_eq!(soup.unwrap(), "soup is ready");
}

// --- lazy versus eager ---

#[wasm_bindgen_test]
async fn a_future_never_awaited_never_runs_and_one_awaited_late_runs_only_then() {
    let seen = LineLog::new(|| MARK.with(Cell::get));
    let lines = strings(&lazy(num(60.0), None).await.unwrap());
    assert!(!lines.iter().any(|l| l == "A: body runs"), "{lines:?}");
    let awaited = lines
        .iter()
        .position(|l| l == "60 ms later: await B")
        .unwrap();
    let ran = lines.iter().position(|l| l == "B: body runs").unwrap();
    assert!(ran > awaited, "B ran before it was awaited: {lines:?}");
    // The time B's body ran: not when B was made, but after the wait.
    let b_at = seen.find("B: body runs").map(|l| l.at_ms).unwrap();
    assert!(
        b_at >= 59.0,
        "B's body ran at +{b_at} ms, before it was awaited"
    );
    // Well after the run, A still has not printed: it was dropped unpolled.
    JsFuture::from(js("return new Promise((r) => setTimeout(r, 50))").unchecked_into::<Promise>())
        .await
        .unwrap();
    assert_eq!(seen.find("A: body runs").map(|l| l.at_ms), None);
    // The trace has a lane for A: created, never polled, dropped.
    let tasks = Array::from(&get(&last_run(), "tasks"));
    let a = tasks
        .iter()
        .find(|t| get(t, "name").as_string().as_deref() == Some("future A"))
        .unwrap_or_else(|| panic!("no task future A: {tasks:?}"));
    assert_eq!(get(&a, "polls").as_f64(), Some(0.0));
    assert_eq!(get(&a, "outcome").as_string().as_deref(), Some("dropped"));
}

thread_local! {
    // Raised by a JS callback in a test, read when each line arrives.
    static MARK: Cell<bool> = const { Cell::new(false) };
}

// --- the hand-written future ---

#[wasm_bindgen_test]
async fn the_handmade_future_is_polled_once_per_wake_plus_once_and_its_trace_alternates() {
    let clock = performance_clock();
    let started = clock();
    let polls = handmade(num(3.0), num(40.0), None).await.unwrap();
    let took = clock() - started;
    assert_eq!(polls, 4);
    assert!(took >= 119.0, "three 40 ms timers took {took} ms");
    let lines = last_lines();
    let expected: Vec<String> = (1..=3)
        .flat_map(|n| {
            [
                format!("poll #{n}"),
                "Pending: Waker stored, timer set for 40 ms".to_owned(),
                "timer fired: wake()".to_owned(),
            ]
        })
        .chain(["poll #4".to_owned(), "Ready".to_owned()])
        .collect();
    assert_eq!(lines, expected);
}

#[wasm_bindgen_test]
async fn the_handmade_future_with_no_ticks_is_ready_on_its_first_poll() {
    assert_eq!(handmade(num(0.0), None, None).await.unwrap(), 1);
    assert_eq!(last_lines(), ["poll #1", "Ready"]);
}

#[wasm_bindgen_test]
async fn the_handmade_future_rejects_bad_arguments() {
    let error = handmade(num(21.0), None, None).await.unwrap_err();
    assert!(error.is_instance_of::<js_sys::RangeError>());
    let message = String::from(error.unchecked_into::<js_sys::Error>().message());
    assert!(message.starts_with("ticks "), "{message}");
}

#[wasm_bindgen_test]
fn the_source_on_the_page_is_the_futures_real_poll() {
    let source = handmade_source();
    assert!(source.contains("impl Future for Ticker"));
    assert!(source.contains("waker.wake()"));
}

// --- where .await lands ---

#[wasm_bindgen_test]
async fn awaits_of_a_self_wake_and_a_js_promise_resume_before_an_earlier_set_timeout_0() {
    MARK.with(|mark| mark.set(false));
    let seen = LineLog::new(|| MARK.with(Cell::get));
    let raise = Closure::once_into_js(|| MARK.with(|mark| mark.set(true)));
    let set_timeout: Function = js("return setTimeout").dyn_into().unwrap();
    set_timeout
        .call2(&JsValue::UNDEFINED, &raise, &0.into())
        .unwrap();
    await_order(None).await.unwrap();
    // Microtask-speed awaits all land before the macrotask armed first...
    for line in [
        "Rust: first poll, the body starts",
        "Rust: after yield_now() (it woke itself)",
        "Rust: after awaiting a resolved JS Promise",
    ] {
        assert_eq!(seen.find(line).map(|l| l.marked), Some(false), "{line}");
    }
    // ...and sleep(0) is a setTimeout of its own, queued behind it.
    assert_eq!(
        seen.find("Rust: after sleep(0) (a setTimeout of 0)")
            .map(|l| l.marked),
        Some(true)
    );
}

// --- swap the executor ---

/// `{ executor }` as a caller would pass it.
fn on(executor: impl Into<JsValue>) -> Option<ExecutorOptions> {
    let options = Object::new();
    Reflect::set(&options, &"executor".into(), &executor.into()).unwrap();
    Some(options.unchecked_into())
}

/// Queues a JS microtask that runs `f`.
fn queue_microtask(f: impl FnOnce() + 'static) {
    let queue: Function = js("return queueMicrotask").dyn_into().unwrap();
    queue
        .call1(&JsValue::UNDEFINED, &Closure::once_into_js(f))
        .unwrap();
}

thread_local! {
    static RETURNED: Cell<bool> = const { Cell::new(false) };
    static MICROTASK_RAN: Cell<bool> = const { Cell::new(false) };
}

/// Runs the `awaitOrder` export on `executor` and says, for each Rust line,
/// whether the call had returned yet and whether a JS microtask queued right
/// after the call had run yet.
async fn await_order_marks(executor: &str) -> Vec<(String, bool, bool)> {
    RETURNED.with(|r| r.set(false));
    MICROTASK_RAN.with(|m| m.set(false));
    let returned = LineLog::new(|| RETURNED.with(Cell::get));
    let microtask = LineLog::new(|| MICROTASK_RAN.with(Cell::get));
    let promise = await_order_export(on(executor));
    RETURNED.with(|r| r.set(true));
    queue_microtask(|| MICROTASK_RAN.with(|m| m.set(true)));
    JsFuture::from(promise).await.unwrap();
    [
        "Rust: first poll, the body starts",
        "Rust: after yield_now() (it woke itself)",
        "Rust: after awaiting a resolved JS Promise",
        "Rust: after sleep(0) (a setTimeout of 0)",
    ]
    .into_iter()
    .map(|text| {
        let after_return = returned.find(text).expect(text).marked;
        let after_microtask = microtask.find(text).expect(text).marked;
        (text.to_owned(), after_return, after_microtask)
    })
    .collect()
}

#[wasm_bindgen_test]
async fn await_order_on_each_executor_prints_the_same_lines_in_other_places() {
    let line = |text: &str, returned: bool, microtask: bool| (text.to_owned(), returned, microtask);
    // Stock: the call only queues the task; every line comes after it, and the
    // Promise await resumes two hops later, after the microtask queued at the call.
    assert_eq!(
        await_order_marks("stock").await,
        [
            line("Rust: first poll, the body starts", true, false),
            line("Rust: after yield_now() (it woke itself)", true, true),
            line("Rust: after awaiting a resolved JS Promise", true, true),
            line("Rust: after sleep(0) (a setTimeout of 0)", true, true),
        ]
    );
    // Reaction: polled inside the call, up to the Promise await; resumed in
    // the Promise's reaction job, ahead of the microtask queued after the call.
    assert_eq!(
        await_order_marks("reaction").await,
        [
            line("Rust: first poll, the body starts", false, false),
            line("Rust: after yield_now() (it woke itself)", false, false),
            line("Rust: after awaiting a resolved JS Promise", true, false),
            line("Rust: after sleep(0) (a setTimeout of 0)", true, true),
        ]
    );
    // Both are runs of the same lesson, with the same lines.
    assert_eq!(last_lines().len(), 4);
}

#[wasm_bindgen_test]
async fn await_promise_on_the_reaction_executor_gives_back_the_very_value_and_reason() {
    for (name, value) in odd_values() {
        let promise = Promise::resolve(&value);
        let got = outcome(&await_promise_export(promise.into(), on("reaction")))
            .await
            .unwrap();
        assert!(is(&got, &value), "{name}");
        let rejected = Promise::reject(&value);
        let reason = outcome(&await_promise_export(rejected.into(), on("reaction")))
            .await
            .unwrap_err();
        assert!(is(&reason, &value), "{name}");
    }
    // A thenable and a plain value, as `await` takes them.
    let thenable = js("return { then(r) { r(7) } }");
    assert_eq!(
        outcome(&await_promise_export(thenable, on("reaction")))
            .await
            .unwrap(),
        7
    );
    assert_eq!(await_promise(5.into(), on("reaction")).await.unwrap(), 5);
}

#[wasm_bindgen_test]
async fn a_bad_executor_rejects_naming_options_executor_and_both_choices() {
    let cases: [(JsValue, bool, &str); 5] = [
        ("fast".into(), true, "(got \"fast\")"),
        ("Stock".into(), true, "(got \"Stock\")"),
        (1.into(), false, "(got the number 1)"),
        (JsValue::NULL, false, "(got null)"),
        (Object::new().into(), false, "(got an object)"),
    ];
    for (value, range, got) in cases {
        let promises = [
            await_promise_export(5.into(), on(value.clone())),
            await_order_export(on(value.clone())),
        ];
        for promise in promises {
            let error = outcome(&promise).await.unwrap_err();
            if range {
                assert!(error.is_instance_of::<js_sys::RangeError>(), "{got}");
            } else {
                assert!(error.is_instance_of::<js_sys::TypeError>(), "{got}");
            }
            let message = String::from(error.unchecked_into::<js_sys::Error>().message());
            assert_eq!(
                message,
                format!("options.executor must be one of \"stock\", \"reaction\" {got}")
            );
        }
    }
    // Options that are not an object: a TypeError naming options.
    let error = outcome(&await_order_export(Some(JsValue::from(3).unchecked_into())))
        .await
        .unwrap_err();
    assert!(error.is_instance_of::<js_sys::TypeError>());
    // And both keep working.
    assert_eq!(
        outcome(&await_promise_export(5.into(), on("reaction")))
            .await
            .unwrap(),
        5
    );
    outcome(&await_order_export(on("stock"))).await.unwrap();
}

#[wasm_bindgen_test]
async fn await_many_times_all_three_loops() {
    let timings = await_many(num(100_000.0)).await.unwrap();
    assert_eq!(get(&timings, "n"), 100_000);
    for key in ["jsMs", "stockMs", "reactionMs"] {
        let ms = get(&timings, key).as_f64().unwrap();
        assert!(ms > 0.0, "{key}: {ms}");
    }
}

#[wasm_bindgen_test]
async fn await_many_rejects_counts_out_of_range_or_not_numbers() {
    for (n, range, got) in [
        (JsValue::from(0), true, "(got 0)"),
        (JsValue::from(1_000_001), true, "(got 1000001)"),
        (JsValue::from(2.5), true, "(got 2.5)"),
        (JsValue::from("100"), false, "(got the string \"100\")"),
    ] {
        let error = await_many(Some(n.unchecked_into())).await.unwrap_err();
        if range {
            assert!(error.is_instance_of::<js_sys::RangeError>(), "{got}");
        } else {
            assert!(error.is_instance_of::<js_sys::TypeError>(), "{got}");
        }
        let message = String::from(error.unchecked_into::<js_sys::Error>().message());
        assert_eq!(
            message,
            format!("n must be a whole number of awaits from 1 to 1000000 {got}")
        );
    }
    let timings = await_many(num(1.0)).await.unwrap();
    assert_eq!(get(&timings, "n"), 1);
}
