//! A run of one lesson: what it printed and when, and the trace of its tasks.
//! Plain Rust, so the model is unit-tested on the host.
//!
//! A lesson gets a `&Run` the way the article's code had `println!`: it calls
//! [`Run::print`] for each line and wraps each task in [`Run::task`], which
//! traces every poll, wake, completion and drop. The JS edge turns the finished
//! [`Report`] into the objects the page draws.

use std::cell::{Cell, RefCell};
use std::future::Future;
use std::rc::Rc;

use super::clock::Clock;
use super::recorder::Recorder;
use super::task::Task;
use super::trace::{Event, NodeKind, TaskSummary, Trace, DEFAULT_CAP};

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

impl Report {
    /// The lesson's tasks alone, in the order made: the run, its combinators
    /// and its leaves left out, as the timeline draws them.
    pub fn task_summaries(&self) -> Vec<&TaskSummary> {
        self.tasks
            .iter()
            .filter(|s| s.kind == NodeKind::Task)
            .collect()
    }
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
    /// Every node's summary, in the order created; an event's `task` indexes
    /// it. Most are the lesson's tasks; the run, combinators and leaves say
    /// so in their [`kind`](TaskSummary::kind).
    pub tasks: Vec<TaskSummary>,
    /// The trace's events, in order (at most `trace_cap`).
    pub events: Vec<Event>,
    /// Events left out because the trace was full.
    pub events_left_out: u64,
    /// The most events a run keeps.
    pub trace_cap: usize,
    /// Milliseconds from start to [`Run::finish`].
    pub total_ms: f64,
    /// The size in bytes of the run's top-level future (`size_of_val`, as
    /// compiled: its state machine holds every local that lives across an
    /// `.await`), when the run has a [`Run::root`].
    pub future_bytes: Option<usize>,
}

/// A lesson's run in progress. See the module docs.
pub struct Run {
    info: RunInfo,
    recorder: Rc<Recorder>,
    lines: RefCell<Vec<Line>>,
    observer: Option<Rc<dyn Observer>>,
    future_bytes: Cell<Option<usize>>,
}

impl Run {
    /// Starts a run of `lesson` in `mode` with `args`, timing it with `clock`.
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
        let recorder = Recorder::start(clock, Trace::with_cap(DEFAULT_CAP));
        let id = recorder.id();
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
            recorder,
            lines: RefCell::new(Vec::new()),
            observer,
            future_bytes: Cell::new(None),
        }
    }

    /// Which run this is.
    pub fn info(&self) -> &RunInfo {
        &self.info
    }

    /// Milliseconds since the run started.
    pub fn elapsed_ms(&self) -> f64 {
        self.recorder.now()
    }

    /// Keeps at most `cap` events in the run's trace from now on (the default
    /// is `DEFAULT_CAP`): for a lesson polled by the thousand, whose record
    /// would otherwise be all polls and slow to draw. Summaries still count
    /// every poll; the report says how many events were left out.
    pub fn limit_trace(&self, cap: usize) {
        if let Ok(mut trace) = self.recorder.trace.try_borrow_mut() {
            trace.set_cap(cap);
        }
    }

    /// The heap bytes the run's trace holds now (see [`Trace::heap_bytes`]):
    /// a lesson that counts the heap leaves its own record out with it.
    pub fn trace_heap_bytes(&self) -> usize {
        self.recorder
            .trace
            .try_borrow()
            .map_or(0, |trace| trace.heap_bytes())
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
        let task = {
            let trace = self.recorder.trace.borrow();
            trace.current().and_then(|task| trace.name(task))
        };
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

    /// Wraps `future` as the task `name`, traced: every poll, wake, completion
    /// and drop is recorded. Lazy, like any future: nothing runs, and the task
    /// is not started, until the returned task is polled.
    pub fn task<F: Future>(&self, name: &'static str, future: F) -> Task<'_, F> {
        self.node(name, NodeKind::Task, future)
    }

    /// Wraps `future` as a node of the run's tree of futures that is not one
    /// of the lesson's tasks: a combinator (`run.node("join", NodeKind::Join,
    /// join(a, b))`), or the run itself ([`Run::root`]). Traced like a task, so
    /// the tree shows who polls whom, and the timeline still draws only tasks.
    pub fn node<F: Future>(&self, name: &'static str, kind: NodeKind, future: F) -> Task<'_, F> {
        let t = self.elapsed_ms();
        let index = self
            .recorder
            .trace
            .borrow_mut()
            .created_node(name, kind, None, t);
        Task::new(&self.recorder, index, future)
    }

    /// Wraps the lesson's whole future as the root of the run's tree: the
    /// future the export hands to the executor.
    pub fn root<F: Future>(&self, future: F) -> Task<'_, F> {
        self.future_bytes.set(Some(std::mem::size_of_val(&future)));
        self.node("run", NodeKind::Run, future)
    }

    /// Ends the run and returns what it did.
    pub fn finish(self) -> Report {
        let total_ms = self.elapsed_ms();
        let trace = self.recorder.trace.replace(Trace::with_cap(0));
        Report {
            info: self.info.clone(),
            lines: self.lines.take(),
            tasks: trace.summaries().to_vec(),
            events: trace.events().to_vec(),
            events_left_out: trace.left_out(),
            trace_cap: trace.cap(),
            total_ms,
            future_bytes: self.future_bytes.get(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::runtime::clock::manual_clock;

    #[derive(Default)]
    struct Recorded {
        events: RefCell<Vec<String>>,
    }

    impl Observer for Recorded {
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
        let recorded = Rc::new(Recorded::default());
        let run = Run::start(
            "sequence",
            "concurrent",
            vec![],
            clock,
            Some(recorded.clone()),
        );
        set_time(1300.0);
        run.print("thread two");
        set_time(1600.0);
        run.print("thread one");
        assert_eq!(run.printed(), ["thread two", "thread one"]);
        let report = run.finish();
        assert_eq!(report.total_ms, 600.0);
        assert_eq!(
            *recorded.events.borrow(),
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

    #[test]
    fn a_wake_after_the_run_has_finished_is_ignored() {
        let (clock, _) = manual_clock();
        let run = Run::start("l", "m", vec![], clock, None);
        let id = run.info().id;
        drop(run.finish());
        // Nothing to find, nothing recorded, no panic.
        crate::runtime::recorder::record_wake(id, 0);
    }
}
