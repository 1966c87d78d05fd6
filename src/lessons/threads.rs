//! The article's first example, with real threads: `thread_one` and
//! `thread_two` each run on their own Web Worker (an OS thread with its own
//! copy of this crate's wasm) and sleep with a *blocking* sleep, as
//! `std::thread::sleep` does. Plus what a thread costs next to an async task.
//!
//! The article's main thread blocks in `join()`. A browser's main thread must
//! never block (it draws the page), so here it *awaits* both workers instead:
//! the blocking happens on the workers, where it belongs.

use std::cell::{Cell, RefCell};
use std::future::Future;
use std::pin::pin;
use std::rc::Rc;

use futures::channel::oneshot;
use futures::future;
use futures::stream::{FuturesUnordered, StreamExt};

use super::blocking::count_primes;
use crate::runtime::choice::choice;
use crate::runtime::heap::live_bytes;
use crate::runtime::js_text::{js_number, tenths};
use crate::runtime::run::Run;
use crate::runtime::thread::{block_for, current_thread, workers_memory_bytes};
use crate::runtime::time::sleep;
use crate::runtime::trace::NodeKind;
use crate::runtime::worker::{terminated_while_blocked, Job, WorkerError, WorkerThread};
use crate::runtime::yield_now::yield_now;

/// What a worker may take to load its script and wasm before it answers.
pub const LOAD_BUDGET_MS: u32 = 15_000;

/// The article's `thread::spawn(|| { sleep(ms); println!(text) })`, on a
/// worker already loaded: it blocks, then prints. The line is labelled with the
/// worker's own name for its thread.
async fn sleep_on(
    run: &Run,
    thread: &mut WorkerThread,
    text: &str,
    ms: u32,
) -> Result<(), WorkerError> {
    let reply = thread
        .run(Job::Sleep { ms }, ms.saturating_add(LOAD_BUDGET_MS))
        .await?;
    run.print_on(&reply.thread, text);
    Ok(())
}

/// Two threads, each sleeping (blocking) then printing. Lines come in the
/// order the sleeps end: "thread two", then "thread one". If either worker
/// fails, the other is dropped, which terminates it.
pub async fn threads(run: &Run, one_ms: u32, two_ms: u32) -> Result<Vec<String>, WorkerError> {
    let (mut one, mut two) = (WorkerThread::spawn()?, WorkerThread::spawn()?);
    // Both loaded before either sleeps. A Web Worker loads its own copy of the
    // wasm, which on a busy machine takes hundreds of ms, not the same for
    // both: enough to decide the order instead of the sleeps. An OS thread, the
    // article's, starts in microseconds.
    future::try_join(
        one.run(Job::Ping, LOAD_BUDGET_MS),
        two.run(Job::Ping, LOAD_BUDGET_MS),
    )
    .await?;
    let both = future::try_join(
        run.task("thread one", sleep_on(run, &mut one, "thread one", one_ms)),
        run.task("thread two", sleep_on(run, &mut two, "thread two", two_ms)),
    );
    run.node("try_join", NodeKind::TryJoin, both).await?;
    // try_join hands back results in argument order; the lesson is the order
    // the threads printed in.
    Ok(run.printed())
}

/// One side of the cost experiment ([`cost_of_threads`], [`cost_of_tasks`]): how long it took to start everything, to hear back
/// from all of it, and the memory it took where the browser says.
#[derive(Debug, Clone, PartialEq)]
pub struct Cost {
    /// How many threads or tasks.
    pub count: u32,
    /// Milliseconds to start them all (`new Worker` / `spawn_local`).
    pub start_ms: f64,
    /// Milliseconds until every one had run and reported back.
    pub all_back_ms: f64,
    /// Bytes of wasm linear memory they added (each worker has its own
    /// instance; tasks share this one), when known.
    pub memory_bytes: Option<f64>,
    /// For tasks: the bytes live on the Rust heap, counted at the allocator,
    /// once all are spawned and waiting, divided by their number. `None` for
    /// threads, whose memory is their own instances.
    pub heap_bytes_each: Option<f64>,
    /// What the browser attributes to them (see [`workers_memory_bytes`]),
    /// when asked for and the browser answers: threads only.
    pub browser_bytes: Option<f64>,
}

