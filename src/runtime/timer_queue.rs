//! A timer queue: one JS timer armed for the earliest deadline and a heap of
//! wakers in Rust, instead of one `setTimeout` and one JS closure per sleep.
//!
//! [`sleep`](super::time::sleep) (gloo's `TimeoutFuture`) costs a JS timer and
//! a wasm-bindgen `Closure` per future: fine for a lesson's two sleeps, heavy
//! for a million. [`queue_sleep`] costs a heap entry and a slot in Rust, and the
//! whole queue shares one JS timer. The heap ([`TimerHeap`]) is plain Rust,
//! unit-tested on the host; only arming the one JS timer is wasm-only.

use std::cell::RefCell;
use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, Waker};

use super::trace::{note_waiting, Cause};

/// What a slot of the heap holds.
#[derive(Debug)]
enum Slot<W> {
    /// Waiting for its deadline; the waker to call then.
    Armed(Option<W>),
    /// The deadline passed and the waker was called.
    Fired,
    /// Dropped before its deadline; freed when its heap entry comes up.
    Cancelled,
    /// Free for reuse.
    Free,
}

/// Deadlines in a binary heap, each with a slot for its waker. Generic over the
/// waker so the host tests can use plain values.
#[derive(Debug)]
pub struct TimerHeap<W> {
    // Min-heap of (deadline in microseconds, slot). Integer microseconds: total
    // order, and finer than any timer a browser honours.
    heap: BinaryHeap<Reverse<(u64, u32)>>,
    slots: Vec<Slot<W>>,
    free: Vec<u32>,
}

impl<W> Default for TimerHeap<W> {
    fn default() -> Self {
        TimerHeap {
            heap: BinaryHeap::new(),
            slots: Vec::new(),
            free: Vec::new(),
        }
    }
}

fn micros(ms: f64) -> u64 {
    // Negative and NaN clamp to 0; a deadline in the past fires at once.
    (ms * 1000.0).max(0.0) as u64
}

impl<W> TimerHeap<W> {
    /// Adds a deadline (ms on the caller's clock); returns its slot id.
    pub fn insert(&mut self, deadline_ms: f64, waker: W) -> u32 {
        let id = match self.free.pop() {
            Some(id) => {
                if let Some(slot) = self.slots.get_mut(id as usize) {
                    *slot = Slot::Armed(Some(waker));
                }
                id
            }
            None => {
                self.slots.push(Slot::Armed(Some(waker)));
                u32::try_from(self.slots.len() - 1).unwrap_or(u32::MAX)
            }
        };
        self.heap.push(Reverse((micros(deadline_ms), id)));
        id
    }

    /// Replaces the waker of an armed slot (a future polled by a new task).
    pub fn set_waker(&mut self, id: u32, waker: W) {
        if let Some(Slot::Armed(slot)) = self.slots.get_mut(id as usize) {
            *slot = Some(waker);
        }
    }

    /// Whether slot `id` has fired.
    pub fn fired(&self, id: u32) -> bool {
        matches!(self.slots.get(id as usize), Some(Slot::Fired))
    }

    /// Forgets slot `id`: cancels it if armed, frees it if fired. Its heap entry,
    /// if any, is skipped when it comes up (removing from the middle of a heap
    /// costs O(n); skipping costs nothing).
    pub fn remove(&mut self, id: u32) {
        match self.slots.get_mut(id as usize) {
            Some(slot @ Slot::Armed(_)) => *slot = Slot::Cancelled,
            Some(slot @ Slot::Fired) => {
                *slot = Slot::Free;
                self.free.push(id);
            }
            _ => {}
        }
    }

    /// The earliest deadline still in the heap (cancelled ones included), in ms.
    pub fn next_deadline(&self) -> Option<f64> {
        self.heap.peek().map(|Reverse((at, _))| *at as f64 / 1000.0)
    }

    /// Pops every deadline at or before `now_ms` and returns their wakers, in
    /// deadline order; cancelled slots are freed on the way.
    pub fn pop_due(&mut self, now_ms: f64) -> Vec<W> {
        let now = micros(now_ms);
        let mut due = Vec::new();
        while let Some(Reverse((at, id))) = self.heap.peek().copied() {
            if at > now {
                break;
            }
            self.heap.pop();
            match self.slots.get_mut(id as usize) {
                Some(slot @ Slot::Armed(_)) => {
                    if let Slot::Armed(Some(waker)) = std::mem::replace(slot, Slot::Fired) {
                        due.push(waker);
                    }
                }
                Some(slot @ Slot::Cancelled) => {
                    *slot = Slot::Free;
                    self.free.push(id);
                }
                _ => {}
            }
        }
        due
    }

    /// How many slots are armed or cancelled-but-not-yet-popped.
    pub fn pending(&self) -> usize {
        self.heap.len()
    }
}

/// The page's one queue: its heap, and the deadline of the JS timer armed for it.
struct Queue {
    heap: TimerHeap<Waker>,
    armed: Option<(f64, gloo_timers::callback::Timeout)>,
}

