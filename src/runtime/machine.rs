//! The machine at one step of a run: the tree of futures with each node's
//! state, the stack of polls, the ready queue, the microtasks and the JS
//! timers, all derived from the run's record and nothing else.
//!
//! A view is a pure function of the record and a step index, so replaying a
//! run on the page and asking `lab.tree(step)` in the console agree by
//! construction. Plain Rust, unit-tested on the host.

use super::trace::{Event, EventKind, NodeKind, Site, TaskSummary};

/// A node's state at a step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NodeState {
    /// Made, never polled: a future does nothing yet.
    Created,
    /// Returned `Pending` (a leaf: waiting on JS); someone holds its waker.
    Pending,
    /// Its waker was called (a leaf: its JS side called back); not yet polled again.
    Woken,
    /// Its poll is running now.
    Polling,
    /// Returned `Ready`.
    Ready,
    /// Dropped before it was ready: cancelled.
    Dropped,
}

impl NodeState {
    /// The lowercase name the JS side sees.
    pub fn as_str(self) -> &'static str {
        match self {
            NodeState::Created => "created",
            NodeState::Pending => "pending",
            NodeState::Woken => "woken",
            NodeState::Polling => "polling",
            NodeState::Ready => "ready",
            NodeState::Dropped => "dropped",
        }
    }
}

/// One node of the tree at a step.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    /// The node's index in the run's record.
    pub id: u32,
    /// Its name, e.g. `"thread one"`, `"join"`, `"sleep"`.
    pub name: &'static str,
    /// What it is.
    pub kind: NodeKind,
    /// Its state at this step.
    pub state: NodeState,
    /// For a node that waits: the leaf it waits on, innermost first found.
    pub waits_on: Option<u32>,
    /// Where it is suspended: the site of the leaf it waits on (its `.await`).
    pub at: Option<Site>,
    /// A timer leaf's due time, in ms since the run started.
    pub due_ms: Option<f64>,
    /// Its children, in the order they were made.
    pub children: Vec<Node>,
}

/// A JS timer the run armed, at a step.
#[derive(Debug, Clone, PartialEq)]
pub struct Timer {
    /// The timer leaf's id.
    pub id: u32,
    /// The task that awaits it (its nearest task ancestor), or the node above it.
    pub owner: &'static str,
    /// When it is due, ms since the run started.
    pub due_ms: f64,
    /// `Pending` while armed, `Woken` once fired, `Ready` once its sleep returned,
    /// `Dropped` once cleared before firing.
    pub state: NodeState,
    /// When it fired, completed or was cleared, if it has.
    pub settled_ms: Option<f64>,
}

/// The queues at a step.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Queues {
    /// The polls running now, outermost first (the executor's poll is below them all).
    pub stack: Vec<u32>,
    /// Tasks (and the run) woken and not yet polled, in the order woken.
    pub ready: Vec<u32>,
    /// Promise leaves with a reaction registered, which will wake their future
    /// when the Promise settles, and whether the executor's own run is queued.
    pub promise_reactions: Vec<u32>,
    /// Whether the executor has a microtask queued to poll the woken run:
    /// inferred from a wake of the run's root, since wasm-bindgen-futures'
    /// own queue is not visible from Rust.
    pub executor_queued: bool,
    /// Every timer armed so far, with its state at this step.
    pub timers: Vec<Timer>,
}

/// The machine at one step: its tree (roots) and queues.
#[derive(Debug, Clone, PartialEq)]
pub struct Machine {
    /// The step this is (an index into the record's events), clamped.
    pub step: usize,
    /// The time of that step, ms since the run started.
    pub t: f64,
    /// The top-level nodes, usually the one run.
    pub roots: Vec<Node>,
    /// The queues.
    pub queues: Queues,
}

