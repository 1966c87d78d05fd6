//! Any thrown JS value as text, in a real browser: what a rejected fetch or a
//! worker's throw becomes in the lab's error messages.
#![cfg(target_arch = "wasm32")]
// A panic in a test is a failing test: the crate-wide bans are for input-reachable code.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use async_rust_lab::runtime::js_text::describe;
use js_sys::Function;
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::*;

fn js(body: &str) -> JsValue {
    Function::new_no_args(body)
        .call0(&JsValue::UNDEFINED)
        .unwrap()
}

#[wasm_bindgen_test]
fn an_error_is_its_message_with_or_without_its_name() {
    let error: JsValue = js_sys::TypeError::new("Failed to fetch").into();
    assert_eq!(describe(&error, true), "TypeError: Failed to fetch");
    assert_eq!(describe(&error, false), "Failed to fetch");
}

#[wasm_bindgen_test]
fn values_that_are_not_errors_are_shown_as_js_string_shows_them() {
    // A DOMException (what an aborted fetch rejects with) is not a JS Error.
    let abort = js("return new DOMException('The user aborted a request.', 'AbortError')");
    assert_eq!(
        describe(&abort, true),
        "AbortError: The user aborted a request."
    );
    assert_eq!(describe(&js("return Symbol('why')"), true), "Symbol(why)");
    assert_eq!(describe(&JsValue::from(42), false), "42");
    assert_eq!(describe(&JsValue::UNDEFINED, false), "undefined");
    assert_eq!(
        describe(&js("return { toString() { return 'custom'; } }"), true),
        "custom"
    );
}

#[wasm_bindgen_test]
fn a_value_whose_to_string_throws_is_named_not_thrown_through_rust() {
    let hostile = js("return { toString() { throw new Error('no'); } }");
    assert_eq!(describe(&hostile, true), "a value that cannot be shown");
}
