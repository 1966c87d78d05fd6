//! `sleep`: a lazy timer future on top of gloo-timers, and a count of the JS
//! timers it has armed and not yet seen fire or cleared.

use std::cell::Cell;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use gloo_timers::future::TimeoutFuture;

use super::trace::{note_waiting, Cause};

thread_local! {
    // wasm32 in the browser is one thread per instance, so a thread-local is the
    // instance-wide count. Kept for tests and the page: it proves that dropping a
    // sleep really clears its JS timer (the count drops before the deadline).
    static ARMED: Cell<usize> = const { Cell::new(0) };
}

/// How many JS timers armed by [`sleep`] are still waiting to fire.
///
/// A sleep counts from its first poll until it completes or is dropped; a dropped
/// sleep has called `clearTimeout`, so its timer will never fire.
pub fn armed_timers() -> usize {
    ARMED.with(Cell::get)
}

/// Sleeps for `ms` milliseconds without blocking the thread.
///
/// Unlike gloo's `TimeoutFuture::new`, which calls `setTimeout` the moment it is
/// built, nothing happens until the first poll: a Rust future is lazy, and the lab
/// teaches that, so its sleep must be lazy too.
///
/// # Example
/// ```no_run
/// # async fn example() {
/// use async_rust_lab::runtime::time::sleep;
/// sleep(300).await; // the page stays responsive meanwhile
/// # }
/// ```
pub fn sleep(ms: u32) -> Sleep {
    Sleep { ms, timer: None }
}

/// The future returned by [`sleep`].
#[must_use = "futures do nothing unless awaited; a Sleep dropped after its first poll clears its JS timer"]
#[derive(Debug)]
pub struct Sleep {
    ms: u32,
    timer: Option<TimeoutFuture>,
}

impl Future for Sleep {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let ms = self.ms;
        let timer = self.timer.get_or_insert_with(|| {
            ARMED.with(|armed| armed.set(armed.get() + 1));
            TimeoutFuture::new(ms)
        });
        match Pin::new(timer).poll(cx) {
            Poll::Ready(()) => {
                // The timer fired: drop it now so our Drop does not count it twice.
                self.timer = None;
                ARMED.with(|armed| armed.set(armed.get().saturating_sub(1)));
                Poll::Ready(())
            }
            Poll::Pending => {
                note_waiting(Cause::Timer);
                Poll::Pending
            }
        }
    }
}

impl Drop for Sleep {
    fn drop(&mut self) {
        // Still holding a timer means it never fired: dropping the TimeoutFuture
        // calls clearTimeout, so it never will.
        if self.timer.take().is_some() {
            ARMED.with(|armed| armed.set(armed.get().saturating_sub(1)));
        }
    }
}
