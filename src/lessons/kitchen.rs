//! The article's kitchen: you are cooking and the phone rings. Pick up only
//! when dinner is served ("sync"), or talk while the pot boils ("async").
//!
//! The article says that in the async kitchen you do both "simultaneously".
//! You do not: there is one cook (one thread). What async buys is that the
//! wait for the boil, an `.await`, is time the phone call can use. Chopping
//! needs your hands: it is real work on the thread (a busy loop inside the
//! cooking task's first poll), so nothing else is polled meanwhile, and the
//! caller waits for it in both modes. Putting the pot on, the boil and serving
//! are timers; a oneshot channel ("hands free") holds the call until the pot
//! is on. So the async evening takes max(cook, chop + pot on + call).

use futures::channel::oneshot;
use futures::future;

use crate::runtime::choice::choice;
use crate::runtime::leaf::waiting_for;
use crate::runtime::run::Run;
use crate::runtime::thread::block_for;
use crate::runtime::time::sleep;
use crate::runtime::trace::{Cause, NodeKind};

choice! {
    /// When you pick up the phone: the lesson's two modes.
    pub enum Mode {
        /// `"sync"`: finish cooking, then pick up ([`sync`]).
        Sync = "sync",
        /// `"async"`: pick up once the pot is on, talk while it boils ([`asynchronous`]).
        Async = "async",
    }
}

/// How long cooking takes in all, in ms, by default.
pub const DEFAULT_COOK_MS: u32 = 1_200;
/// How long the phone call lasts once picked up, in ms, by default.
pub const DEFAULT_CALL_MS: u32 = 600;

/// The steps of cooking, in ms, cut from the whole cooking time: a quarter
/// chopping, a twentieth to put the pot on, a tenth to serve, the rest boiling.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Steps {
    /// Chopping the vegetables: your hands are busy, and so is the thread.
    pub chop: u32,
    /// Filling the pot and putting it on the stove.
    pub pot_on: u32,
    /// Waiting for the water to boil: nothing for your hands to do.
    pub boil: u32,
    /// Cooking the pasta in and serving.
    pub serve: u32,
}

impl Steps {
    /// Splits `cook_ms` into the four steps; they add up to `cook_ms` exactly.
    ///
    /// # Example
    /// ```
    /// use async_rust_lab::lessons::kitchen::Steps;
    /// let steps = Steps::of(1_200);
    /// assert_eq!((steps.chop, steps.pot_on, steps.boil, steps.serve), (300, 60, 720, 120));
    /// ```
    pub fn of(cook_ms: u32) -> Steps {
        let chop = cook_ms / 4;
        let pot_on = cook_ms / 20;
        let serve = cook_ms / 10;
        Steps {
            chop,
            pot_on,
            boil: cook_ms - chop - pot_on - serve,
            serve,
        }
    }
}

/// What a run of the kitchen did.
#[derive(Debug, Clone, PartialEq)]
pub struct Kitchen {
    /// Every line printed, in order.
    pub lines: Vec<String>,
    /// From the first ring to picking up, in ms.
    pub caller_waited_ms: f64,
}

/// Cooking, step by step. `hands_free`, when given, is told the moment the pot
/// is on and there is nothing to do but wait: the await on the boil is where
/// another task gets its turn. The chop is busy work: the poll that chops keeps
/// the thread for `steps.chop` ms, as hands-on work would.
pub async fn cook(run: &Run, steps: Steps, hands_free: Option<oneshot::Sender<()>>) {
    run.print("chop the vegetables");
    block_for(steps.chop);
    run.print("put the pot on");
    sleep(steps.pot_on).await;
    run.print("wait for the water to boil");
    if let Some(hands_free) = hands_free {
        // The phone task may already be gone (it never is here); nothing to do then.
        let _ = hands_free.send(());
    }
    sleep(steps.boil).await;
    run.print("the water boils: cook the pasta");
    sleep(steps.serve).await;
    run.print("dinner is served");
}

/// The phone call: wait until `free_to_talk` resolves, pick up, talk, hang up.
/// Returns how long the caller waited since `rang_at`.
pub async fn answer(
    run: &Run,
    rang_at: f64,
    call_ms: u32,
    free_to_talk: impl std::future::Future,
) -> f64 {
    waiting_for(Cause::Channel, free_to_talk).await;
    let waited = run.elapsed_ms() - rang_at;
    run.print(format!(
        "pick up the phone (the caller waited {} ms)",
        waited.round() as i64
    ));
    sleep(call_ms).await;
    run.print("hang up");
    waited
}

/// The evening in `mode`: [`sync`] or [`asynchronous`].
pub async fn evening(run: &Run, mode: Mode, cook_ms: u32, call_ms: u32) -> Kitchen {
    match mode {
        Mode::Sync => sync(run, cook_ms, call_ms).await,
        Mode::Async => asynchronous(run, cook_ms, call_ms).await,
    }
}

/// The article's synchronization: finish cooking, then pick up. The caller
/// waits the whole cooking time; the total is cooking plus the call.
pub async fn sync(run: &Run, cook_ms: u32, call_ms: u32) -> Kitchen {
    let rang_at = ring(run);
    run.task("cooking", cook(run, Steps::of(cook_ms), None))
        .await;
    let caller_waited_ms = run
        .task(
            "phone call",
            answer(run, rang_at, call_ms, future::ready(())),
        )
        .await;
    Kitchen {
        lines: run.printed(),
        caller_waited_ms,
    }
}

/// The article's asynchronization: cooking and the call are two tasks joined
/// on one thread. You pick up once the pot is on and talk while it boils; the
/// total is about max(cook, chop + pot on + call).
pub async fn asynchronous(run: &Run, cook_ms: u32, call_ms: u32) -> Kitchen {
    let rang_at = ring(run);
    let (hands_free, free_to_talk) = oneshot::channel();
    let both = future::join(
        run.task("cooking", cook(run, Steps::of(cook_ms), Some(hands_free))),
        run.task("phone call", answer(run, rang_at, call_ms, free_to_talk)),
    );
    let ((), caller_waited_ms) = run.node("join", NodeKind::Join, both).await;
    Kitchen {
        lines: run.printed(),
        caller_waited_ms,
    }
}

fn ring(run: &Run) -> f64 {
    run.print("the phone rings");
    run.elapsed_ms()
}
