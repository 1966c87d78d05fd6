//! # Async Rust Lab
//!
//! Async Rust, compiled to WebAssembly, run live in the browser. Each lesson is
//! an experiment from the article "Async Rust", rebuilt so a learner can run it,
//! watch it and call it from the devtools console (`await lab.concurrent()`).
//!
//! ## How it is built
//!
//! Data flows one way:
//!
//! 1. [`api`]: the JS edge. Every export, its argument checks, and the
//!    conversion of Rust results into JS values. An `async fn` export becomes a
//!    JS Promise (wasm-bindgen-futures' `future_to_promise`): `Ok` resolves,
//!    `Err` rejects.
//! 2. [`lessons`]: one file per lesson, plain async Rust that reads like the
//!    article. A lesson prints through a [`runtime::run::Run`] and never sees a
//!    `JsValue`.
//! 3. [`runtime`]: what lessons share: `sleep`, named tasks that record when
//!    they ran and whether they were cancelled, argument rules, the clock. Its
//!    pure parts are unit-tested on the host with `cargo test`.
//!
//! The page (`www/`) knows only the exports. It draws each run from the events
//! `lab:run-start`, `lab:line` and `lab:run-end` that the JS edge dispatches on
//! `globalThis`, so a run started from the console shows on the page too.
//!
//! ## Adding a lesson
//!
//! Add `src/lessons/<name>.rs` (async Rust, plain types), export it from a new
//! `src/api/<name>.rs` (checks, `start_run`/`finish_run`, conversion), test it in
//! `tests/web.rs`, and give it a card in `www/`. `lab.help()` picks the export up
//! from the generated `.d.ts` on its own.

pub mod api;
pub mod lessons;
pub mod runtime;
