//! An executor you drive by hand: it holds some tasks and a ready queue, and
//! polls one task only when you ask ([`Executor::poll_next`]).
//!
//! An executor is ordinary code. This one is the whole idea in a page:
//!
//! - every task starts in the ready queue: a new future has never been polled;
//! - a poll takes the first task out of the queue and polls it once;
//! - a task that returns `Pending` is not polled again until its waker is
//!   called: the waker puts its id back in the queue, and that is all it does;
//! - a task that returns `Ready` is done and leaves.
//!
//! wasm-bindgen-futures' executor does the same, except that it empties its
//! queue by itself in a microtask instead of waiting to be asked.

use std::cell::{Cell, RefCell};
use std::collections::{BTreeMap, VecDeque};
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::sync::Arc;
use std::task::{Context, Poll, Wake, Waker};

use super::trace::{take_waiting, Cause};

/// A task as the executor holds it: any future, boxed so tasks of different
/// types fit in one list, and pinned because a future may point into itself.
pub type BoxedTask<T> = Pin<Box<dyn Future<Output = T>>>;

/// What one call of [`Executor::poll_next`] did.
#[derive(Debug, Clone, PartialEq)]
pub enum Polled<T> {
    /// The ready queue was empty, so nothing was polled: every task is waiting.
    Idle,
    /// `task` was polled and returned `Pending`, waiting on `waits_on`
    /// (`None` when its leaf did not say).
    Pending {
        /// The task polled.
        task: &'static str,
        /// What it waits for, e.g. a timer.
        waits_on: Option<Cause>,
    },
    /// `task` was polled and returned `Ready(value)`: it is done.
    Ready {
        /// The task polled.
        task: &'static str,
        /// What it returned.
        value: T,
    },
}

/// One task: its name, its future (`None` once done), its waker, its polls.
struct Slot<T> {
    name: &'static str,
    future: Option<BoxedTask<T>>,
    waker: Waker,
    polls: u32,
}

/// What a waker must reach. A `Waker` must be `Send + Sync`, and this page
/// runs on one thread, so a waker holds only ids and finds its executor's
/// queue here.
#[derive(Default)]
struct Shared {
    ready: VecDeque<usize>,
    /// Called after a wake has put a task in the queue (to redraw a page).
    on_wake: Option<Rc<dyn Fn()>>,
}

thread_local! {
    static NEXT_ID: Cell<u32> = const { Cell::new(1) };
    static QUEUES: RefCell<BTreeMap<u32, Shared>> = const { RefCell::new(BTreeMap::new()) };
}

/// The waker of task `task` of executor `executor`: waking it queues the task.
struct TaskWaker {
    executor: u32,
    task: usize,
}

impl Wake for TaskWaker {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        // A task already in the queue stays once: it will be polled once.
        let notify = QUEUES.with(|queues| {
            let mut queues = queues.borrow_mut();
            let shared = queues.get_mut(&self.executor)?;
            if !shared.ready.contains(&self.task) {
                shared.ready.push_back(self.task);
            }
            shared.on_wake.clone()
        });
        // Called with no borrow held: it may read the queue again.
        if let Some(notify) = notify {
            notify();
        }
    }
}

/// The executor. See the module docs.
pub struct Executor<T> {
    id: u32,
    tasks: Vec<Slot<T>>,
}

impl<T> Executor<T> {
    /// An executor holding `tasks`, all of them in the ready queue, in order.
    pub fn new(tasks: Vec<(&'static str, BoxedTask<T>)>) -> Executor<T> {
        let id = NEXT_ID.with(|next| next.replace(next.get().wrapping_add(1)));
        let tasks: Vec<Slot<T>> = tasks
            .into_iter()
            .enumerate()
            .map(|(task, (name, future))| Slot {
                name,
                future: Some(future),
                waker: Waker::from(Arc::new(TaskWaker { executor: id, task })),
                polls: 0,
            })
            .collect();
        let ready = (0..tasks.len()).collect();
        QUEUES.with(|queues| {
            let shared = Shared {
                ready,
                on_wake: None,
            };
            queues.borrow_mut().insert(id, shared);
        });
        Executor { id, tasks }
    }

    /// Polls the first task of the ready queue once, and nothing else.
    pub fn poll_next(&mut self) -> Polled<T> {
        loop {
            let next = QUEUES.with(|q| q.borrow_mut().get_mut(&self.id)?.ready.pop_front());
            let Some(index) = next else {
                return Polled::Idle;
            };
            let Some(slot) = self.tasks.get_mut(index) else {
                continue;
            };
            // A wake that came after the task was done: nothing to poll.
            let Some(future) = slot.future.as_mut() else {
                continue;
            };
            slot.polls += 1;
            take_waiting(); // forget what an earlier poll, elsewhere, waited on
            let mut cx = Context::from_waker(&slot.waker);
            return match future.as_mut().poll(&mut cx) {
                Poll::Ready(value) => {
                    // Dropping the future frees it, and whatever it held.
                    slot.future = None;
                    Polled::Ready {
                        task: slot.name,
                        value,
                    }
                }
                Poll::Pending => Polled::Pending {
                    task: slot.name,
                    waits_on: take_waiting(),
                },
            };
        }
    }

    /// The names of the tasks in the ready queue, first to be polled first.
    pub fn ready(&self) -> Vec<&'static str> {
        let ids = QUEUES.with(|q| {
            let queues = q.borrow();
            queues
                .get(&self.id)
                .map(|s| s.ready.clone())
                .unwrap_or_default()
        });
        ids.iter()
            .filter_map(|&i| self.tasks.get(i))
            .filter(|slot| slot.future.is_some())
            .map(|slot| slot.name)
            .collect()
    }

    /// Each task's name and how many times it has been polled, in order.
    pub fn polls(&self) -> Vec<(&'static str, u32)> {
        self.tasks.iter().map(|s| (s.name, s.polls)).collect()
    }

    /// Whether every task has returned `Ready`.
    pub fn done(&self) -> bool {
        self.tasks.iter().all(|slot| slot.future.is_none())
    }

    /// Calls `notify` after each wake that queues a task (`None`: no one).
    pub fn on_wake(&self, notify: Option<Rc<dyn Fn()>>) {
        QUEUES.with(|q| {
            if let Some(shared) = q.borrow_mut().get_mut(&self.id) {
                shared.on_wake = notify;
            }
        });
    }
}

impl<T> Drop for Executor<T> {
    fn drop(&mut self) {
        // Its wakers find no queue from now on: a late wake does nothing.
        // The tasks are dropped after this, which clears their timers.
        QUEUES.with(|q| q.borrow_mut().remove(&self.id));
    }
}
