//! Argument rules for the console API, as plain Rust so they are unit-tested on the host.
//!
//! The JS edge ([`args`](super)) turns each `JsValue` into an [`ArgValue`]
//! without calling any user code (no `valueOf`, no getters, no Proxy traps),
//! applies a rule from here, and turns an [`ArgError`] into a JS `TypeError` or
//! `RangeError`. They are the API's: lessons take values already checked.

use std::fmt;

use crate::runtime::choice::Choice;
use crate::runtime::js_text::js_number;

/// What the JS edge saw in one argument position, reduced to what the rules need.
#[derive(Debug, Clone, PartialEq)]
pub enum ArgValue {
    /// `undefined` (or the argument was left out): the parameter's default applies.
    Undefined,
    /// `null`: never a default, since JS default parameters ignore it too.
    Null,
    /// A JS number, any value including `NaN` and the infinities.
    Number(f64),
    /// A JS string (primitive, not a `String` object).
    Text(String),
    /// A JS boolean (primitive).
    Bool(bool),
    /// Any other value, named by its `typeof` ("string", "object", "bigint", ...).
    Other(&'static str),
}

/// Which JS error class an [`ArgError`] becomes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ArgErrorKind {
    /// The value has the wrong type: a JS `TypeError`.
    Type,
    /// The value has the right type but lies outside the allowed range: a JS `RangeError`.
    Range,
}

/// A rejected argument: the error class and a message that names the parameter
/// and the allowed range.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArgError {
    /// `TypeError` or `RangeError`.
    pub kind: ArgErrorKind,
    /// For example `oneMs must be a whole number of milliseconds from 0 to 60000 (got -1)`.
    pub message: String,
}

impl fmt::Display for ArgError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ArgError {}

/// A rule for a whole-number parameter: its JS name, unit, inclusive range and default.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WholeNumber {
    /// The parameter's name as JS callers see it, e.g. `"oneMs"`.
    pub name: &'static str,
    /// The unit in words, plural, e.g. `"milliseconds"`; empty for a count or an index.
    pub unit: &'static str,
    /// Smallest allowed value.
    pub min: u32,
    /// Largest allowed value.
    pub max: u32,
    /// Used when the argument is `undefined`.
    pub default: u32,
}

impl WholeNumber {
    /// Checks `value` against the rule.
    ///
    /// # Example
    /// ```
    /// use async_rust_lab::api::args::rules::{ArgValue, ArgErrorKind, WholeNumber};
    /// let rule = WholeNumber { name: "oneMs", unit: "milliseconds", min: 0, max: 60_000, default: 600 };
    /// assert_eq!(rule.check(ArgValue::Undefined), Ok(600));
    /// assert_eq!(rule.check(ArgValue::Number(250.0)), Ok(250));
    /// assert_eq!(rule.check(ArgValue::Number(-1.0)).unwrap_err().kind, ArgErrorKind::Range);
    /// ```
    pub fn check(&self, value: ArgValue) -> Result<u32, ArgError> {
        match value {
            ArgValue::Undefined => Ok(self.default),
            ArgValue::Number(n) => {
                // fract() of an infinity is NaN, so the infinities fail this test too.
                let whole = n.fract() == 0.0;
                if whole && n >= f64::from(self.min) && n <= f64::from(self.max) {
                    // In range and whole, so the cast is exact (and -0 becomes 0).
                    Ok(n as u32)
                } else {
                    Err(ArgError {
                        kind: ArgErrorKind::Range,
                        message: format!("{} (got {})", self.expectation(), js_number(n)),
                    })
                }
            }
            other => Err(type_error(&self.expectation(), &other)),
        }
    }

    fn expectation(&self) -> String {
        let of_unit = if self.unit.is_empty() {
            String::new()
        } else {
            format!(" of {}", self.unit)
        };
        format!(
            "{} must be a whole number{of_unit} from {} to {}",
            self.name, self.min, self.max
        )
    }
}

/// A rule for a parameter that takes one of a few strings, such as a mode:
/// it gives back the enum value the string names ([`Choice::named`]), so the
/// code after the check matches on the enum, never on the string.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OneOf<T> {
    /// The parameter's name as JS callers see it, e.g. `"mode"`.
    pub name: &'static str,
    /// Used when the argument is `undefined`; `None` makes the parameter required.
    pub default: Option<T>,
}

