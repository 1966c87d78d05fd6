//! A multi-threaded executor you can read in one sitting.
//!
//! - A task is a boxed `Send` future behind a `Mutex`, plus a flag that says
//!   whether it is already in the queue. Its waker is the task itself, in an
//!   `Arc` ([`std::task::Wake`]): waking it pushes it onto the queue.
//! - There is one queue, shared by every worker (an injector queue, with no
//!   per-worker queues and no stealing): a worker takes the task at the front,
//!   polls it, and takes the next. So a task that returns `Pending` and is woken
//!   goes to the back, and whichever worker is free next polls it: tasks move
//!   between threads at an `.await`. That is why [`Executor::spawn`] requires
//!   `Send`: a future is handed from thread to thread between its polls.
//! - A worker with nothing to do parks on a `Condvar` (asleep, no spinning)
//!   until a wake or the end of the run notifies it.
//! - The page's main thread only spawns, and never blocks: its locks spin
//!   ([`crate::sync::lock`]) and it learns that the run ended from the workers'
//!   messages, as a Promise.
//!
//! Every poll is recorded ([`Poll`]) with the worker that made it.

use crate::clock::now_ms;
use crate::sync::lock;
use crate::trace::Poll;
use std::collections::VecDeque;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::task::{Context, Wake, Waker};

/// A spawned future, boxed so tasks of different types share one queue.
type BoxedFuture = Pin<Box<dyn Future<Output = ()> + Send + 'static>>;

/// The executor of one run: its queue, its workers' wake-up call, its trace.
pub struct Executor {
    /// The tasks ready to be polled, and how many are not finished yet.
    queue: Mutex<Queue>,
    /// Where idle workers park until there is a task or the run is over.
    work_or_done: Condvar,
    /// Every poll so far, in the order they ended.
    polls: Mutex<Vec<Poll>>,
}

/// The shared state behind the executor's one lock.
struct Queue {
    /// Tasks woken (or new) and waiting for a worker, oldest first.
    ready: VecDeque<Arc<Task>>,
    /// Spawned tasks that have not returned `Ready` yet: at 0 the workers leave.
    unfinished: usize,
}

/// One spawned future and what it needs to be woken from any thread.
struct Task {
    /// Its number in the run, for the trace.
    id: u32,
    /// The future; `None` once it has returned `Ready`. The lock is never
    /// contended (the `queued` flag keeps a task on one worker at a time): it is
    /// there so that `Task` is `Sync`, as an `Arc` shared between threads must be.
    future: Mutex<Option<BoxedFuture>>,
    /// Whether the task is in the ready queue, so a task woken twice before
    /// its next poll is queued once.
    queued: AtomicBool,
    /// The executor to queue it on when woken. The task holds the executor
    /// and the executor's queue holds the task only while it is queued: the
    /// cycle ends when the run's queue drains.
    executor: Arc<Executor>,
}

impl Wake for Task {
    fn wake(self: Arc<Self>) {
        // Already queued: the next poll will see whatever this wake announces.
        if !self.queued.swap(true, Ordering::AcqRel) {
            let executor = Arc::clone(&self.executor);
            executor.push(self);
        }
    }
}

impl Executor {
    /// An executor with no tasks yet.
    pub fn new() -> Arc<Self> {
        Arc::new(Executor {
            queue: Mutex::new(Queue {
                ready: VecDeque::new(),
                unfinished: 0,
            }),
            work_or_done: Condvar::new(),
            polls: Mutex::new(Vec::new()),
        })
    }

    /// Queues `future` as task `id`. Any thread may call it, the page's included.
    ///
    /// `Send` because any worker may poll it, and a different one at each poll.
    pub fn spawn(self: &Arc<Self>, id: u32, future: impl Future<Output = ()> + Send + 'static) {
        let task = Arc::new(Task {
            id,
            future: Mutex::new(Some(Box::pin(future))),
            queued: AtomicBool::new(true),
            executor: Arc::clone(self),
        });
        lock(&self.queue).unfinished += 1;
        self.push(task);
    }

    /// Puts a task at the back of the queue and wakes one parked worker for it.
    fn push(&self, task: Arc<Task>) {
        lock(&self.queue).ready.push_back(task);
        self.work_or_done.notify_one();
    }

    /// A worker's loop: takes tasks and polls them until every task of the run
    /// has finished, parking while the queue is empty. Call it on a worker
    /// thread only: parking blocks.
    pub fn run_worker(&self, thread: u32) {
        while let Some(task) = self.next_task() {
            self.poll(&task, thread);
        }
    }

    /// The task at the front of the queue, waiting for one if need be; `None`
    /// once the run is over.
    fn next_task(&self) -> Option<Arc<Task>> {
        let mut queue = lock(&self.queue);
        loop {
            if let Some(task) = queue.ready.pop_front() {
                return Some(task);
            }
            if queue.unfinished == 0 {
                return None;
            }
            // Parks: the lock is released while asleep and taken again on waking.
            queue = self
                .work_or_done
                .wait(queue)
                .unwrap_or_else(std::sync::PoisonError::into_inner);
        }
    }

    /// Polls one task once, records the poll, and counts the task out if it finished.
    fn poll(&self, task: &Arc<Task>, thread: u32) {
        // Cleared before the poll, so that a wake during the poll queues it again.
        task.queued.store(false, Ordering::Release);
        let waker = Waker::from(Arc::clone(task));
        let mut context = Context::from_waker(&waker);
        let mut slot = lock(&task.future);
        let Some(future) = slot.as_mut() else { return };
        let start_ms = now_ms();
        let ready = future.as_mut().poll(&mut context).is_ready();
        let end_ms = now_ms();
        if ready {
            // Dropped here, on the worker that finished it.
            *slot = None;
        }
        drop(slot);
        lock(&self.polls).push(Poll {
            task: task.id,
            thread,
            start_ms,
            end_ms,
            ready,
        });
        if ready {
            let mut queue = lock(&self.queue);
            queue.unfinished = queue.unfinished.saturating_sub(1);
            if queue.unfinished == 0 {
                // The run is over: every parked worker leaves its loop.
                self.work_or_done.notify_all();
            }
        }
    }

    /// The polls recorded so far, in the order they ended.
    pub fn polls(&self) -> Vec<Poll> {
        lock(&self.polls).clone()
    }
}
