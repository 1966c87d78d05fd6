//! Any JS value as text, for the messages of errors that JS handed to Rust (a
//! rejected fetch, a worker's thrown value), whatever was thrown.

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

#[wasm_bindgen]
extern "C" {
    // JS `String(value)`: any value's string form, a Symbol's included. With
    // `catch`, since an object's own `toString` may throw. Not `{:?}`, which
    // brings wasm-bindgen's debug formatter, 0.6 KB of JS glue gzipped; and not
    // `String::from(JsString::from(value))`, which throws for a non-string.
    #[wasm_bindgen(js_name = String, catch)]
    fn string_of(value: &JsValue) -> Result<String, JsValue>;
}

/// A thrown JS value as text: an `Error`'s message (with its name when
/// `with_name`, e.g. `TypeError: Failed to fetch`), or any other value's
/// `String(value)`, or a fixed phrase for a value whose `toString` throws.
pub fn describe(value: &JsValue, with_name: bool) -> String {
    match value.dyn_ref::<js_sys::Error>() {
        Some(error) if with_name => format!("{}: {}", error.name(), error.message()),
        Some(error) => String::from(error.message()),
        None => string_of(value).unwrap_or_else(|_| "a value that cannot be shown".to_owned()),
    }
}
