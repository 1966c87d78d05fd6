//! A run of one lesson: what it printed and when, and when each of its tasks
//! started and ended. Plain Rust, so the model is unit-tested on the host.
//!
//! A lesson gets a `&Run` the way the article's code had `println!`: it calls
//! [`Run::print`] for each line and wraps each task in [`Run::task`]. The JS edge
//! turns the finished [`Report`] into the objects the page draws.

use std::cell::{Cell, RefCell};
use std::future::Future;
use std::rc::Rc;

use super::clock::Clock;
use super::task::Task;

/// One line a lesson printed.
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    /// What was printed, e.g. `"thread two"`.
    pub text: String,
    /// Milliseconds since the run started.
    pub at_ms: f64,
    /// The task that was being polled when the line was printed, if any.
    pub task: Option<&'static str>,
    /// The thread that printed it, when that is not the thread running the run
    /// (a Web Worker whose line the run prints on its behalf); `None` means the
    /// run's own thread.
    pub thread: Option<String>,
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

/// The life of one task of a run, in milliseconds since the run started.
#[derive(Debug, Clone, PartialEq)]
pub struct TaskSpan {
    /// The task's name, e.g. `"thread one"`.
    pub name: &'static str,
    /// When it was first polled (a future does nothing before that); `None` if never.
    pub start_ms: Option<f64>,
    /// When it became ready or was dropped; `None` while running.
    pub end_ms: Option<f64>,
    /// How it ended.
    pub outcome: Outcome,
}

/// Receives a run's events as they happen. The JS edge implements it to echo
/// lines to the devtools console and to the page.
pub trait Observer {
    /// A run began.
    fn started(&self, info: &RunInfo);
    /// A line was printed.
    fn printed(&self, info: &RunInfo, line: &Line);
}

/// What identifies a run.
#[derive(Debug, Clone, PartialEq)]
pub struct RunInfo {
    /// Unique within this instance, counting from 1.
    pub id: u32,
    /// The lesson, e.g. `"sequence"`.
    pub lesson: &'static str,
    /// The lesson's mode, e.g. `"concurrent"`.
    pub mode: &'static str,
    /// The arguments after defaults were applied, in parameter order, e.g.
    /// `[("oneMs", 600.0), ("twoMs", 300.0)]`: what the run really used.
    pub args: Vec<(&'static str, f64)>,
}

/// Everything a finished run did.
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    /// Which run this was.
    pub info: RunInfo,
    /// The printed lines, in the order printed.
    pub lines: Vec<Line>,
    /// Every task, in the order first wrapped.
    pub tasks: Vec<TaskSpan>,
    /// Milliseconds from start to [`Run::finish`].
    pub total_ms: f64,
}

thread_local! {
    static NEXT_ID: Cell<u32> = const { Cell::new(1) };
}

/// A lesson's run in progress. See the module docs.
pub struct Run {
    info: RunInfo,
    clock: Clock,
    started_at: f64,
    lines: RefCell<Vec<Line>>,
    tasks: RefCell<Vec<TaskSpan>>,
    // Index into `tasks` of the task being polled right now, so a printed line
    // knows which task printed it.
    current: Cell<Option<usize>>,
    observer: Option<Rc<dyn Observer>>,
}