/// Replays `events[..=step]` of a record whose nodes are `nodes` (a report's
/// `tasks`). A `step` past the end means the end; an empty record gives an
/// empty machine.
pub fn machine_at(nodes: &[TaskSummary], events: &[Event], step: usize) -> Machine {
    let step = step.min(events.len().saturating_sub(1));
    let count = nodes.len();
    let mut exists = vec![false; count];
    let mut polled = vec![false; count];
    let mut state = vec![NodeState::Created; count];
    let mut parent: Vec<Option<u32>> = vec![None; count];
    let mut due: Vec<Option<f64>> = vec![None; count];
    let mut settled: Vec<Option<f64>> = vec![None; count];
    let mut woken_order: Vec<u32> = Vec::new();
    let mut stack: Vec<u32> = Vec::new();
    let mut t = 0.0;

    for event in events.iter().take(step.saturating_add(1)) {
        let id = event.task;
        let i = id as usize;
        if i >= count {
            continue;
        }
        t = event.t;
        let current = state.get(i).copied();
        let mut set = |value: NodeState| {
            if let Some(s) = state.get_mut(i) {
                *s = value;
            }
        };
        match event.kind {
            EventKind::Created => {
                if let Some(e) = exists.get_mut(i) {
                    *e = true;
                }
                if let Some(p) = parent.get_mut(i) {
                    *p = stack.last().copied();
                }
                set(NodeState::Created);
            }
            EventKind::PollStart { .. } => {
                // A node belongs to whoever first polls it: a task made by the
                // run and moved into a join is the join's child from then on.
                if !polled.get(i).copied().unwrap_or(true) {
                    if let Some(p) = parent.get_mut(i) {
                        *p = stack.last().copied().or(*p);
                    }
                    if let Some(flag) = polled.get_mut(i) {
                        *flag = true;
                    }
                }
                stack.push(id);
                woken_order.retain(|&w| w != id);
                set(NodeState::Polling);
            }
            EventKind::PollEnd { ready, .. } => {
                if stack.last() == Some(&id) {
                    stack.pop();
                }
                if ready {
                    set(NodeState::Ready);
                } else if woken_order.contains(&id) {
                    // It woke itself during the poll: queued again already.
                    set(NodeState::Woken);
                } else {
                    set(NodeState::Pending);
                }
            }
            EventKind::Woken { .. } => {
                if !woken_order.contains(&id) {
                    woken_order.push(id);
                }
                if current != Some(NodeState::Polling) {
                    set(NodeState::Woken);
                }
            }
            EventKind::Completed => {
                woken_order.retain(|&w| w != id);
                set(NodeState::Ready);
                if let Some(s) = settled.get_mut(i) {
                    s.get_or_insert(event.t);
                }
            }
            EventKind::Dropped => {
                woken_order.retain(|&w| w != id);
                set(NodeState::Dropped);
                if let Some(s) = settled.get_mut(i) {
                    *s = Some(event.t);
                }
            }
            EventKind::Armed { due_ms } => {
                if let Some(d) = due.get_mut(i) {
                    *d = due_ms;
                }
                set(NodeState::Pending);
            }
            EventKind::Fired => {
                set(NodeState::Woken);
                if let Some(s) = settled.get_mut(i) {
                    *s = Some(event.t);
                }
            }
        }
    }

    let children = |of: Option<u32>| -> Vec<u32> {
        (0..count)
            .filter(|&c| exists.get(c).copied().unwrap_or(false))
            .filter(|&c| parent.get(c).copied().flatten() == of)
            .filter_map(|c| u32::try_from(c).ok())
            .collect()
    };
    let kind_of = |id: u32| nodes.get(id as usize).map(|n| n.kind);
    let state_of = |id: u32| {
        state
            .get(id as usize)
            .copied()
            .unwrap_or(NodeState::Created)
    };

    // The leaf a node waits on: the first leaf below it still waiting or
    // fired-but-not-consumed, depth first in the order made.
    fn waiting_leaf(
        id: u32,
        children: &dyn Fn(Option<u32>) -> Vec<u32>,
        kind_of: &dyn Fn(u32) -> Option<NodeKind>,
        state_of: &dyn Fn(u32) -> NodeState,
        depth: usize,
    ) -> Option<u32> {
        if depth > 64 {
            return None;
        }
        if kind_of(id).is_some_and(NodeKind::is_leaf) {
            return matches!(state_of(id), NodeState::Pending | NodeState::Woken).then_some(id);
        }
        children(Some(id)).into_iter().find_map(|child| {
            waiting_leaf(child, children, kind_of, state_of, depth.saturating_add(1))
        })
    }

    fn build(
        id: u32,
        nodes: &[TaskSummary],
        due: &[Option<f64>],
        children: &dyn Fn(Option<u32>) -> Vec<u32>,
        kind_of: &dyn Fn(u32) -> Option<NodeKind>,
        state_of: &dyn Fn(u32) -> NodeState,
        depth: usize,
    ) -> Option<Node> {
        let summary = nodes.get(id as usize)?;
        let state = state_of(id);
        let waits_on = match state {
            NodeState::Pending | NodeState::Woken if !summary.kind.is_leaf() => {
                waiting_leaf(id, children, kind_of, state_of, 0)
            }
            _ => None,
        };
        let at = if summary.kind.is_leaf() {
            summary.site
        } else {
            waits_on
                .and_then(|leaf| nodes.get(leaf as usize))
                .and_then(|l| l.site)
        };
        let kids = if depth > 64 {
            Vec::new()
        } else {
            children(Some(id))
                .into_iter()
                .filter_map(|c| {
                    build(
                        c,
                        nodes,
                        due,
                        children,
                        kind_of,
                        state_of,
                        depth.saturating_add(1),
                    )
                })
                .collect()
        };
        Some(Node {
            id,
            name: summary.name,
            kind: summary.kind,
            state,
            waits_on,
            at,
            due_ms: due.get(id as usize).copied().flatten(),
            children: kids,
        })
    }

    let roots = children(None)
        .into_iter()
        .filter_map(|id| build(id, nodes, &due, &children, &kind_of, &state_of, 0))
        .collect();

    // A timer's owner: the nearest task above it, else whatever is above it.
    let owner = |leaf: u32| -> &'static str {
        let mut at = parent.get(leaf as usize).copied().flatten();
        let mut fallback = None;
        for _ in 0..count {
            let Some(id) = at else { break };
            let Some(summary) = nodes.get(id as usize) else {
                break;
            };
            fallback.get_or_insert(summary.name);
            if summary.kind == NodeKind::Task {
                return summary.name;
            }
            at = parent.get(id as usize).copied().flatten();
        }
        fallback.unwrap_or("the run")
    };
    let leaves_of = |kind: NodeKind| {
        (0..count)
            .filter(|&i| exists.get(i).copied().unwrap_or(false))
            .filter(move |&i| nodes.get(i).map(|n| n.kind) == Some(kind))
            .filter_map(|i| u32::try_from(i).ok())
    };
    // A timer is listed from the step it is armed (its due time known), not
    // from the step its leaf is made, one event earlier.
    let timers = leaves_of(NodeKind::Timer)
        .filter_map(|id| {
            Some(Timer {
                id,
                owner: owner(id),
                due_ms: due.get(id as usize).copied().flatten()?,
                state: state_of(id),
                settled_ms: settled.get(id as usize).copied().flatten(),
            })
        })
        .collect();
    let promise_reactions = leaves_of(NodeKind::Promise)
        .filter(|&id| state_of(id) == NodeState::Pending)
        .collect();
    let ready: Vec<u32> = woken_order
        .iter()
        .copied()
        .filter(|&id| matches!(kind_of(id), Some(NodeKind::Task | NodeKind::Run)))
        .filter(|&id| state_of(id) == NodeState::Woken)
        .collect();
    let executor_queued = ready.iter().any(|&id| kind_of(id) == Some(NodeKind::Run));

    Machine {
        step,
        t,
        roots,
        queues: Queues {
            stack,
            ready,
            promise_reactions,
            executor_queued,
            timers,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::runtime::trace::{Cause, Trace};

    const SITE: Site = Site {
        file: "src/lessons/sequence.rs",
        line: 23,
    };

    /// `join(thread one (sleep 600), thread two (sleep 300))` under a run, as
    /// the sequence lesson's concurrent mode records it.
    fn concurrent() -> Trace {
        let mut trace = Trace::with_cap(1000);
        let run = trace.created_node("run", NodeKind::Run, None, 0.0);
        trace.poll_start(run, 0.0);
        let one = trace.created("thread one", 0.1);
        let two = trace.created("thread two", 0.1);
        let join = trace.created_node("join", NodeKind::Join, None, 0.1);
        trace.poll_start(join, 0.2);
        trace.poll_start(one, 0.2);
        let sleep_one = trace.created_node("sleep", NodeKind::Timer, Some(SITE), 0.3);
        trace.armed(sleep_one, Some(600.3), 0.3);
        trace.poll_end(one, 0.4, false, Some(Cause::Timer));
        trace.poll_start(two, 0.4);
        let sleep_two = trace.created_node("sleep", NodeKind::Timer, Some(SITE), 0.5);
        trace.armed(sleep_two, Some(300.5), 0.5);
        trace.poll_end(two, 0.6, false, Some(Cause::Timer));
        trace.poll_end(join, 0.6, false, Some(Cause::Timer));
        trace.poll_end(run, 0.7, false, Some(Cause::Timer));
        trace.fired(sleep_two, 301.0);
        trace.woken(two, 301.0);
        trace.woken(join, 301.0);
        trace.woken(run, 301.0);
        trace
    }

    fn find(nodes: &[Node], name: &str) -> Option<Node> {
        nodes.iter().find_map(|n| {
            if n.name == name {
                Some(n.clone())
            } else {
                find(&n.children, name)
            }
        })
    }

    #[test]
    fn tasks_moved_into_a_join_become_its_children_when_it_polls_them() {
        let trace = concurrent();
        let end = machine_at(trace.summaries(), trace.events(), usize::MAX);
        let run = &end.roots[0];
        assert_eq!((run.name, run.kind), ("run", NodeKind::Run));
        let join = &run.children[0];
        assert_eq!(join.kind, NodeKind::Join);
        let names: Vec<_> = join.children.iter().map(|c| c.name).collect();
        assert_eq!(names, ["thread one", "thread two"]);
    }

    #[test]
    fn before_the_join_polls_them_the_tasks_are_the_runs_unpolled_children() {
        let trace = concurrent();
        // Step 3 (created run, its poll, thread one, thread two): the join not yet.
        let early = machine_at(trace.summaries(), trace.events(), 3);
        let names: Vec<_> = early.roots[0]
            .children
            .iter()
            .map(|c| (c.name, c.state))
            .collect();
        assert_eq!(
            names,
            [
                ("thread one", NodeState::Created),
                ("thread two", NodeState::Created)
            ]
        );
        assert_eq!(early.queues.stack, [0]);
    }

    #[test]
    fn a_pending_task_says_which_timer_it_waits_on_and_where() {
        let trace = concurrent();
        // After the run's first poll ended: both tasks pending on their timers.
        let step = trace
            .events()
            .iter()
            .position(|e| e.task == 0 && matches!(e.kind, EventKind::PollEnd { .. }))
            .unwrap_or(0);
        let m = machine_at(trace.summaries(), trace.events(), step);
        let one = find(&m.roots, "thread one").map(|n| (n.state, n.at, n.waits_on));
        assert_eq!(one, Some((NodeState::Pending, Some(SITE), Some(4))));
        let dues: Vec<_> = m
            .queues
            .timers
            .iter()
            .map(|t| (t.owner, t.due_ms, t.state))
            .collect();
        assert_eq!(
            dues,
            [
                ("thread one", 600.3, NodeState::Pending),
                ("thread two", 300.5, NodeState::Pending)
            ]
        );
        assert!(m.queues.stack.is_empty());
        assert!(m.queues.ready.is_empty());
    }

    #[test]
    fn a_fired_timer_wakes_its_task_into_the_ready_queue_and_queues_the_executor() {
        let trace = concurrent();
        let m = machine_at(trace.summaries(), trace.events(), usize::MAX);
        let two = find(&m.roots, "thread two").map(|n| n.state);
        assert_eq!(two, Some(NodeState::Woken));
        assert_eq!(m.queues.ready, [2, 0]);
        assert!(m.queues.executor_queued);
        assert_eq!(m.queues.timers[1].state, NodeState::Woken);
    }

    #[test]
    fn a_dropped_timer_shows_as_cleared_with_its_time() {
        let mut trace = concurrent();
        trace.dropped(4, 301.5);
        trace.dropped(1, 301.5);
        let m = machine_at(trace.summaries(), trace.events(), usize::MAX);
        let timer = &m.queues.timers[0];
        assert_eq!(
            (timer.state, timer.settled_ms, timer.due_ms),
            (NodeState::Dropped, Some(301.5), 600.3)
        );
        assert_eq!(
            find(&m.roots, "thread one").map(|n| n.state),
            Some(NodeState::Dropped)
        );
    }

    #[test]
    fn a_timer_is_listed_once_armed_not_when_its_leaf_is_made() {
        let trace = concurrent();
        let made = trace
            .events()
            .iter()
            .position(|e| e.task == 4 && e.kind == EventKind::Created)
            .unwrap_or(0);
        let m = machine_at(trace.summaries(), trace.events(), made);
        assert!(m.queues.timers.is_empty());
        let m = machine_at(trace.summaries(), trace.events(), made + 1);
        assert_eq!(m.queues.timers.len(), 1);
    }

    #[test]
    fn an_empty_record_is_an_empty_machine() {
        let m = machine_at(&[], &[], 5);
        assert!(m.roots.is_empty() && m.queues.timers.is_empty());
    }
}
