//! A parsed composition run as real Rust futures: each node becomes a traced
//! task (`run.task(name, ..)`), built when its parent is first polled, exactly
//! where the generated code ([`super::code::rust`]) builds it.
//!
//! - `join` is `try_join_all` (as `futures::try_join!`): every child is polled
//!   in turn on each wake, and the first `Err` drops the rest;
//! - `select` is `select_all`: the first child to finish, `Ok` or `Err`, wins
//!   and the rest are dropped at once (it is not `select_ok`);
//! - `seq` builds its children, then awaits them in turn: a future does
//!   nothing until awaited, so the second starts when the first is done;
//! - `timeout` selects the child against a traced sleep, and drops the loser;
//! - `spawn` hands the child to `spawn_local` when it is built and awaits its
//!   result through a oneshot channel: dropping the receiver (a lost race)
//!   detaches the task, which runs on, as a dropped `JoinHandle` would.

use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::task::{Poll, Waker};

use futures::channel::oneshot;
use futures::future::{self, AbortHandle, Abortable, Either, LocalBoxFuture};
use futures::FutureExt;

use super::parse::{Kind, Node, Source};
use crate::lessons::search::{sources, DEFAULT_SLOW_MS};
use crate::runtime::fetch::fetch_text;
use crate::runtime::names::intern;
use crate::runtime::run::Run;
use crate::runtime::thread::block_for;
use crate::runtime::time::sleep;
use crate::runtime::yield_now::yield_now;

/// What a node gives back when it succeeds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    /// A leaf's label.
    Text(String),
    /// A join's values, in argument order.
    List(Vec<Value>),
}

/// Why a node failed: the node that failed first and the reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// The failing node's id (depth-first index).
    pub node: usize,
    /// What went wrong, e.g. `"fetch gone: HTTP 404"`.
    pub message: String,
}

/// What every node's future gives back.
pub type Outcome = Result<Value, Failure>;

/// Each node's task name, by node id: its label, made unique with `#2`,
/// `#3`... where labels repeat, so the trace tells the nodes apart.
pub fn task_names(root: &Node) -> Vec<String> {
    // Collected depth first, which is the order the ids were given in.
    let mut all: Vec<(usize, String)> = Vec::new();
    collect(root, &mut all);
    let mut names: Vec<String> = Vec::with_capacity(all.len());
    for (_, label) in all {
        let mut name = label.clone();
        let mut n = 1usize;
        while names.contains(&name) {
            n = n.saturating_add(1);
            name = format!("{label} #{n}");
        }
        names.push(name);
    }
    names
}

fn collect(node: &Node, all: &mut Vec<(usize, String)>) {
    all.push((node.id, node.label.clone()));
    for child in &node.children {
        collect(child, all);
    }
}

/// The name of a `timeout` node's timer task.
pub fn timer_name(timeout_name: &str) -> String {
    format!("{timeout_name} timer")
}

/// A composition's run in progress: the run, each node's task name, and the
/// spawned tasks still alive.
pub struct Composer {
    run: Run,
    names: Vec<&'static str>,
    timers: Vec<&'static str>,
    spawned: RefCell<Vec<AbortHandle>>,
    live: Cell<usize>,
    idle: RefCell<Option<Waker>>,
}

impl Composer {
    /// Ready to run `root` in `run`.
    pub fn new(run: Run, root: &Node) -> Composer {
        let named = task_names(root);
        let names = named
            .iter()
            .enumerate()
            .map(|(i, n)| intern(n, i))
            .collect();
        let timers = named
            .iter()
            .enumerate()
            .map(|(i, n)| intern(&timer_name(n), i))
            .collect();
        Composer {
            run,
            names,
            timers,
            spawned: RefCell::new(Vec::new()),
            live: Cell::new(0),
            idle: RefCell::new(None),
        }
    }

    /// The run it prints to.
    pub fn run(&self) -> &Run {
        &self.run
    }

    /// Gives the run back once every spawned task has ended.
    pub fn into_run(self) -> Run {
        self.run
    }

    /// Aborts every spawned task still running (on Stop).
    pub fn abort_spawned(&self) {
        for handle in self.spawned.borrow_mut().drain(..) {
            handle.abort();
        }
    }

    /// Resolves when no spawned task is alive: each has finished, or was
    /// aborted and dropped.
    pub async fn spawned_done(&self) {
        std::future::poll_fn(|cx| {
            if self.live.get() == 0 {
                Poll::Ready(())
            } else {
                *self.idle.borrow_mut() = Some(cx.waker().clone());
                Poll::Pending
            }
        })
        .await;
    }

    fn name(&self, node: &Node) -> &'static str {
        self.names.get(node.id).copied().unwrap_or("node")
    }
}

/// Counts a spawned task alive until it is dropped, finished or aborted.
struct Alive(Rc<Composer>);