/// Starts `workers` Web Workers and waits until each has answered a ping (its
/// wasm loaded and ran). Their memory is the sum of their own wasm memories;
/// with `ask_browser`, the browser is also asked for their whole memory while
/// they are alive (slow: see [`workers_memory_bytes`]).
pub async fn cost_of_threads(
    run: &Run,
    workers: u32,
    ask_browser: bool,
) -> Result<Cost, WorkerError> {
    let started = run.elapsed_ms();
    let mut threads = Vec::new();
    for _ in 0..workers {
        threads.push(WorkerThread::spawn()?);
    }
    let start_ms = run.elapsed_ms() - started;
    // Each reply is printed as it comes, so a page can show the count rise.
    let mut answering: FuturesUnordered<_> = threads
        .iter_mut()
        .map(|thread| thread.run(Job::Ping, LOAD_BUDGET_MS))
        .collect();
    let mut replies = Vec::with_capacity(answering.len());
    while let Some(reply) = answering.next().await {
        replies.push(reply?);
        run.print(format!("worker answered ({} of {workers})", replies.len()));
    }
    drop(answering);
    let all_back_ms = run.elapsed_ms() - started;
    let memory: f64 = replies.iter().map(|reply| reply.wasm_bytes).sum();
    run.print(format!(
        "{workers} threads (Web Workers) started in {} ms, all answered after {} ms",
        tenths(start_ms),
        all_back_ms.round() as i64
    ));
    let browser_bytes = if !ask_browser {
        None
    } else if terminated_while_blocked() > 0 {
        // Measured, not assumed: see workers_memory_bytes. Asking would only
        // wait out MEMORY_ANSWER_MS for nothing.
        run.print(
            "not asking the browser: this tab has terminated a worker in the middle of a job \
             (the block_on deadlock does), and Chromium then answers no memory measurement in \
             it, reloaded or not; open the lab in a new tab to ask",
        );
        None
    } else {
        run.print("asking the browser for the workers' memory: it answers after its next garbage collection");
        match workers_memory_bytes().await {
            Ok(bytes) => {
                run.print(format!(
                    "the browser says the {workers} workers use {} bytes",
                    bytes.round() as u64
                ));
                Some(bytes)
            }
            Err(why) => {
                run.print(format!("the browser did not say: {why}"));
                None
            }
        }
    };
    // Only now may the workers go: the browser measured them alive.
    drop(threads);
    Ok(Cost {
        count: workers,
        start_ms,
        all_back_ms,
        memory_bytes: memory.is_finite().then_some(memory),
        heap_bytes_each: None,
        browser_bytes,
    })
}

/// Spawns `tasks` async tasks on this thread (`spawn_local`), each of which
/// yields once and reports back, and waits until all have. `wasm_bytes` reads
/// this instance's memory size; it only grows, in 64 KiB pages, so the bytes a
/// task holds are counted at the allocator instead ([`live_bytes`]): the heap's
/// growth once all are spawned and none has run, per task.
pub async fn cost_of_tasks(run: &Run, tasks: u32, wasm_bytes: impl Fn() -> f64) -> Cost {
    let before = wasm_bytes();
    let heap_before = live_bytes();
    let started = run.elapsed_ms();
    let (all_done, done) = oneshot::channel::<()>();
    let left = Rc::new(Cell::new(tasks));
    let all_done = Rc::new(RefCell::new(Some(all_done)));
    for _ in 0..tasks {
        let (left, all_done) = (left.clone(), all_done.clone());
        wasm_bindgen_futures::spawn_local(async move {
            // Awaiting once makes each a real task that is parked and woken,
            // not a closure that runs straight through.
            yield_now().await;
            left.set(left.get().saturating_sub(1));
            if left.get() == 0 {
                if let Some(sender) = all_done.borrow_mut().take() {
                    let _ = sender.send(());
                }
            }
        });
    }
    let start_ms = run.elapsed_ms() - started;
    // Measured before any task has run: each holds its future (two Rc
    // handles and its state), its task record and its place in the queue.
    let heap_spawned = live_bytes();
    let heap_bytes_each =
        (tasks > 0).then(|| heap_spawned.saturating_sub(heap_before) as f64 / f64::from(tasks));
    if tasks > 0 {
        // Err only if every sender is gone, i.e. all tasks finished: done either way.
        let _ = done.await;
    }
    let all_back_ms = run.elapsed_ms() - started;
    run.print(format!(
        "{tasks} async tasks spawned on the {} thread in {} ms, all done after {} ms; {} bytes each on the Rust heap while waiting",
        current_thread(),
        tenths(start_ms),
        all_back_ms.round() as i64,
        heap_bytes_each.map_or(0, |bytes| bytes.round() as i64)
    ));
    Cost {
        count: tasks,
        start_ms,
        all_back_ms,
        memory_bytes: Some(wasm_bytes() - before),
        heap_bytes_each,
        browser_bytes: None,
    }
}

/// The future that [`block_on_timer`] blocks on waits this long (ms).
pub const BLOCKED_TIMER_MS: u32 = 100;
/// How long the page waits past what a `block_on` job needs before it calls it
/// a deadlock and terminates the worker (ms).
pub const DEADLOCK_AFTER_MS: u32 = 1_000;

/// What a job did on the thread that ran it ([`run_job`]).
#[derive(Debug, Clone, PartialEq)]
pub struct JobDone {
    /// The ms slept, the count of primes, or what `block_on` returned.
    pub value: f64,
    /// How it ran, e.g. `"Atomics.wait"`, `"trial division"`.
    pub how: String,
}

