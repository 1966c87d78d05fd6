//! The crate in headless Chrome, `wasm-pack test --headless --chrome`: one
//! test binary with a module per lesson (and per runtime part), so the runner
//! builds, links and loads one wasm, in one browser session, instead of one
//! per file. Every test still makes its own run; none relies on another's.
#![cfg(target_arch = "wasm32")]
// A panic in a test is a failing test: the crate-wide bans are for input-reachable code.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

mod common;

mod abort;
mod bridge;
mod compose;
mod js_text;
mod kitchen;
mod promises;
mod reaction_executor;
mod search;
mod sleepers;
mod threads;
mod trace;
mod web;
