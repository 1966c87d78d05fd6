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
/// Declare one with [`choice!`](crate::runtime::choice::choice), which writes
/// the enum and this impl from one list of names.
///
/// # Example
/// ```
/// use async_rust_lab::runtime::choice::{choice, Choice};
///
/// choice! {
///     /// How the example runs.
///     enum Mode {
///         /// Blocks.
///         Sync = "sync",
///         /// Awaits.
///         Async = "async",
///     }
/// }
///
/// assert_eq!(Mode::ALL, &[Mode::Sync, Mode::Async]);
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

// Why a macro: each choice's names are written in one list, so `ALL` and
// `name` are made from the same variants and can never disagree (a variant
// left out of `ALL`, which `named` would then never find, or listed in a
// different order, which would change the error messages that list them).
// Exported at the crate root, where `macro_rules!` has to be to be named by a
// path, hidden there, and re-exported below to live beside its trait.
/// Declares an enum whose every variant JS picks by name, and its [`Choice`]
/// impl: `ALL` lists the variants in the order written, and `name` gives each
/// the string after its `=`.
///
/// The enum derives `Debug, Clone, Copy, PartialEq, Eq`; its attributes and
/// doc comments, and each variant's, are kept, so a `#[derive(..)]` among them
/// adds more. See [`Choice`] for an example.
#[doc(hidden)]
#[macro_export]
macro_rules! __choice {
    (
        $(#[$meta:meta])*
        $vis:vis enum $enum:ident {
            $(
                $(#[$variant_meta:meta])*
                $variant:ident = $name:literal
            ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        $vis enum $enum {
            $(
                $(#[$variant_meta])*
                $variant,
            )+
        }

        impl $crate::runtime::choice::Choice for $enum {
            const ALL: &'static [Self] = &[$(Self::$variant),+];

            fn name(self) -> &'static str {
                match self {
                    $(Self::$variant => $name,)+
                }
            }
        }
    };
}

#[doc(inline)]
pub use crate::__choice as choice;
