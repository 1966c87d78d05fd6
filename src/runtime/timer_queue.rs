//! A timer queue: one JS timer armed for the earliest deadline and a heap of
//! wakers in Rust, instead of one `setTimeout` and one JS closure per sleep.
//!
//! [`sleep`](crate::runtime::time::sleep) (gloo's `TimeoutFuture`) costs a JS timer and
//! a wasm-bindgen `Closure` per future: fine for a lesson's two sleeps, heavy
//! for a million. [`queue_sleep`] costs 16 bytes in the queue (an 8-byte heap
//! entry and an 8-byte waker slot, on wasm32) and an 8-byte future, and the
//! whole queue shares one JS timer. The heap ([`TimerHeap`]) is plain Rust,
//! unit-tested on the host; only arming the one JS timer is wasm-only.
//!
//! When the last sleep is done or dropped, the queue gives its memory back and
//! clears its JS timer: a million sleeps leave nothing behind, and a deadline
//! nobody waits for any more does not keep a timer armed.

use std::cell::RefCell;
use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, Waker};

use super::js_timers::{timer_gone, timer_set, TimerSource};
use super::slab::Slab;
use crate::runtime::trace::{note_waiting, Cause};

/// A deadline's place in a [`TimerHeap`], held by the one future that waits for
/// it. Neither `Copy` nor `Clone`: [`TimerHeap::remove`] takes it by value, so a
/// slot can be given back only once and never while its owner still looks at it.
#[derive(Debug, PartialEq, Eq)]
pub struct TimerId(u32);

impl TimerId {
    /// The slot's index, for tests and traces (slots are reused once free).
    pub fn slot(&self) -> u32 {
        self.0
    }
}

/// Deadlines in a binary heap, each with a slot for its waker. Generic over the
/// waker so the host tests can use plain values.
///
/// A slot is `Some(waker)` while its deadline is armed and `None` once it fired
/// (its owner has not looked yet) or was cancelled (its heap entry has not come
/// up yet). The two `None`s need no tag of their own: only the owner asks
/// [`fired`](Self::fired), and a cancelled slot has no owner any more; only the
/// heap pops an entry, and a fired slot has none left. So a slot is a bare
/// `Option<Waker>`, 8 bytes on wasm32, in a [`Slab`] that adds no tag of its own.
#[derive(Debug)]
pub struct TimerHeap<W> {
    // Deadlines in integer microseconds: a total order, and finer than any timer
    // a browser honours. Min-heap of (microseconds after `epoch`, slot): 8 bytes
    // an entry, where an absolute u64 would pad a (u64, u32) to 16 on wasm32.
    // A u32 spans 71 minutes, so the few deadlines outside the window (a sleep
    // of hours) go to `far`, with absolute u64 microseconds: correct always,
    // compact for every ordinary sleep.
    near: BinaryHeap<Reverse<(u32, u32)>>,
    far: BinaryHeap<Reverse<(u64, u32)>>,
    // Set by the first deadline pushed while `near` is empty, half a window
    // before it, so that sleeps started after it (earlier, shorter ones too) fit.
    epoch: u64,
    slots: Slab<Option<W>>,
    // Ids handed out and not yet given back. At zero no one can ask about any
    // slot, so everything (cancelled heap entries included) can go.
    owned: usize,
}

impl<W> Default for TimerHeap<W> {
    fn default() -> Self {
        TimerHeap {
            near: BinaryHeap::new(),
            far: BinaryHeap::new(),
            epoch: 0,
            slots: Slab::new(),
            owned: 0,
        }
    }
}

/// A deadline in whole microseconds, rounded up so that it is never earlier
/// than asked. Negative and NaN clamp to 0 (a deadline in the past fires at once).
fn deadline_micros(ms: f64) -> u64 {
    (ms * 1000.0).ceil().max(0.0) as u64
}

/// The time now in whole microseconds, rounded down, so that a deadline counts
/// as due only once it has really passed.
fn now_micros(ms: f64) -> u64 {
    (ms * 1000.0).floor().max(0.0) as u64
}

/// How far before the first deadline of a fresh window its epoch lies: half a
/// u32 of microseconds (35 minutes), so that deadlines set after it, even
/// earlier ones, still fit.
const HALF_WINDOW: u64 = 1 << 31;

impl<W> TimerHeap<W> {
    fn push(&mut self, at: u64, id: u32) {
        if self.near.is_empty() {
            // Nothing is relative to the old epoch: start a window around `at`.
            self.epoch = at.saturating_sub(HALF_WINDOW);
        }
        match at
            .checked_sub(self.epoch)
            .and_then(|after| u32::try_from(after).ok())
        {
            Some(after) => self.near.push(Reverse((after, id))),
            None => self.far.push(Reverse((at, id))),
        }
    }

