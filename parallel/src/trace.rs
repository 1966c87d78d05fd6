//! What the executors record: one [`Poll`] per call of a task's `poll`, with the
//! thread that made it and when, on the page's clock.

/// One poll of one task.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Poll {
    /// The task's number within its run (0, 1, 2, ...).
    pub task: u32,
    /// The thread that polled it: the worker's number (1, 2, ...).
    pub thread: u32,
    /// When the poll began, in ms on the page's `performance.now()` axis.
    pub start_ms: f64,
    /// When it returned.
    pub end_ms: f64,
    /// Whether it returned `Ready` (the task finished) rather than `Pending`.
    pub ready: bool,
}

/// How many numbers [`flatten`] writes per poll.
pub const FIELDS: usize = 5;

/// The polls as a flat list of numbers, [`FIELDS`] per poll (task, thread, start,
/// end, ready as 0 or 1): a `Float64Array` for JS, with no object per poll to build
/// on the Rust side.
pub fn flatten(polls: &[Poll]) -> Vec<f64> {
    polls
        .iter()
        .flat_map(|p| {
            [
                f64::from(p.task),
                f64::from(p.thread),
                p.start_ms,
                p.end_ms,
                if p.ready { 1.0 } else { 0.0 },
            ]
        })
        .collect()
}