impl<T: Choice> OneOf<T> {
    /// Checks `value` against the rule and returns the choice it names. The
    /// allowed strings, in the order a refusal lists them, are `T`'s
    /// [`Choice::ALL`].
    ///
    /// # Example
    /// ```
    /// use async_rust_lab::api::args::rules::{ArgValue, ArgErrorKind, OneOf};
    /// use async_rust_lab::lessons::kitchen::Mode;
    /// let mode = OneOf { name: "mode", default: Some(Mode::Async) };
    /// assert_eq!(mode.check(ArgValue::Undefined), Ok(Mode::Async));
    /// assert_eq!(mode.check(ArgValue::Text("sync".into())), Ok(Mode::Sync));
    /// let refused = mode.check(ArgValue::Text("fast".into())).unwrap_err();
    /// assert_eq!(refused.kind, ArgErrorKind::Range);
    /// assert_eq!(refused.message, r#"mode must be one of "sync", "async" (got "fast")"#);
    /// assert_eq!(mode.check(ArgValue::Number(1.0)).unwrap_err().kind, ArgErrorKind::Type);
    /// ```
    pub fn check(&self, value: ArgValue) -> Result<T, ArgError> {
        match (&value, self.default) {
            (ArgValue::Undefined, Some(default)) => return Ok(default),
            (ArgValue::Text(text), _) => {
                if let Some(choice) = T::named(text) {
                    return Ok(choice);
                }
            }
            _ => {}
        }
        // Out of line and not generic: the message is built by one function
        // for every choice, so each enum adds only its lookup to the wasm.
        Err(one_of_refusal(self.name, name_at::<T>, value))
    }
}

/// The name of `T`'s `index`th choice, if it has that many: how the one
/// [`one_of_refusal`] lists any enum's names.
fn name_at<T: Choice>(index: usize) -> Option<&'static str> {
    T::ALL.get(index).map(|choice| choice.name())
}

/// Why a [`OneOf`] rule refused `value`: a `RangeError` for a string that
/// names no choice, a `TypeError` for anything else; either lists the
/// choices, `name must be one of "a", "b"`.
fn one_of_refusal(
    name: &str,
    name_at: fn(usize) -> Option<&'static str>,
    value: ArgValue,
) -> ArgError {
    let quoted: Vec<String> = (0..)
        .map_while(name_at)
        .map(|choice| format!("\"{choice}\""))
        .collect();
    let expectation = format!("{name} must be one of {}", quoted.join(", "));
    match value {
        ArgValue::Text(text) => ArgError {
            kind: ArgErrorKind::Range,
            message: format!("{expectation} (got {})", js_string(&text)),
        },
        other => type_error(&expectation, &other),
    }
}

/// A rule for a yes/no parameter, such as an option `{ burn: true }`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Flag {
    /// The parameter's name as JS callers see it, e.g. `"options.burn"`.
    pub name: &'static str,
    /// Used when the argument is `undefined`.
    pub default: bool,
}

impl Flag {
    /// Checks `value`: a boolean, or `undefined` for the default. Nothing is
    /// coerced: `0`, `""` and `"false"` are type errors, not `false`.
    ///
    /// # Example
    /// ```
    /// use async_rust_lab::api::args::rules::{ArgValue, ArgErrorKind, Flag};
    /// let burn = Flag { name: "options.burn", default: false };
    /// assert_eq!(burn.check(ArgValue::Undefined), Ok(false));
    /// assert_eq!(burn.check(ArgValue::Bool(true)), Ok(true));
    /// assert_eq!(burn.check(ArgValue::Number(1.0)).unwrap_err().kind, ArgErrorKind::Type);
    /// ```
    pub fn check(&self, value: ArgValue) -> Result<bool, ArgError> {
        match value {
            ArgValue::Undefined => Ok(self.default),
            ArgValue::Bool(b) => Ok(b),
            other => Err(type_error(
                &format!("{} must be true or false", self.name),
                &other,
            )),
        }
    }
}

