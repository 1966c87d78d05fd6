//! Where the Rust run and the JS run of one composition differ, found by
//! comparing their two records (never from a table of known answers), and
//! why a composition ended with an error. Pure Rust, tested on the host.

use super::parse::{Kind, Node};
use super::run::{timer_name, Failure};
use crate::runtime::run::Report;
use crate::runtime::trace::Outcome;

/// One line the JS run printed.
#[derive(Debug, Clone, PartialEq)]
pub struct JsLine {
    /// What was printed.
    pub text: String,
    /// Milliseconds since the JS run started.
    pub at_ms: f64,
    /// The node's task name.
    pub task: String,
}

/// What happened in the JS run.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum JsKind {
    /// The node's Promise was made: its work started.
    Created,
    /// `setTimeout` was called.
    TimerArmed,
    /// A timer's callback ran.
    TimerFired,
    /// `clearTimeout` was called (only on Stop).
    TimerCleared,
    /// The node's Promise settled.
    Settled {
        /// Fulfilled rather than rejected.
        ok: bool,
    },
    /// A callback of the node ran for `ms` (busy work, a print).
    Callback {
        /// How long it ran.
        ms: f64,
    },
}

/// One event of the JS run, named by the same task names as the Rust trace.
#[derive(Debug, Clone, PartialEq)]
pub struct JsEvent {
    /// The node's task name.
    pub task: String,
    /// What happened.
    pub kind: JsKind,
    /// Milliseconds since the JS run started.
    pub t: f64,
}

/// The JS run's record.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct JsRecord {
    /// What it printed, in order.
    pub lines: Vec<JsLine>,
    /// Its events, in order.
    pub events: Vec<JsEvent>,
}

/// A difference the card names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Difference {
    /// `"loser-printed"`, `"timer-not-cleared"`, `"eager-start"`,
    /// `"outcome"` or `"order"`.
    pub kind: &'static str,
    /// The node's task name, or `""` for the whole run.
    pub task: String,
    /// In words.
    pub text: String,
}

impl JsRecord {
    fn first(&self, task: &str, pick: impl Fn(JsKind) -> bool) -> Option<f64> {
        self.events
            .iter()
            .find(|e| e.task == task && pick(e.kind))
            .map(|e| e.t)
    }

    fn has(&self, task: &str, pick: impl Fn(JsKind) -> bool) -> bool {
        self.first(task, pick).is_some()
    }
}

/// Whole ms, for sentences.
fn ms(t: f64) -> String {
    format!("{} ms", t.round() as i64)
}

