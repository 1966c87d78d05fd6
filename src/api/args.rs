//! Reading arguments from JS without running any of the caller's code, and
//! turning a broken rule into the JS error class it calls for. The rules
//! themselves ([`rules`]) are plain Rust, unit-tested on the host.

pub mod rules;

use js_sys::{RangeError, TypeError};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::AbortSignal;

use crate::lessons::sequence::{DEFAULT_ONE_MS, DEFAULT_TWO_MS};
use crate::runtime::choice::Choice;
use rules::{ArgError, ArgErrorKind, ArgValue, Flag, OneOf, WholeNumber};

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

/// An optional typed argument (an options object, a signal) as the plain
/// `JsValue` the rules read: `undefined` when the caller left it out.
pub(crate) fn js_or_undefined(value: Option<impl Into<JsValue>>) -> JsValue {
    value.map_or(JsValue::UNDEFINED, Into::into)
}

/// Reads `options[field]` for a lesson that takes an options object, as an
/// [`ArgValue`]. `undefined` or `null` options mean "all defaults". Anything else
/// that is not an object is a `TypeError`, and so is a getter or Proxy trap that
/// throws: the error names `param.field`, and the caller's exception never
/// escapes as something else.
pub fn option_field(options: &JsValue, param: &str, field: &str) -> Result<ArgValue, JsValue> {
    read_option(options, param, field).map(|value| arg_value(Some(&value)))
}

/// Reads `options[field]` as it is (`undefined` when `options` is `undefined` or
/// `null`), with the same errors as [`option_field`].
fn read_option(options: &JsValue, param: &str, field: &str) -> Result<JsValue, JsValue> {
    if options.is_undefined() || options.is_null() {
        return Ok(JsValue::UNDEFINED);
    }
    if !options.is_object() {
        let got = arg_value(Some(options));
        let shown = match got {
            ArgValue::Number(_) => "a number".to_owned(),
            ArgValue::Text(_) => "a string".to_owned(),
            ArgValue::Bool(_) => "a boolean".to_owned(),
            ArgValue::Other(name) => format!("a {name}"),
            ArgValue::Undefined | ArgValue::Null => "nothing".to_owned(),
        };
        return Err(TypeError::new(&format!(
            "{param} must be an object or undefined (got {shown})"
        ))
        .into());
    }
    match js_sys::Reflect::get(options, &JsValue::from_str(field)) {
        Ok(value) => Ok(value),
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

/// A rule ([`WholeNumber`], [`OneOf`], [`Flag`]) checked against a value as JS
/// passed it: the one way an export reads an argument, so a broken rule always
/// becomes the `TypeError` or `RangeError` it calls for.
pub trait JsRule {
    /// What the rule gives back when the value keeps it.
    type Output;

    /// Checks a value already classified by [`arg_value`] or [`option_field`].
    fn check_js(&self, value: ArgValue) -> Result<Self::Output, JsValue>;

    /// Checks an optional positional argument: `undefined`, `null` or a
    /// missing one mean the rule's default, where it has one.
    fn arg(&self, value: Option<&impl AsRef<JsValue>>) -> Result<Self::Output, JsValue> {
        self.check_js(arg_value(value))
    }

    /// Checks `options[field]`, with [`option_field`]'s errors for options that
    /// are not an object or a getter that throws.
    fn field(&self, options: &JsValue, param: &str, field: &str) -> Result<Self::Output, JsValue> {
        self.check_js(option_field(options, param, field)?)
    }
}

impl JsRule for WholeNumber {
    type Output = u32;
    fn check_js(&self, value: ArgValue) -> Result<u32, JsValue> {
        self.check(value).map_err(to_js_error)
    }
}

impl<T: Choice> JsRule for OneOf<T> {
    type Output = T;
    fn check_js(&self, value: ArgValue) -> Result<T, JsValue> {
        self.check(value).map_err(to_js_error)
    }
}

impl JsRule for Flag {
    type Output = bool;
    fn check_js(&self, value: ArgValue) -> Result<bool, JsValue> {
        self.check(value).map_err(to_js_error)
    }
}

#[wasm_bindgen]
extern "C" {
    /// The options every lesson takes last, `{ signal?: AbortSignal }`: any JS
    /// value at run time, checked by [`signal_option`].
    #[wasm_bindgen(typescript_type = "RunOptions")]
    pub type RunOptions;
}

#[wasm_bindgen(typescript_custom_section)]
const RUN_OPTIONS: &str = r#"
/** The options every lesson takes last. */
export interface RunOptions {
  /**
   * Aborting it stops the run: the lesson's future is dropped at its next
   * poll, a microtask later (its timers cleared, its fetches aborted, the
   * trace shows the drops) and the Promise rejects with the signal's reason,
   * by default an AbortError.
   */
  signal?: AbortSignal;
}
"#;

/// Reads `options.signal`: `undefined` (or no options) means the run cannot be
/// stopped; anything but an `AbortSignal` is a `TypeError` naming `param.signal`.
pub fn signal_option(
    options: Option<&impl AsRef<JsValue>>,
    param: &str,
) -> Result<Option<AbortSignal>, JsValue> {
    let options = options.map_or(JsValue::UNDEFINED, |o| o.as_ref().clone());
    let value = read_option(&options, param, "signal")?;
    if value.is_undefined() {
        return Ok(None);
    }
    value.dyn_into::<AbortSignal>().map(Some).map_err(|other| {
        let got = match arg_value(Some(&other)) {
            ArgValue::Null => "null".to_owned(),
            ArgValue::Number(_) => "a number".to_owned(),
            ArgValue::Text(_) => "a string".to_owned(),
            ArgValue::Bool(_) => "a boolean".to_owned(),
            ArgValue::Other(name) => format!("a {name}"),
            ArgValue::Undefined => "undefined".to_owned(),
        };
        TypeError::new(&format!(
            "{param}.signal must be an AbortSignal, e.g. new AbortController().signal (got {got})"
        ))
        .into()
    })
}

/// The longest sleep a caller may ask for: a minute is plenty to watch.
const MAX_MS: u32 = 60_000;

/// `oneMs`, `thread_one`'s sleep: in every export of the article's two threads
/// (`sequential`, `concurrent`, `race`, `threads`).
pub(crate) const ONE_MS: WholeNumber = WholeNumber {
    name: "oneMs",
    unit: "milliseconds",
    min: 0,
    max: MAX_MS,
    default: DEFAULT_ONE_MS,
};

/// `twoMs`, `thread_two`'s sleep.
pub(crate) const TWO_MS: WholeNumber = WholeNumber {
    name: "twoMs",
    default: DEFAULT_TWO_MS,
    ..ONE_MS
};

/// Checks the two sleeps every `thread_one`/`thread_two` export takes.
pub(crate) fn two_sleeps(
    one_ms: Option<Millis>,
    two_ms: Option<Millis>,
) -> Result<(u32, u32), JsValue> {
    let one = ONE_MS.arg(one_ms.as_ref())?;
    let two = TWO_MS.arg(two_ms.as_ref())?;
    Ok((one, two))
}
