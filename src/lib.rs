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
//!    conversion of Rust results into JS values. An async export is a Rust
//!    `async fn` handed to JS as a Promise by one shared bridge
//!    ([`api::export::to_promise`], wasm-bindgen-futures' `future_to_promise`
//!    underneath): `Ok` resolves, `Err` rejects.
//! 2. [`lessons`]: one file per lesson, plain async Rust that reads like the
//!    article. A lesson prints through a [`runtime::run::Run`] and never sees a
//!    `JsValue`.
//! 3. [`runtime`]: what lessons share: `sleep`, traced tasks (every poll,
//!    wake, completion and drop, recorded by [`runtime::task::Task`] into
//!    [`runtime::trace::Trace`]), the Promise -> Future bridge, `fetch`, Web
//!    Workers, the clock. Its pure parts (the trace model) are unit-tested on
//!    the host with `cargo test`, as are the API's argument rules
//!    ([`api::args::rules`]).
//!
//! Beside them, `research` (only with the `bench` feature, on by default)
//! holds the benchmark research: lean Promise <-> Future bridges, used by the
//! benchmark exports in `api::bench` alone. (The reaction executor, timer
//! queue and join set it began with are in [`runtime`]: lessons use them.)
//! It builds on [`runtime`]; neither [`runtime`] nor [`lessons`] depends on it.
//!
//! The page (`www/`) knows only the exports. It draws each run from the events
//! `lab:run-start`, `lab:line` and `lab:run-end` that the JS edge dispatches on
//! `globalThis`, so a run started from the console shows on the page too.
//!
//! ## Adding a lesson
//!
//! 1. `src/lessons/<name>.rs`: async Rust with plain types. Take a
//!    `&Run`, wrap each task in `run.task("name", future)` (it is traced for
//!    free) and print with `run.print(..)`. A mode the caller picks by name is
//!    an enum here, declared with `choice!` ([`runtime::choice::choice`]),
//!    which implements [`runtime::choice::Choice`] from one list of names.
//! 2. `src/api/<name>.rs`: the exports. Check each argument with a rule from
//!    [`api::args::rules`] (a bad one rejects with a `TypeError` or `RangeError`
//!    naming it; `OneOf` gives back the mode's enum, never its string), then hand the lesson to `run_lesson` (in `api/export.rs`: it
//!    checks `{ signal }`, starts the run, makes it abortable and finishes it),
//!    and convert the result. An async export is two functions: the `async fn` that does this,
//!    and the `#[wasm_bindgen]` one that hands it to
//!    [`api::export::to_promise`] (see there why not a `#[wasm_bindgen] async
//!    fn`). The export's doc comment becomes the `.d.ts` and the `lab.help()`
//!    line.
//! 3. Tests: `tests/<name>.rs` (wasm-bindgen-test, in Chrome) and
//!    `tests/e2e/<name>.test.mjs` (the release site, in Chromium). The e2e
//!    hostile-input and leak tests find the new exports by themselves.
//! 4. A card in `www/index.html` and `www/<name>-card.js`, drawn by
//!    `www/run-view.js` from the run events; `lab.help()` and `window.lab` pick
//!    the export up from the generated `.d.ts` on their own.

pub mod api;
pub mod lessons;
#[cfg(feature = "bench")]
pub mod research;
pub mod runtime;

/// Every allocation is counted, so the benchmarks and leak checks can read the
/// bytes live on the Rust heap ([`runtime::heap::live_bytes`]).
#[global_allocator]
static ALLOCATOR: runtime::heap::CountingAllocator = runtime::heap::CountingAllocator;