/// A `TypeError` for `got`, saying what was expected and what came instead.
fn type_error(expectation: &str, got: &ArgValue) -> ArgError {
    let got = match got {
        ArgValue::Undefined => "undefined".to_owned(),
        ArgValue::Null => "null".to_owned(),
        ArgValue::Number(n) => format!("the number {}", js_number(*n)),
        ArgValue::Text(text) => format!("the string {}", js_string(text)),
        ArgValue::Bool(b) => format!("{b}"),
        ArgValue::Other(type_name) => {
            let article = if type_name.starts_with(['a', 'e', 'i', 'o', 'u']) {
                "an"
            } else {
                "a"
            };
            format!("{article} {type_name}")
        }
    };
    ArgError {
        kind: ArgErrorKind::Type,
        message: format!("{expectation} (got {got})"),
    }
}

/// A string as JS would quote it in a message (`JSON.stringify`'s escapes), cut
/// short if long: a caller who passed a megabyte should not get it back in the
/// error.
///
/// Written out rather than `format!("{:?}")`: Rust's `Debug` for strings brings
/// `char::escape_debug` and the Unicode printable tables. With this and the
/// `split_at` in [`js_number`] gone, none of it is left in the wasm: about 7 KB
/// (4 KB gzipped) for the sake of error messages.
fn js_string(text: &str) -> String {
    const SHOWN: usize = 40;
    let mut quoted = String::from("\"");
    for (index, c) in text.chars().enumerate() {
        if index == SHOWN {
            quoted.push('…');
            break;
        }
        match c {
            '"' => quoted.push_str("\\\""),
            '\\' => quoted.push_str("\\\\"),
            '\n' => quoted.push_str("\\n"),
            '\r' => quoted.push_str("\\r"),
            '\t' => quoted.push_str("\\t"),
            c if hidden(c) => {
                // \uXXXX: every hidden char is in the Basic Multilingual Plane.
                quoted.push_str("\\u");
                let code = u32::from(c);
                for shift in [12, 8, 4, 0] {
                    quoted.push(char::from_digit((code >> shift) & 0xf, 16).unwrap_or('0'));
                }
            }
            c => quoted.push(c),
        }
    }
    quoted.push('"');
    quoted
}

