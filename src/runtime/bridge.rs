//! The Promise -> Future bridge the lessons use: [`settle`] awaits any JS value
//! the way JS `await` does. `JsFuture` only takes a real `Promise`; JS `await`
//! takes anything: a Promise, a thenable, or a plain value. Passing the value
//! through `Promise.resolve` first gives Rust the same rules: a thenable's
//! `then` is called, a plain value is ready at once, and a native Promise is
//! awaited as is.
//!
//! The other way, Future -> Promise, every async export takes
//! `wasm_bindgen_futures::future_to_promise`. Both are wasm-bindgen-futures'
//! stock bridges, so where a continuation runs in the `awaitOrder` lesson is
//! the stock behaviour: after awaiting an already-resolved Promise, the Rust
//! code after the `.await` runs one microtask *after* a JS microtask queued
//! once the await began (a JS `async function` runs it before).

use js_sys::Promise;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

use super::leaf::waiting_for;
use super::trace::Cause;

#[wasm_bindgen]
extern "C" {
    // js-sys binds `Promise.resolve` without `catch`. It can throw: for a
    // Promise whose `constructor` getter throws. With `catch`, that exception
    // becomes an Err here instead of unwinding through Rust frames.
    #[wasm_bindgen(js_namespace = Promise, js_name = resolve, catch)]
    fn promise_resolve(value: &JsValue) -> Result<Promise, JsValue>;
}

/// Awaits `value` as JS `await value` would: `Ok` with what it fulfils with,
/// `Err` with exactly what it rejects with (any JS value, not only an `Error`).
///
/// # Example
/// ```no_run
/// # async fn example() {
/// use async_rust_lab::runtime::bridge::settle;
/// use wasm_bindgen::JsValue;
/// let forty_two = settle(&JsValue::from(42)).await; // Ok(42), two microtask hops later
/// # }
/// ```
pub async fn settle(value: &JsValue) -> Result<JsValue, JsValue> {
    waiting_for(Cause::Promise, JsFuture::from(promise_resolve(value)?)).await
}

/// Awaits an already-resolved JS Promise: the smallest hop through the JS
/// microtask queue that Rust can take, for lessons that show where it lands.
pub async fn resolved_promise() {
    // Promise.resolve(undefined) is a native Promise that never rejects.
    let _ = settle(&JsValue::UNDEFINED).await;
}
