//! A small single-threaded executor whose tasks resume *inside the promise
//! reaction job*, the way JS resumes an `async function`, and the Promise ->
//! Future bridge that feeds it ([`reaction_await`]).
//!
//! ## Why not wasm-bindgen-futures' executor
//!
//! Under `spawn_local` / `future_to_promise`, an `.await` on a JS Promise costs
//! two trips through the microtask queue: the Promise's reaction job only calls
//! the task's waker, and the waker only queues the task and schedules *another*
//! microtask (`queueMicrotask`) that finally polls it. A JS `async function`
//! resumes right in the reaction job. Here the reaction job calls into Rust once
//! ([`reaction_await`]'s settle callback), the task is polled there, before the
//! job returns, and it runs until its next `.await`, which hooks the next
//! Promise up with one call of a tiny JS helper (two arrow functions made in
//! JS, no `Function.prototype.bind`, no wasm-bindgen closure per await).
//!
//! ## Where a continuation runs (the observable difference)
//!
//! After `reaction_await(&already_resolved).await`, the Rust code after the
//! `.await` runs *before* a JS microtask queued after the await began (for
//! example a `queueMicrotask` callback the Rust code queued just before), as
//! it would after `await` in a JS `async function`. Under
//! wasm-bindgen-futures it runs *after* it: the task's poll is one microtask
//! further back. `tests/reaction_executor.rs` checks both orders. The lab's
//! lessons keep the stock bridge ([`bridge::settle`](super::bridge::settle)),
//! whose timing the `awaitOrder` lesson shows.
//!
//! ## The rules
//!
//! - **Spawn polls at once** when no task of this executor is being polled, as
//!   calling a JS `async function` runs its body up to its first `await`. Spawned
//!   from inside one of its tasks, the new task is polled after that poll.
//! - **Never recursive.** A task woken during its own poll (or another task of
//!   this executor woken during a poll) is marked and polled again after the
//!   current poll returns, by the same loop, never from inside the waker.
//! - **Wakes from elsewhere poll one microtask later.** A waker called from
//!   outside a reaction job (a timer callback, a channel sender in another
//!   executor's task, any Rust code) may be called while its caller holds a
//!   `RefCell` borrow that the woken task would take again; polling inside
//!   `wake` would then panic. So such a wake queues the task and schedules one
//!   drain with `queueMicrotask`. Only the settle callback of
//!   [`reaction_await`], which JS calls from a reaction job with no Rust frame
//!   on the stack, polls at once.
//! - **Fair.** One drain polls at most [`POLL_BUDGET`] tasks; the rest go to a
//!   later microtask, so a task that keeps waking itself cannot hold the thread
//!   forever within one job.
//! - **A trap does not poison it.** In wasm a panic aborts (no unwinding): the
//!   poll that panicked never returns, so the "a drain is running" flag would
//!   stay set and every later task would wait forever. Reaction jobs and
//!   microtasks only run with an empty JS stack, so when one of them finds the
//!   flag set it knows the drain that set it is dead: it forgets the task that
//!   was being polled (its Promise never settles, as on any trapped instance)
//!   and carries on. The page starts a fresh instance after a trap anyway
//!   (`www/main.js`); Node, workers and tests keep using this one.
//! - **Dropped awaits free their slot.** A [`ReactionAwait`] dropped before its
//!   Promise settles (say it lost a `select`) leaves its slot marked abandoned;
//!   the settle that comes later frees it and touches nothing else. A Promise
//!   that never settles keeps its abandoned slot (a few bytes) for the life of
//!   the instance.

use std::cell::{Cell, OnceCell, RefCell};
use std::collections::VecDeque;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll, Wake, Waker};

use js_sys::{Function, Promise};
use wasm_bindgen::prelude::*;

use super::trace::{note_waiting, Cause};

/// How many polls one drain may make before it leaves the rest of the ready
/// queue to a later microtask.
pub const POLL_BUDGET: u32 = 1024;

