//! The small toolkit the lessons share. It knows nothing of lessons.
//!
//! - [`args`]: the argument rules of the console API (pure, host-tested).
//! - [`clock`]: `performance.now()`, or a manual clock in host tests.
//! - [`run`]: a lesson's run: printed lines and task spans (pure, host-tested).
//! - [`task`]: the wrapper that times a named future and notices cancellation.
//! - [`time`]: `sleep`, a lazy timer future that clears its JS timer on drop.
//! - [`thread`]: which thread runs, cross-origin isolation, a blocking sleep.
//! - [`worker`]: a Web Worker running this crate's wasm, terminated on drop.
//! - [`frames`]: frames drawn and dropped while something runs.

pub mod args;
pub mod clock;
pub mod frames;
pub mod run;
pub mod task;
pub mod thread;
pub mod time;
pub mod worker;
