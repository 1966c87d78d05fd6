//! [`SlabJoin`]: many futures of one type awaited together, stored inline in a
//! slab and polled only when woken. A leaner `FuturesUnordered` for the case
//! where every future has the same (small, `Unpin`) type.
//!
//! `FuturesUnordered` boxes each future in its own `Arc`'d task node: two
//! reference counts, links into the list of all tasks, the list's length, a link
//! into the ready queue and a `Weak` back to it, and two flags: 30 bytes on
//! wasm32 besides the future (32 once padded), for as long as the future lives.
//! It needs them because it takes futures of any size, pins them in place and
//! hands out a waker that *is* the node.
//!
//! Here the futures sit side by side in one `Vec` (so they must be `Unpin`: the
//! `Vec` moves them when it grows; `Box::pin` one that is not), a free slot
//! remembers the next free one, and which futures are ready is a queue of slot
//! indices plus one bit per slot (so a future woken twice is queued once). What a
//! sleeping future costs beyond its own bytes is its waker: a 16-byte `Arc` with
//! its slot index, made when it is polled and kept only by whoever holds the
//! waker (a timer, a channel). A waker has to be an `Arc` (or an `unsafe` vtable,
//! which this crate does not allow), so the per-future waker is the floor; a
//! future that keeps no waker costs nothing beyond its slot.
//!
//! Like `FuturesUnordered`, [`SlabJoin`] is a `Stream` of the outputs in the
//! order the futures finish, polls only the futures whose wakers were called,
//! polls each at most once per `poll_next` (a future that wakes itself while
//! polled is polled again at the next call, after the task yields to the
//! executor), and drops every future still in it when it is dropped.

use std::collections::VecDeque;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::task::{Context, Poll, Wake, Waker};

use futures::Stream;

/// A free slot's link: the next free slot, or `NONE`.
const NONE: u32 = u32::MAX;

/// The ready queue keeps at most this many slots of capacity once drained, so a
/// first round over a million new futures does not keep 4 MB for the rest of
/// the run.
const READY_CAPACITY_KEPT: usize = 1024;

/// One slot of the slab.
enum Entry<F> {
    /// A future still running.
    Running(F),
    /// Free; the next free slot (`NONE` for the last).
    Free(u32),
}

/// What the wakers share with the set: which slots are ready, and the waker of
/// the task that polls the set. A `Mutex` because `Wake` asks for `Send + Sync`;
/// on wasm32 without threads it is a plain flag.
#[derive(Default)]
struct Ready {
    queue: VecDeque<u32>,
    // One bit per slot: already in `queue`, so a second wake does not queue it twice.
    queued: Vec<u64>,
    parent: Option<Waker>,
}

impl Ready {
    /// Queues `index` unless it is queued already; returns whether the queue was
    /// empty before (then the parent task must be woken).
    fn enqueue(&mut self, index: u32) -> bool {
        let word = (index / 64) as usize;
        let bit = 1u64 << (index % 64);
        if self.queued.len() <= word {
            self.queued.resize(word.saturating_add(1), 0);
        }
        match self.queued.get_mut(word) {
            Some(bits) if *bits & bit == 0 => *bits |= bit,
            _ => return false,
        }
        let was_empty = self.queue.is_empty();
        self.queue.push_back(index);
        was_empty
    }

    /// Takes the next ready slot and clears its bit, so a wake from now on
    /// (during its poll, say) queues it again.
    fn dequeue(&mut self) -> Option<u32> {
        let index = self.queue.pop_front()?;
        if let Some(bits) = self.queued.get_mut((index / 64) as usize) {
            *bits &= !(1u64 << (index % 64));
        }
        Some(index)
    }
}

#[derive(Default)]
struct Shared {
    ready: Mutex<Ready>,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, Ready> {
        // A panic while holding the lock leaves the queue consistent (every
        // change under it is a single push, pop or bit flip), so poisoning is moot.
        self.ready.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn wake_slot(&self, index: u32) {
        let parent = {
            let mut ready = self.lock();
            if ready.enqueue(index) {
                ready.parent.clone()
            } else {
                None
            }
        };
        // Woken outside the lock: the parent's waker may run code that wakes a
        // slot again.
        if let Some(parent) = parent {
            parent.wake();
        }
    }
}

/// The waker handed to the future in one slot: its index and the shared queue.
struct SlotWaker {
    index: u32,
    shared: Arc<Shared>,
}

impl Wake for SlotWaker {
    fn wake(self: Arc<Self>) {
        self.shared.wake_slot(self.index);
    }

