//! The JS edge: every `#[wasm_bindgen]` export, argument checks, and the
//! conversions between Rust values and JS values. Nothing else in the crate
//! touches `JsValue` on behalf of a lesson.
//!
//! Each export is an `async fn`, so JS gets a Promise: `Ok` resolves it, `Err`
//! rejects it. A bad argument rejects with a `TypeError` or `RangeError` whose
//! message names the parameter and its allowed range; nothing on these paths
//! can panic (clippy denies `unwrap`, `expect` and indexing crate-wide).

pub mod args;
pub mod bench;
pub mod blocking;
pub mod diagnostics;
pub mod kitchen;
pub mod promises;
pub mod report;
pub mod search;
pub mod sequence;
pub mod threads;
