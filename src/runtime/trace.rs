//! The trace model: every created, poll start, poll end (Pending or Ready),
//! wake, completion and drop of a run's tasks, with per-task summaries.
//!
//! Plain Rust with times passed in, so it is unit-tested on the host with exact
//! event sequences. [`Run`](super::run::Run) feeds it from
//! [`Task`](super::task::Task)s, which see every poll and wrap every waker.
//!
//! Memory is bounded: a trace keeps at most `cap` events and counts the ones it
//! had to leave out. The summaries are kept up to date on every event, so they
//! stay exact even when events are left out.

use std::cell::Cell;

/// What a task was waiting for when it returned `Pending`, and so what woke it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cause {
    /// A JS timer (`setTimeout`), e.g. [`sleep`](super::time::sleep).
    Timer,
    /// A JS Promise settling.
    Promise,
    /// A message on a channel.
    Channel,
    /// A `fetch` response.
    Fetch,
    /// A message from a Web Worker.
    Worker,
    /// The task woke itself while being polled (cooperative yield).
    Itself,
    /// The future did not say.
    Unknown,
}

impl Cause {
    /// The lowercase name the JS side sees.
    pub fn as_str(self) -> &'static str {
        match self {
            Cause::Timer => "timer",
            Cause::Promise => "promise",
            Cause::Channel => "channel",
            Cause::Fetch => "fetch",
            Cause::Worker => "worker",
            Cause::Itself => "itself",
            Cause::Unknown => "unknown",
        }
    }
}

thread_local! {
    // Set by a leaf future just before it returns Pending; read by the Task
    // wrapper around it. A thread-local, not a parameter, because the leaf
    // (a sleep inside an async fn inside a join) cannot see its task.
    static WAITING: Cell<Option<Cause>> = const { Cell::new(None) };
}

/// Called by a leaf future that is about to return `Pending`: says what it waits
/// for, so the trace can say "poll -> Pending, waiting for a timer".
pub fn note_waiting(cause: Cause) {
    WAITING.with(|w| w.set(Some(cause)));
}

/// Takes what the leaves polled since the last call said they wait for.
pub(crate) fn take_waiting() -> Option<Cause> {
    WAITING.with(Cell::take)
}

/// Puts a cause back, for the task wrapped around this one.
pub(crate) fn restore_waiting(cause: Option<Cause>) {
    WAITING.with(|w| w.set(cause));
}

/// What a node of a run's tree of futures is.
///
/// Tasks are the futures a lesson names with [`Run::task`](super::run::Run::task);
/// the run and the combinators a lesson awaits are nodes too, and so is each
/// leaf that waits on something outside Rust (a JS timer, a fetch, a Promise).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NodeKind {
    /// The run itself: the future the export hands to the executor.
    Run,
    /// A named task of the lesson.
    Task,
    /// `futures::future::join`: polls every child until all are ready.
    Join,
    /// `join_all`: the same over a list.
    JoinAll,
    /// `try_join`: join that stops at the first `Err`.
    TryJoin,
    /// `futures::future::select`: the first child ready wins; the other is handed back.
    Select,
    /// `select_ok`: the first `Ok` wins; an `Err` drops only that child.
    SelectOk,
    /// A leaf waiting on a JS timer.
    Timer,
    /// A leaf waiting on a `fetch` response.
    Fetch,
    /// A leaf waiting on a JS Promise.
    Promise,
    /// A leaf waiting on a channel.
    Channel,
    /// A leaf waiting on a Web Worker's message.
    Worker,
}