    fn wake_by_ref(self: &Arc<Self>) {
        self.shared.wake_slot(self.index);
    }
}

/// Many futures of one type, awaited together; a `Stream` of their outputs in
/// the order they finish. See the [module docs](self) for where the bytes go.
///
/// # Example
/// ```no_run
/// # async fn example() {
/// use async_rust_lab::runtime::slab_join::SlabJoin;
/// use async_rust_lab::runtime::timer_queue::queue_sleep;
/// use futures::StreamExt;
///
/// let mut set: SlabJoin<_> = [300, 100, 200].into_iter().map(queue_sleep).collect();
/// let mut done = 0;
/// while let Some(()) = set.next().await {
///     done += 1;
/// }
/// assert_eq!(done, 3);
/// # }
/// ```
pub struct SlabJoin<F> {
    entries: Vec<Entry<F>>,
    free: u32,
    running: usize,
    shared: Arc<Shared>,
}

impl<F> Default for SlabJoin<F> {
    fn default() -> Self {
        SlabJoin {
            entries: Vec::new(),
            free: NONE,
            running: 0,
            shared: Arc::default(),
        }
    }
}

impl<F> fmt::Debug for SlabJoin<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SlabJoin")
            .field("running", &self.running)
            .field("slots", &self.entries.len())
            .finish()
    }
}

impl<F: Future + Unpin> SlabJoin<F> {
    /// An empty set.
    pub fn new() -> Self {
        SlabJoin::default()
    }

    /// An empty set with room for `capacity` futures, reserved exactly: the
    /// slots and the ready bits do not grow, or keep doubling slack, as that
    /// many are pushed in slices.
    pub fn with_capacity(capacity: usize) -> Self {
        let mut set = SlabJoin::new();
        set.entries.reserve_exact(capacity);
        set.shared
            .lock()
            .queued
            .reserve_exact(capacity.div_ceil(64));
        set
    }

    /// Drops up to `max` of the futures still running, the last slots first,
    /// and returns how many it dropped; once none is left, the slots' memory
    /// goes too. For taking a big set apart a slice at a time, where dropping
    /// it whole would hold the thread: slots freed before are not reused by
    /// later pushes.
    pub fn drop_some(&mut self, max: usize) -> usize {
        let mut dropped = 0;
        while dropped < max {
            match self.entries.pop() {
                Some(Entry::Running(future)) => {
                    drop(future);
                    dropped += 1;
                    self.running = self.running.saturating_sub(1);
                }
                Some(Entry::Free(_)) => {}
                None => break,
            }
        }
        if self.running == 0 {
            // Nothing left to poll: the slots, the ready queue and its bits go.
            self.entries = Vec::new();
            self.free = NONE;
            let mut ready = self.shared.lock();
            ready.queue = VecDeque::new();
            ready.queued = Vec::new();
        }
        dropped
    }

    /// How many futures are still running (added and not finished).
    pub fn len(&self) -> usize {
        self.running
    }

    /// Whether no future is running.
    pub fn is_empty(&self) -> bool {
        self.running == 0
    }

    /// Adds a future, in a free slot if there is one. It is polled for the
    /// first time at the next `poll_next`.
    pub fn push(&mut self, future: F) {
        let index = match self.entries.get_mut(self.free as usize) {
            Some(entry @ Entry::Free(_)) => {
                let index = self.free;
                if let Entry::Free(next) = std::mem::replace(entry, Entry::Running(future)) {
                    self.free = next;
                }
                index
            }
            _ => {
                // More than u32::MAX futures cannot fit in a 4 GiB wasm memory.
                let index = u32::try_from(self.entries.len()).unwrap_or(NONE);
                self.entries.push(Entry::Running(future));
                index
            }
        };
        self.running = self.running.saturating_add(1);
        self.shared.wake_slot(index);
    }

