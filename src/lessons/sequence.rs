//! The article's async example: `thread_one()` and `thread_two()` awaited one
//! after the other, joined, and raced.
//!
//! The article calls them threads, but they are futures: all three modes run on
//! the page's one JS thread. While one future waits for its timer, the other is
//! polled. That is concurrency (interleaving), not parallelism.

use std::pin::pin;

use futures::future::{self, Either};

use crate::runtime::run::Run;
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

/// Await `thread_one`, then `thread_two`: the article's block_on output,
/// "thread one" then "thread two", whatever the sleeps. Takes about the sum.
pub async fn sequential(run: &Run, one_ms: u32, two_ms: u32) -> Vec<String> {
    let one = run.task("thread one", thread_one(run, one_ms)).await;
    let two = run.task("thread two", thread_two(run, two_ms)).await;
    vec![one, two]
}

/// Poll both until both are done (`join`). The lines come in the order the
/// sleeps end, like the article's two OS threads, but on one thread. Takes
/// about the longer sleep.
pub async fn concurrent(run: &Run, one_ms: u32, two_ms: u32) -> Vec<String> {
    let both = future::join(
        run.task("thread one", thread_one(run, one_ms)),
        run.task("thread two", thread_two(run, two_ms)),
    );
    run.node("join", NodeKind::Join, both).await;
    // join hands back results in argument order; the lesson is the order they
    // finished in, which is the order they printed.
    run.printed()
}

/// Poll both until either is done (`select`); the other is dropped unfinished,
/// which clears its JS timer, so it never prints. Returns the winner's line.
pub async fn race(run: &Run, one_ms: u32, two_ms: u32) -> String {
    let one = pin!(run.task("thread one", thread_one(run, one_ms)));
    let two = pin!(run.task("thread two", thread_two(run, two_ms)));
    match run
        .node("select", NodeKind::Select, future::select(one, two))
        .await
    {
        // The loser comes back as the second half of the pair: it is dropped
        // right here, unfinished, when this function returns.
        Either::Left((line, _thread_two)) => line,
        Either::Right((line, _thread_one)) => line,
    }
}