impl NodeKind {
    /// The lowercase name the JS side sees.
    pub fn as_str(self) -> &'static str {
        match self {
            NodeKind::Run => "run",
            NodeKind::Task => "task",
            NodeKind::Join => "join",
            NodeKind::JoinAll => "join_all",
            NodeKind::TryJoin => "try_join",
            NodeKind::Select => "select",
            NodeKind::SelectOk => "select_ok",
            NodeKind::Timer => "timer",
            NodeKind::Fetch => "fetch",
            NodeKind::Promise => "promise",
            NodeKind::Channel => "channel",
            NodeKind::Worker => "worker",
        }
    }

    /// Whether this is a leaf: it waits on JS and is never polled through a
    /// traced wrapper, so its life is armed, fired, then completed or dropped.
    pub fn is_leaf(self) -> bool {
        matches!(
            self,
            NodeKind::Timer
                | NodeKind::Fetch
                | NodeKind::Promise
                | NodeKind::Channel
                | NodeKind::Worker
        )
    }

    /// The leaf kind for what a future says it waits on, if it is a leaf.
    pub fn leaf_for(cause: Cause) -> Option<NodeKind> {
        match cause {
            Cause::Timer => Some(NodeKind::Timer),
            Cause::Fetch => Some(NodeKind::Fetch),
            Cause::Promise => Some(NodeKind::Promise),
            Cause::Channel => Some(NodeKind::Channel),
            Cause::Worker => Some(NodeKind::Worker),
            Cause::Itself | Cause::Unknown => None,
        }
    }
}

/// Where in the source a leaf was made: the line of its `.await` in the code
/// that compiled, taken from `#[track_caller]`, not typed by hand.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Site {
    /// The file, as rustc names it (e.g. `src/lessons/sequence.rs`).
    pub file: &'static str,
    /// The line, counting from 1.
    pub line: u32,
}

impl Site {
    /// The caller's site: call it from a `#[track_caller]` function.
    #[track_caller]
    pub fn caller() -> Site {
        let location = std::panic::Location::caller();
        Site {
            file: location.file(),
            line: location.line(),
        }
    }
}

/// What happened, in an [`Event`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum EventKind {
    /// The task was wrapped; nothing runs yet (futures are lazy).
    Created,
    /// A poll began. `depth` is 0 for a task polled straight from the
    /// executor, 1 for a task polled inside another task's poll, and so on.
    PollStart {
        /// Nesting depth of this poll.
        depth: u16,
    },
    /// A poll returned.
    PollEnd {
        /// `true` for `Poll::Ready`.
        ready: bool,
        /// For `Pending`: what it waits for, if the leaf said.
        waiting: Option<Cause>,
    },
    /// The task's waker was called.
    Woken {
        /// What woke it: its own poll, or what it was waiting for.
        by: Cause,
    },
    /// The task finished: its poll returned `Ready`.
    Completed,
    /// The task was dropped before it was ready: cancelled.
    Dropped,
    /// A leaf began waiting on JS: a timer armed (due `due_ms` after the run
    /// started), a request sent, a reaction registered on a Promise.
    Armed {
        /// When a timer is due; `None` for leaves with no due time.
        due_ms: Option<f64>,
    },
    /// A leaf's JS side called back (the timer fired, the response or the
    /// settlement arrived), just before it wakes its task.
    Fired,
}

/// One event of a run's trace.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Event {
    /// Index of the task in the trace's summaries.
    pub task: u32,
    /// What happened.
    pub kind: EventKind,
    /// Milliseconds since the run started.
    pub t: f64,
}

/// How a task's life ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Not finished yet (only seen in a report taken mid-run).
    Running,
    /// The future returned `Poll::Ready`.
    Ready,
    /// The future was dropped before it was ready: cancelled, e.g. the loser of a `select`.
    Dropped,
}

impl Outcome {
    /// The lowercase name the JS side sees.
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Running => "running",
            Outcome::Ready => "ready",
            Outcome::Dropped => "dropped",
        }
    }
}

/// A node's life in numbers, kept exact on every event. Most nodes are the
/// lesson's tasks; [`kind`](Self::kind) says which are the run, combinators
/// and leaves.
#[derive(Debug, Clone, PartialEq)]
pub struct TaskSummary {
    /// The task's name, e.g. `"thread one"`.
    pub name: &'static str,
    /// What this node is.
    pub kind: NodeKind,
    /// For a leaf, where in the source it was made (its `.await`).
    pub site: Option<Site>,
    /// When it was first polled; `None` if never.
    pub start_ms: Option<f64>,
    /// When it became ready or was dropped; `None` while running.
    pub end_ms: Option<f64>,
    /// How it ended.
    pub outcome: Outcome,
    /// How many times it was polled.
    pub polls: u32,
    /// How many times its waker was called.
    pub wakes: u32,
    /// Time spent inside its polls: the only time it used the thread.
    pub busy_ms: f64,
    /// Time between returning `Pending` and the next poll (or the end): waiting,
    /// with the thread free for others.
    pub idle_ms: f64,
    // When the last poll began, and when the last Pending poll ended.
    poll_started: Option<f64>,
    pending_since: Option<f64>,
    waiting: Option<Cause>,
}