    /// Polls the futures that were woken (or just added), each at most once;
    /// returns the first output, `Ready(None)` when none is left, or `Pending`.
    pub fn poll_next_unpin(&mut self, cx: &mut Context<'_>) -> Poll<Option<F::Output>> {
        if self.running == 0 {
            return Poll::Ready(None);
        }
        let mut budget = {
            let mut ready = self.shared.lock();
            if !ready
                .parent
                .as_ref()
                .is_some_and(|p| p.will_wake(cx.waker()))
            {
                ready.parent = Some(cx.waker().clone());
            }
            ready.queue.len()
        };
        while budget > 0 {
            budget -= 1;
            let Some(index) = self.shared.lock().dequeue() else {
                break;
            };
            // A stale wake (the slot finished, or holds a newer future) is
            // skipped, or costs the newer future one extra poll: harmless.
            let Some(Entry::Running(future)) = self.entries.get_mut(index as usize) else {
                continue;
            };
            let waker = Waker::from(Arc::new(SlotWaker {
                index,
                shared: self.shared.clone(),
            }));
            if let Poll::Ready(output) = Pin::new(future).poll(&mut Context::from_waker(&waker)) {
                if let Some(entry) = self.entries.get_mut(index as usize) {
                    // Drops the finished future now, not when the set goes.
                    *entry = Entry::Free(self.free);
                    self.free = index;
                }
                self.running = self.running.saturating_sub(1);
                return Poll::Ready(Some(output));
            }
        }
        let mut ready = self.shared.lock();
        if ready.queue.is_empty() {
            if ready.queue.capacity() > READY_CAPACITY_KEPT {
                ready.queue.shrink_to(READY_CAPACITY_KEPT);
            }
        } else {
            // Futures woke themselves while polled: come back after yielding, so
            // one busy future cannot starve the rest of the page.
            cx.waker().wake_by_ref();
        }
        Poll::Pending
    }
}

impl<F: Future + Unpin> Stream for SlabJoin<F> {
    type Item = F::Output;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<F::Output>> {
        self.get_mut().poll_next_unpin(cx)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.running, Some(self.running))
    }
}

impl<F: Future + Unpin> FromIterator<F> for SlabJoin<F> {
    fn from_iter<I: IntoIterator<Item = F>>(futures: I) -> Self {
        let futures = futures.into_iter();
        let mut set = SlabJoin::new();
        // Exact capacity when the iterator knows its length: no doubling slack.
        let (at_least, _) = futures.size_hint();
        set.entries.reserve_exact(at_least);
        {
            let mut ready = set.shared.lock();
            ready.queue.reserve_exact(at_least);
            ready.queued.reserve_exact(at_least.div_ceil(64));
        }
        for future in futures {
            set.push(future);
        }
        set
    }
}

