//! One file per lesson: async Rust that reads like the article's examples.
//!
//! Lessons never see `JsValue`: they take plain Rust values and a
//! [`Run`](crate::runtime::run::Run) to print to, and return plain Rust values.
//! `api/` does every conversion.

pub mod blocking;
pub mod compose;
pub mod handmade;
pub mod kitchen;
pub mod promises;
pub mod search;
pub mod sequence;
pub mod threads;
