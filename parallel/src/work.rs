//! The work the runs' tasks do: a fixed amount of computation (not a spin on the
//! clock), and a `yield_now` that gives the thread back to the executor.
//!
//! Fixed work matters for the speed-up: a task that spun until `workMs` had
//! passed on the wall clock would take `workMs` whether or not its thread had a
//! core to itself, and two workers sharing one core would look twice as fast.
//! So each task does a number of steps, measured once to take about a
//! millisecond on this machine ([`calibrate`]), and the trace shows how long
//! they really took on each thread.

use crate::clock::now_ms;
use std::future::Future;
use std::hint::black_box;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::task::{Context, Poll};

/// Steps per millisecond, measured by [`calibrate`]; 0 until then.
static STEPS_PER_MS: AtomicU64 = AtomicU64::new(0);

/// One block of computation: `steps` rounds of a xorshift generator, a few
/// nanoseconds each, that the optimizer cannot skip (`black_box`).
pub fn crunch(steps: u64) -> u64 {
    let mut x = black_box(0x9E37_79B9_7F4A_7C15_u64);
    for _ in 0..steps {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
    }
    black_box(x)
}

/// How many [`crunch`] steps take a millisecond on this thread, measured over
/// about `budget_ms` (kept short: it runs on the page's thread). Measured twice:
/// the first pass lets the engine compile the loop with its optimizing tier.
pub fn calibrate(budget_ms: f64) -> u64 {
    let mut best = 0;
    for _ in 0..2 {
        let start = now_ms();
        let mut steps = 0_u64;
        while now_ms() - start < budget_ms / 2.0 {
            crunch(10_000);
            steps += 10_000;
        }
        let per_ms = steps as f64 / (now_ms() - start).max(0.001);
        best = best.max(per_ms as u64);
    }
    STEPS_PER_MS.store(best.max(1), Ordering::Relaxed);
    best.max(1)
}

/// The steps for `ms` milliseconds of work, by the last [`calibrate`].
pub fn steps_for(ms: f64) -> u64 {
    (STEPS_PER_MS.load(Ordering::Relaxed) as f64 * ms) as u64
}

/// Returns `Pending` once, waking itself first: the task goes to the back of
/// the queue, and the thread polls whichever task is next. The `.await` point
/// where, on the multi-threaded executor, the task may move to another thread.
pub fn yield_now() -> YieldNow {
    YieldNow { yielded: false }
}

/// The future of [`yield_now`].
pub struct YieldNow {
    /// Whether it has returned `Pending` once already.
    yielded: bool,
}

impl Future for YieldNow {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.yielded {
            return Poll::Ready(());
        }
        self.yielded = true;
        cx.waker().wake_by_ref();
        Poll::Pending
    }
}