// The JS half. `then` is read once from `Promise.prototype`, as JS `await` uses
// the built-in reaction machinery and not whatever `then` a Promise object
// carries. The reactions are two small arrow functions per await; each calls
// the one Rust settle callback with the await's slot. A trap or exception in
// Rust is rethrown from a fresh microtask so it is reported as an uncaught
// error (the page's trap recovery listens for those), as it is when
// wasm-bindgen-futures' queue traps, rather than becoming an unhandled
// rejection of the Promise that `then` returns. The snippet keeps no state:
// the Rust callbacks come with each call, because the page's trap recovery
// imports a second copy of the glue (`async_rust_lab.js?instance=2`) that
// shares this very snippet module; a callback stored here by the fresh
// instance would receive the old instance's late settles, slot numbers that
// mean other awaits there. `then` reads
// `promise.constructor` (for the Promise it returns), a getter that can throw:
// that exception becomes the await's rejection, one microtask later, so
// `watch` itself never throws (and needs no `catch` wrapper on the Rust side,
// which would cost every await a `Function.prototype.apply`).
#[wasm_bindgen(inline_js = r#"
const then = Promise.prototype.then;
const report = (error) => queueMicrotask(() => { throw error; });
export function watch(promise, slot, settle) {
  try {
    then.call(promise,
      (value) => { try { settle(slot, true, value); } catch (e) { report(e); } },
      (reason) => { try { settle(slot, false, reason); } catch (e) { report(e); } });
  } catch (error) {
    queueMicrotask(() => { try { settle(slot, false, error); } catch (e) { report(e); } });
  }
}
export function scheduleDrain(drain) { queueMicrotask(drain); }
"#)]
extern "C" {
    fn watch(promise: &Promise, slot: u32, settle: &JsValue);
    #[wasm_bindgen(js_name = scheduleDrain)]
    fn schedule_drain_js(drain: &JsValue);
}

/// The two Rust callbacks the JS half calls, made once per instance and kept
/// for its whole life (so never freed while a reaction may still call them).
/// `Fn`, not `FnMut`: wasm-bindgen guards an `FnMut` closure against reentry
/// with a flag that a trap inside it would leave set for good.
struct Hooks {
    settle: Closure<dyn Fn(u32, bool, JsValue)>,
    drain: Closure<dyn Fn()>,
}

thread_local! {
    static HOOKS: OnceCell<Hooks> = const { OnceCell::new() };
    static EXECUTOR: Executor = const { Executor::new() };
    static AWAITS: RefCell<AwaitSlots> = const {
        RefCell::new(AwaitSlots { slots: Vec::new(), free: Vec::new() })
    };
}

/// Calls `f` with the two callbacks, made on first use.
fn with_hooks<R>(f: impl FnOnce(&Hooks) -> R) -> R {
    HOOKS.with(|hooks| {
        f(hooks.get_or_init(|| Hooks {
            settle: Closure::new(on_settle),
            drain: Closure::new(on_drain),
        }))
    })
}

type BoxFuture = Pin<Box<dyn Future<Output = ()>>>;

/// A task's name: its slot, and which occupant of that slot (a waker that
/// outlives its task must not wake the next task to use the slot).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
struct TaskId {
    index: u32,
    generation: u32,
}

enum TaskState {
    /// The slot is free.
    Free,
    /// Waiting for its waker.
    Idle(BoxFuture, Waker),
    /// In the ready queue.
    Queued(BoxFuture, Waker),
    /// Being polled now: its future is on the stack of the drain. `woken` if
    /// its waker was called during that poll.
    Polling { woken: bool },
}

struct TaskSlot {
    generation: u32,
    state: TaskState,
}

#[derive(Default)]
struct State {
    tasks: Vec<TaskSlot>,
    free: Vec<u32>,
    ready: VecDeque<TaskId>,
}

/// The executor's state. The `RefCell` is only ever borrowed for a few plain
/// operations and never while a future is polled or dropped, so a waker or a
/// spawn from inside a poll (or a drop) always finds it free.
struct Executor {
    state: RefCell<State>,
    /// A drain is on the stack (or was, when a trap cut it short).
    draining: Cell<bool>,
    /// The settle callback is waking a task and drains right after.
    settling: Cell<bool>,
    /// A drain microtask is queued and has not started.
    drain_scheduled: Cell<bool>,
}

impl Executor {
    const fn new() -> Executor {
        Executor {
            state: RefCell::new(State {
                tasks: Vec::new(),
                free: Vec::new(),
                ready: VecDeque::new(),
            }),
            draining: Cell::new(false),
            settling: Cell::new(false),
            drain_scheduled: Cell::new(false),
        }
    }
}

/// The waker of one task: only its id, so `Arc` + `Wake` give a `Waker`
/// without `unsafe` (the main module has no threads; `Send + Sync` hold
/// trivially for two integers).
struct TaskWaker(TaskId);

impl Wake for TaskWaker {
    fn wake(self: Arc<Self>) {
        wake_task(self.0);
    }

    fn wake_by_ref(self: &Arc<Self>) {
        wake_task(self.0);
    }
}

