//! A named, traced task: a future wrapped so its run records each poll (and
//! what it returned), each call of its waker, and whether it ended ready or was
//! dropped unfinished.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll, Wake, Waker};

use pin_project_lite::pin_project;

use super::recorder::{record_wake, Recorder};
use super::trace::{restore_waiting, take_waiting};

pin_project! {
    /// The future returned by [`Run::task`](super::run::Run::task). Polling it polls the inner future
    /// with a waker that records each wake before passing it on.
    #[must_use = "futures do nothing unless awaited; dropping a Task records it as cancelled"]
    pub struct Task<'a, F> {
        #[pin]
        future: F,
        // Not pinned: it only holds the run and an index, and its Drop is what
        // records a cancellation when the whole Task is dropped unfinished.
        span: SpanGuard<'a>,
        // The executor's waker we last wrapped, and our wrapper around it: made
        // again only when the executor hands us a different waker.
        wakers: Option<(Waker, Waker)>,
    }
}

impl<'a, F: Future> Task<'a, F> {
    pub(crate) fn new(recorder: &'a Recorder, index: u32, future: F) -> Self {
        Task {
            future,
            span: SpanGuard { recorder, index },
            wakers: None,
        }
    }
}

impl<F: Future> Future for Task<'_, F> {
    type Output = F::Output;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        let this = self.project();
        let (recorder, index) = (this.span.recorder, this.span.index);
        let t = recorder.now();
        recorder.trace.borrow_mut().poll_start(index, t);

        let outer = cx.waker();
        let traced = match this.wakers {
            Some((wrapped, ours)) if wrapped.will_wake(outer) => ours.clone(),
            _ => {
                let ours = Waker::from(Arc::new(TraceWaker {
                    run: recorder.id(),
                    task: index,
                    inner: outer.clone(),
                }));
                *this.wakers = Some((outer.clone(), ours.clone()));
                ours
            }
        };

        // The trace borrow is released: the inner poll may poll nested tasks,
        // print, or wake itself, and each of those records too.
        let outer_waiting = take_waiting();
        let polling = recorder.polling();
        let poll = this.future.poll(&mut Context::from_waker(&traced));
        drop(polling);
        let waiting = take_waiting();
        restore_waiting(waiting.or(outer_waiting));

        let t = recorder.now();
        recorder
            .trace
            .borrow_mut()
            .poll_end(index, t, poll.is_ready(), waiting);
        poll
    }
}

/// Records a wake in the trace, then wakes the executor's task as asked.
/// Holds only ids, so it is `Send + Sync` as a `Waker` must be.
struct TraceWaker {
    run: u32,
    task: u32,
    inner: Waker,
}

impl Wake for TraceWaker {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        record_wake(self.run, self.task);
        self.inner.wake_by_ref();
    }
}

struct SpanGuard<'a> {
    recorder: &'a Recorder,
    index: u32,
}

impl Drop for SpanGuard<'_> {
    fn drop(&mut self) {
        // The trace ignores a drop after completion, so this needs no flag.
        let t = self.recorder.now();
        if let Ok(mut trace) = self.recorder.trace.try_borrow_mut() {
            trace.dropped(self.index, t);
        }
    }
}

#[cfg(test)]
mod tests {
    use std::cell::Cell;
    use std::rc::Rc;

    use super::*;
    use crate::runtime::clock::manual_clock;
    use crate::runtime::run::Run;
    use crate::runtime::trace::{note_waiting, Cause, EventKind, Outcome};

    /// Pending `n` times (saying it waits for a timer), then ready: a
    /// hand-driven future with a known poll count.
    struct PendingTimes(u32);

    impl Future for PendingTimes {
        type Output = &'static str;
        fn poll(mut self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<&'static str> {
            if self.0 == 0 {
                Poll::Ready("done")
            } else {
                self.0 -= 1;
                note_waiting(Cause::Timer);
                Poll::Pending
            }
        }
    }

    /// Wakes itself and returns Pending once, then is ready: a cooperative yield.
    struct YieldOnce(bool);

