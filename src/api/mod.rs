//! The JS edge: every `#[wasm_bindgen]` export, argument checks, and the
//! conversions between Rust values and JS values. Nothing else in the crate
//! touches `JsValue` on behalf of a lesson.
//!
//! Each lesson's export returns a Promise: its Rust `async fn` runs through
//! [`export::to_promise`], so `Ok` resolves it and `Err` rejects it. A bad
//! argument rejects with a `TypeError` or `RangeError` whose message names the
//! parameter and its allowed range; nothing on these paths can panic (clippy
//! denies `unwrap`, `expect` and indexing crate-wide).
//!
//! Every export carries `skip_jsdoc`: wasm-bindgen then leaves the `@param`
//! and `@returns` tags out of the JS glue (0.8 KB of it gzipped), which only
//! repeat the `.d.ts`. The `.d.ts` keeps them, and the glue's doc comments and
//! `@ts-self-types` pointer to the `.d.ts` stay, so editors and `lab.help()`
//! see the same types and parameter descriptions as before.

// Every value here may come from a caller in the console, so whatever could
// still panic is denied too: integer arithmetic that can overflow or divide by
// zero (a trap in debug builds), explicit panics, and string slicing off a
// char boundary. `as` casts from floats saturate and never panic, so they stay.
#![deny(
    clippy::arithmetic_side_effects,
    clippy::panic,
    clippy::unreachable,
    clippy::todo,
    clippy::unimplemented,
    clippy::string_slice
)]

pub mod args;
// The benchmark exports are a feature (on by default) so that a build for the
// lab page alone can leave them out: 8 KB of the gzipped wasm (they bring the
// lean await, the timer queue and FuturesUnordered) and 0.8 KB of JS glue.
#[cfg(feature = "bench")]
pub mod bench;
pub mod blocking;
pub mod compose;
pub mod diagnostics;
pub mod export;
pub mod kitchen;
pub mod machine;
pub mod promises;
pub mod report;
pub mod search;
pub mod sequence;
pub mod sleepers;
pub mod stepper;
pub mod threads;