/// Marks a task woken: queued if it was idle, marked if it is being polled.
fn wake_task(id: TaskId) {
    let _ = EXECUTOR.try_with(|ex| {
        let queued = {
            let Ok(mut state) = ex.state.try_borrow_mut() else {
                return;
            };
            let Some(slot) = state.tasks.get_mut(id.index as usize) else {
                return;
            };
            if slot.generation != id.generation {
                return;
            }
            match std::mem::replace(&mut slot.state, TaskState::Free) {
                TaskState::Idle(future, waker) => {
                    slot.state = TaskState::Queued(future, waker);
                    state.ready.push_back(id);
                    true
                }
                TaskState::Polling { .. } => {
                    slot.state = TaskState::Polling { woken: true };
                    false
                }
                other => {
                    slot.state = other;
                    false
                }
            }
        };
        // The settle callback drains right after its wake; anyone else gets a
        // microtask (see the module docs for why not a poll right here).
        let settle_drains_next = ex.settling.get() && !ex.draining.get();
        if queued && !settle_drains_next {
            schedule_drain(ex);
        }
    });
}

fn schedule_drain(ex: &Executor) {
    if !ex.drain_scheduled.replace(true) {
        with_hooks(|hooks| schedule_drain_js(hooks.drain.as_ref()));
    }
}

/// Called at the start of a reaction job or microtask, when no Rust frame can
/// be on the stack: a drain still marked running was cut short by a trap.
fn recover_from_trap(ex: &Executor) {
    if !ex.draining.replace(false) {
        return;
    }
    ex.settling.set(false);
    if let Ok(mut state) = ex.state.try_borrow_mut() {
        let state = &mut *state;
        for (index, slot) in state.tasks.iter_mut().enumerate() {
            if matches!(slot.state, TaskState::Polling { .. }) {
                // Its future died with the trapped stack; its id dies too.
                slot.state = TaskState::Free;
                slot.generation = slot.generation.wrapping_add(1);
                if let Ok(index) = u32::try_from(index) {
                    state.free.push(index);
                }
            }
        }
    }
}

/// The drain microtask.
fn on_drain() {
    let _ = EXECUTOR.try_with(|ex| {
        ex.drain_scheduled.set(false);
        recover_from_trap(ex);
        drain(ex);
    });
}

/// Polls ready tasks until none is left or the budget is spent. Returns at
/// once if a drain is already running further down the stack: that one will
/// poll whatever was queued.
fn drain(ex: &Executor) {
    if ex.draining.replace(true) {
        return;
    }
    let mut polls = 0;
    loop {
        let next = {
            let Ok(mut state) = ex.state.try_borrow_mut() else {
                break;
            };
            let Some(id) = state.ready.pop_front() else {
                break;
            };
            state.tasks.get_mut(id.index as usize).and_then(|slot| {
                if slot.generation != id.generation {
                    return None;
                }
                match std::mem::replace(&mut slot.state, TaskState::Polling { woken: false }) {
                    TaskState::Queued(future, waker) => Some((id, future, waker)),
                    other => {
                        slot.state = other;
                        None
                    }
                }
            })
        };
        let Some((id, mut future, waker)) = next else {
            continue;
        };
        if polls == POLL_BUDGET {
            // Put it back at the front and let a later microtask go on.
            if let Ok(mut state) = ex.state.try_borrow_mut() {
                if let Some(slot) = state.tasks.get_mut(id.index as usize) {
                    slot.state = TaskState::Queued(future, waker);
                    state.ready.push_front(id);
                }
            }
            schedule_drain(ex);
            break;
        }
        polls += 1;
        let ready = future
            .as_mut()
            .poll(&mut Context::from_waker(&waker))
            .is_ready();
        let finished = {
            let Ok(mut state) = ex.state.try_borrow_mut() else {
                break;
            };
            let state = &mut *state;
            match state.tasks.get_mut(id.index as usize) {
                Some(slot) if ready => {
                    slot.state = TaskState::Free;
                    slot.generation = slot.generation.wrapping_add(1);
                    state.free.push(id.index);
                    Some(future)
                }
                Some(slot) => {
                    let woken = matches!(slot.state, TaskState::Polling { woken: true });
                    if woken {
                        slot.state = TaskState::Queued(future, waker);
                        state.ready.push_back(id);
                    } else {
                        slot.state = TaskState::Idle(future, waker);
                    }
                    None
                }
                None => Some(future),
            }
        };
        // Dropped with no borrow held: its drop may wake or spawn.
        drop(finished);
    }
    ex.draining.set(false);
}

