//! A count of the JS timers the runtime's sleeps arm, kept where each
//! `setTimeout` is called, so a page can say how many a run armed rather than
//! assume it.
//!
//! Each [`TimerSource`] counts its own: [`sleep`](super::time::sleep) arms one
//! JS timer per future (gloo's `TimeoutFuture`), the
//! [timer queue](super::timer_queue) one for the whole page, armed again
//! whenever its earliest deadline changes. A timer is live from its
//! `setTimeout` until it fires or is cleared; the peak is the most live at
//! once since [`reset_peak`]. Timers the runtime arms for other reasons (a
//! turn of the event loop, see
//! [`next_turn`](super::yield_now::next_turn)) are no sleep's and not counted.

use std::cell::Cell;
use std::thread::LocalKey;

use super::choice::choice;

choice! {
    /// Who armed a JS timer: the two timers a sleeping future can use, which the
    /// sleepers lesson and its benchmark pick by name (`timer: "gloo" | "queue"`).
    pub enum TimerSource {
        /// `"gloo"`: [`sleep`](super::time::sleep), gloo's `TimeoutFuture`: one
        /// timer per sleeping future.
        Sleep = "gloo",
        /// `"queue"`: the [timer queue](super::timer_queue): one timer for all its sleeps.
        Queue = "queue",
    }
}

/// What one [`TimerSource`] has armed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TimerCounts {
    /// `setTimeout` calls since the page loaded.
    pub set: u64,
    /// Timers set and not yet fired or cleared.
    pub live: usize,
    /// The most live at once since the last [`reset_peak`].
    pub peak: usize,
}

thread_local! {
    // wasm32 in the browser is one thread per instance: a thread-local is the
    // instance's count.
    static SLEEP: Cell<TimerCounts> = const { Cell::new(TimerCounts { set: 0, live: 0, peak: 0 }) };
    static QUEUE: Cell<TimerCounts> = const { Cell::new(TimerCounts { set: 0, live: 0, peak: 0 }) };
}

fn counts_of(source: TimerSource) -> &'static LocalKey<Cell<TimerCounts>> {
    match source {
        TimerSource::Sleep => &SLEEP,
        TimerSource::Queue => &QUEUE,
    }
}

fn update(source: TimerSource, change: impl FnOnce(&mut TimerCounts)) {
    counts_of(source).with(|counts| {
        let mut one = counts.get();
        change(&mut one);
        counts.set(one);
    });
}

/// Notes a `setTimeout` call by `source`: call it where the call is made.
pub(crate) fn timer_set(source: TimerSource) {
    update(source, |c| {
        c.set = c.set.saturating_add(1);
        c.live = c.live.saturating_add(1);
        c.peak = c.peak.max(c.live);
    });
}

/// Notes that a timer of `source` fired or was cleared.
pub(crate) fn timer_gone(source: TimerSource) {
    update(source, |c| c.live = c.live.saturating_sub(1));
}

/// What `source` has armed so far.
///
/// # Example
/// ```no_run
/// use async_rust_lab::runtime::js_timers::{timer_counts, TimerSource};
/// let before = timer_counts(TimerSource::Queue).set;
/// // ... run some queue sleeps ...
/// let armed = timer_counts(TimerSource::Queue).set - before;
/// ```
pub fn timer_counts(source: TimerSource) -> TimerCounts {
    counts_of(source).with(Cell::get)
}

/// Starts counting `source`'s peak afresh from the timers live now.
pub fn reset_peak(source: TimerSource) {
    update(source, |c| c.peak = c.live);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn live_and_peak_follow_sets_and_ends_per_source() {
        reset_peak(TimerSource::Sleep);
        let start = timer_counts(TimerSource::Sleep);
        timer_set(TimerSource::Sleep);
        timer_set(TimerSource::Sleep);
        timer_gone(TimerSource::Sleep);
        timer_set(TimerSource::Sleep);
        let now = timer_counts(TimerSource::Sleep);
        assert_eq!(now.set - start.set, 3);
        assert_eq!(now.live - start.live, 2);
        assert_eq!(now.peak - start.live, 2);
        assert_eq!(timer_counts(TimerSource::Queue), TimerCounts::default());
        timer_gone(TimerSource::Sleep);
        timer_gone(TimerSource::Sleep);
        reset_peak(TimerSource::Sleep);
        assert_eq!(timer_counts(TimerSource::Sleep).peak, start.live);
    }
}
