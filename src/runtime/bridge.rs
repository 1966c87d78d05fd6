//! The bridges between Rust Futures and JS Promises, both ways.
//!
//! 1. JS Promise -> Rust Future: [`settle`] awaits any JS value the way JS
//!    `await` does. `JsFuture` only takes a real `Promise`; JS `await` takes
//!    anything: a Promise, a thenable, or a plain value. Passing the value
//!    through `Promise.resolve` first gives Rust the same rules: a thenable's
//!    `then` is called, a plain value is ready at once, and a native Promise is
//!    awaited as is.
//! 2. Rust Future -> JS Promise: [`eager_promise`], a leaner bridge for futures
//!    that are often ready at once. `wasm_bindgen_futures::future_to_promise`
//!    (what every `async fn` export uses) always builds a Promise, two closures
//!    and a spawned task, then polls on a later microtask, even when the future
//!    could answer immediately. `eager_promise` polls once, right now: a ready
//!    future becomes an already-settled Promise with no task and no closure at
//!    all; only a pending one pays for the full bridge.

use std::future::Future;
use std::task::{Context, Poll, Waker};

use js_sys::Promise;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::{future_to_promise, JsFuture};

use super::trace::{waiting_for, Cause};

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
/// let forty_two = settle(&JsValue::from(42)).await; // Ok(42), one microtask later
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

/// Polls `future` once now; settles at once if it is ready, else hands it to
/// `future_to_promise`.
///
/// The first poll uses a no-op waker. That is sound because `future_to_promise`
/// polls the future again before anything can wake it, and a future must
/// register the waker of its latest poll (the `Future` contract): whatever the
/// first poll registered is replaced.
///
/// # Example
/// ```no_run
/// use async_rust_lab::runtime::bridge::eager_promise;
/// use wasm_bindgen::JsValue;
/// let promise = eager_promise(async { Ok(JsValue::from(42)) }); // already resolved
/// ```
pub fn eager_promise<F>(future: F) -> Promise
where
    F: Future<Output = Result<JsValue, JsValue>> + 'static,
{
    let mut future = Box::pin(future);
    match future
        .as_mut()
        .poll(&mut Context::from_waker(Waker::noop()))
    {
        Poll::Ready(Ok(value)) => Promise::resolve(&value),
        Poll::Ready(Err(error)) => Promise::reject(&error),
        Poll::Pending => future_to_promise(future),
    }
}