/// What the two records of `root`'s runs differ in. `names` are the task
/// names by node id; `rust_error`/`js_error` the two roots' errors, if any.
pub fn differences(
    root: &Node,
    names: &[String],
    rust: &Report,
    js: &JsRecord,
    outcomes: (Option<&str>, Option<&str>),
) -> Vec<Difference> {
    let mut found = Vec::new();
    let summary = |name: &str| rust.task_summaries().into_iter().find(|t| t.name == name);
    let printed_in_rust = |name: &str| rust.lines.iter().any(|l| l.task == Some(name));
    let mut nodes = Vec::new();
    walk(root, None, &mut nodes);

    for (node, parent) in &nodes {
        let Some(name) = names.get(node.id) else {
            continue;
        };
        let Some(task) = summary(name) else {
            continue;
        };
        // A loser that printed in JS: Rust dropped it (or never polled it).
        if let Some(line) = js.lines.iter().find(|l| &l.task == name) {
            if !printed_in_rust(name) {
                let rust_side = match (task.outcome, task.start_ms, task.end_ms) {
                    (Outcome::Dropped, Some(_), Some(end)) => {
                        format!(
                            "Rust dropped its future unfinished at {}, so it never printed",
                            ms(end)
                        )
                    }
                    _ => "Rust never polled its future, so it never ran".to_owned(),
                };
                found.push(Difference {
                    kind: "loser-printed",
                    task: name.clone(),
                    text: format!(
                        "`{}` printed on the JS side at {}: nothing stops a Promise once made. {rust_side}.",
                        line.text,
                        ms(line.at_ms)
                    ),
                });
            }
        }
        // A JS timer that fired for nobody, where Rust cleared it on drop.
        let timer_task = match node.kind {
            Kind::Timeout(_) => timer_name(name),
            _ => name.clone(),
        };
        let armed = js.has(&timer_task, |k| k == JsKind::TimerArmed);
        let cleared = js.has(&timer_task, |k| k == JsKind::TimerCleared);
        if armed && !cleared {
            let rust_timer = summary(&timer_task);
            if let Some(end) = rust_timer
                .filter(|t| t.outcome == Outcome::Dropped && t.polls > 0)
                .and_then(|t| t.end_ms)
            {
                let fired = js
                    .first(&timer_task, |k| k == JsKind::TimerFired)
                    .map_or("had not fired when the record ended".to_owned(), |t| {
                        format!("fired at {}", ms(t))
                    });
                found.push(Difference {
                    kind: "timer-not-cleared",
                    task: timer_task.clone(),
                    text: format!(
                        "The JS timer of `{timer_task}` was never cleared and {fired}; Rust's was cleared at {}, when its future was dropped.",
                        ms(end)
                    ),
                });
            }
        }
        // A branch JS started before Rust did: a Promise runs once made.
        if let (Some(parent), Some(created)) = (parent, js.first(name, |k| k == JsKind::Created)) {
            if let Some(difference) = eager(parent, node, name, names, task, created, js, rust) {
                found.push(difference);
            }
        }
    }

    let rust_lines: Vec<&str> = rust.lines.iter().map(|l| l.text.as_str()).collect();
    let js_lines: Vec<&str> = js.lines.iter().map(|l| l.text.as_str()).collect();
    if rust_lines != js_lines {
        found.push(Difference {
            kind: "order",
            task: String::new(),
            text: format!(
                "Rust printed {}; JS printed {}.",
                listed(&rust_lines),
                listed(&js_lines)
            ),
        });
    }
    let (rust_error, js_error) = outcomes;
    if rust_error != js_error {
        let side = |e: Option<&str>| e.map_or("succeeded".to_owned(), |e| format!("failed ({e})"));
        found.push(Difference {
            kind: "outcome",
            task: String::new(),
            text: format!(
                "The Rust run {}; the JS run {}.",
                side(rust_error),
                side(js_error)
            ),
        });
    }
    found
}

