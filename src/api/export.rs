//! One Rust Future -> JS Promise bridge for every async export.
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

use std::future::Future;
use std::pin::Pin;

use js_sys::Promise;
use wasm_bindgen::JsValue;
use wasm_bindgen_futures::future_to_promise;

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

/// The one `future_to_promise` instance behind every async export. Not
/// inlined: inlined into each caller it would be copied into each again.
#[inline(never)]
fn spawn_boxed(future: BoxedExport) -> Promise {
    future_to_promise(future)
}
