//! Where a run's record is kept while it runs: the clock and the trace, found
//! by run id from a waker (which may only hold plain ids) and, through the run
//! being polled, from a [leaf](super::leaf) future that cannot see its run (a
//! `sleep` deep inside a lesson's `async fn`).
//!
//! [`Run`](super::run::Run) owns a recorder; [`Task`](super::task::Task)
//! writes to it. Both depend on this module and not on each other.

use super::clock::Clock;
use super::trace::Trace;
use std::cell::{Cell, RefCell};
use std::rc::{Rc, Weak};

/// The clock and trace of one run, shared with the wakers of its tasks, which
/// may be called after the run is gone.
pub struct Recorder {
    id: u32,
    clock: Clock,
    started_at: f64,
    pub(crate) trace: RefCell<Trace>,
}

thread_local! {
    static NEXT_ID: Cell<u32> = const { Cell::new(1) };
    // The runs in progress, so a waker (which must be Send + Sync, so it can
    // hold only plain ids) can find its trace. Weak: a finished run is gone.
    static RECORDERS: RefCell<Vec<(u32, Weak<Recorder>)>> = const { RefCell::new(Vec::new()) };
    // The runs whose nodes are being polled, innermost last: a leaf made
    // during a poll belongs to the innermost one.
    static POLLING: RefCell<Vec<u32>> = const { RefCell::new(Vec::new()) };
}

impl Recorder {
    /// A recorder for a new run, registered so wakers can find it; the run
    /// keeps the only strong reference.
    pub(crate) fn start(clock: Clock, trace: Trace) -> Rc<Recorder> {
        let id = NEXT_ID.with(|next| {
            let id = next.get();
            next.set(id.wrapping_add(1).max(1));
            id
        });
        let recorder = Rc::new(Recorder {
            id,
            started_at: clock(),
            clock,
            trace: RefCell::new(trace),
        });
        RECORDERS.with(|all| all.borrow_mut().push((id, Rc::downgrade(&recorder))));
        recorder
    }

    /// The run's id.
    pub(crate) fn id(&self) -> u32 {
        self.id
    }

    /// Milliseconds since the run started.
    pub(crate) fn now(&self) -> f64 {
        (self.clock)() - self.started_at
    }

    /// Marks this run's node as being polled until the guard drops, so leaves
    /// made meanwhile can find the run.
    pub(crate) fn polling(&self) -> PollingGuard {
        POLLING.with(|stack| stack.borrow_mut().push(self.id));
        PollingGuard
    }
}

impl Drop for Recorder {
    fn drop(&mut self) {
        let id = self.id;
        RECORDERS.with(|all| all.borrow_mut().retain(|(run, _)| *run != id));
    }
}

/// No run has this id (ids count from 1): pushed by [`untraced`].
const NO_RUN: u32 = 0;

/// Calls `poll` as if no run's node were being polled, so a leaf made inside
/// it (a [`sleep`](super::time::sleep)) joins no run's tree and records
/// nothing. For work too big to trace future by future, a million sleeps,
/// inside a run that still traces its own tasks.
pub(crate) fn untraced<T>(poll: impl FnOnce() -> T) -> T {
    POLLING.with(|stack| stack.borrow_mut().push(NO_RUN));
    let _guard = PollingGuard;
    poll()
}

/// The run whose node is being polled now, innermost, if any.
pub(crate) fn polling_run() -> Option<u32> {
    POLLING.with(|stack| stack.borrow().last().copied())
}

/// Pops the run pushed by [`Recorder::polling`].
pub(crate) struct PollingGuard;

impl Drop for PollingGuard {
    fn drop(&mut self) {
        POLLING.with(|stack| stack.borrow_mut().pop());
    }
}

/// The recorder of run `id`, if it is still in progress.
pub(crate) fn find(id: u32) -> Option<Rc<Recorder>> {
    RECORDERS.with(|all| {
        all.borrow()
            .iter()
            .find(|(run, _)| *run == id)
            .and_then(|(_, weak)| weak.upgrade())
    })
}

/// Runs `record` on run `id`'s trace, if the run is in progress and its trace
/// is free. A waker can be called from inside a poll, which holds no borrow
/// of the trace (Task releases it before polling), so this rarely finds it busy.
pub(crate) fn with_trace(id: u32, record: impl FnOnce(&mut Trace, f64)) {
    if let Some(recorder) = find(id) {
        let t = recorder.now();
        if let Ok(mut trace) = recorder.trace.try_borrow_mut() {
            record(&mut trace, t);
        }
    }
}

/// Records a wake of `task` in run `run`, if the run is still in progress.
pub(crate) fn record_wake(run: u32, task: u32) {
    with_trace(run, |trace, t| {
        trace.woken(task, t);
    });
}