/// Runs `future` as a task of this executor to completion. It is polled at once
/// (up to its first `.await` that is not ready) unless a task of this executor
/// is being polled right now, in which case it is polled right after that poll.
///
/// # Example
/// ```no_run
/// use async_rust_lab::runtime::reaction_executor::{reaction_await, spawn};
/// use wasm_bindgen::JsValue;
/// spawn(async {
///     let _ = reaction_await(&js_sys::Promise::resolve(&JsValue::from(1))).await;
/// });
/// ```
pub fn spawn<F: Future<Output = ()> + 'static>(future: F) {
    let _ = EXECUTOR.try_with(|ex| {
        let future: BoxFuture = Box::pin(future);
        {
            let Ok(mut state) = ex.state.try_borrow_mut() else {
                return;
            };
            let state = &mut *state;
            let index = match state.free.pop() {
                Some(index) => index,
                None => {
                    let Ok(index) = u32::try_from(state.tasks.len()) else {
                        return;
                    };
                    state.tasks.push(TaskSlot {
                        generation: 0,
                        state: TaskState::Free,
                    });
                    index
                }
            };
            let Some(slot) = state.tasks.get_mut(index as usize) else {
                return;
            };
            let id = TaskId {
                index,
                generation: slot.generation,
            };
            let waker = Waker::from(Arc::new(TaskWaker(id)));
            slot.state = TaskState::Queued(future, waker);
            state.ready.push_back(id);
        }
        if ex.draining.get() {
            // The running drain polls it; the microtask is only a safety net
            // in case that drain was a trapped one.
            schedule_drain(ex);
        } else {
            drain(ex);
        }
    });
}

/// Runs `future` on this executor and returns a Promise that settles with its
/// result: `Ok` resolves, `Err` rejects. The reaction-job counterpart of
/// `wasm_bindgen_futures::future_to_promise`.
///
/// # Example
/// ```no_run
/// use async_rust_lab::runtime::reaction_executor::{reaction_await, spawn_promise};
/// use wasm_bindgen::JsValue;
/// let doubled = spawn_promise(async {
///     let n = reaction_await(&js_sys::Promise::resolve(&JsValue::from(21))).await?;
///     Ok(JsValue::from(n.as_f64().unwrap_or(0.0) * 2.0))
/// });
/// ```
pub fn spawn_promise<F>(future: F) -> Promise
where
    F: Future<Output = Result<JsValue, JsValue>> + 'static,
{
    let mut settle: Option<(Function, Function)> = None;
    let promise = Promise::new(&mut |resolve, reject| settle = Some((resolve, reject)));
    if let Some((resolve, reject)) = settle {
        spawn(async move {
            let (settle, value) = match future.await {
                Ok(value) => (resolve, value),
                Err(reason) => (reject, reason),
            };
            let _ = settle.call1(&JsValue::UNDEFINED, &value);
        });
    }
    promise
}

/// What an await slot holds.
enum AwaitSlot {
    /// Waiting for the Promise; the waker of the latest poll.
    Waiting(Waker),
    /// Settled: `Ok(value)` or `Err(reason)`, not yet taken.
    Settled(Result<JsValue, JsValue>),
    /// Its future was dropped first; freed when the Promise settles.
    Abandoned,
    /// Free for reuse.
    Free,
}

struct AwaitSlots {
    slots: Vec<AwaitSlot>,
    free: Vec<u32>,
}

/// The settle callback: JS calls it from the Promise's reaction job.
fn on_settle(slot: u32, ok: bool, value: JsValue) {
    let waker = AWAITS.with(|awaits| {
        let mut awaits = awaits.try_borrow_mut().ok()?;
        let awaits = &mut *awaits;
        let entry = awaits.slots.get_mut(slot as usize)?;
        match std::mem::replace(entry, AwaitSlot::Free) {
            AwaitSlot::Waiting(waker) => {
                *entry = AwaitSlot::Settled(if ok { Ok(value) } else { Err(value) });
                Some(waker)
            }
            AwaitSlot::Abandoned => {
                awaits.free.push(slot);
                None
            }
            other => {
                *entry = other;
                None
            }
        }
    });
    let Some(waker) = waker else {
        return;
    };
    let _ = EXECUTOR.try_with(|ex| {
        recover_from_trap(ex);
        // A task of ours is queued without a microtask and polled right here;
        // any other executor's waker does what that executor does.
        ex.settling.set(true);
        waker.wake();
        ex.settling.set(false);
        drain(ex);
    });
}

