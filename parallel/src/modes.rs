//! The three runs of the lesson, as tasks: what each task does, the same on the
//! multi-threaded executor and on the single-threaded one.

use crate::work::{crunch, steps_for, yield_now};
use std::future::Future;
use std::pin::Pin;

/// A task, boxed: `Send`, so the multi-threaded executor may move it between
/// threads (the single-threaded one takes it all the same).
pub type TaskFuture = Pin<Box<dyn Future<Output = ()> + Send + 'static>>;

/// The work between two yields, in `"yield"` and `"hog"`, in milliseconds.
pub const SLICE_MS: f64 = 10.0;
/// How many slices each polite task of `"hog"` does.
pub const HOG_SLICES: u32 = 4;

/// Which run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// CPU-bound tasks that never yield: one poll each.
    Cpu,
    /// Tasks that work a slice, yield, and do it again.
    Yield,
    /// Task 0 never yields; the others work in slices and yield.
    Hog,
}

impl Mode {
    /// The mode named `name` (`"cpu"`, `"yield"`, `"hog"`).
    pub fn parse(name: &str) -> Option<Mode> {
        match name {
            "cpu" => Some(Mode::Cpu),
            "yield" => Some(Mode::Yield),
            "hog" => Some(Mode::Hog),
            _ => None,
        }
    }
}

/// One run's tasks, described: enough to build them on any thread.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Plan {
    /// Which run.
    pub mode: Mode,
    /// How many tasks.
    pub tasks: u32,
    /// `"cpu"`: each task's work, in milliseconds (as calibrated).
    pub work_ms: u32,
    /// `"yield"`: how many slices of [`SLICE_MS`] each task does, yielding between them.
    pub slices: u32,
}

impl Plan {
    /// How long the hog works without a yield: twice what the polite tasks do
    /// altogether, and 300 ms more, so that on two workers the others can all
    /// finish on the second worker while the hog still holds the first.
    pub fn hog_ms(&self) -> f64 {
        let polite = f64::from(self.tasks.saturating_sub(1)) * f64::from(HOG_SLICES) * SLICE_MS;
        2.0 * polite + 300.0
    }

    /// Task `index`, ready to spawn.
    pub fn task(&self, index: u32) -> TaskFuture {
        match self.mode {
            Mode::Cpu => {
                let steps = steps_for(f64::from(self.work_ms));
                Box::pin(async move {
                    crunch(steps);
                })
            }
            Mode::Yield => Box::pin(slices(self.slices)),
            Mode::Hog if index == 0 => {
                let steps = steps_for(self.hog_ms());
                // No .await inside: one poll, however long it takes. On a
                // thread of its own that costs nobody else anything.
                Box::pin(async move {
                    crunch(steps);
                })
            }
            Mode::Hog => Box::pin(slices(HOG_SLICES)),
        }
    }
}

/// `count` slices of work with a yield between each two: `count` polls.
async fn slices(count: u32) {
    let steps = steps_for(SLICE_MS);
    for slice in 0..count {
        crunch(steps);
        if slice + 1 < count {
            yield_now().await;
        }
    }
}
