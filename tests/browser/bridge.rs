//! The lab's own Promise -> Future bridge, `lean_await`, in a real browser: the
//! same answers as `JsFuture`, and a dropped await leaves nothing behind.
// The research wing (src/research) exists only with the `bench` feature.
#![cfg(all(target_arch = "wasm32", feature = "bench"))]
// A panic in a test is a failing test: the crate-wide bans are for input-reachable code.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use async_rust_lab::research::bridge::lean_await;
use async_rust_lab::runtime::time::sleep;
use futures::future::{self, Either};
use js_sys::Promise;
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::*;

#[wasm_bindgen_test]
async fn lean_await_resolves_with_the_very_value_and_rejects_with_the_very_reason() {
    let object = js_sys::Object::new();
    let value = lean_await(Promise::resolve(&JsValue::from(object.clone())))
        .await
        .unwrap();
    assert!(js_sys::Object::is(&value, &object));
    let reason = lean_await(Promise::reject(&JsValue::from(7)))
        .await
        .unwrap_err();
    assert_eq!(reason.as_f64(), Some(7.0));
}

#[wasm_bindgen_test]
async fn lean_await_waits_for_a_promise_that_settles_later() {
    let later = Promise::new(&mut |resolve, _| {
        let _ = web_sys::window()
            .unwrap()
            .set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, 30);
    });
    assert!(lean_await(later).await.unwrap().is_undefined());
}

#[wasm_bindgen_test]
async fn many_awaits_in_a_row_and_a_dropped_one_leave_the_bridge_working() {
    for i in 0..1_000 {
        assert_eq!(
            lean_await(Promise::resolve(&JsValue::from(i)))
                .await
                .unwrap()
                .as_f64(),
            Some(f64::from(i))
        );
    }
    // Dropped before its Promise settles: the settle that comes later is ignored.
    let never_first = Promise::new(&mut |resolve, _| {
        let _ = web_sys::window()
            .unwrap()
            .set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, 40);
    });
    match future::select(Box::pin(lean_await(never_first)), Box::pin(sleep(5))).await {
        Either::Left(_) => panic!("a 40 ms promise beat a 5 ms sleep"),
        Either::Right(_) => {}
    }
    sleep(60).await;
    assert_eq!(
        lean_await(Promise::resolve(&JsValue::from("still works")))
            .await
            .unwrap()
            .as_string()
            .as_deref(),
        Some("still works")
    );
}
