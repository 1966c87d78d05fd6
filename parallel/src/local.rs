//! The single-threaded executor that the runs compare against: the same tasks,
//! taking turns on one thread, as the lab's other lessons do on the page's.
//!
//! Its tasks need not be `Send` (they never leave the thread), so they live in
//! a plain `Vec` and a poll needs no lock. Its wakers still do: std's `Waker`
//! is `Send + Sync` whatever the executor, so the ready list they push to is
//! behind an `Arc<Mutex<_>>`.

use crate::clock::now_ms;
use crate::sync::lock;
use crate::trace::Poll;
use std::collections::VecDeque;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Wake, Waker};

/// A task of the single-threaded executor: any future, `Send` or not.
pub type LocalFuture = Pin<Box<dyn Future<Output = ()>>>;

/// A task's waker: its number, and the ready list it goes back on.
struct LocalWaker {
    /// The task's index in the run.
    id: u32,
    /// The executor's ready list.
    ready: Arc<Mutex<VecDeque<u32>>>,
}

impl Wake for LocalWaker {
    fn wake(self: Arc<Self>) {
        lock(&self.ready).push_back(self.id);
    }
}

/// Runs `futures` to completion on the calling thread, in turns (first in,
/// first polled), and returns every poll, each marked with `thread`.
pub fn run_to_completion(
    futures: Vec<Pin<Box<dyn Future<Output = ()>>>>,
    thread: u32,
) -> Vec<Poll> {
    let ready = Arc::new(Mutex::new(VecDeque::new()));
    let mut tasks: Vec<Option<LocalFuture>> = Vec::new();
    for (id, future) in (0u32..).zip(futures) {
        tasks.push(Some(future));
        lock(&ready).push_back(id);
    }
    let mut polls = Vec::new();
    loop {
        // Taken in its own statement, so the lock is let go before the poll
        // (a task that yields wakes itself, which locks the list again).
        let next = lock(&ready).pop_front();
        let Some(id) = next else { break };
        let Some(Some(future)) = usize::try_from(id).ok().and_then(|i| tasks.get_mut(i)) else {
            continue;
        };
        let waker = Waker::from(Arc::new(LocalWaker {
            id,
            ready: Arc::clone(&ready),
        }));
        let start_ms = now_ms();
        let done = future
            .as_mut()
            .poll(&mut Context::from_waker(&waker))
            .is_ready();
        let end_ms = now_ms();
        if done {
            if let Some(slot) = usize::try_from(id).ok().and_then(|i| tasks.get_mut(i)) {
                *slot = None;
            }
        }
        polls.push(Poll {
            task: id,
            thread,
            start_ms,
            end_ms,
            ready: done,
        });
    }
    polls
}