fn listed(lines: &[&str]) -> String {
    if lines.is_empty() {
        "nothing".to_owned()
    } else {
        lines
            .iter()
            .map(|l| format!("`{l}`"))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// Whether `node`, a child of `parent`, started in JS before the sibling it
/// waits for in Rust (a `seq`'s previous child) had settled, while Rust
/// polled it only after, or never.
#[allow(clippy::too_many_arguments)]
fn eager(
    parent: &Node,
    node: &Node,
    name: &str,
    names: &[String],
    task: &crate::runtime::trace::TaskSummary,
    created: f64,
    js: &JsRecord,
    rust: &Report,
) -> Option<Difference> {
    if parent.kind != Kind::Seq {
        return None;
    }
    let index = parent.children.iter().position(|c| c.id == node.id)?;
    let before = parent.children.get(index.checked_sub(1)?)?;
    let before_name = names.get(before.id)?;
    let js_settled = js.first(before_name, |k| matches!(k, JsKind::Settled { .. }));
    let started_early = js_settled.is_none_or(|settled| created < settled);
    let rust_before_end = rust
        .task_summaries()
        .into_iter()
        .find(|t| t.name == before_name)
        .and_then(|t| t.end_ms);
    let rust_waited = match (task.start_ms, rust_before_end) {
        (None, _) => true,
        (Some(start), Some(end)) => start >= end,
        (Some(_), None) => false,
    };
    if !(started_early && rust_waited) {
        return None;
    }
    let rust_side = match task.start_ms {
        Some(start) => format!(
            "Rust first polled it at {}, once `{before_name}` was done",
            ms(start)
        ),
        None => format!("Rust never polled it: `{before_name}` ended the seq first"),
    };
    Some(Difference {
        kind: "eager-start",
        task: name.to_owned(),
        text: format!(
            "JS started `{name}` at {}, as its Promise was made, before `{before_name}` settled; {rust_side}.",
            ms(created)
        ),
    })
}

fn walk<'a>(node: &'a Node, parent: Option<&'a Node>, out: &mut Vec<(&'a Node, Option<&'a Node>)>) {
    out.push((node, parent));
    for child in &node.children {
        walk(child, Some(node), out);
    }
}

/// Why the composition ended with `failure`: which node failed, and what
/// each combinator between it and the root did with the `Err`.
pub fn why(root: &Node, names: &[String], failure: &Failure) -> String {
    let mut path = Vec::new();
    if !path_to(root, failure.node, &mut path) {
        return failure.message.clone();
    }
    let name = names.get(failure.node).map_or("a node", String::as_str);
    let mut text = format!("`{name}` failed ({}).", failure.message);
    // Each kind of combinator is explained once, innermost first: the way
    // the Err travelled up.
    let mut told: Vec<&str> = Vec::new();
    for ancestor in path.iter().rev().skip(1) {
        let said = match ancestor.kind {
            Kind::Select => " `select` takes the first future to finish, Ok or Err: it is not `select_ok`, which would wait for the first Ok, so the Err won and the rest were dropped.",
            Kind::Join => " `join` (try_join, like Promise.all) ends with the first Err and drops the rest.",
            Kind::Seq => " `seq` stops at the first Err: what comes after it never runs.",
            Kind::Timeout(_) => " `timeout` passes its future's Err on.",
            Kind::Spawn => " `spawn` hands the task's Err back through its channel.",
            _ => "",
        };
        if !told.contains(&said) {
            told.push(said);
            text.push_str(said);
        }
    }
    text
}

/// Fills `path` with the nodes from `node` down to the one with `id`.
fn path_to<'a>(node: &'a Node, id: usize, path: &mut Vec<&'a Node>) -> bool {
    path.push(node);
    if node.id == id || node.children.iter().any(|c| path_to(c, id, path)) {
        return true;
    }
    path.pop();
    false
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::super::parse::parse;
    use super::super::run::task_names;
    use super::*;
    use crate::runtime::clock::manual_clock;
    use crate::runtime::run::Run;
    use std::future::Future;
    use std::task::{Context, Poll, Waker};

    fn js_event(task: &str, kind: JsKind, t: f64) -> JsEvent {
        JsEvent {
            task: task.to_owned(),
            kind,
            t,
        }
    }

    #[test]
    fn a_select_whose_loser_printed_in_js_is_named_from_the_records() {
        let tree = parse(r#"select(sleep(600, "one"), sleep(300, "two"))"#).unwrap();
        let names = task_names(&tree);
        let (clock, set_time) = manual_clock();
        let run = Run::start("compose", "rust", vec![], clock, None);
        {
            // The Rust record: both polled at 0, two prints at 300, one dropped.
            let mut one = Box::pin(run.task("one", std::future::pending::<()>()));
            let mut two = Box::pin(run.task("two", async {
                run.print("two");
            }));
            let mut cx = Context::from_waker(Waker::noop());
            assert_eq!(one.as_mut().poll(&mut cx), Poll::Pending);
            set_time(300.0);
            assert_eq!(two.as_mut().poll(&mut cx), Poll::Ready(()));
            drop(one);
        }
        let report = run.finish();
        let js = JsRecord {
            lines: vec![
                JsLine {
                    text: "two".into(),
                    at_ms: 300.0,
                    task: "two".into(),
                },
                JsLine {
                    text: "one".into(),
                    at_ms: 600.0,
                    task: "one".into(),
                },
            ],
            events: vec![
                js_event("one", JsKind::Created, 0.0),
                js_event("one", JsKind::TimerArmed, 0.0),
                js_event("two", JsKind::Created, 0.0),
                js_event("two", JsKind::TimerArmed, 0.0),
                js_event("two", JsKind::TimerFired, 300.0),
                js_event("one", JsKind::TimerFired, 600.0),
            ],
        };
        let found = differences(&tree, &names, &report, &js, (None, None));
        let kinds: Vec<_> = found.iter().map(|d| (d.kind, d.task.as_str())).collect();
        assert_eq!(
            kinds,
            [
                ("loser-printed", "one"),
                ("timer-not-cleared", "one"),
                ("order", "")
            ]
        );
        assert!(found[0]
            .text
            .contains("dropped its future unfinished at 300 ms"));
    }

    #[test]
    fn why_a_select_of_a_404_fails_says_it_is_not_select_ok() {
        let tree = parse(r#"seq(sleep(100), select(fetch("gone"), fetch("quick")))"#).unwrap();
        let names = task_names(&tree);
        let failure = Failure {
            node: 3,
            message: "fetch gone: HTTP 404".into(),
        };
        let text = why(&tree, &names, &failure);
        assert!(text.starts_with("`fetch gone` failed (fetch gone: HTTP 404)."));
        assert!(text.contains("not `select_ok`"));
        assert!(text.contains("`seq` stops"));
    }
}
