//! One clock for every thread: the page's `performance.now()` time base.
//!
//! Each worker has its own `performance.timeOrigin` (when the worker started), so
//! its `performance.now()` reads tens of milliseconds behind the page's. A trace
//! with polls from several threads must put them on one axis: each thread keeps
//! the distance between its origin and the page's, and adds it to every reading.

use std::cell::Cell;
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    /// `performance.now()`: the page's or a worker's, whichever thread calls it.
    #[wasm_bindgen(js_namespace = performance, js_name = now)]
    fn performance_now() -> f64;
}

thread_local! {
    /// This thread's `performance.timeOrigin` minus the page's, in milliseconds
    /// (0 on the page's own thread).
    static SHIFT_MS: Cell<f64> = const { Cell::new(0.0) };
}

/// Puts this thread on the page's time base. A worker calls it once with its own
/// `performance.timeOrigin` and the page's, which the page sends it at start-up.
pub fn align_to_page(own_origin_ms: f64, page_origin_ms: f64) {
    SHIFT_MS.with(|shift| shift.set(own_origin_ms - page_origin_ms));
}

/// Now, in milliseconds on the page's `performance.now()` axis, from any thread.
pub fn now_ms() -> f64 {
    performance_now() + SHIFT_MS.with(Cell::get)
}