    /// The earliest entry of either heap: its deadline, slot, and whether it is `near`.
    fn peek(&self) -> Option<(u64, u32, bool)> {
        let near = self
            .near
            .peek()
            .map(|Reverse((after, id))| (self.epoch.saturating_add(u64::from(*after)), *id, true));
        let far = self.far.peek().map(|Reverse((at, id))| (*at, *id, false));
        match (near, far) {
            (Some(near), Some(far)) => Some(if far.0 < near.0 { far } else { near }),
            (near, far) => near.or(far),
        }
    }

    /// Adds a deadline (ms on the caller's clock) and the waker to call then;
    /// returns the id its owner keeps until it gives it back with
    /// [`remove`](Self::remove). `None` only with `u32::MAX` slots taken, more
    /// than a 4 GiB wasm memory can hold.
    pub fn insert(&mut self, deadline_ms: f64, waker: W) -> Option<TimerId> {
        let id = self.slots.insert(Some(waker))?;
        self.push(deadline_micros(deadline_ms), id);
        self.owned = self.owned.saturating_add(1);
        Some(TimerId(id))
    }

    /// Replaces the waker of an armed slot (a future polled by a new task).
    pub fn set_waker(&mut self, id: &TimerId, waker: W) {
        if let Some(Some(slot)) = self.slots.get_mut(id.0) {
            *slot = waker;
        }
    }

    /// Whether the deadline of `id` has passed and its waker was called.
    pub fn fired(&self, id: &TimerId) -> bool {
        matches!(self.slots.get(id.0), Some(None))
    }

    /// Gives `id` back: cancels its deadline if still armed (the heap entry is
    /// skipped when it comes up: removing from the middle of a heap costs O(n),
    /// skipping costs nothing), or frees the slot if it fired. When no id is left
    /// out, the whole queue is emptied and its memory returned.
    pub fn remove(&mut self, id: TimerId) {
        match self.slots.get_mut(id.0) {
            // Armed: cancelled. Freed when its heap entry comes up, not before,
            // or a new deadline in this slot would fire at the old one's time.
            Some(slot @ Some(_)) => *slot = None,
            // Fired: its heap entry is gone, so the slot is free now.
            Some(None) => {
                self.slots.remove(id.0);
            }
            None => {}
        }
        self.owned = self.owned.saturating_sub(1);
        if self.owned == 0 {
            // Only cancelled entries can be left: drop them, and the capacity a
            // million sleeps grew, instead of keeping it for the page's lifetime.
            *self = TimerHeap::default();
        }
    }

    /// The earliest deadline still in the heap (cancelled ones included), in ms.
    pub fn next_deadline(&self) -> Option<f64> {
        self.peek().map(|(at, _, _)| at as f64 / 1000.0)
    }

    /// Pops every deadline at or before `now_ms` and returns their wakers, in
    /// deadline order; cancelled slots are freed on the way.
    pub fn pop_due(&mut self, now_ms: f64) -> Vec<W> {
        let now = now_micros(now_ms);
        let mut due = Vec::new();
        while let Some((at, id, near)) = self.peek() {
            if at > now {
                break;
            }
            if near {
                self.near.pop();
            } else {
                self.far.pop();
            }
            match self.slots.get_mut(id) {
                Some(slot @ Some(_)) => due.extend(slot.take()),
                Some(None) => {
                    self.slots.remove(id);
                }
                None => {}
            }
        }
        due
    }