/// Awaits a JS Promise: `Ok` with what it fulfils with, `Err` with exactly
/// what it rejects with. Works under any executor; under this module's
/// executor the task resumes inside the Promise's reaction job (see the module
/// docs). Borrows the Promise, so awaiting the same one in a loop costs no
/// clone of its handle.
///
/// # Example
/// ```no_run
/// # async fn example(promise: js_sys::Promise) {
/// use async_rust_lab::runtime::reaction_executor::reaction_await;
/// let value = reaction_await(&promise).await;
/// # }
/// ```
pub fn reaction_await(promise: &Promise) -> ReactionAwait<'_> {
    ReactionAwait {
        promise: Some(promise),
        slot: None,
    }
}

/// The future returned by [`reaction_await`].
#[must_use = "futures do nothing unless awaited"]
pub struct ReactionAwait<'a> {
    promise: Option<&'a Promise>,
    slot: Option<u32>,
}

impl Future for ReactionAwait<'_> {
    type Output = Result<JsValue, JsValue>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        if let Some(promise) = self.promise.take() {
            let slot = AWAITS.with(|awaits| {
                let mut awaits = awaits.try_borrow_mut().ok()?;
                let waiting = AwaitSlot::Waiting(cx.waker().clone());
                match awaits.free.pop() {
                    Some(slot) => {
                        *awaits.slots.get_mut(slot as usize)? = waiting;
                        Some(slot)
                    }
                    None => {
                        let slot = u32::try_from(awaits.slots.len()).ok()?;
                        awaits.slots.push(waiting);
                        Some(slot)
                    }
                }
            });
            let Some(slot) = slot else {
                return Poll::Ready(Err(js_sys::Error::new("no free await slot").into()));
            };
            with_hooks(|hooks| watch(promise, slot, hooks.settle.as_ref()));
            self.slot = Some(slot);
            note_waiting(Cause::Promise);
            return Poll::Pending;
        }
        let Some(slot) = self.slot else {
            // Polled again after it returned Ready.
            return Poll::Pending;
        };
        let ready = AWAITS.with(|awaits| {
            let mut awaits = awaits.try_borrow_mut().ok()?;
            let awaits = &mut *awaits;
            let entry = awaits.slots.get_mut(slot as usize)?;
            match entry {
                AwaitSlot::Settled(_) => {
                    let AwaitSlot::Settled(result) = std::mem::replace(entry, AwaitSlot::Free)
                    else {
                        return None;
                    };
                    awaits.free.push(slot);
                    Some(result)
                }
                AwaitSlot::Waiting(waker) => {
                    if !waker.will_wake(cx.waker()) {
                        *waker = cx.waker().clone();
                    }
                    None
                }
                _ => None,
            }
        });
        match ready {
            Some(result) => {
                self.slot = None;
                Poll::Ready(result)
            }
            None => {
                note_waiting(Cause::Promise);
                Poll::Pending
            }
        }
    }
}

impl Drop for ReactionAwait<'_> {
    fn drop(&mut self) {
        let Some(slot) = self.slot.take() else {
            return;
        };
        let _ = AWAITS.try_with(|awaits| {
            let Ok(mut awaits) = awaits.try_borrow_mut() else {
                return;
            };
            let awaits = &mut *awaits;
            let Some(entry) = awaits.slots.get_mut(slot as usize) else {
                return;
            };
            if matches!(entry, AwaitSlot::Waiting(_)) {
                // The reaction is still attached: it frees the slot when the
                // Promise settles. Dropping the waker here means that late
                // settle wakes nobody.
                *entry = AwaitSlot::Abandoned;
            } else {
                // Settled but never taken: free it now.
                *entry = AwaitSlot::Free;
                awaits.free.push(slot);
            }
        });
    }
}

/// How many await slots are in use (waiting, settled and not yet taken, or
/// abandoned and waiting for their Promise): what a leak of dropped awaits
/// would make grow. For tests and the curious.
pub fn awaits_in_use() -> usize {
    AWAITS.with(|awaits| {
        awaits
            .try_borrow()
            .map_or(0, |a| a.slots.len().saturating_sub(a.free.len()))
    })
}

/// How many tasks are alive on this executor (spawned and not finished).
pub fn tasks_alive() -> usize {
    EXECUTOR.with(|ex| {
        ex.state
            .try_borrow()
            .map_or(0, |s| s.tasks.len().saturating_sub(s.free.len()))
    })
}
