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
    if let Some(text) = value.as_string() {
        return ArgValue::Text(text);
    }
    if let Some(b) = value.as_bool() {
        return ArgValue::Bool(b);
    }
    ArgValue::Other(type_name(value))
}

/// Reads `options[field]` for a lesson that takes an options object, as an
/// [`ArgValue`]. `undefined` or `null` options mean "all defaults". Anything else
/// that is not an object is a `TypeError`, and so is a getter or Proxy trap that
/// throws: the error names `param.field`, and the caller's exception never
/// escapes as something else.
pub fn option_field(options: &JsValue, param: &str, field: &str) -> Result<ArgValue, JsValue> {
    if options.is_undefined() || options.is_null() {
        return Ok(ArgValue::Undefined);
    }
    if !options.is_object() {
        let got = arg_value(Some(options));
        let shown = match got {
            ArgValue::Number(_) => "a number".to_owned(),
            ArgValue::Text(_) => "a string".to_owned(),
            ArgValue::Other(name) => format!("a {name}"),
            _ => "something else".to_owned(),
        };
        return Err(TypeError::new(&format!(
            "{param} must be an object or undefined (got {shown})"
        ))
        .into());
    }
    match js_sys::Reflect::get(options, &JsValue::from_str(field)) {
        Ok(value) => Ok(arg_value(Some(&value))),
        Err(_) => Err(TypeError::new(&format!(
            "{param}.{field} could not be read: its getter threw"
        ))
        .into()),
    }
}

/// `typeof value` as a static string (never "number", "string", "boolean",
/// "undefined": handled above).
fn type_name(value: &JsValue) -> &'static str {
    if value.is_bigint() {
        "bigint"
    } else if value.is_symbol() {
        "symbol"
    } else if value.is_function() {
        "function"
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
