//! Any JS value as text, for the messages of errors that JS handed to Rust (a
//! rejected fetch, a worker's thrown value), whatever was thrown; and a number
//! as JS would print it ([`js_number`]), without Rust's float formatting.

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

/// Formats a number for an error message, as JS's `String(n)` would for the
/// values people pass (whole numbers, a few decimals, huge or tiny ones in
/// exponent notation; from 1e19 on, where JS still writes every digit, too).
/// Integer arithmetic only: Rust's float formatting would add about 15 KB to
/// the wasm for the sake of error messages. Lessons use it for the numbers they
/// print, for the same reason.
///
/// # Example
/// ```
/// use async_rust_lab::runtime::js_text::js_number;
/// assert_eq!(js_number(2.5), "2.5");
/// assert_eq!(js_number(1e308), "1e+308");
/// assert_eq!(js_number(f64::NAN), "NaN");
/// ```
// Any number a caller passes reaches it (in an argument error's message): what
// could panic is denied, so a hostile argument cannot trap the module.
#[deny(
    clippy::arithmetic_side_effects,
    clippy::panic,
    clippy::unreachable,
    clippy::string_slice
)]
pub fn js_number(n: f64) -> String {
    if n.is_nan() {
        return "NaN".to_owned();
    }
    if n.is_infinite() {
        return if n > 0.0 { "Infinity" } else { "-Infinity" }.to_owned();
    }
    let sign = if n < 0.0 { "-" } else { "" };
    let a = n.abs();
    if a == 0.0 {
        return "0".to_owned();
    }
    if a < 1e19 && a.fract() == 0.0 {
        // Exact: every whole f64 below 1e19 fits a u64.
        return format!("{sign}{}", a as u64);
    }
    if (1e-6..1e12).contains(&a) {
        // Up to 6 decimals, trailing zeros dropped: 2.5, 0.1, 1.000001. Below
        // 1e12 so that a * 1e6 stays well inside a u64.
        let scaled = (a * 1e6).round() as u64;
        let (whole, frac) = (scaled / 1_000_000, scaled % 1_000_000);
        let digits = format!("{frac:06}");
        return format!("{sign}{whole}.{}", digits.trim_end_matches('0'));
    }
    // Exponent notation with up to 15 significant digits: 1e+308, 1.5e-7.
    let mut exponent = a.log10().floor() as i32;
    let mut mantissa = (a / 10f64.powi(exponent) * 1e14).round() as u64;
    if mantissa >= 1_000_000_000_000_000 {
        mantissa /= 10;
        exponent = exponent.saturating_add(1);
    }
    let digits = mantissa.to_string();
    // `split_at_checked`, not `split_at`: the digits are ASCII so neither can
    // fail, but `split_at`'s panic message formats a `char` with Debug, which
    // brings the Unicode printable tables: 7 KB of wasm, 4 KB gzipped.
    let (first, rest) = digits.split_at_checked(1).unwrap_or((&digits, ""));
    let rest = rest.trim_end_matches('0');
    let dot = if rest.is_empty() { "" } else { "." };
    let exp_sign = if exponent < 0 { "-" } else { "+" };
    format!(
        "{sign}{first}{dot}{rest}e{exp_sign}{}",
        exponent.unsigned_abs()
    )
}

/// `x` to one decimal, as JS would print it (`12.3`, `4`): [`js_number`] of
/// `x` rounded to tenths, for the lessons' printed times and sizes.
///
/// # Example
/// ```
/// use async_rust_lab::runtime::js_text::tenths;
/// assert_eq!(tenths(12.34), "12.3");
/// assert_eq!(tenths(4.0), "4");
/// ```
pub fn tenths(x: f64) -> String {
    js_number((x * 10.0).round() / 10.0)
}