/// Characters a message shows escaped because they would not show as
/// themselves: control characters (as `JSON.stringify` escapes them), line and
/// paragraph separators, and the invisible marks that reorder or hide text
/// around them (bidirectional overrides, the byte order mark).
fn hidden(c: char) -> bool {
    matches!(
        c,
        '\0'..='\u{1f}'
            | '\u{7f}'..='\u{9f}'
            | '\u{200e}'
            | '\u{200f}'
            | '\u{2028}'..='\u{202e}'
            | '\u{2066}'..='\u{2069}'
            | '\u{feff}'
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::runtime::choice::choice;

    const ONE_MS: WholeNumber = WholeNumber {
        name: "oneMs",
        unit: "milliseconds",
        min: 0,
        max: 60_000,
        default: 600,
    };

    #[test]
    fn undefined_means_the_default() {
        assert_eq!(ONE_MS.check(ArgValue::Undefined), Ok(600));
    }

    #[test]
    fn whole_numbers_in_range_pass_including_both_ends_and_negative_zero() {
        for (given, expected) in [(0.0, 0), (-0.0, 0), (1.0, 1), (60_000.0, 60_000)] {
            assert_eq!(ONE_MS.check(ArgValue::Number(given)), Ok(expected));
        }
    }

    #[test]
    fn out_of_range_or_fractional_numbers_are_range_errors_naming_the_parameter() {
        for bad in [
            -1.0,
            60_001.0,
            1e12,
            2.5,
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
            1e308,
        ] {
            let err = ONE_MS.check(ArgValue::Number(bad)).unwrap_err();
            assert_eq!(err.kind, ArgErrorKind::Range, "{bad}");
            assert!(err
                .message
                .starts_with("oneMs must be a whole number of milliseconds from 0 to 60000"));
        }
    }

    #[test]
    fn messages_show_the_value_as_js_would() {
        let got = |n: f64| ONE_MS.check(ArgValue::Number(n)).unwrap_err().message;
        assert!(got(f64::NAN).ends_with("(got NaN)"));
        assert!(got(-1.0).ends_with("(got -1)"));
        assert!(got(2.5).ends_with("(got 2.5)"));
        assert!(got(1e12).ends_with("(got 1000000000000)"));
        assert!(got(1e308).ends_with("(got 1e+308)"));
        assert!(got(f64::NEG_INFINITY).ends_with("(got -Infinity)"));
        assert!(got(-0.25).ends_with("(got -0.25)"));
        assert!(got(60_000.5).ends_with("(got 60000.5)"));
        assert!(got(1.5e-7).ends_with("(got 1.5e-7)"));
        assert!(got(-3e300).ends_with("(got -3e+300)"));
        assert!(got(2f64.powi(53)).ends_with("(got 9007199254740992)"));
        assert!(got(1e14 + 0.5).contains("(got 1.0000000000000"));
    }

    choice! {
        /// A choice of the tests' own, so they do not depend on a lesson's.
        enum Mode {
            Sync = "sync",
            Async = "async",
        }
    }

    const MODE: OneOf<Mode> = OneOf {
        name: "mode",
        default: None,
    };

    #[test]
    fn one_of_accepts_exactly_its_choices_and_lists_them_when_it_refuses() {
        assert_eq!(MODE.check(ArgValue::Text("async".into())), Ok(Mode::Async));
        assert_eq!(MODE.check(ArgValue::Text("sync".into())), Ok(Mode::Sync));
        let err = MODE.check(ArgValue::Text("ASYNC".into())).unwrap_err();
        assert_eq!(err.kind, ArgErrorKind::Range);
        assert_eq!(
            err.message,
            "mode must be one of \"sync\", \"async\" (got \"ASYNC\")"
        );
    }

    #[test]
    fn one_of_without_a_default_requires_the_argument() {
        let err = MODE.check(ArgValue::Undefined).unwrap_err();
        assert_eq!(err.kind, ArgErrorKind::Type);
        assert_eq!(
            err.message,
            "mode must be one of \"sync\", \"async\" (got undefined)"
        );
    }

    #[test]
    fn one_of_with_a_default_uses_it_for_undefined_but_not_for_null() {
        let with_default = OneOf {
            default: Some(Mode::Async),
            ..MODE
        };
        assert_eq!(with_default.check(ArgValue::Undefined), Ok(Mode::Async));
        let err = with_default.check(ArgValue::Null).unwrap_err();
        assert_eq!(err.kind, ArgErrorKind::Type);
        assert_eq!(
            err.message,
            "mode must be one of \"sync\", \"async\" (got null)"
        );
    }

    #[test]
    fn strings_are_quoted_with_json_escapes() {
        let got = |text: &str| MODE.check(ArgValue::Text(text.into())).unwrap_err().message;
        assert!(got("say \"hi\"\\").ends_with(r#"(got "say \"hi\"\\")"#));
        assert!(got("a\nb\tc\r").ends_with(r#"(got "a\nb\tc\r")"#));
        assert!(got("\0\u{1b}\u{7f}").ends_with(r#"(got "\u0000\u001b\u007f")"#));
        assert!(got("\u{202e}gnp.exe").ends_with(r#"(got "\u202egnp.exe")"#));
        assert!(got("café ☕ 🦀").ends_with("(got \"café ☕ 🦀\")"));
    }

    #[test]
    fn a_long_string_is_cut_short_in_the_message() {
        let err = MODE
            .check(ArgValue::Text("x".repeat(1_000_000)))
            .unwrap_err();
        assert!(err.message.len() < 120, "{}", err.message);
        assert!(err.message.ends_with("…\")"));
    }

    #[test]
    fn wrong_types_are_type_errors_naming_the_parameter_and_range() {
        for (value, shown) in [
            (ArgValue::Null, "(got null)"),
            (ArgValue::Text("abc".into()), "(got the string \"abc\")"),
            (ArgValue::Other("object"), "(got an object)"),
            (ArgValue::Other("bigint"), "(got a bigint)"),
        ] {
            let err = ONE_MS.check(value).unwrap_err();
            assert_eq!(err.kind, ArgErrorKind::Type);
            assert_eq!(
                err.message,
                format!("oneMs must be a whole number of milliseconds from 0 to 60000 {shown}")
            );
        }
    }
}