impl Drop for Alive {
    fn drop(&mut self) {
        self.0.live.set(self.0.live.get().saturating_sub(1));
        if self.0.live.get() == 0 {
            if let Some(waker) = self.0.idle.borrow_mut().take() {
                waker.wake();
            }
        }
    }
}

/// `node` as a traced future. Children are built inside the parent's
/// future, so at its first poll; a `spawn` hands its child to the executor
/// here, when it is built, as the generated code's `spawn_local` does.
///
/// Every node is the same two types, a [`Task`](crate::runtime::task::Task)
/// around one `async fn` that matches on the kind: one copy of the traced
/// task's machinery in the wasm for all kinds instead of one per kind.
pub fn build<'a>(c: &'a Rc<Composer>, node: &'a Node) -> LocalBoxFuture<'a, Outcome> {
    let receiver = match node.kind {
        Kind::Spawn => node.children.first().map(|child| spawn(c, child)),
        _ => None,
    };
    c.run
        .task(c.name(node), body(c, node, receiver))
        .boxed_local()
}

/// What `node` does, once polled.
async fn body<'a>(
    c: &'a Rc<Composer>,
    node: &'a Node,
    receiver: Option<oneshot::Receiver<Outcome>>,
) -> Outcome {
    let run = &c.run;
    let label = node.label.as_str();
    let fail = |message: String| Failure {
        node: node.id,
        message,
    };
    match node.kind {
        Kind::Sleep(ms) => {
            sleep(ms).await;
            Ok(Value::Text(run.print(label)))
        }
        Kind::Block(ms) => {
            // Busy work with no await inside: nothing else runs meanwhile.
            block_for(ms);
            Ok(Value::Text(run.print(label)))
        }
        Kind::Yield => {
            yield_now().await;
            Ok(Value::Text(run.print(label)))
        }
        Kind::Fetch(source) => match fetch_text(url(source)).await {
            Ok(_) => Ok(Value::Text(run.print(label))),
            Err(error) => Err(fail(format!("{label}: {error}"))),
        },
        Kind::Fail => Err(fail(label.to_owned())),
        Kind::Join => {
            let children = node.children.iter().map(|child| build(c, child));
            future::try_join_all(children).await.map(Value::List)
        }
        Kind::Select => {
            let children = node.children.iter().map(|child| build(c, child));
            let (first, _index, rest) = future::select_all(children).await;
            // Dropped here, before the winner's value goes up: the trace
            // shows the losers cancelled at the moment the race was decided.
            drop(rest);
            first
        }
        Kind::Seq => {
            // Built first, like the generated code's `let a = ..; let b = ..;`:
            // a built future does nothing until it is awaited.
            let children: Vec<_> = node.children.iter().map(|child| build(c, child)).collect();
            let mut last = Ok(Value::List(Vec::new()));
            for child in children {
                last = Ok(child.await?);
            }
            last
        }
        Kind::Timeout(ms) => {
            let Some(child) = node.children.first() else {
                return Err(fail("timeout has no future".to_owned()));
            };
            let timer = c.timers.get(node.id).copied().unwrap_or("timer");
            let work = build(c, child);
            let timer = run.task(timer, sleep(ms)).boxed_local();
            match future::select(work, timer).await {
                Either::Left((value, _timer)) => value,
                Either::Right(((), _work)) => Err(fail(format!("timed out after {ms} ms"))),
            }
        }
        Kind::Spawn => match receiver {
            Some(receiver) => receiver
                .await
                .unwrap_or_else(|_| Err(fail("the spawned task was aborted".to_owned()))),
            None => Err(fail("spawn has no future".to_owned())),
        },
    }
}

/// Hands `child` to the executor as a task of its own, now; its outcome
/// comes back through the returned channel.
fn spawn(c: &Rc<Composer>, child: &Node) -> oneshot::Receiver<Outcome> {
    let (sender, receiver) = oneshot::channel();
    let (handle, registration) = AbortHandle::new_pair();
    c.spawned.borrow_mut().push(handle);
    c.live.set(c.live.get().saturating_add(1));
    let alive = Alive(Rc::clone(c));
    let child = child.clone();
    let task = async move {
        let c = Rc::clone(&alive.0);
        let outcome = build(&c, &child).await;
        // Nobody may be listening any more (a lost race): the task ran anyway.
        let _ = sender.send(outcome);
        drop(alive);
    };
    wasm_bindgen_futures::spawn_local(Abortable::new(task, registration).map(|_| ()));
    receiver
}

/// The URL of a source, as the search lesson serves it.
fn url(source: Source) -> String {
    sources(DEFAULT_SLOW_MS)
        .into_iter()
        .find(|s| s.name == source.as_str())
        .map(|s| s.url)
        .unwrap_or_default()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::super::parse::parse;
    use super::*;

    #[test]
    fn repeated_labels_get_numbered_task_names() {
        let tree = parse("join(sleep(1, \"x\"), sleep(2, \"x\"), join(yield()))").unwrap();
        assert_eq!(task_names(&tree), ["join", "x", "x #2", "join #2", "yield"]);
    }
}
