//! A leaner Future -> Promise bridge for futures that are often ready at once.
//!
//! `wasm_bindgen_futures::future_to_promise` (what every `async fn` export uses)
//! always builds a Promise, two closures and a spawned task, then polls on a
//! later microtask, even when the future could answer immediately.
//! [`eager_promise`] polls once, right now: a ready future becomes an
//! already-settled Promise with no task and no closure at all; only a pending
//! one pays for the full bridge.

use std::future::Future;
use std::task::{Context, Poll, Waker};

use js_sys::Promise;
use wasm_bindgen::JsValue;
use wasm_bindgen_futures::future_to_promise;

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