    /// How many deadlines are in the heap: armed, or cancelled and not yet popped.
    pub fn pending(&self) -> usize {
        self.near.len().saturating_add(self.far.len())
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
    (crate::runtime::clock::performance_clock())()
}

/// Makes sure the one JS timer is armed for the earliest deadline, and that no
/// timer is left armed when the heap is empty.
fn arm(queue: &mut Queue) {
    let Some(next) = queue.heap.next_deadline() else {
        // Dropping the Timeout calls clearTimeout.
        if queue.armed.take().is_some() {
            timer_gone(TimerSource::Queue);
        }
        return;
    };
    if matches!(queue.armed, Some((at, _)) if at <= next) {
        return;
    }
    let delay = (next - now_ms()).max(0.0).ceil();
    // One Closure per arming, not per sleep; dropping the old Timeout clears it.
    if queue.armed.take().is_some() {
        timer_gone(TimerSource::Queue);
    }
    let timeout = gloo_timers::callback::Timeout::new(delay as u32, fire);
    timer_set(TimerSource::Queue);
    queue.armed = Some((next, timeout));
}

/// The JS timer fired: wake everything due, then arm for what is left.
fn fire() {
    let due = QUEUE.with(|q| {
        let mut queue = q.borrow_mut();
        // It fired: nothing left to clear.
        if queue.armed.take().is_some() {
            timer_gone(TimerSource::Queue);
        }
        let due = queue.heap.pop_due(now_ms());
        arm(&mut queue);
        due
    });
    // Woken outside the borrow: a waker may poll (and so sleep) right away.
    for waker in due {
        waker.wake();
    }
}

/// How many deadlines the page's queue holds (armed, or cancelled and not yet
/// come up), and whether its one JS timer is armed. For tests and the console:
/// after every sleep is done or dropped, it is `(0, false)`.
pub fn queue_state() -> (usize, bool) {
    QUEUE.with(|q| {
        let queue = q.borrow();
        (queue.heap.pending(), queue.armed.is_some())
    })
}

/// Sleeps `ms` milliseconds on the shared timer queue. Lazy like every future
/// here: the deadline is set at the first poll. It never completes before its
/// deadline (deadlines round up to the next microsecond, the clock down).
///
/// # Example
/// ```no_run
/// # async fn example() {
/// use async_rust_lab::runtime::timer_queue::queue_sleep;
/// queue_sleep(250).await;
/// # }
/// ```
pub fn queue_sleep(ms: u32) -> QueueSleep {
    QueueSleep {
        state: State::Unpolled(ms),
    }
}

/// The future returned by [`queue_sleep`]: 8 bytes on wasm32 (a tag and a u32),
/// no JS object of its own.
#[must_use = "futures do nothing unless awaited; dropping a QueueSleep cancels its deadline"]
#[derive(Debug)]
pub struct QueueSleep {
    state: State,
}

/// One enum rather than `ms` beside an `Option<id>`: the milliseconds are needed
/// only until the deadline is set, so both share one u32 (8 bytes, not 12).
#[derive(Debug)]
enum State {
    /// Not polled yet: how long to sleep.
    Unpolled(u32),
    /// Its deadline is in the queue.
    Waiting(TimerId),
    /// Done; polling again stays Ready.
    Done,
}

impl Future for QueueSleep {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let state = std::mem::replace(&mut self.state, State::Done);
        let next = QUEUE.with(|q| {
            let mut queue = q.borrow_mut();
            match state {
                State::Unpolled(ms) => {
                    let deadline = now_ms() + f64::from(ms);
                    match queue.heap.insert(deadline, cx.waker().clone()) {
                        Some(id) => {
                            arm(&mut queue);
                            State::Waiting(id)
                        }
                        None => State::Unpolled(ms),
                    }
                }
                State::Waiting(id) if queue.heap.fired(&id) => {
                    queue.heap.remove(id);
                    arm(&mut queue);
                    State::Done
                }
                State::Waiting(id) => {
                    queue.heap.set_waker(&id, cx.waker().clone());
                    State::Waiting(id)
                }
                State::Done => State::Done,
            }
        });
        let ready = matches!(next, State::Done);
        if matches!(next, State::Unpolled(_)) {
            // The queue had no slot (past u32::MAX sleeps, which wasm32
            // cannot hold): try again at the next poll, since ending early
            // would break the deadline. Woken outside the borrow, as in `fire`.
            cx.waker().wake_by_ref();
        }
        self.state = next;
        if ready {
            Poll::Ready(())
        } else {
            note_waiting(Cause::Timer);
            Poll::Pending
        }
    }
}

