//! The small toolkit the lessons share. It knows nothing of lessons.
//!
//! - [`abort`]: an `AbortSignal` as a future; `abortable` cancels a future on abort.
//! - [`bridge`]: Promise -> Future (`settle`), as JS `await` would; `settle_on`
//!   through the bridge of either executor.
//! - [`choice`]: `Choice`, a closed set of values JS picks by name (a mode, an
//!   executor), and `choice!`, which declares one from a list of names.
//! - [`clock`]: `performance.now()`, or a manual clock in host tests.
//! - [`recorder`]: a run's clock and trace, found by wakers and leaves.
//! - [`leaf`]: what waits on JS (a timer, a fetch, a Promise), as a leaf of the tree.
//! - [`machine`]: the tree of futures and the queues at one step of a run (pure, host-tested).
//! - [`run`]: a lesson's run: printed lines and its trace (pure, host-tested).
//! - [`stepper`]: an executor you drive by hand: a ready queue, one poll when asked.
//! - [`task`]: the wrapper that traces a named future: polls, wakes, drops.
//! - [`trace`]: the trace model: events and per-task summaries (pure, host-tested).
//! - [`time`]: `sleep`, a lazy timer future that clears its JS timer on drop.
//! - [`yield_now`]: give the executor back control for one turn; `next_turn`,
//!   a later task of the browser's event loop.
//! - [`js_timers`]: the JS timers the sleeps armed, counted at each `setTimeout`.
//! - [`heap`]: a counting global allocator: bytes live on the Rust heap.
//! - [`fetch`]: `fetch_text`, a lazy request future that aborts its request on drop.
//! - [`thread`]: which thread runs, cross-origin isolation, a blocking sleep.
//! - [`worker`]: a Web Worker running this crate's wasm, terminated on drop.
//! - [`frames`]: frames drawn and dropped while something runs.
//! - [`names`]: task names made at run time, interned and bounded.
//! - [`js_object`]: plain JS objects built from Rust (`object`, `set`).
//! - [`js_text`]: any thrown JS value as text, for error messages; numbers as JS prints them.
//!
//! Executors and timers leaner than the stock ones, which the lessons on
//! executors use and the benchmark page measures:
//! - [`reaction_executor`]: tasks resumed inside the Promise reaction job, as a
//!   JS `async function` is, and `reaction_await`.
//! - [`timer_queue`]: `queue_sleep`, many sleeps sharing one JS timer.
//! - [`slab_join`]: `SlabJoin`, many futures of one type awaited together, lean.
//! - [`slab`]: `Slab`, values in reusable `u32`-indexed slots (the await, task
//!   and timer slots of the three above).

pub mod abort;
pub mod bridge;
pub mod choice;
pub mod clock;
pub mod fetch;
pub mod frames;
pub mod heap;
pub mod js_object;
pub mod js_text;
pub mod js_timers;
pub mod leaf;
pub mod machine;
pub mod names;
pub mod reaction_executor;
pub mod recorder;
pub mod run;
pub mod slab;
pub mod slab_join;
pub mod stepper;
pub mod task;
pub mod thread;
pub mod time;
pub mod timer_queue;
pub mod trace;
pub mod worker;
pub mod yield_now;
