//! The article's "a Future is like a Promise", tried both ways and where the
//! likeness ends.
//!
//! - [`cook`]: a Rust `Result` becomes a Promise: `Ok` resolves, `Err` rejects.
//! - [`lazy`]: a Rust future does nothing until it is awaited; a JS Promise's
//!   executor has already run by the time `new Promise` returns.
//! - [`await_order`]: where each Rust `.await` resumes among the JS
//!   microtasks and macrotasks.
//!
//! The hand-written future is in [`super::handmade`]; awaiting JS Promises and
//! the oneshot channel handle JS values themselves, so they live in `api/`.

use std::fmt;

use crate::runtime::bridge::{resolved_promise, Executor};
use crate::runtime::choice::{choice, Choice};
use crate::runtime::run::Run;
use crate::runtime::time::sleep;
use crate::runtime::yield_now::yield_now;

choice! {
    /// The dishes [`cook`] knows.
    pub enum Dish {
        /// `"toast"`.
        Toast = "toast",
        /// `"rice"`.
        Rice = "rice",
        /// `"soup"`.
        Soup = "soup",
    }
}

/// How long a dish cooks by default (ms).
pub const DEFAULT_COOK_MS: u32 = 400;
/// How long [`lazy`] waits before it awaits its second future (ms).
pub const DEFAULT_WAIT_MS: u32 = 300;

/// Why a dish did not come out: it burned. Becomes the message of the `Error`
/// the Promise rejects with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Burned {
    /// Which dish burned.
    pub dish: Dish,
    /// How long it was left on the stove (ms).
    pub after_ms: u32,
}

impl fmt::Display for Burned {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "the {} burned after {} ms on the stove",
            self.dish.name(),
            self.after_ms
        )
    }
}

impl std::error::Error for Burned {}

/// Cooks `dish` for `cook_ms`: `Ok` with the line "toast is ready" (or rice, soup), or, if
/// `burn`, `Err(Burned)`. An `async fn` returning `Result` is what JS sees as a
/// Promise that resolves or rejects.
pub async fn cook(run: &Run, dish: Dish, cook_ms: u32, burn: bool) -> Result<String, Burned> {
    let name = dish.name();
    run.task(name, async {
        run.print(format!("{name} goes on the stove"));
        sleep(cook_ms).await;
        if burn {
            run.print(format!("{name} burned!"));
            Err(Burned {
                dish,
                after_ms: cook_ms,
            })
        } else {
            Ok(run.print(format!("{name} is ready")))
        }
    })
    .await
}

/// Makes two futures, awaits only the second, after `wait_ms`. The first one's
/// body never runs: creating a future runs none of its code. Returns the lines.
pub async fn lazy(run: &Run, wait_ms: u32) -> Vec<String> {
    // Called like any other function: the call returns at once, a future.
    // Wrapped in a traced task so the trace has A too: created, never polled,
    // dropped. Wrapping polls nothing; a lane for A is the lesson's point.
    let never = run.task("future A", say(run, "A: body runs"));
    run.print("called a(): it returned a future and ran nothing (it will never be awaited)");
    let later = run.task("future B", say(run, "B: body runs"));
    run.print("called b(): it returned a future and ran nothing");
    sleep(wait_ms).await;
    run.print(format!("{wait_ms} ms later: await B"));
    later.await;
    drop(never);
    run.print("A dropped: its body never ran");
    run.printed()
}

/// An async fn whose whole body prints `line`: what `a()` and `b()` are in
/// [`lazy`]. Calling it prints nothing; polling it does.
async fn say(run: &Run, line: &'static str) {
    run.print(line);
}

/// Awaits three kinds of thing in turn and prints after each, so the page can
/// interleave the lines with its own `queueMicrotask` and `setTimeout(0)` steps.
/// The same code for both executors: `executor` only picks the bridge of the
/// Promise await, the one that executor comes with (the export runs it there).
pub async fn await_order(run: &Run, executor: Executor) {
    run.print("Rust: first poll, the body starts");
    yield_now().await;
    run.print("Rust: after yield_now() (it woke itself)");
    resolved_promise(executor).await;
    run.print("Rust: after awaiting a resolved JS Promise");
    sleep(0).await;
    run.print("Rust: after sleep(0) (a setTimeout of 0)");
}
