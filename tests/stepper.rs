//! The hand-driven executor's queue logic, on the host: every task starts
//! ready, a poll takes one task and polls it once, a Pending task leaves the
//! queue until its waker queues it again (once, however often it is woken),
//! a Ready task is gone, and an empty queue polls nothing.
// A panic in a test is a failing test: the crate-wide bans are for input-reachable code.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::cell::{Cell, RefCell};
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll, Waker};

use async_rust_lab::runtime::stepper::{BoxedTask, Executor, Polled};
use async_rust_lab::runtime::trace::{note_waiting, Cause};

/// Pending (saying it waits on a timer, and handing its waker to `slot`)
/// until `woken` is set, then Ready with `value`: a timer driven by the test.
struct Gate {
    slot: Rc<RefCell<Option<Waker>>>,
    open: Rc<Cell<bool>>,
    value: &'static str,
}

impl Future for Gate {
    type Output = &'static str;
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<&'static str> {
        if self.open.get() {
            return Poll::Ready(self.value);
        }
        *self.slot.borrow_mut() = Some(cx.waker().clone());
        note_waiting(Cause::Timer);
        Poll::Pending
    }
}

/// A gate, and the handles the test fires it with.
fn gate(value: &'static str) -> (BoxedTask<&'static str>, impl Fn()) {
    let slot = Rc::new(RefCell::new(None::<Waker>));
    let open = Rc::new(Cell::new(false));
    let task = Box::pin(Gate {
        slot: slot.clone(),
        open: open.clone(),
        value,
    });
    let fire = move || {
        open.set(true);
        let waker = slot.borrow().clone();
        if let Some(waker) = waker {
            // Twice: a task woken twice is still queued once.
            waker.wake_by_ref();
            waker.wake();
        }
    };
    (task, fire)
}

#[test]
fn the_two_threads_as_the_e2e_test_drives_them() {
    let (one, fire_one) = gate("thread one");
    let (two, fire_two) = gate("thread two");
    let mut executor = Executor::new(vec![("thread one", one), ("thread two", two)]);
    assert_eq!(executor.ready(), ["thread one", "thread two"]);

    let pending = |task| Polled::Pending {
        task,
        waits_on: Some(Cause::Timer),
    };
    assert_eq!(executor.poll_next(), pending("thread one"));
    assert_eq!(executor.ready(), ["thread two"]);
    assert_eq!(executor.poll_next(), pending("thread two"));
    assert!(executor.ready().is_empty());
    assert_eq!(executor.poll_next(), Polled::Idle, "nothing is polled");

    fire_two();
    assert_eq!(executor.ready(), ["thread two"], "woken twice, queued once");
    assert_eq!(
        executor.poll_next(),
        Polled::Ready {
            task: "thread two",
            value: "thread two"
        }
    );
    assert!(!executor.done());
    assert_eq!(executor.poll_next(), Polled::Idle);

    fire_one();
    assert_eq!(
        executor.poll_next(),
        Polled::Ready {
            task: "thread one",
            value: "thread one"
        }
    );
    assert!(executor.done());
    assert_eq!(executor.polls(), [("thread one", 2), ("thread two", 2)]);
    assert_eq!(executor.poll_next(), Polled::Idle);
}

#[test]
fn a_wake_calls_the_listener_and_a_wake_after_the_executor_is_gone_does_nothing() {
    let (task, fire) = gate("x");
    let mut executor = Executor::new(vec![("x", task)]);
    let heard = Rc::new(Cell::new(0));
    let counter = heard.clone();
    executor.on_wake(Some(Rc::new(move || counter.set(counter.get() + 1))));
    assert!(matches!(executor.poll_next(), Polled::Pending { .. }));
    fire();
    assert_eq!(heard.get(), 2, "each wake is announced");
    drop(executor);
    fire(); // its queue is gone: no panic, nothing queued anywhere
}

#[test]
fn executors_have_queues_of_their_own() {
    let (a, fire_a) = gate("a");
    let (b, _fire_b) = gate("b");
    let mut first = Executor::new(vec![("a", a)]);
    let mut second = Executor::new(vec![("b", b)]);
    first.poll_next();
    second.poll_next();
    fire_a();
    assert_eq!(first.ready(), ["a"]);
    assert!(second.ready().is_empty());
}
