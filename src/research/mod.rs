//! The benchmark research: leaner Promise <-> Future bridges than the stock
//! ones, built to see how close async Rust in wasm can come to
//! JS on the benchmark page (`bench.html`, `npm run bench`). Their users are
//! the benchmark exports in `api/bench.rs` and the tests that check them.
//!
//! Compiled only with the `bench` feature (on by default), so a build for the
//! lab page alone (`--no-default-features`) leaves all of it out. The lessons'
//! toolkit ([`runtime`](crate::runtime)) does not depend on anything here; the
//! research builds on the runtime (its trace, clock and sleep), never the other
//! way round.
//!
//! - [`bridge`]: `eager_promise`, a Future -> Promise bridge settled at once
//!   when the future is ready, and `lean_await`, a Promise -> Future bridge with
//!   no closure per await.
//!
//! The reaction executor, the timer queue, `SlabJoin` and `Slab` began here and
//! moved to [`runtime`](crate::runtime) when lessons took them up.

pub mod bridge;
