//! The size row's floor: one async export that sleeps on a JS timer, then
//! awaits a JS Promise. Every part the lab's async exports stand on is here
//! (wasm-bindgen's exports and glue, Future -> Promise for the export, Promise
//! -> Future for the await, gloo's timer), and none of the lab's own code.

use wasm_bindgen::prelude::*;

/// Sleeps `ms` milliseconds, then awaits a Promise resolved with `ms` and
/// returns its value.
#[wasm_bindgen]
pub async fn floor(ms: u32) -> Result<JsValue, JsValue> {
    gloo_timers::future::TimeoutFuture::new(ms).await;
    let resolved = js_sys::Promise::resolve(&JsValue::from(ms));
    wasm_bindgen_futures::JsFuture::from(resolved).await
}
