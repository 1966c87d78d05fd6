//! Does not compile, on purpose: scripts/build.sh builds it and keeps rustc's
//! error for the "Parallel async" card ("What Send buys").
//!
//! The future holds an `Rc` across an `.await`. On the multi-threaded executor
//! any worker may poll the task after that `.await`, so the `Rc` would be used
//! from two threads, and its count is not atomic: `spawn` requires `Send`, and
//! the compiler refuses the future.

use async_rust_lab_parallel::executor::Executor;
use async_rust_lab_parallel::work::yield_now;
use std::rc::Rc;

fn main() {
    let executor = Executor::new();
    executor.spawn(0, async {
        let shared = Rc::new(42);
        yield_now().await;
        println!("{shared}");
    });
}