thread_local! {
    static QUEUE: RefCell<Queue> = RefCell::new(Queue { heap: TimerHeap::default(), armed: None });
}

fn now_ms() -> f64 {
    (super::clock::performance_clock())()
}

/// Makes sure the one JS timer is armed for the earliest deadline.
fn arm(queue: &mut Queue) {
    let Some(next) = queue.heap.next_deadline() else {
        queue.armed = None;
        return;
    };
    if matches!(queue.armed, Some((at, _)) if at <= next) {
        return;
    }
    let delay = (next - now_ms()).max(0.0).ceil();
    // One Closure per arming, not per sleep; dropping the old Timeout clears it.
    let timeout = gloo_timers::callback::Timeout::new(delay as u32, fire);
    queue.armed = Some((next, timeout));
}

/// The JS timer fired: wake everything due, then arm for what is left.
fn fire() {
    let due = QUEUE.with(|q| {
        let mut queue = q.borrow_mut();
        queue.armed = None;
        let due = queue.heap.pop_due(now_ms());
        arm(&mut queue);
        due
    });
    // Woken outside the borrow: a waker may poll (and so sleep) right away.
    for waker in due {
        waker.wake();
    }
}

/// Sleeps `ms` milliseconds on the shared timer queue. Lazy like every future
/// here: the deadline is set at the first poll.
///
/// # Example
/// ```no_run
/// # async fn example() {
/// use async_rust_lab::runtime::timer_queue::queue_sleep;
/// queue_sleep(250).await;
/// # }
/// ```
pub fn queue_sleep(ms: u32) -> QueueSleep {
    QueueSleep { ms, id: None }
}

/// The future returned by [`queue_sleep`]: 8 bytes, no JS object of its own.
#[must_use = "futures do nothing unless awaited; dropping a QueueSleep cancels its deadline"]
#[derive(Debug)]
pub struct QueueSleep {
    ms: u32,
    id: Option<u32>,
}

impl Future for QueueSleep {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let ms = self.ms;
        let id = self.id;
        let ready = QUEUE.with(|q| {
            let mut queue = q.borrow_mut();
            match id {
                None => {
                    let id = queue
                        .heap
                        .insert(now_ms() + f64::from(ms), cx.waker().clone());
                    arm(&mut queue);
                    Err(id)
                }
                Some(id) if queue.heap.fired(id) => {
                    queue.heap.remove(id);
                    Ok(())
                }
                Some(id) => {
                    queue.heap.set_waker(id, cx.waker().clone());
                    Err(id)
                }
            }
        });
        match ready {
            Ok(()) => {
                self.id = None;
                Poll::Ready(())
            }
            Err(id) => {
                self.id = Some(id);
                note_waiting(Cause::Timer);
                Poll::Pending
            }
        }
    }
}

impl Drop for QueueSleep {
    fn drop(&mut self) {
        if let Some(id) = self.id.take() {
            // try_with: a future dropped while the thread's locals are torn down
            // has nothing left to cancel.
            let _ = QUEUE.try_with(|q| {
                if let Ok(mut queue) = q.try_borrow_mut() {
                    queue.heap.remove(id);
                }
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deadlines_come_out_in_order_however_they_went_in() {
        let mut heap = TimerHeap::default();
        for (deadline, name) in [(30.0, "c"), (10.0, "a"), (20.0, "b"), (10.0, "a2")] {
            heap.insert(deadline, name);
        }
        assert_eq!(heap.next_deadline(), Some(10.0));
        assert_eq!(heap.pop_due(15.0).len(), 2);
        assert_eq!(heap.pop_due(25.0), ["b"]);
        assert_eq!(heap.pop_due(25.0), Vec::<&str>::new());
        assert_eq!(heap.pop_due(1e9), ["c"]);
        assert_eq!(heap.pending(), 0);
    }

    #[test]
    fn a_cancelled_deadline_never_fires_and_its_slot_is_reused_after_it_comes_up() {
        let mut heap = TimerHeap::default();
        let doomed = heap.insert(10.0, "doomed");
        heap.insert(20.0, "kept");
        heap.remove(doomed);
        assert_eq!(heap.pop_due(30.0), ["kept"]);
        let reused = heap.insert(40.0, "new");
        assert_eq!(reused, doomed, "the cancelled slot is free again");
    }

    #[test]
    fn a_fired_slot_stays_fired_until_removed_then_is_reused() {
        let mut heap = TimerHeap::default();
        let id = heap.insert(5.0, 1);
        assert!(!heap.fired(id));
        assert_eq!(heap.pop_due(5.0), [1]);
        assert!(heap.fired(id));
        heap.remove(id);
        assert_eq!(heap.insert(6.0, 2), id);
    }

    #[test]
    fn the_latest_waker_is_the_one_woken() {
        let mut heap = TimerHeap::default();
        let id = heap.insert(5.0, "first task");
        heap.set_waker(id, "second task");
        assert_eq!(heap.pop_due(5.0), ["second task"]);
    }
}