impl<F: Future + Unpin> Extend<F> for SlabJoin<F> {
    fn extend<I: IntoIterator<Item = F>>(&mut self, futures: I) {
        for future in futures {
            self.push(future);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::{Cell, RefCell};
    use std::rc::Rc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    /// A parent task's waker that counts its wakes.
    #[derive(Default)]
    struct Counter(AtomicUsize);

    impl Wake for Counter {
        fn wake(self: Arc<Self>) {
            self.0.fetch_add(1, Ordering::Relaxed);
        }
    }

    /// What the test can see of one future: its polls, the waker it was last
    /// given, whether it may finish, and whether it was dropped.
    #[derive(Default)]
    struct Probe {
        polls: Cell<usize>,
        waker: RefCell<Option<Waker>>,
        done: Cell<bool>,
        dropped: Cell<bool>,
        // Wake itself this many more times from inside its poll.
        self_wakes: Cell<usize>,
    }

    /// A future that finishes once its probe says so, then returns its id.
    struct Probed {
        id: usize,
        probe: Rc<Probe>,
    }

    impl Future for Probed {
        type Output = usize;
        fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<usize> {
            let probe = &self.probe;
            probe.polls.set(probe.polls.get() + 1);
            if probe.done.get() {
                return Poll::Ready(self.id);
            }
            *probe.waker.borrow_mut() = Some(cx.waker().clone());
            if probe.self_wakes.get() > 0 {
                probe.self_wakes.set(probe.self_wakes.get() - 1);
                cx.waker().wake_by_ref();
            }
            Poll::Pending
        }
    }

    impl Drop for Probed {
        fn drop(&mut self) {
            self.probe.dropped.set(true);
        }
    }

    fn probes(n: usize) -> (Vec<Rc<Probe>>, SlabJoin<Probed>) {
        let probes: Vec<Rc<Probe>> = (0..n).map(|_| Rc::default()).collect();
        let set = probes
            .iter()
            .enumerate()
            .map(|(id, probe)| Probed {
                id,
                probe: probe.clone(),
            })
            .collect();
        (probes, set)
    }

    fn finish(probe: &Probe) {
        probe.done.set(true);
        if let Some(waker) = probe.waker.borrow_mut().take() {
            waker.wake();
        }
    }

    /// Polls until Pending or the end; returns what finished.
    fn drain(set: &mut SlabJoin<Probed>, cx: &mut Context<'_>) -> Vec<usize> {
        let mut out = Vec::new();
        while let Poll::Ready(Some(id)) = set.poll_next_unpin(cx) {
            out.push(id);
        }
        out
    }

    #[test]
    fn every_future_completes_in_the_order_it_was_woken() {
        let parent = Arc::new(Counter::default());
        let waker = Waker::from(parent.clone());
        let mut cx = Context::from_waker(&waker);
        let (probes, mut set) = probes(100);
        assert_eq!(drain(&mut set, &mut cx), Vec::<usize>::new());
        assert_eq!(set.len(), 100);
        let order: Vec<usize> = (0..100)
            .rev()
            .filter(|i| i % 3 != 0)
            .chain((0..100).filter(|i| i % 3 == 0))
            .collect();
        for &i in &order {
            finish(&probes[i]);
        }
        assert!(
            parent.0.load(Ordering::Relaxed) >= 1,
            "the parent task was woken"
        );
        assert_eq!(drain(&mut set, &mut cx), order);
        assert!(set.is_empty());
        assert_eq!(set.poll_next_unpin(&mut cx), Poll::Ready(None));
        assert!(
            probes.iter().all(|p| p.dropped.get()),
            "finished futures are dropped at once"
        );
    }

    #[test]
    fn only_woken_futures_are_polled() {
        let (probes, mut set) = probes(50);
        let mut cx = Context::from_waker(Waker::noop());
        drain(&mut set, &mut cx);
        assert!(probes.iter().all(|p| p.polls.get() == 1));
        // Woken but not done: polled once more, and no one else is.
        if let Some(waker) = probes[7].waker.borrow().as_ref() {
            waker.wake_by_ref();
            waker.wake_by_ref(); // twice: still one poll
        }
        assert_eq!(drain(&mut set, &mut cx), Vec::<usize>::new());
        let polls: Vec<usize> = probes.iter().map(|p| p.polls.get()).collect();
        let mut expected = vec![1; 50];
        expected[7] = 2;
        assert_eq!(polls, expected);
        // Nothing woken: nothing polled.
        assert_eq!(drain(&mut set, &mut cx), Vec::<usize>::new());
        assert_eq!(probes.iter().map(|p| p.polls.get()).sum::<usize>(), 51);
    }

    #[test]
    fn a_future_woken_during_its_own_poll_is_polled_again_after_a_yield() {
        let parent = Arc::new(Counter::default());
        let waker = Waker::from(parent.clone());
        let mut cx = Context::from_waker(&waker);
        let (probes, mut set) = probes(3);
        probes[1].self_wakes.set(2);
        assert_eq!(set.poll_next_unpin(&mut cx), Poll::Pending);
        assert_eq!(probes[1].polls.get(), 1, "at most one poll per call");
        let wakes = parent.0.load(Ordering::Relaxed);
        assert!(wakes >= 1, "the set asked its task to come back");
        assert_eq!(set.poll_next_unpin(&mut cx), Poll::Pending);
        assert_eq!(probes[1].polls.get(), 2);
        assert_eq!(set.poll_next_unpin(&mut cx), Poll::Pending);
        assert_eq!(probes[1].polls.get(), 3);
        // Out of self-wakes: it waits like the others now.
        assert_eq!(set.poll_next_unpin(&mut cx), Poll::Pending);
        assert_eq!(probes[1].polls.get(), 3);
        assert_eq!(probes[0].polls.get(), 1);
        finish(&probes[1]);
        assert_eq!(set.poll_next_unpin(&mut cx), Poll::Ready(Some(1)));
    }

    #[test]
    fn dropping_the_set_midway_drops_every_future_it_still_holds() {
        let (probes, mut set) = probes(10);
        let mut cx = Context::from_waker(Waker::noop());
        drain(&mut set, &mut cx);
        finish(&probes[4]);
        assert_eq!(drain(&mut set, &mut cx), [4]);
        assert!(probes[4].dropped.get());
        assert_eq!(probes.iter().filter(|p| p.dropped.get()).count(), 1);
        // A waker outlives the set: calling it afterwards is harmless.
        let stale = probes[0].waker.borrow_mut().take();
        drop(set);
        assert!(probes.iter().all(|p| p.dropped.get()));
        if let Some(stale) = stale {
            stale.wake();
        }
    }

    #[test]
    fn a_free_slot_is_reused_and_a_stale_waker_costs_at_most_a_spurious_poll() {
        let (probes, mut set) = probes(2);
        let mut cx = Context::from_waker(Waker::noop());
        drain(&mut set, &mut cx);
        let old_waker = probes[0].waker.borrow().clone();
        finish(&probes[0]);
        assert_eq!(drain(&mut set, &mut cx), [0]);
        let newer = Rc::new(Probe::default());
        set.push(Probed {
            id: 2,
            probe: newer.clone(),
        });
        assert_eq!(set.entries.len(), 2, "slot 0 was reused");
        drain(&mut set, &mut cx);
        assert_eq!(newer.polls.get(), 1);
        // The old occupant's waker wakes slot 0: the new future is polled once
        // more, stays pending, and nothing finishes twice.
        if let Some(old) = old_waker {
            old.wake();
        }
        assert_eq!(drain(&mut set, &mut cx), Vec::<usize>::new());
        assert_eq!(newer.polls.get(), 2);
        finish(&newer);
        finish(&probes[1]);
        let mut out = drain(&mut set, &mut cx);
        out.sort_unstable();
        assert_eq!(out, [1, 2]);
        assert_eq!(set.poll_next_unpin(&mut cx), Poll::Ready(None));
    }

    #[test]
    fn drop_some_takes_the_set_apart_in_slices_and_frees_it_at_the_end() {
        let (probes, mut set) = probes(10);
        let mut cx = Context::from_waker(Waker::noop());
        drain(&mut set, &mut cx);
        finish(&probes[9]);
        assert_eq!(drain(&mut set, &mut cx), [9]);
        assert_eq!(set.drop_some(4), 4);
        assert_eq!(set.len(), 5);
        let dropped: Vec<bool> = probes.iter().map(|p| p.dropped.get()).collect();
        let expected: Vec<bool> = (0..10).map(|i| i >= 5).collect();
        assert_eq!(dropped, expected, "the last slots first");
        assert_eq!(set.drop_some(100), 5);
        assert!(set.is_empty());
        assert_eq!(set.entries.capacity(), 0, "the slots' memory went");
        // A waker of a dropped future is harmless; the set is still usable.
        if let Some(stale) = probes[0].waker.borrow_mut().take() {
            stale.wake();
        }
        assert_eq!(set.poll_next_unpin(&mut cx), Poll::Ready(None));
        let again = Rc::new(Probe::default());
        set.push(Probed {
            id: 10,
            probe: again.clone(),
        });
        finish(&again);
        assert_eq!(drain(&mut set, &mut cx), [10]);
    }

    #[test]
    fn with_capacity_reserves_exactly() {
        let set: SlabJoin<Probed> = SlabJoin::with_capacity(1000);
        assert_eq!(set.entries.capacity(), 1000);
        assert!(set.is_empty());
    }

    #[test]
    fn a_slot_costs_nothing_beyond_its_future() {
        use crate::runtime::timer_queue::QueueSleep;
        // The free-slot link fits in the future's own spare tag values.
        assert_eq!(
            std::mem::size_of::<Entry<QueueSleep>>(),
            std::mem::size_of::<QueueSleep>()
        );
    }

    #[test]
    fn the_ready_queue_gives_back_what_a_big_first_round_grew() {
        let (_probes, mut set) = probes(100_000);
        let mut cx = Context::from_waker(Waker::noop());
        drain(&mut set, &mut cx);
        assert!(set.shared.lock().queue.capacity() <= READY_CAPACITY_KEPT);
    }
}
