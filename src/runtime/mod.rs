//! The small toolkit the lessons share. It knows nothing of lessons.
//!
//! - [`abort`]: an `AbortSignal` as a future; `abortable` cancels a future on abort.
//! - [`args`]: the argument rules of the console API (pure, host-tested).
//! - [`bridge`]: Promise -> Future (`settle`, as JS `await` would) and Future ->
//!   Promise (`eager_promise`, settled at once when the future is ready).
//! - [`clock`]: `performance.now()`, or a manual clock in host tests.
//! - [`reaction_executor`]: a small executor whose tasks resume inside the
//!   Promise reaction job, as a JS `async function` does, and `reaction_await`.
//! - [`recorder`]: a run's clock and trace, found by wakers and leaves.
//! - [`leaf`]: what waits on JS (a timer, a fetch, a Promise), as a leaf of the tree.
//! - [`machine`]: the tree of futures and the queues at one step of a run (pure, host-tested).
//! - [`run`]: a lesson's run: printed lines and its trace (pure, host-tested).
//! - [`task`]: the wrapper that traces a named future: polls, wakes, drops.
//! - [`trace`]: the trace model: events and per-task summaries (pure, host-tested).
//! - [`time`]: `sleep`, a lazy timer future that clears its JS timer on drop.
//! - [`timer_queue`]: `queue_sleep`, many sleeps sharing one JS timer.
//! - [`slab`]: `Slab`, values in reusable `u32`-indexed slots: the await,
//!   task and timer slots.
//! - [`slab_join`]: `SlabJoin`, many futures of one type awaited together, lean.
//! - [`heap`]: a counting global allocator: bytes live on the Rust heap.
//! - [`fetch`]: `fetch_text`, a lazy request future that aborts its request on drop.
//! - [`thread`]: which thread runs, cross-origin isolation, a blocking sleep.
//! - [`worker`]: a Web Worker running this crate's wasm, terminated on drop.
//! - [`frames`]: frames drawn and dropped while something runs.
//! - [`names`]: task names made at run time, interned and bounded.
//! - [`js_object`]: plain JS objects built from Rust (`object`, `set`).
//! - [`js_text`]: any thrown JS value as text, for error messages.

pub mod abort;
pub mod args;
pub mod bridge;
pub mod clock;
pub mod fetch;
pub mod frames;
pub mod heap;
pub mod js_object;
pub mod js_text;
pub mod leaf;
pub mod machine;
pub mod names;
pub mod reaction_executor;
pub mod recorder;
pub mod run;
pub mod slab;
pub mod slab_join;
pub mod task;
pub mod thread;
pub mod time;
pub mod timer_queue;
pub mod trace;
pub mod worker;
