//! Export for looking at the lab itself rather than a lesson: `memoryUsage()`.
//! Not `memory`: the wasm module already exports its linear memory under that
//! name, and two exports may not share one.

use wasm_bindgen::prelude::*;

use crate::runtime::js_object::object;
use crate::runtime::thread::wasm_memory_bytes;

/// How big this thread's wasm memory is: `{ wasmBytes }`, the byte length of
/// its linear memory. It only grows, a 64 KiB page at a time, so running a
/// lesson many times and watching it stay put shows that runs free what they
/// allocate. For the JS heap, see the devtools' Memory panel.
#[wasm_bindgen(js_name = memoryUsage, unchecked_return_type = "{ wasmBytes: number }", skip_jsdoc)]
pub fn memory_usage() -> JsValue {
    object([("wasmBytes", wasm_memory_bytes().into())])
}
