//! The article's async example: `thread_one()` and `thread_two()` awaited one
//! after the other, joined, and raced.
//!
//! The article calls them threads, but they are futures: in this page all
//! three modes run on the page's one JS thread. While one future waits for its
//! timer, the other is polled. That is concurrency (interleaving), not
//! parallelism.
//!
//! With [`Sleep::Blocking`] each sleep blocks the thread instead, the most
//! common real bug in async code: a future that never returns `Pending` holds
//! the thread for its whole sleep, so joined futures run one after the other
//! and a race has nothing left to cancel.

use std::future::Future;
use std::pin::{pin, Pin};

use futures::future::{self, Either};

use crate::runtime::choice::choice;
use crate::runtime::run::Run;
use crate::runtime::thread::block_for;
use crate::runtime::time::sleep;
use crate::runtime::trace::NodeKind;

/// The article's `thread_one` sleeps longer (ms). With [`DEFAULT_TWO_MS`] it
/// reproduces the article's outputs at a pace a reader can watch.
pub const DEFAULT_ONE_MS: u32 = 600;
/// The article's `thread_two` sleeps shorter (ms).
pub const DEFAULT_TWO_MS: u32 = 300;

/// The article's `thread_one`: sleep, then print "thread one".
pub async fn thread_one(run: &Run, sleep_ms: u32) -> String {
    sleep(sleep_ms).await;
    run.print("thread one")
}

/// The article's `thread_two`: sleep, then print "thread two".
pub async fn thread_two(run: &Run, sleep_ms: u32) -> String {
    sleep(sleep_ms).await;
    run.print("thread two")
}

choice! {
    /// How `thread_one` and `thread_two` are awaited: the lesson's three modes,
    /// one export each (`sequential`, `concurrent`, `race`), and the stepper's.
    pub enum Mode {
        /// `"sequential"`: one after the other ([`sequential`]).
        Sequential = "sequential",
        /// `"concurrent"`: joined ([`concurrent`]).
        Concurrent = "concurrent",
        /// `"race"`: raced, the loser dropped ([`race`]).
        Race = "race",
    }
}

/// How `thread_one` and `thread_two` sleep.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Sleep {
    /// Await a timer: the future returns `Pending` and the thread is free.
    #[default]
    Awaiting,
    /// Block the thread, as `std::thread::sleep` would here: a busy wait on
    /// the clock inside one poll (the page's main thread may not
    /// `Atomics.wait`), so nothing else runs until it is over.
    Blocking,
}

/// `thread_one` with a blocking sleep: the whole sleep happens inside its first
/// poll, which then returns `Ready`.
pub async fn thread_one_blocking(run: &Run, sleep_ms: u32) -> String {
    block_for(sleep_ms);
    run.print("thread one")
}

/// `thread_two` with a blocking sleep (see [`thread_one_blocking`]).
pub async fn thread_two_blocking(run: &Run, sleep_ms: u32) -> String {
    block_for(sleep_ms);
    run.print("thread two")
}

/// `thread_one`, sleeping as `how` says, as the traced task "thread one".
fn traced_one<'a>(run: &'a Run, ms: u32, how: Sleep) -> impl Future<Output = String> + 'a {
    run.task(
        "thread one",
        match how {
            Sleep::Awaiting => Either::Left(thread_one(run, ms)),
            Sleep::Blocking => Either::Right(thread_one_blocking(run, ms)),
        },
    )
}

/// `thread_two`, sleeping as `how` says, as the traced task "thread two".
fn traced_two<'a>(run: &'a Run, ms: u32, how: Sleep) -> impl Future<Output = String> + 'a {
    run.task(
        "thread two",
        match how {
            Sleep::Awaiting => Either::Left(thread_two(run, ms)),
            Sleep::Blocking => Either::Right(thread_two_blocking(run, ms)),
        },
    )
}

/// Await `thread_one`, then `thread_two`: the article's block_on output,
/// "thread one" then "thread two", whatever the sleeps. Takes about the sum.
pub async fn sequential(run: &Run, one_ms: u32, two_ms: u32) -> Vec<String> {
    sequential_sleeping(run, one_ms, two_ms, Sleep::Awaiting).await
}

/// [`sequential`], sleeping as `how` says. Blocking changes nothing here but
/// the frames dropped: the sum is the sum either way.
pub async fn sequential_sleeping(run: &Run, one_ms: u32, two_ms: u32, how: Sleep) -> Vec<String> {
    let one = traced_one(run, one_ms, how).await;
    let two = traced_two(run, two_ms, how).await;
    vec![one, two]
}

/// Poll both until both are done (`join`). The lines come in the order the
/// sleeps end, like the article's two OS threads, but on one thread. Takes
/// about the longer sleep.
pub async fn concurrent(run: &Run, one_ms: u32, two_ms: u32) -> Vec<String> {
    concurrent_sleeping(run, one_ms, two_ms, Sleep::Awaiting).await
}

/// [`concurrent`], sleeping as `how` says. Blocking, `join` polls `thread_one`
/// first and that poll does not return until its sleep is over; only then is
/// `thread_two` polled: argument order, in the sum of the sleeps.
pub async fn concurrent_sleeping(run: &Run, one_ms: u32, two_ms: u32, how: Sleep) -> Vec<String> {
    let both = future::join(traced_one(run, one_ms, how), traced_two(run, two_ms, how));
    run.node("join", NodeKind::Join, both).await;
    // join hands back results in argument order; the lesson is the order they
    // finished in, which is the order they printed.
    run.printed()
}

/// Poll both until either is done (`select`); the other is dropped unfinished,
/// which clears its JS timer, so it never prints. Returns the winner's line.
pub async fn race(run: &Run, one_ms: u32, two_ms: u32) -> String {
    race_sleeping(run, one_ms, two_ms, Sleep::Awaiting, false).await
}

/// [`race`], sleeping as `how` says; with `finish_loser`, the loser is polled
/// to completion after the race through the reference `select` hands back.
///
/// Blocking, `select` polls `thread_one` first, whose poll sleeps and returns
/// `Ready`: it wins whatever the sleeps, and `thread_two` is dropped never
/// polled. There is nothing to cancel.
pub async fn race_sleeping(
    run: &Run,
    one_ms: u32,
    two_ms: u32,
    how: Sleep,
    finish_loser: bool,
) -> String {
    // The two futures live in these `pin!` slots until the end of this
    // function; `select` only borrows them.
    let mut one = pin!(traced_one(run, one_ms, how));
    let mut two = pin!(traced_two(run, two_ms, how));
    let race = future::select(one.as_mut(), two.as_mut());
    match run.node("select", NodeKind::Select, race).await {
        // The loser comes back as a `Pin<&mut _>` into its slot: dropping that
        // reference drops nothing. The loser itself, unfinished, is dropped
        // when its slot goes out of scope, as this function returns.
        Either::Left((line, thread_two)) => after_race(run, line, thread_two, finish_loser).await,
        Either::Right((line, thread_one)) => after_race(run, line, thread_one, finish_loser).await,
    }
}

/// What happens to the loser after the race: nothing (it is dropped with its
/// slot), or, with `finish`, it is polled on to completion and prints too.
async fn after_race<F: Future<Output = String>>(
    run: &Run,
    winner: String,
    loser: Pin<&mut F>,
    finish: bool,
) -> String {
    if finish {
        run.print(format!(
            "{winner} won; the loser is still in its pin! slot: poll it to the end"
        ));
        loser.await;
    }
    winner
}