/// The events of one run, bounded, and a summary per task.
#[derive(Debug, Clone, PartialEq)]
pub struct Trace {
    events: Vec<Event>,
    cap: usize,
    left_out: u64,
    tasks: Vec<TaskSummary>,
    // The tasks whose poll is on the stack, innermost last.
    polling: Vec<u32>,
}

/// How many events a run keeps by default: enough for every lesson's normal
/// run many times over; a runaway run keeps its first events and a count.
pub const DEFAULT_CAP: usize = 10_000;

impl Trace {
    /// An empty trace that keeps at most `cap` events.
    pub fn with_cap(cap: usize) -> Trace {
        Trace {
            events: Vec::new(),
            cap,
            left_out: 0,
            tasks: Vec::new(),
            polling: Vec::new(),
        }
    }

    /// The events kept, in order.
    pub fn events(&self) -> &[Event] {
        &self.events
    }

    /// How many events were left out because the trace was full.
    pub fn left_out(&self) -> u64 {
        self.left_out
    }

    /// The heap bytes its events and summaries hold (their capacity), for a
    /// lesson that counts the heap around the trace of its own run.
    pub fn heap_bytes(&self) -> usize {
        let events = self
            .events
            .capacity()
            .saturating_mul(std::mem::size_of::<Event>());
        let tasks = self
            .tasks
            .capacity()
            .saturating_mul(std::mem::size_of::<TaskSummary>());
        events.saturating_add(tasks)
    }

    /// Lowers (or raises) the most events this trace keeps from now on; events
    /// already kept stay. For a run whose polls come by the thousand.
    pub fn set_cap(&mut self, cap: usize) {
        self.cap = cap;
    }

    /// The most events this trace keeps.
    pub fn cap(&self) -> usize {
        self.cap
    }

    /// One summary per task, in the order they were created.
    pub fn summaries(&self) -> &[TaskSummary] {
        &self.tasks
    }

