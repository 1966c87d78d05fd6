//! The article's last paragraph: async is not always the answer. One CPU-bound
//! job, counting the primes below `n`, run three ways:
//!
//! 1. inside an `async fn` on the main thread. `async` does not make work
//!    non-blocking: a future that never awaits runs straight through in one
//!    poll, and the page cannot draw a frame until it returns;
//! 2. in chunks that yield to the event loop between them: cooperative
//!    multitasking, so the page draws between chunks, a little slower overall;
//! 3. on a Web Worker: another thread, so the main thread stays free.

use crate::runtime::choice::choice;
use crate::runtime::frames::{FrameMeter, Frames};
use crate::runtime::run::Run;
use crate::runtime::thread::current_thread;
use crate::runtime::time::sleep;
use crate::runtime::worker::{Job, WorkerError, WorkerThread};

/// Counting the primes below this takes a few hundred ms in wasm.
pub const DEFAULT_BELOW: u32 = 3_000_000;
/// How long a chunk may run before it yields, in ms: well under one frame.
pub const CHUNK_BUDGET_MS: f64 = 8.0;
/// Numbers tested between two looks at the clock.
const STEP: u32 = 2_000;
/// How long the meter watches before the job starts, so each run has a baseline.
const WARM_UP_MS: u32 = 50;

/// Whether `n` is prime, by trial division: deliberately plain CPU work.
pub fn is_prime(n: u32) -> bool {
    if n < 4 {
        return n >= 2;
    }
    if n % 2 == 0 {
        return false;
    }
    let mut d = 3u32;
    while d.saturating_mul(d) <= n {
        if n % d == 0 {
            return false;
        }
        d += 2;
    }
    true
}

/// How many primes lie in `from..to`.
///
/// # Example
/// ```
/// use async_rust_lab::lessons::blocking::count_primes;
/// assert_eq!(count_primes(0, 100), 25);
/// assert_eq!(count_primes(0, 50) + count_primes(50, 100), 25);
/// ```
pub fn count_primes(from: u32, to: u32) -> u32 {
    (from..to).map(|n| u32::from(is_prime(n))).sum()
}

/// What one way of running the job saw.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    /// The count of primes below `n`: the same whichever way it ran.
    pub primes: u32,
    /// Milliseconds the job took, from its start to its result.
    pub job_ms: f64,
    /// The page's frames meanwhile.
    pub frames: Frames,
    /// The thread that counted.
    pub thread: String,
    /// How many pieces the job ran in (1 unless chunked).
    pub chunks: u32,
}

/// Way 1: an `async fn` that never awaits blocks the main thread until done.
async fn count_in_async_fn(below: u32) -> u32 {
    count_primes(0, below)
}

/// Way 2: the same count in chunks of about [`CHUNK_BUDGET_MS`], yielding to the
/// event loop (a zero-ms timer, a new task) after each, so frames get drawn.
async fn count_in_chunks(run: &Run, below: u32) -> (u32, u32) {
    let (mut primes, mut next, mut chunks) = (0, 0, 0);
    while next < below {
        let chunk_start = run.elapsed_ms();
        while next < below && run.elapsed_ms() - chunk_start < CHUNK_BUDGET_MS {
            let end = next.saturating_add(STEP).min(below);
            primes += count_primes(next, end);
            next = end;
        }
        chunks += 1;
        sleep(0).await;
    }
    (primes, chunks)
}

choice! {
    /// Where the job runs: the lesson's three ways, its modes.
    pub enum Way {
        /// `"async"`: inside an `async fn` on the main thread: one poll, the page frozen.
        InAsyncFn = "async",
        /// `"chunked"`: in chunks that yield to the event loop between them.
        InChunks = "chunked",
        /// `"worker"`: on a Web Worker.
        OnWorker = "worker",
    }
}

/// Runs the job `way`, watching the page's frames from a little before until
/// a little after.
pub async fn count(run: &Run, way: Way, below: u32) -> Result<Outcome, WorkerError> {
    let meter = FrameMeter::start();
    sleep(WARM_UP_MS).await;
    let started = run.elapsed_ms();
    let (primes, thread, chunks) = match way {
        Way::InChunks => {
            let (primes, chunks) = run.task("count primes", count_in_chunks(run, below)).await;
            (primes, current_thread(), chunks)
        }
        Way::OnWorker => {
            let reply = run
                .task("count primes", async {
                    let mut worker = WorkerThread::spawn()?;
                    worker.run(Job::Primes { below }, 60_000).await
                })
                .await?;
            (reply.value as u32, reply.thread, 1)
        }
        Way::InAsyncFn => {
            let primes = run.task("count primes", count_in_async_fn(below)).await;
            (primes, current_thread(), 1)
        }
    };
    let job_ms = run.elapsed_ms() - started;
    let frames = meter.finish().await;
    let text = format!("{primes} primes below {below}");
    run.print_on(&thread, text);
    Ok(Outcome {
        primes,
        job_ms,
        frames,
        thread,
        chunks,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn primes_are_counted_right_at_the_edges() {
        let small: Vec<u32> = (0..20).filter(|&n| is_prime(n)).collect();
        assert_eq!(small, [2, 3, 5, 7, 11, 13, 17, 19]);
        assert!(is_prime(4_294_967_291)); // the largest u32 prime
        assert_eq!(count_primes(0, 10_000), 1229);
    }

    #[test]
    fn counting_in_pieces_gives_the_same_total() {
        let whole = count_primes(0, 100_000);
        let pieces: u32 = (0..100)
            .map(|i| count_primes(i * 1000, (i + 1) * 1000))
            .sum();
        assert_eq!(whole, pieces);
    }
}
