//! Argument rules for the console API, as plain Rust so they are unit-tested on the host.
//!
//! The JS edge (`api/`) turns each `JsValue` into an [`ArgValue`] without calling
//! any user code (no `valueOf`, no getters, no Proxy traps), applies a rule from
//! here, and turns an [`ArgError`] into a JS `TypeError` or `RangeError`.

use std::fmt;

/// What the JS edge saw in one argument position, reduced to what the rules need.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ArgValue {
    /// `undefined` (or the argument was left out): the parameter's default applies.
    Undefined,
    /// `null`: never a default, since JS default parameters ignore it too.
    Null,
    /// A JS number, any value including `NaN` and the infinities.
    Number(f64),
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
    /// The unit in words, plural, e.g. `"milliseconds"`.
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
    /// use async_rust_lab::runtime::args::{ArgValue, ArgErrorKind, WholeNumber};
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
            ArgValue::Null => Err(self.type_error("null")),
            ArgValue::Other(type_name) => Err(self.type_error(type_name)),
        }
    }

    fn expectation(&self) -> String {
        format!(
            "{} must be a whole number of {} from {} to {}",
            self.name, self.unit, self.min, self.max
        )
    }

    fn type_error(&self, got: &str) -> ArgError {
        let article = if got.starts_with(['a', 'e', 'i', 'o', 'u']) {
            "an"
        } else {
            "a"
        };
        let got = if got == "null" || got == "undefined" {
            got.to_owned()
        } else {
            format!("{article} {got}")
        };
        ArgError {
            kind: ArgErrorKind::Type,
            message: format!("{} (got {got})", self.expectation()),
        }
    }
}

/// Formats a number the way JS's `String(n)` would for the values messages show.
fn js_number(n: f64) -> String {
    if n.is_nan() {
        "NaN".to_owned()
    } else if n.is_infinite() {
        if n > 0.0 { "Infinity" } else { "-Infinity" }.to_owned()
    } else if n.abs() >= 1e21 {
        // JS switches to exponent notation here; Rust would print every digit.
        format!("{n:e}").replace('e', "e+").replace("e+-", "e-")
    } else {
        format!("{n}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
    }

    #[test]
    fn wrong_types_are_type_errors_naming_the_parameter_and_range() {
        for (value, shown) in [
            (ArgValue::Null, "(got null)"),
            (ArgValue::Other("string"), "(got a string)"),
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
