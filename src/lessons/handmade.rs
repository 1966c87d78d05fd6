//! Futures written by hand, without `async`: a struct and its own `poll`.
//!
//! `Ticker` is what `sleep` is made of: on each `poll` it either says `Ready` or
//! stores the `Waker` and returns `Pending`, and a JS timer calls `wake()` later.
//! [`yield_now`](crate::runtime::yield_now) wakes itself at once, to show that
//! `wake` does not poll: it only queues the task, and the executor polls it on
//! a later turn. The page shows
//! the source between the `card:` markers next to the trace it prints.

use std::cell::RefCell;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll, Waker};

use gloo_timers::callback::Timeout;

use crate::runtime::run::Run;

/// How a [`Ticker`] reports each step of its life: a line of its trace.
pub type Say = Rc<dyn Fn(&str)>;

// card:start
/// Pending until a JS timer has woken it `ticks` times, then Ready.
pub struct Ticker {
    ticks_left: u32,
    every_ms: u32,
    polls: u32,
    /// Shared with the timer's callback: the latest Waker, and whether it fired.
    wake: Rc<RefCell<Wake>>,
    /// The armed JS timer. Dropping it calls clearTimeout.
    timer: Option<Timeout>,
    say: Say,
}

#[derive(Default)]
struct Wake {
    waker: Option<Waker>,
    fired: bool,
}

impl Future for Ticker {
    type Output = u32;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<u32> {
        self.polls += 1;
        (self.say)(&format!("poll #{}", self.polls));
        if std::mem::take(&mut self.wake.borrow_mut().fired) {
            self.timer = None;
            self.ticks_left = self.ticks_left.saturating_sub(1);
        }
        if self.ticks_left == 0 {
            (self.say)("Ready");
            return Poll::Ready(self.polls);
        }
        // Keep the Waker of *this* poll: the task may have moved since the last.
        self.wake.borrow_mut().waker = Some(cx.waker().clone());
        if self.timer.is_none() {
            let (wake, say) = (self.wake.clone(), self.say.clone());
            self.timer = Some(Timeout::new(self.every_ms, move || {
                let waker = {
                    let mut wake = wake.borrow_mut();
                    wake.fired = true;
                    wake.waker.take()
                };
                say("timer fired: wake()");
                if let Some(waker) = waker {
                    waker.wake(); // queues the task; it does not poll it
                }
            }));
        }
        (self.say)(&format!(
            "Pending: Waker stored, timer set for {} ms",
            self.every_ms
        ));
        Poll::Pending
    }
}
// card:end

impl Ticker {
    /// A ticker that is Ready after `ticks` timer wakes, `every_ms` apart,
    /// reporting each poll, wake and outcome through `say`.
    pub fn new(ticks: u32, every_ms: u32, say: Say) -> Ticker {
        Ticker {
            ticks_left: ticks,
            every_ms,
            polls: 0,
            wake: Rc::default(),
            timer: None,
            say,
        }
    }
}

/// The lines of the hand-written future's source shown on the page: from the
/// `card:start` marker to `card:end` in this file, compiled in so the page can
/// never show a stale copy.
pub fn ticker_source() -> &'static str {
    TICKER_SOURCE
}

// The shown lines are cut out of this file at compile time, by the const fns
// below: only they are compiled into the wasm, not the whole file, and no
// substring search runs in the browser. That saves about 8 KB of raw wasm
// (the rest of the file's text, `str::find`, and the panic paths of
// slicing a str, which format a `char` with Debug).
const FILE: &[u8] = include_bytes!("handmade.rs");
const START_MARK: &[u8] = b"// card:start\n";
const START: usize = find(FILE, START_MARK) + START_MARK.len();
const END: usize = find(FILE, b"// card:end");
const TICKER_BYTES: [u8; END - START] = copy_from(FILE, START);
const TICKER_SOURCE: &str = match std::str::from_utf8(&TICKER_BYTES) {
    Ok(source) => source,
    Err(_) => panic!("the card: markers of handmade.rs split a character"),
};

/// Where `needle` first occurs in `haystack`. Const: a marker that is missing
/// fails the build.
#[allow(
    clippy::indexing_slicing,
    reason = "runs only at compile time, where an index out of bounds is a build error"
)]
const fn find(haystack: &[u8], needle: &[u8]) -> usize {
    let mut at = 0;
    while at + needle.len() <= haystack.len() {
        let mut matched = 0;
        while matched < needle.len() && haystack[at + matched] == needle[matched] {
            matched += 1;
        }
        if matched == needle.len() {
            return at;
        }
        at += 1;
    }
    panic!("handmade.rs lost one of its card: markers");
}

/// `N` bytes of `bytes` from `start`, as an array of their own.
#[allow(
    clippy::indexing_slicing,
    reason = "runs only at compile time, where an index out of bounds is a build error"
)]
const fn copy_from<const N: usize>(bytes: &[u8], start: usize) -> [u8; N] {
    let mut out = [0; N];
    let mut i = 0;
    while i < N {
        out[i] = bytes[start + i];
        i += 1;
    }
    out
}

/// Polls a [`Ticker`] to the end as the task "ticker", printing its trace on
/// `run`. Returns how many times it was polled: one more than `ticks`.
pub async fn tick(run: Rc<Run>, ticks: u32, every_ms: u32) -> u32 {
    let say: Say = {
        let run = run.clone();
        Rc::new(move |line| {
            run.print(line);
        })
    };
    run.task("ticker", Ticker::new(ticks, every_ms, say)).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shown_source_is_the_ticker_and_its_poll_and_nothing_else() {
        let source = ticker_source();
        assert!(source.starts_with("/// Pending until a JS timer"));
        assert!(source.contains("impl Future for Ticker"));
        assert!(!source.contains("card:"));
        assert!(!source.contains("fn ticker_source"));
    }

    #[test]
    fn the_source_cut_at_compile_time_is_the_lines_between_the_markers() {
        let file = include_str!("handmade.rs");
        let start = file.find("// card:start\n").unwrap() + "// card:start\n".len();
        let end = file.find("// card:end").unwrap();
        assert_eq!(ticker_source(), &file[start..end]);
    }
}
