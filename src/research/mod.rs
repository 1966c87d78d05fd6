//! The benchmark research: leaner executors, bridges, timers and join sets
//! than the stock ones, built to see how close async Rust in wasm can come to
//! JS on the benchmark page (`bench.html`, `npm run bench`). Their users are
//! the benchmark exports in `api/bench.rs` and the tests that check them.
//!
//! Compiled only with the `bench` feature (on by default), so a build for the
//! lab page alone (`--no-default-features`) leaves all of it out. The lessons'
//! toolkit ([`runtime`](crate::runtime)) does not depend on anything here; the
//! research builds on the runtime (its trace, clock and sleep), never the other
//! way round.
//!
//! - [`reaction_executor`]: a small executor whose tasks resume inside the
//!   Promise reaction job, as a JS `async function` does, and `reaction_await`.
//! - [`bridge`]: `eager_promise`, a Future -> Promise bridge settled at once
//!   when the future is ready, and `lean_await`, a Promise -> Future bridge with
//!   no closure per await.
//! - [`timer_queue`]: `queue_sleep`, many sleeps sharing one JS timer.
//! - [`slab_join`]: `SlabJoin`, many futures of one type awaited together, lean.
//! - [`slab`]: `Slab`, values in reusable `u32`-indexed slots: the await,
//!   task and timer slots of the three above.

pub mod bridge;
pub mod reaction_executor;
pub mod slab;
pub mod slab_join;
pub mod timer_queue;
