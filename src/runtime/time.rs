//! `sleep`: a lazy timer future on top of gloo-timers, and a count of the JS
//! timers it has armed and not yet seen fire or cleared.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use gloo_timers::future::TimeoutFuture;

use super::js_timers::{timer_counts, timer_gone, timer_set, TimerSource};
use super::leaf::Leaf;
use super::trace::{note_waiting, Cause, NodeKind, Site};

/// How many JS timers armed by [`sleep`] are still waiting to fire.
///
/// A sleep counts from its first poll until it completes or is dropped; a dropped
/// sleep has called `clearTimeout`, so its timer will never fire. Kept for tests
/// and the page: it proves that dropping a sleep really clears its JS timer (the
/// count drops before the deadline). [`js_timers`](super::js_timers) has the
/// whole count: every `setTimeout` call, and the most live at once.
pub fn armed_timers() -> usize {
    timer_counts(TimerSource::Sleep).live
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
///
/// `#[track_caller]`: the sleep remembers the line that made it, which is the
/// line of its `.await` in a lesson, so the page can point at it.
#[track_caller]
pub fn sleep(ms: u32) -> Sleep {
    Sleep {
        ms,
        timer: None,
        site: Site::caller(),
        leaf: None,
    }
}

/// The future returned by [`sleep`].
#[must_use = "futures do nothing unless awaited; a Sleep dropped after its first poll clears its JS timer"]
#[derive(Debug)]
pub struct Sleep {
    ms: u32,
    timer: Option<TimeoutFuture>,
    site: Site,
    // The timer as a leaf of the run's tree, when a traced run polls it.
    leaf: Option<Leaf>,
}

impl Future for Sleep {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let this = &mut *self;
        if this.timer.is_none() {
            // TimeoutFuture::new calls setTimeout: counted right here.
            this.timer = Some(TimeoutFuture::new(this.ms));
            timer_set(TimerSource::Sleep);
            this.leaf = Leaf::armed("sleep", NodeKind::Timer, this.site, Some(this.ms.into()));
        }
        // The timer's callback wakes through the leaf, so the record says when
        // it fired, apart from when its task is next polled.
        let timer = &mut this.timer;
        let poll = Leaf::poll_through(this.leaf.as_ref(), cx, |cx| match timer {
            Some(timer) => Pin::new(timer).poll(cx),
            None => Poll::Ready(()),
        });
        match poll {
            Poll::Ready(()) => {
                // The timer fired: drop it now so our Drop does not count it twice.
                this.timer = None;
                timer_gone(TimerSource::Sleep);
                if let Some(leaf) = this.leaf.take() {
                    leaf.completed();
                }
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
            timer_gone(TimerSource::Sleep);
        }
    }
}
