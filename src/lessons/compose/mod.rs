//! Compose your own experiment: a small language of futures. One expression
//! (`select(sleep(600, "one"), sleep(300, "two"))`) is parsed in Rust
//! ([`parse`]), run as real traced Rust futures ([`run`]), shown as the async
//! Rust and the JavaScript it stands for ([`code`]), and, run once more as JS
//! Promises by the JS edge, compared with the Rust run record against record
//! ([`diff`]).

pub mod code;
pub mod diff;
pub mod parse;
pub mod run;