    impl Future for YieldOnce {
        type Output = ();
        fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
            if self.0 {
                Poll::Ready(())
            } else {
                self.0 = true;
                cx.waker().wake_by_ref();
                Poll::Pending
            }
        }
    }

    /// A waker that counts its wakes, like async-task's tests.
    struct CountingWaker(std::sync::atomic::AtomicU32);

    impl Wake for CountingWaker {
        fn wake(self: Arc<Self>) {
            self.wake_by_ref();
        }
        fn wake_by_ref(self: &Arc<Self>) {
            self.0.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        }
    }

    fn poll_once<F: Future>(future: Pin<&mut F>, waker: &Waker) -> Poll<F::Output> {
        future.poll(&mut Context::from_waker(waker))
    }

    #[test]
    fn a_task_is_timed_from_its_first_poll_not_from_its_creation() {
        let (clock, set_time) = manual_clock();
        let run = Run::start("l", "m", vec![], clock, None);
        let mut task = Box::pin(run.task("t", PendingTimes(1)));
        set_time(100.0);
        assert!(poll_once(task.as_mut(), Waker::noop()).is_pending());
        set_time(250.0);
        assert_eq!(poll_once(task.as_mut(), Waker::noop()), Poll::Ready("done"));
        drop(task);
        let span = &run.finish().tasks[0];
        assert_eq!((span.start_ms, span.end_ms), (Some(100.0), Some(250.0)));
        assert_eq!((span.outcome, span.polls), (Outcome::Ready, 2));
    }

    #[test]
    fn the_exact_event_sequence_of_a_task_woken_by_its_timer() {
        let (clock, _) = manual_clock();
        let run = Run::start("l", "m", vec![], clock, None);
        let counter = Arc::new(CountingWaker(0.into()));
        let waker = Waker::from(counter.clone());
        let mut task = Box::pin(run.task("sleeper", PendingTimes(1)));
        let captured = std::cell::RefCell::new(None);
        // Capture the waker the task hands its future, as a timer would.
        let mut grab = Box::pin(run.task(
            "grabber",
            std::future::poll_fn(|cx| {
                *captured.borrow_mut() = Some(cx.waker().clone());
                Poll::<()>::Pending
            }),
        ));
        assert!(poll_once(task.as_mut(), &waker).is_pending());
        assert!(poll_once(grab.as_mut(), &waker).is_pending());
        let grabbed = captured.borrow_mut().take();
        grabbed.unwrap().wake();
        assert_eq!(
            counter.0.load(std::sync::atomic::Ordering::SeqCst),
            1,
            "the wake reached the executor"
        );
        assert!(poll_once(task.as_mut(), &waker).is_ready());
        drop((task, grab));
        let report = run.finish();
        let sleeper: Vec<_> = report
            .events
            .iter()
            .filter(|e| e.task == 0)
            .map(|e| e.kind)
            .collect();
        assert_eq!(
            sleeper,
            [
                EventKind::Created,
                EventKind::PollStart { depth: 0 },
                EventKind::PollEnd {
                    ready: false,
                    waiting: Some(Cause::Timer)
                },
                EventKind::PollStart { depth: 0 },
                EventKind::PollEnd {
                    ready: true,
                    waiting: None
                },
                EventKind::Completed,
            ]
        );
        let grabber: Vec<_> = report
            .events
            .iter()
            .filter(|e| e.task == 1)
            .map(|e| e.kind)
            .collect();
        assert_eq!(grabber.last(), Some(&EventKind::Dropped));
        assert!(grabber.contains(&EventKind::Woken { by: Cause::Unknown }));
        assert_eq!((report.tasks[1].polls, report.tasks[1].wakes), (1, 1));
    }

    #[test]
    fn a_task_that_wakes_itself_is_recorded_as_woken_by_itself() {
        let (clock, _) = manual_clock();
        let run = Run::start("l", "m", vec![], clock, None);
        let mut task = Box::pin(run.task("yielder", YieldOnce(false)));
        assert!(poll_once(task.as_mut(), Waker::noop()).is_pending());
        assert!(poll_once(task.as_mut(), Waker::noop()).is_ready());
        drop(task);
        let report = run.finish();
        assert!(report
            .events
            .iter()
            .any(|e| e.kind == EventKind::Woken { by: Cause::Itself }));
        assert_eq!((report.tasks[0].polls, report.tasks[0].wakes), (2, 1));
    }

    #[test]
    fn a_task_dropped_before_ready_is_recorded_as_dropped_at_drop_time() {
        let (clock, set_time) = manual_clock();
        let run = Run::start("l", "m", vec![], clock, None);
        let mut task = Box::pin(run.task("loser", PendingTimes(5)));
        assert!(poll_once(task.as_mut(), Waker::noop()).is_pending());
        set_time(40.0);
        drop(task);
        let span = &run.finish().tasks[0];
        assert_eq!(span.outcome, Outcome::Dropped);
        assert_eq!(span.end_ms, Some(40.0));
    }

    #[test]
    fn a_never_polled_task_has_no_start_and_no_polls() {
        let (clock, _) = manual_clock();
        let run = Run::start("l", "m", vec![], clock, None);
        drop(run.task("idle", PendingTimes(0)));
        let span = &run.finish().tasks[0];
        assert_eq!((span.start_ms, span.polls), (None, 0));
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
            assert!(poll_once(outer.as_mut(), Waker::noop()).is_ready());
        }
        assert!(printed_inner.get());
        let tasks: Vec<_> = run.finish().lines.into_iter().map(|l| l.task).collect();
        assert_eq!(tasks, [Some("inner"), Some("outer")]);
    }
}