impl Run {
    /// Starts a run of `lesson` in `mode`, timing it with `clock`.
    ///
    /// # Example
    /// ```
    /// use async_rust_lab::runtime::{clock::manual_clock, run::Run};
    /// let (clock, set_time) = manual_clock();
    /// let run = Run::start("sequence", "sequential", vec![("oneMs", 600.0)], clock, None);
    /// set_time(300.0);
    /// run.print("thread two");
    /// assert_eq!(run.finish().lines[0].at_ms, 300.0);
    /// ```
    pub fn start(
        lesson: &'static str,
        mode: &'static str,
        args: Vec<(&'static str, f64)>,
        clock: Clock,
        observer: Option<Rc<dyn Observer>>,
    ) -> Run {
        let id = NEXT_ID.with(|next| {
            let id = next.get();
            next.set(id.wrapping_add(1).max(1));
            id
        });
        let info = RunInfo {
            id,
            lesson,
            mode,
            args,
        };
        if let Some(observer) = &observer {
            observer.started(&info);
        }
        Run {
            info,
            started_at: clock(),
            clock,
            lines: RefCell::new(Vec::new()),
            tasks: RefCell::new(Vec::new()),
            current: Cell::new(None),
            observer,
        }
    }

    /// Which run this is.
    pub fn info(&self) -> &RunInfo {
        &self.info
    }

    /// Milliseconds since the run started.
    pub fn elapsed_ms(&self) -> f64 {
        (self.clock)() - self.started_at
    }

    /// Prints a line (the article's `println!`) and returns its text, so a task
    /// can print its result and return it in one step.
    pub fn print(&self, text: impl Into<String>) -> String {
        self.print_line(text.into(), None)
    }

    /// Prints a line that another thread printed (a Web Worker that reported
    /// back), labelled with that thread's name, e.g. `"worker 3"`.
    pub fn print_on(&self, thread: &str, text: impl Into<String>) -> String {
        self.print_line(text.into(), Some(thread.to_owned()))
    }

    fn print_line(&self, text: String, thread: Option<String>) -> String {
        let current = self.current.get();
        let task = current.and_then(|i| self.tasks.borrow().get(i).map(|span| span.name));
        let line = Line {
            text: text.clone(),
            at_ms: self.elapsed_ms(),
            task,
            thread,
        };
        if let Some(observer) = &self.observer {
            observer.printed(&self.info, &line);
        }
        self.lines.borrow_mut().push(line);
        text
    }

    /// The texts printed so far, in order.
    pub fn printed(&self) -> Vec<String> {
        self.lines.borrow().iter().map(|l| l.text.clone()).collect()
    }

    /// Wraps `future` as the task `name`, recording when it is first polled and
    /// when it becomes ready or is dropped. Lazy, like any future: nothing is
    /// recorded as started until the returned task is polled.
    pub fn task<F: Future>(&self, name: &'static str, future: F) -> Task<'_, F> {
        let index = {
            let mut tasks = self.tasks.borrow_mut();
            tasks.push(TaskSpan {
                name,
                start_ms: None,
                end_ms: None,
                outcome: Outcome::Running,
            });
            tasks.len() - 1
        };
        Task::new(self, index, future)
    }

    /// Called by [`Task`] around each poll: marks the start on the first poll and
    /// makes the task current, returning the task that was current before.
    pub(crate) fn enter(&self, index: usize) -> Option<usize> {
        let now = self.elapsed_ms();
        if let Some(span) = self.tasks.borrow_mut().get_mut(index) {
            span.start_ms.get_or_insert(now);
        }
        self.current.replace(Some(index))
    }

    /// Called by [`Task`] after each poll, with what [`Run::enter`] returned.
    pub(crate) fn leave(&self, previous: Option<usize>) {
        self.current.set(previous);
    }

    /// Called by [`Task`] when its future is ready or dropped unfinished.
    pub(crate) fn end(&self, index: usize, outcome: Outcome) {
        let now = self.elapsed_ms();
        if let Some(span) = self.tasks.borrow_mut().get_mut(index) {
            if span.outcome == Outcome::Running {
                span.end_ms = Some(now);
                span.outcome = outcome;
            }
        }
    }

    /// Ends the run and returns what it did.
    pub fn finish(self) -> Report {
        let total_ms = self.elapsed_ms();
        Report {
            info: self.info,
            lines: self.lines.into_inner(),
            tasks: self.tasks.into_inner(),
            total_ms,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::runtime::clock::manual_clock;

    #[derive(Default)]
    struct Recorder {
        events: RefCell<Vec<String>>,
    }

    impl Observer for Recorder {
        fn started(&self, info: &RunInfo) {
            self.events
                .borrow_mut()
                .push(format!("start {}/{}", info.lesson, info.mode));
        }
        fn printed(&self, _: &RunInfo, line: &Line) {
            self.events
                .borrow_mut()
                .push(format!("{} @{}", line.text, line.at_ms));
        }
    }

    #[test]
    fn lines_are_timed_from_the_start_of_the_run_and_reach_the_observer_in_order() {
        let (clock, set_time) = manual_clock();
        set_time(1000.0);
        let recorder = Rc::new(Recorder::default());
        let run = Run::start(
            "sequence",
            "concurrent",
            vec![],
            clock,
            Some(recorder.clone()),
        );
        set_time(1300.0);
        run.print("thread two");
        set_time(1600.0);
        run.print("thread one");
        assert_eq!(run.printed(), ["thread two", "thread one"]);
        let report = run.finish();
        assert_eq!(report.total_ms, 600.0);
        assert_eq!(
            *recorder.events.borrow(),
            [
                "start sequence/concurrent",
                "thread two @300",
                "thread one @600"
            ]
        );
    }

    #[test]
    fn each_run_gets_a_new_id() {
        let (clock, _) = manual_clock();
        let a = Run::start("l", "m", vec![], clock.clone(), None).finish();
        let b = Run::start("l", "m", vec![], clock, None).finish();
        assert!(b.info.id > a.info.id);
    }

    #[test]
    fn a_line_printed_outside_any_task_has_no_task() {
        let (clock, _) = manual_clock();
        let run = Run::start("l", "m", vec![], clock, None);
        run.print("hello");
        assert_eq!(run.finish().lines[0].task, None);
    }
}
