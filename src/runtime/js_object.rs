//! Plain JS objects built from Rust: the reports the API hands to JS and the
//! jobs a worker is sent. Here rather than in `api` so the runtime's own JS
//! messages (runtime/worker.rs) use the same two helpers.

use js_sys::{Object, Reflect};
use wasm_bindgen::JsValue;

/// A fresh plain object with these properties, in this order.
pub fn object<'a>(fields: impl IntoIterator<Item = (&'a str, JsValue)>) -> JsValue {
    let object = Object::new();
    for (key, value) in fields {
        set(&object, key, &value);
    }
    object.into()
}

/// Sets `key` on an object the lab has just made. Defining a data property on
/// a fresh plain object (or Error) cannot fail, so the result is not checked.
pub fn set(target: &JsValue, key: &str, value: &JsValue) {
    let _ = Reflect::set(target, &JsValue::from_str(key), value);
}