impl Drop for QueueSleep {
    fn drop(&mut self) {
        if let State::Waiting(id) = std::mem::replace(&mut self.state, State::Done) {
            // try_with: a future dropped while the thread's locals are torn down
            // has nothing left to cancel.
            let _ = QUEUE.try_with(|q| {
                if let Ok(mut queue) = q.try_borrow_mut() {
                    queue.heap.remove(id);
                    // The last sleep dropped: clear the JS timer it armed.
                    arm(&mut queue);
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
        let mut ids = Vec::new();
        for (deadline, name) in [(30.0, "c"), (10.0, "a"), (20.0, "b"), (10.0, "a2")] {
            ids.push(heap.insert(deadline, name).unwrap());
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
        let doomed = heap.insert(10.0, "doomed").unwrap();
        let doomed_slot = doomed.slot();
        let _kept = heap.insert(20.0, "kept").unwrap();
        heap.remove(doomed);
        let _other = heap.insert(40.0, "other").unwrap();
        assert_eq!(
            heap.pending(),
            3,
            "the cancelled entry is still in the heap"
        );
        assert_eq!(heap.pop_due(30.0), ["kept"]);
        let reused = heap.insert(40.0, "new").unwrap();
        assert_eq!(
            reused.slot(),
            doomed_slot,
            "the cancelled slot is free again"
        );
    }

    #[test]
    fn a_cancelled_slot_is_not_reused_while_its_old_deadline_is_still_in_the_heap() {
        let mut heap = TimerHeap::default();
        let _keeps_the_queue_alive = heap.insert(1000.0, "long").unwrap();
        let doomed = heap.insert(10.0, "doomed").unwrap();
        let doomed_slot = doomed.slot();
        heap.remove(doomed);
        let late = heap.insert(50.0, "late").unwrap();
        assert_ne!(late.slot(), doomed_slot);
        // The old entry comes up at 10 ms and must not wake the 50 ms sleeper.
        assert_eq!(heap.pop_due(10.0), Vec::<&str>::new());
        assert!(!heap.fired(&late));
        assert_eq!(heap.pop_due(50.0), ["late"]);
    }

    #[test]
    fn a_fired_slot_stays_fired_until_removed_then_is_reused() {
        let mut heap = TimerHeap::default();
        let _other = heap.insert(100.0, 0).unwrap();
        let id = heap.insert(5.0, 1).unwrap();
        let slot = id.slot();
        assert!(!heap.fired(&id));
        assert_eq!(heap.pop_due(5.0), [1]);
        assert!(heap.fired(&id));
        heap.remove(id);
        assert_eq!(heap.insert(6.0, 2).unwrap().slot(), slot);
    }

    #[test]
    fn the_latest_waker_is_the_one_woken() {
        let mut heap = TimerHeap::default();
        let id = heap.insert(5.0, "first task").unwrap();
        heap.set_waker(&id, "second task");
        assert_eq!(heap.pop_due(5.0), ["second task"]);
    }

    #[test]
    fn a_deadline_is_never_due_before_its_time_even_a_fraction_of_a_microsecond() {
        let mut heap = TimerHeap::default();
        // 10.0004 ms: rounded up to 10.001, so 10.0004 itself is not yet due.
        let id = heap.insert(10.0004, "w").unwrap();
        assert_eq!(heap.pop_due(10.0), Vec::<&str>::new());
        assert_eq!(heap.pop_due(10.0009), Vec::<&str>::new());
        assert_eq!(heap.pop_due(10.001), ["w"]);
        assert!(heap.fired(&id));
        heap.remove(id);
        assert_eq!(heap.pending(), 0);
    }

    #[test]
    fn deadlines_hours_apart_beyond_the_u32_window_still_come_out_in_order() {
        let mut heap = TimerHeap::default();
        let hour = 3_600_000.0;
        // The window starts around the first deadline, at 10 hours.
        let mut ids = Vec::new();
        for (at, name) in [
            (10.0 * hour, "10 h"),
            (10.0 * hour + 0.001, "10 h + 1 us"),
            (1.0, "1 ms, before the window"),
            (13.0 * hour, "13 h, after the window"),
            (10.0 * hour - 1.0, "1 ms before 10 h"),
            (49.0 * 24.0 * hour, "49 days"),
        ] {
            ids.push(heap.insert(at, name).unwrap());
        }
        assert!(!heap.far.is_empty(), "some went to the far heap");
        assert_eq!(heap.next_deadline(), Some(1.0));
        assert_eq!(heap.pop_due(2.0), ["1 ms, before the window"]);
        assert_eq!(heap.pop_due(10.0 * hour - 0.5), ["1 ms before 10 h"]);
        assert_eq!(heap.pop_due(10.0 * hour), ["10 h"]);
        assert_eq!(heap.next_deadline(), Some(10.0 * hour + 0.001));
        assert_eq!(heap.pop_due(12.0 * hour), ["10 h + 1 us"]);
        assert_eq!(heap.pop_due(13.0 * hour), ["13 h, after the window"]);
        // The near heap is empty: the next deadline starts a new window, and
        // the one far deadline still comes out after it.
        ids.push(heap.insert(20.0 * hour, "20 h").unwrap());
        assert_eq!(heap.pop_due(48.0 * 24.0 * hour), ["20 h"]);
        assert_eq!(heap.pop_due(49.0 * 24.0 * hour), ["49 days"]);
        for id in ids {
            heap.remove(id);
        }
        assert_eq!(heap.pending(), 0);
    }

    #[test]
    fn when_every_id_is_given_back_the_queue_returns_its_memory() {
        let mut heap = TimerHeap::default();
        let ids: Vec<TimerId> = (0..10_000)
            .map(|i| heap.insert(f64::from(i), i).unwrap())
            .collect();
        assert_eq!(heap.pop_due(4_999.0).len(), 5_000);
        // Half fired, half still armed: give all back (done or dropped).
        for id in ids {
            heap.remove(id);
        }
        assert_eq!(heap.pending(), 0, "the cancelled entries went too");
        // A fresh slab: no slot, so no free list either.
        assert_eq!(heap.slots.capacity(), 0);
        assert_eq!(heap.next_deadline(), None);
    }
}
