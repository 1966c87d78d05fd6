//! Export for looking at the lab itself rather than a lesson: `memoryUsage()`.
//! Not `memory`: the wasm module already exports its linear memory under that
//! name, and two exports may not share one.

use wasm_bindgen::prelude::*;

use crate::runtime::heap::live_bytes;
use crate::runtime::js_object::object;
use crate::runtime::thread::wasm_memory_bytes;

/// How much memory this thread's wasm uses: `{ wasmBytes, heapBytes }`.
/// `wasmBytes` is the byte length of its linear memory. It only grows, a 64
/// KiB page at a time, so running a lesson many times and watching it stay put
/// shows that runs free what they allocate. `heapBytes` is what the Rust heap
/// holds right now, counted at the allocator: it falls again when a run's
/// futures are dropped. For the JS heap, see the devtools' Memory panel.
#[wasm_bindgen(
    js_name = memoryUsage,
    unchecked_return_type = "{ wasmBytes: number; heapBytes: number }",
    skip_jsdoc
)]
pub fn memory_usage() -> JsValue {
    object([
        ("wasmBytes", wasm_memory_bytes().into()),
        ("heapBytes", (live_bytes() as f64).into()),
    ])
}
