//! `yield_now`: give the executor back control for one turn, as
//! `tokio::task::yield_now` does. Lessons use it to show that `wake` does not
//! poll (the task is only queued again) and to make a spawned task a real one
//! that is parked and woken rather than a closure that runs straight through.
//!
//! `yield_now` does not let the browser in: wasm-bindgen-futures polls the
//! woken task in a microtask of the same browser task, so rendering and input
//! still wait. [`next_turn`] does: it waits for a later task of the event
//! loop, for work cut into slices that must keep the page responsive.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use gloo_timers::future::TimeoutFuture;

/// Pending once, after waking itself: the task is queued again at once, but
/// polled only on the executor's next turn.
#[derive(Debug, Default)]
#[must_use = "futures do nothing unless awaited"]
pub struct YieldNow {
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

/// Gives the executor a turn: see [`YieldNow`].
///
/// # Example
/// ```no_run
/// # async fn example() {
/// use async_rust_lab::runtime::yield_now::yield_now;
/// yield_now().await; // polled again on the executor's next turn
/// # }
/// ```
pub fn yield_now() -> YieldNow {
    YieldNow::default()
}

/// Waits for a later task of the browser's event loop (a `setTimeout` of 0
/// ms), so that rendering and input run in between. Lazy: the timer is set at
/// the first poll. A browser clamps it to 4 ms once timers nest five deep.
///
/// # Example
/// ```no_run
/// # async fn example() {
/// use async_rust_lab::runtime::yield_now::next_turn;
/// next_turn().await; // the page may draw a frame here
/// # }
/// ```
pub fn next_turn() -> NextTurn {
    NextTurn { timer: None }
}

/// The future returned by [`next_turn`]. Dropping it clears its timer.
#[derive(Debug)]
#[must_use = "futures do nothing unless awaited"]
pub struct NextTurn {
    timer: Option<TimeoutFuture>,
}

impl Future for NextTurn {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        // No sleep's timer: js_timers does not count it.
        Pin::new(self.timer.get_or_insert_with(|| TimeoutFuture::new(0))).poll(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::task::Waker;

    #[test]
    fn yield_now_wakes_itself_once_then_is_ready() {
        use std::sync::atomic::{AtomicUsize, Ordering};
        use std::sync::Arc;

        struct Count(AtomicUsize);
        impl std::task::Wake for Count {
            fn wake(self: Arc<Self>) {
                self.0.fetch_add(1, Ordering::SeqCst);
            }
        }
        let count = Arc::new(Count(AtomicUsize::new(0)));
        let waker = Waker::from(count.clone());
        let mut cx = Context::from_waker(&waker);
        let mut future = yield_now();
        assert!(Pin::new(&mut future).poll(&mut cx).is_pending());
        assert_eq!(count.0.load(Ordering::SeqCst), 1);
        assert!(Pin::new(&mut future).poll(&mut cx).is_ready());
        assert_eq!(count.0.load(Ordering::SeqCst), 1);
    }
}