    /// The name of task `task`.
    pub fn name(&self, task: u32) -> Option<&'static str> {
        self.tasks.get(task as usize).map(|s| s.name)
    }

    /// The task being polled right now (innermost), if any.
    pub fn current(&self) -> Option<u32> {
        self.polling
            .iter()
            .rev()
            .copied()
            .find(|&node| self.kind(node) == Some(NodeKind::Task))
    }

    /// The innermost node being polled, of any kind: a leaf made now is its child.
    pub fn innermost(&self) -> Option<u32> {
        self.polling.last().copied()
    }

    /// What node `node` is.
    pub fn kind(&self, node: u32) -> Option<NodeKind> {
        self.tasks.get(node as usize).map(|s| s.kind)
    }

    fn push(&mut self, task: u32, kind: EventKind, t: f64) {
        if self.events.len() < self.cap {
            self.events.push(Event { task, kind, t });
        } else {
            self.left_out += 1;
        }
    }

    /// Records a new task; returns its index.
    pub fn created(&mut self, name: &'static str, t: f64) -> u32 {
        self.created_node(name, NodeKind::Task, None, t)
    }

    /// Records a new node of any kind; a leaf also says where it was made.
    pub fn created_node(
        &mut self,
        name: &'static str,
        kind: NodeKind,
        site: Option<Site>,
        t: f64,
    ) -> u32 {
        let task = u32::try_from(self.tasks.len()).unwrap_or(u32::MAX);
        self.tasks.push(TaskSummary {
            name,
            kind,
            site,
            start_ms: None,
            end_ms: None,
            outcome: Outcome::Running,
            polls: 0,
            wakes: 0,
            busy_ms: 0.0,
            idle_ms: 0.0,
            poll_started: None,
            pending_since: None,
            waiting: None,
        });
        self.push(task, EventKind::Created, t);
        task
    }

    /// Records the start of a poll of `task`.
    pub fn poll_start(&mut self, task: u32, t: f64) {
        // Depth counts tasks only: the run and the combinators around a task
        // are not tasks, so a lesson's task polled by a join is still depth 0.
        let tasks_on_stack = self
            .polling
            .iter()
            .filter(|&&node| self.kind(node) == Some(NodeKind::Task))
            .count();
        let depth = u16::try_from(tasks_on_stack).unwrap_or(u16::MAX);
        self.polling.push(task);
        if let Some(s) = self.tasks.get_mut(task as usize) {
            s.start_ms.get_or_insert(t);
            s.polls += 1;
            s.poll_started = Some(t);
            if let Some(since) = s.pending_since.take() {
                s.idle_ms += t - since;
            }
        }
        self.push(task, EventKind::PollStart { depth }, t);
    }

    /// Records the end of a poll of `task`: `ready`, or Pending waiting for `waiting`.
    pub fn poll_end(&mut self, task: u32, t: f64, ready: bool, waiting: Option<Cause>) {
        if self.polling.last() == Some(&task) {
            self.polling.pop();
        }
        if let Some(s) = self.tasks.get_mut(task as usize) {
            if let Some(started) = s.poll_started.take() {
                s.busy_ms += t - started;
            }
            if ready {
                s.end_ms = Some(t);
                s.outcome = Outcome::Ready;
            } else {
                s.pending_since = Some(t);
                s.waiting = waiting;
            }
        }
        self.push(task, EventKind::PollEnd { ready, waiting }, t);
        if ready {
            self.push(task, EventKind::Completed, t);
        }
    }

    /// Records a call of `task`'s waker, and says what woke it.
    pub fn woken(&mut self, task: u32, t: f64) -> Cause {
        let by = if self.polling.contains(&task) {
            Cause::Itself
        } else {
            self.tasks
                .get(task as usize)
                .and_then(|s| s.waiting)
                .unwrap_or(Cause::Unknown)
        };
        if let Some(s) = self.tasks.get_mut(task as usize) {
            s.wakes += 1;
        }
        self.push(task, EventKind::Woken { by }, t);
        by
    }

    /// A leaf began waiting on JS (see [`EventKind::Armed`]).
    pub fn armed(&mut self, leaf: u32, due_ms: Option<f64>, t: f64) {
        if let Some(s) = self.tasks.get_mut(leaf as usize) {
            s.start_ms.get_or_insert(t);
            s.pending_since = Some(t);
        }
        self.push(leaf, EventKind::Armed { due_ms }, t);
    }

    /// A leaf's JS side called back (see [`EventKind::Fired`]).
    pub fn fired(&mut self, leaf: u32, t: f64) {
        if let Some(s) = self.tasks.get_mut(leaf as usize) {
            s.wakes += 1;
        }
        self.push(leaf, EventKind::Fired, t);
    }

    /// A leaf returned `Ready` to the future that polled it.
    pub fn leaf_completed(&mut self, leaf: u32, t: f64) {
        let Some(s) = self.tasks.get_mut(leaf as usize) else {
            return;
        };
        if s.outcome != Outcome::Running {
            return;
        }
        s.outcome = Outcome::Ready;
        s.end_ms = Some(t);
        if let Some(since) = s.pending_since.take() {
            s.idle_ms += t - since;
        }
        self.push(leaf, EventKind::Completed, t);
    }

    /// Records that `task` was dropped; a drop after completion is not an event.
    pub fn dropped(&mut self, task: u32, t: f64) {
        let Some(s) = self.tasks.get_mut(task as usize) else {
            return;
        };
        if s.outcome != Outcome::Running {
            return;
        }
        s.outcome = Outcome::Dropped;
        s.end_ms = Some(t);
        if let Some(since) = s.pending_since.take() {
            s.idle_ms += t - since;
        }
        self.push(task, EventKind::Dropped, t);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use EventKind::*;

    fn kinds(trace: &Trace) -> Vec<(u32, EventKind)> {
        trace.events().iter().map(|e| (e.task, e.kind)).collect()
    }

    #[test]
    fn a_sleeping_task_is_polled_twice_pending_then_ready() {
        let mut trace = Trace::with_cap(100);
        let t = trace.created("sleeper", 0.0);
        trace.poll_start(t, 1.0);
        trace.poll_end(t, 1.5, false, Some(Cause::Timer));
        assert_eq!(trace.woken(t, 1000.0), Cause::Timer);
        trace.poll_start(t, 1001.0);
        trace.poll_end(t, 1001.25, true, None);
        assert_eq!(
            kinds(&trace),
            [
                (0, Created),
                (0, PollStart { depth: 0 }),
                (
                    0,
                    PollEnd {
                        ready: false,
                        waiting: Some(Cause::Timer)
                    }
                ),
                (0, Woken { by: Cause::Timer }),
                (0, PollStart { depth: 0 }),
                (
                    0,
                    PollEnd {
                        ready: true,
                        waiting: None
                    }
                ),
                (0, Completed),
            ]
        );
        let s = &trace.summaries()[0];
        assert_eq!((s.polls, s.wakes, s.outcome), (2, 1, Outcome::Ready));
        assert_eq!(s.busy_ms, 0.75);
        assert_eq!(s.idle_ms, 999.5);
        assert_eq!((s.start_ms, s.end_ms), (Some(1.0), Some(1001.25)));
    }

    #[test]
    fn a_wake_during_the_tasks_own_poll_is_a_self_wake() {
        let mut trace = Trace::with_cap(100);
        let t = trace.created("yielder", 0.0);
        trace.poll_start(t, 0.0);
        assert_eq!(trace.woken(t, 0.1), Cause::Itself);
        trace.poll_end(t, 0.2, false, None);
    }

    #[test]
    fn nested_polls_record_their_depth_and_the_innermost_is_current() {
        let mut trace = Trace::with_cap(100);
        let outer = trace.created("outer", 0.0);
        let inner = trace.created("inner", 0.0);
        trace.poll_start(outer, 1.0);
        trace.poll_start(inner, 1.0);
        assert_eq!(trace.current(), Some(inner));
        trace.poll_end(inner, 2.0, true, None);
        assert_eq!(trace.current(), Some(outer));
        trace.poll_end(outer, 2.0, true, None);
        assert_eq!(trace.current(), None);
        assert!(kinds(&trace).contains(&(inner, PollStart { depth: 1 })));
    }

    #[test]
    fn dropping_an_unfinished_task_records_a_cancellation_once_and_a_finished_one_not_at_all() {
        let mut trace = Trace::with_cap(100);
        let loser = trace.created("loser", 0.0);
        let winner = trace.created("winner", 0.0);
        trace.poll_start(loser, 0.0);
        trace.poll_end(loser, 0.0, false, Some(Cause::Timer));
        trace.poll_start(winner, 0.0);
        trace.poll_end(winner, 0.0, true, None);
        trace.dropped(loser, 10.0);
        trace.dropped(loser, 11.0);
        trace.dropped(winner, 12.0);
        let drops: Vec<_> = kinds(&trace)
            .into_iter()
            .filter(|(_, k)| *k == Dropped)
            .collect();
        assert_eq!(drops, [(loser, Dropped)]);
        assert_eq!(trace.summaries()[0].outcome, Outcome::Dropped);
        assert_eq!(trace.summaries()[0].idle_ms, 10.0);
        assert_eq!(trace.summaries()[1].outcome, Outcome::Ready);
    }

    #[test]
    fn a_full_trace_keeps_its_first_events_counts_the_rest_and_summaries_stay_exact() {
        let mut trace = Trace::with_cap(3);
        let t = trace.created("busy", 0.0);
        for i in 0..100 {
            trace.poll_start(t, f64::from(i));
            trace.poll_end(t, f64::from(i) + 0.5, false, None);
        }
        assert_eq!(trace.events().len(), 3);
        assert_eq!(trace.left_out(), 1 + 200 - 3);
        assert_eq!(trace.summaries()[0].polls, 100);
        assert_eq!(trace.summaries()[0].busy_ms, 50.0);
    }

    #[test]
    fn a_task_dropped_before_any_poll_is_created_then_dropped_with_no_polls() {
        // The lazy lesson's future A: its lane says "never polled".
        let mut trace = Trace::with_cap(100);
        let a = trace.created("future A", 0.0);
        trace.dropped(a, 300.0);
        assert_eq!(kinds(&trace), [(0, Created), (0, Dropped)]);
        let s = &trace.summaries()[0];
        assert_eq!(
            (s.polls, s.outcome, s.start_ms),
            (0, Outcome::Dropped, None)
        );
        assert_eq!((s.busy_ms, s.idle_ms), (0.0, 0.0));
    }
}
