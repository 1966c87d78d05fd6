//! [`Choice`]: a closed set of values that a JS caller picks by name, such as
//! a lesson's mode, an executor or a timer.
//!
//! Each layer owns its choices (a lesson's mode in its lesson, the executor in
//! [`bridge`](super::bridge)) and implements this trait beside them; the API's
//! argument rule (`OneOf` in `api::args::rules`) turns a JS string into the
//! value through [`Choice::named`], and lists [`Choice::ALL`] when it refuses
//! one. The code after that matches on the enum, never on its name, and a run's
//! record or a result object shows [`Choice::name`], so the strings JS sees
//! are written once, in `name`.
//!
//! It lives in the runtime, the lowest layer, because some choices are
//! runtime types ([`Executor`](super::bridge::Executor),
//! [`JobKind`](super::worker::JobKind)).

/// A closed set of values named by strings that JS callers write.
///
/// # Example
/// ```
/// use async_rust_lab::runtime::choice::Choice;
///
/// #[derive(Debug, Clone, Copy, PartialEq, Eq)]
/// enum Mode {
///     Sync,
///     Async,
/// }
///
/// impl Choice for Mode {
///     const ALL: &'static [Mode] = &[Mode::Sync, Mode::Async];
///     fn name(self) -> &'static str {
///         match self {
///             Mode::Sync => "sync",
///             Mode::Async => "async",
///         }
///     }
/// }
///
/// assert_eq!(Mode::named("async"), Some(Mode::Async));
/// assert_eq!(Mode::named("Async"), None);
/// assert_eq!(Mode::Sync.name(), "sync");
/// ```
pub trait Choice: Copy + 'static {
    /// Every value, in the order an error message lists their names.
    const ALL: &'static [Self];

    /// The value's name, as JS callers write it and as records show it.
    fn name(self) -> &'static str;

    /// The value whose [`name`](Choice::name) is `name` exactly (case
    /// matters), if any: the one place a name becomes a value.
    fn named(name: &str) -> Option<Self> {
        Self::ALL
            .iter()
            .copied()
            .find(|choice| choice.name() == name)
    }
}
