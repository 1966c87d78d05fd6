//! Reading arguments from JS without running any of the caller's code, and
//! turning a broken rule into the JS error class it calls for.

use js_sys::{RangeError, TypeError};
use wasm_bindgen::prelude::*;

use crate::runtime::args::{ArgError, ArgErrorKind, ArgValue};

#[wasm_bindgen]
extern "C" {
    /// A whole number of milliseconds as the caller passed it: typed `number` in
    /// the `.d.ts`, but any JS value at run time, so Rust checks it itself. An
    /// imported type, not `f64`, because wasm-bindgen would coerce a string or an
    /// object to a number (or NaN) on the way in and hide the caller's mistake.
    /// As `Option<Millis>`, a trailing parameter is optional (`oneMs?: number`),
    /// and `undefined` or `null` mean the default.
    #[wasm_bindgen(typescript_type = "number")]
    pub type Millis;
}

/// Classifies an optional argument by `typeof` alone: no `valueOf`, no getters,
/// no Proxy traps run, so a hostile object cannot throw from inside Rust.
pub fn arg_value(value: Option<&impl AsRef<JsValue>>) -> ArgValue {
    let Some(value) = value.map(AsRef::as_ref) else {
        return ArgValue::Undefined;
    };
    if value.is_undefined() {
        return ArgValue::Undefined;
    }
    if value.is_null() {
        return ArgValue::Null;
    }
    if let Some(n) = value.as_f64() {
        return ArgValue::Number(n);
    }
    ArgValue::Other(type_name(value))
}

/// `typeof value` as a static string (never "number", "undefined": handled above).
fn type_name(value: &JsValue) -> &'static str {
    if value.is_string() {
        "string"
    } else if value.is_bigint() {
        "bigint"
    } else if value.is_symbol() {
        "symbol"
    } else if value.is_function() {
        "function"
    } else if value.as_bool().is_some() {
        "boolean"
    } else {
        "object"
    }
}

/// The JS error an [`ArgError`] stands for: a `TypeError` or a `RangeError`.
pub fn to_js_error(error: ArgError) -> JsValue {
    match error.kind {
        ArgErrorKind::Type => TypeError::new(&error.message).into(),
        ArgErrorKind::Range => RangeError::new(&error.message).into(),
    }
}