/// Runs `job` on the calling thread, blocking it until done: what each Web
/// Worker of the lab does with a job it is sent. [`Job::BlockOnTimer`] never
/// returns (see [`block_on_timer`]): only a worker, which the page then
/// terminates, may be given it.
pub fn run_job(job: Job) -> JobDone {
    let (value, how) = match job {
        Job::Ping => (0.0, "ping".to_owned()),
        Job::Sleep { ms } => (f64::from(ms), block_for(ms).as_str().to_owned()),
        Job::Primes { below } => (
            f64::from(count_primes(0, below)),
            "trial division".to_owned(),
        ),
        Job::BlockOn { value } => {
            let (received, polls) = block_on_channel(value);
            (
                received.map_or(f64::NAN, f64::from),
                format!("futures::executor::block_on, {polls} polls"),
            )
        }
        Job::BlockOnTimer { ms } => {
            block_on_timer(ms);
            (f64::from(ms), "block_on returned".to_owned())
        }
    };
    JobDone { value, how }
}

/// Runs `futures::executor::block_on` on the calling thread over a future that
/// needs no event loop: one half yields once and then sends `value` on a
/// oneshot channel, the other receives it. Returns what was received and how
/// many times `block_on` polled. The thread is blocked until then.
pub fn block_on_channel(value: u32) -> (Option<u32>, u32) {
    let (sender, receiver) = oneshot::channel::<u32>();
    let polls = Cell::new(0_u32);
    let mut both = pin!(future::join(
        async move {
            yield_now().await;
            // The receiver is the other half of this join: it is still there.
            let _ = sender.send(value);
        },
        receiver,
    ));
    let ((), received) = futures::executor::block_on(future::poll_fn(|cx| {
        polls.set(polls.get().saturating_add(1));
        both.as_mut().poll(cx)
    }));
    (received.ok(), polls.get())
}

/// Runs `futures::executor::block_on(sleep(ms))` on the calling thread. It
/// never returns: the timer's callback is a task of this thread's event loop,
/// which cannot run while `block_on` holds the thread, so nothing ever wakes
/// the future (and with no thread parking in this wasm target, `block_on`
/// spins meanwhile). Only for a Web Worker, which the page then terminates.
pub fn block_on_timer(ms: u32) {
    futures::executor::block_on(sleep(ms));
}

choice! {
    /// Which future [`block_on_worker`] hands to `block_on` on the worker: the
    /// `blockOn` export's modes.
    pub enum BlockOn {
        /// `"channel"`: [`block_on_channel`]: everything it waits for happens inside it.
        Channel = "channel",
        /// `"timer"`: [`block_on_timer`]: it waits for the worker's own event loop. Deadlock.
        Timer = "timer",
    }
}

/// What [`block_on_worker`] saw.
#[derive(Debug, Clone, PartialEq)]
pub struct BlockedOn {
    /// The worker's name.
    pub thread: String,
    /// What `block_on` returned, if it returned.
    pub value: Option<f64>,
    /// The worker's account of the job, e.g. `"block_on: 2 polls"`.
    pub how: String,
    /// True when no answer came in time: the worker was deadlocked and is gone.
    pub deadlocked: bool,
    /// From sending the job to the answer or to giving up, in ms.
    pub waited_ms: f64,
}

/// Starts a Web Worker, waits until it has loaded, then has it run
/// `futures::executor::block_on` over the future `case` names, on its own
/// thread. The page's main thread never blocks: it awaits the worker's reply,
/// and gives up after [`DEADLOCK_AFTER_MS`] more than the job needs, which
/// terminates the worker (dropping it does).
pub async fn block_on_worker(run: &Run, case: BlockOn) -> Result<BlockedOn, WorkerError> {
    let mut thread = WorkerThread::spawn()?;
    // Loaded first, so that the deadlock's timeout measures the job alone.
    thread.run(Job::Ping, LOAD_BUDGET_MS).await?;
    let name = thread.name().to_owned();
    let (job, what, within) = match case {
        BlockOn::Channel => (
            Job::BlockOn { value: 42 },
            "block_on(join(send after a yield, receive))".to_owned(),
            DEADLOCK_AFTER_MS,
        ),
        BlockOn::Timer => (
            Job::BlockOnTimer {
                ms: BLOCKED_TIMER_MS,
            },
            format!("block_on(sleep({BLOCKED_TIMER_MS} ms))"),
            BLOCKED_TIMER_MS.saturating_add(DEADLOCK_AFTER_MS),
        ),
    };
    run.print(format!("{name} loaded; it runs {what}, blocking itself"));
    let asked = run.elapsed_ms();
    match thread.run(job, within).await {
        Ok(reply) => {
            let waited_ms = run.elapsed_ms() - asked;
            run.print(format!(
                "{name}: {what} returned {} ({}); its thread was blocked until then",
                js_number(reply.value),
                reply.how
            ));
            Ok(BlockedOn {
                thread: name,
                value: Some(reply.value),
                how: reply.how,
                deadlocked: false,
                waited_ms,
            })
        }
        Err(WorkerError::TimedOut { .. }) => {
            drop(thread);
            let waited_ms = run.elapsed_ms() - asked;
            run.print(format!(
                "{name}: no answer after {within} ms. Deadlock: the timer's callback needs {name}'s event loop, which block_on is blocking. {name} terminated"
            ));
            Ok(BlockedOn {
                thread: name,
                value: None,
                how: "deadlock: terminated".to_owned(),
                deadlocked: true,
                waited_ms,
            })
        }
        Err(error) => Err(error),
    }
}
