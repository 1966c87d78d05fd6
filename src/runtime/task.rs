//! A named task: a future wrapped so its run records when it was first polled,
//! which lines it printed, and whether it ended ready or was dropped unfinished.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use pin_project_lite::pin_project;

use super::run::{Outcome, Run};

pin_project! {
    /// The future returned by [`Run::task`]. Polling it polls the inner future.
    #[must_use = "futures do nothing unless awaited; dropping a Task records it as cancelled"]
    pub struct Task<'a, F> {
        #[pin]
        future: F,
        // Not pinned: it only holds the run and an index, and its Drop is what
        // records a cancellation when the whole Task is dropped unfinished.
        span: SpanGuard<'a>,
    }
}

impl<'a, F: Future> Task<'a, F> {
    pub(crate) fn new(run: &'a Run, index: usize, future: F) -> Self {
        Task {
            future,
            span: SpanGuard {
                run,
                index,
                done: false,
            },
        }
    }
}

impl<F: Future> Future for Task<'_, F> {
    type Output = F::Output;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        let this = self.project();
        let span = this.span;
        let previous = span.run.enter(span.index);
        let poll = this.future.poll(cx);
        span.run.leave(previous);
        if poll.is_ready() {
            span.run.end(span.index, Outcome::Ready);
            span.done = true;
        }
        poll
    }
}

struct SpanGuard<'a> {
    run: &'a Run,
    index: usize,
    done: bool,
}

impl Drop for SpanGuard<'_> {
    fn drop(&mut self) {
        if !self.done {
            self.run.end(self.index, Outcome::Dropped);
        }
    }
}

#[cfg(test)]
mod tests {
    use std::cell::Cell;
    use std::rc::Rc;
    use std::task::Waker;

    use super::*;
    use crate::runtime::clock::manual_clock;

    /// Pending `n` times, then ready: a hand-driven future with a known poll count.
    struct PendingTimes(u32);

    impl Future for PendingTimes {
        type Output = &'static str;
        fn poll(mut self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<&'static str> {
            if self.0 == 0 {
                Poll::Ready("done")
            } else {
                self.0 -= 1;
                Poll::Pending
            }
        }
    }

    fn poll_once<F: Future>(future: Pin<&mut F>) -> Poll<F::Output> {
        future.poll(&mut Context::from_waker(Waker::noop()))
    }

    #[test]
    fn a_task_is_timed_from_its_first_poll_not_from_its_creation() {
        let (clock, set_time) = manual_clock();
        let run = Run::start("l", "m", vec![], clock, None);
        let mut task = Box::pin(run.task("t", PendingTimes(1)));
        set_time(100.0);
        assert!(poll_once(task.as_mut()).is_pending());
        set_time(250.0);
        assert_eq!(poll_once(task.as_mut()), Poll::Ready("done"));
        drop(task);
        let span = &run.finish().tasks[0];
        assert_eq!((span.start_ms, span.end_ms), (Some(100.0), Some(250.0)));
        assert_eq!(span.outcome, Outcome::Ready);
    }

    #[test]
    fn a_task_dropped_before_ready_is_recorded_as_dropped_at_drop_time() {
        let (clock, set_time) = manual_clock();
        let run = Run::start("l", "m", vec![], clock, None);
        let mut task = Box::pin(run.task("loser", PendingTimes(5)));
        assert!(poll_once(task.as_mut()).is_pending());
        set_time(40.0);
        drop(task);
        let span = &run.finish().tasks[0];
        assert_eq!(span.outcome, Outcome::Dropped);
        assert_eq!(span.end_ms, Some(40.0));
    }

    #[test]
    fn a_never_polled_task_has_no_start() {
        let (clock, _) = manual_clock();
        let run = Run::start("l", "m", vec![], clock, None);
        drop(run.task("idle", PendingTimes(0)));
        let span = &run.finish().tasks[0];
        assert_eq!(span.start_ms, None);
        assert_eq!(span.outcome, Outcome::Dropped);
    }

    #[test]
    fn lines_printed_inside_a_task_name_it_and_nesting_restores_the_outer_task() {
        let (clock, _) = manual_clock();
        let run = Run::start("l", "m", vec![], clock, None);
        let printed_inner = Rc::new(Cell::new(false));
        {
            let flag = printed_inner.clone();
            let run_ref = &run;
            let inner = async move {
                run_ref.print("inner");
                flag.set(true);
            };
            let outer = run.task("outer", async {
                run.task("inner", inner).await;
                run.print("after");
            });
            let mut outer = Box::pin(outer);
            assert!(poll_once(outer.as_mut()).is_ready());
        }
        assert!(printed_inner.get());
        let tasks: Vec<_> = run.finish().lines.into_iter().map(|l| l.task).collect();
        assert_eq!(tasks, [Some("inner"), Some("outer")]);
    }
}
