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
//! lessons keep the stock bridge ([`bridge::settle`](crate::runtime::bridge::settle));
//! the `awaitOrder` lesson runs the same code on both executors
//! ([`bridge::Executor`](crate::runtime::bridge::Executor)) to show the difference.
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
//!   the settle that comes later frees it, lets JS forget the value, and
//!   touches nothing else (it wakes nobody: the waker went with the future). A Promise
//!   that never settles keeps its abandoned slot (a few bytes) for the life of
//!   the instance.

use std::cell::{Cell, OnceCell, RefCell};
use std::collections::VecDeque;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll, RawWakerVTable, Wake, Waker};

use js_sys::{Function, Promise};
use wasm_bindgen::prelude::*;

use super::slab::{self, Slab};
use crate::runtime::trace::{note_waiting, Cause};

/// How many polls one drain may make before it leaves the rest of the ready
/// queue to a later microtask.
pub const POLL_BUDGET: u32 = 1024;

// The JS half: one "watcher" object per instance (`makeWatcher`), made on
// first use and kept for the instance's life.
//
// - `then` is read once from `Promise.prototype`, as JS `await` uses the
//   built-in reaction machinery and not whatever `then` a Promise carries.
//   `then` reads `promise.constructor` (for the Promise it returns), a getter
//   that can throw: that exception becomes the await's rejection, one
//   microtask later, so `watch` never throws (and needs no `catch` wrapper on
//   the Rust side, which would cost every await a `Function.prototype.apply`).
// - The two reactions of an await are small arrow functions, made once per
//   slot and kept (`onOk[slot]`, `onErr[slot]`): a slot is reused only after
//   its Promise has settled (an abandoned slot waits for that too), so at most
//   one reaction pair per slot is ever attached, and an await allocates no
//   closure, which saves time and GC work on every await (docs/benchmarks.md).
//   They keep the value in `values[slot]` and call Rust with only
//   `(slot, ok)`: two plain integers, so JS calls the raw wasm function
//   [`settle_raw`] straight from the instance's function table. Rust takes
//   the value with `take(slot)` when the awaiting future is polled: a second
//   crossing, yet cheaper than handing the value to Rust in the settle call,
//   which needs a wasm-bindgen `Closure` (its generic wrapper: rest
//   arguments, spread, a use count, try/finally); docs/benchmarks.md has the
//   measurements.
// - A trap or exception in Rust is rethrown from a fresh microtask so it is
//   reported as an uncaught error (the page's trap recovery listens for
//   those), as when wasm-bindgen-futures' queue traps, rather than becoming an
//   unhandled rejection of the Promise that `then` returns.
// - The snippet module keeps no state of its own: the page's trap recovery
//   imports a second copy of the glue (`async_rust_lab.js?instance=2`) that
//   shares this very module, and the old instance's late settles must reach
//   the old instance.
#[wasm_bindgen(inline_js = r#"
const then = Promise.prototype.then;
const report = (error) => queueMicrotask(() => { throw error; });
export function makeWatcher(table, settleIndex, drainIndex) {
  const settle = table.get(settleIndex);
  const drain = table.get(drainIndex);
  const values = [];
  const onOk = [];
  const onErr = [];
  const react = (slot, ok, value) => {
    values[slot] = value;
    try { settle(slot, ok); } catch (e) { report(e); }
  };
  return {
    watch(promise, slot) {
      let ok = onOk[slot];
      if (ok === undefined) {
        ok = onOk[slot] = (value) => react(slot, 1, value);
        onErr[slot] = (reason) => react(slot, 0, reason);
      }
      try {
        then.call(promise, ok, onErr[slot]);
      } catch (error) {
        queueMicrotask(() => react(slot, 0, error));
      }
    },
    take(slot) {
      const value = values[slot];
      values[slot] = undefined;
      return value;
    },
    scheduleDrain() { queueMicrotask(drain); },
  };
}
"#)]
extern "C" {
    /// One instance's JS half: `watch(promise, slot)`, `take(slot)`, `scheduleDrain()`.
    type Watcher;
    #[wasm_bindgen(js_name = makeWatcher)]
    fn make_watcher(table: &JsValue, settle_index: u32, drain_index: u32) -> Watcher;
    #[wasm_bindgen(method)]
    fn watch(this: &Watcher, promise: &Promise, slot: u32);
    #[wasm_bindgen(method)]
    fn take(this: &Watcher, slot: u32) -> JsValue;
    #[wasm_bindgen(method, js_name = scheduleDrain)]
    fn schedule_drain_js(this: &Watcher);
}

/// What JS calls when an await's Promise settles: a raw wasm function (no
/// wasm-bindgen shim), found by JS in the function table by its address.
/// `ok` is 1 for fulfilled, 0 for rejected; the value waits in the watcher.
extern "C" fn settle_raw(slot: u32, ok: u32) {
    on_settle(slot, ok != 0);
}

/// What the drain microtask calls, the same way.
extern "C" fn drain_raw() {
    on_drain();
}

/// A function's index in the instance's function table: on wasm32 a function
/// pointer is that index.
fn table_index(f: usize) -> u32 {
    u32::try_from(f).unwrap_or(u32::MAX)
}

thread_local! {
    // One thread-local for everything an await touches (executor, await
    // slots, watcher): each access to a thread-local is an indirect call at
    // opt-level "z", and the hot path used to make five of them per await.
    static EXECUTOR: Executor = const { Executor::new() };
}

/// Calls `f` with this instance's watcher, made on first use.
fn with_watcher<R>(ex: &Executor, f: impl FnOnce(&Watcher) -> R) -> R {
    f(ex.watcher.get_or_init(|| {
        let settle: extern "C" fn(u32, u32) = settle_raw;
        let drain: extern "C" fn() = drain_raw;
        make_watcher(
            &wasm_bindgen::function_table(),
            table_index(settle as usize),
            table_index(drain as usize),
        )
    }))
}

type BoxFuture = Pin<Box<dyn Future<Output = ()>>>;

/// A task's name: its slot, and which occupant of that slot (a waker that
/// outlives its task must not wake the next task to use the slot).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
struct TaskId {
    index: u32,
    generation: u32,
}

#[derive(Default)]
enum TaskState {
    /// The slot is free.
    #[default]
    Free,
    /// Waiting for its waker.
    Idle(BoxFuture, Waker),
    /// In the ready queue.
    Queued(BoxFuture, Waker),
    /// Being polled now: its future is on the stack of the drain. `woken` if
    /// its waker was called during that poll.
    Polling { woken: bool },
}

#[derive(Default)]
struct TaskSlot {
    generation: u32,
    state: TaskState,
}

impl slab::Slot for TaskSlot {
    /// Frees the slot for the next task, under a new generation: the old
    /// task's id (in its wakers, and in the ready queue) no longer matches it.
    fn vacate(&mut self) {
        self.state = TaskState::Free;
        self.generation = self.generation.wrapping_add(1);
    }
}

struct State {
    tasks: Slab<TaskSlot>,
    ready: VecDeque<TaskId>,
}

/// Which task the drain is polling, and its waker's identity: the data and
/// vtable pointers that [`Waker::will_wake`] compares. An await polled with
/// that very waker records the task's id instead of cloning the waker, and its
/// settle polls the task straight away (see [`Waiter`]).
#[derive(Clone, Copy)]
struct Polling {
    id: TaskId,
    data: *const (),
    vtable: *const RawWakerVTable,
}

/// The executor's state. Each `RefCell` is only ever borrowed for a few plain
/// operations and never while a future is polled or dropped, so a waker or a
/// spawn from inside a poll (or a drop) always finds it free.
struct Executor {
    state: RefCell<State>,
    /// The await slots of [`reaction_await`].
    awaits: RefCell<Slab<AwaitSlot>>,
    /// This instance's JS half, made on first use.
    watcher: OnceCell<Watcher>,
    /// The task being polled, while the drain polls it.
    polling: Cell<Option<Polling>>,
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
                tasks: Slab::new(),
                ready: VecDeque::new(),
            }),
            awaits: RefCell::new(Slab::new()),
            watcher: OnceCell::new(),
            polling: Cell::new(None),
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
            let Some(slot) = state.tasks.get_mut(id.index) else {
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
        with_watcher(ex, |watcher| watcher.schedule_drain_js());
    }
}

/// Called at the start of a reaction job or microtask, when no Rust frame can
/// be on the stack: a drain still marked running was cut short by a trap.
fn recover_from_trap(ex: &Executor) {
    if !ex.draining.replace(false) {
        return;
    }
    ex.settling.set(false);
    ex.polling.set(None);
    if let Ok(mut state) = ex.state.try_borrow_mut() {
        // Its future died with the trapped stack; its id dies too.
        state
            .tasks
            .remove_where(|slot| matches!(slot.state, TaskState::Polling { .. }));
    }
}

/// The drain microtask.
fn on_drain() {
    let _ = EXECUTOR.try_with(|ex| {
        ex.drain_scheduled.set(false);
        recover_from_trap(ex);
        drain(ex, None);
    });
}

/// Polls ready tasks until none is left or the budget is spent: `first`
/// before the ready queue (the settle callback's task, woken without a trip
/// through the queue; polled if it is idle or queued). Returns at once if a
/// drain is already running further down the stack: that one will poll
/// whatever was queued.
fn drain(ex: &Executor, mut first: Option<TaskId>) {
    if ex.draining.replace(true) {
        return;
    }
    let mut polls = 0;
    loop {
        let next = {
            let Ok(mut state) = ex.state.try_borrow_mut() else {
                break;
            };
            let (id, from_settle) = match first.take() {
                Some(id) => (id, true),
                None => match state.ready.pop_front() {
                    Some(id) => (id, false),
                    None => break,
                },
            };
            state.tasks.get_mut(id.index).and_then(|slot| {
                if slot.generation != id.generation {
                    return None;
                }
                match std::mem::replace(&mut slot.state, TaskState::Polling { woken: false }) {
                    TaskState::Queued(future, waker) => Some((id, future, waker)),
                    TaskState::Idle(future, waker) if from_settle => Some((id, future, waker)),
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
                if let Some(slot) = state.tasks.get_mut(id.index) {
                    slot.state = TaskState::Queued(future, waker);
                    state.ready.push_front(id);
                }
            }
            schedule_drain(ex);
            break;
        }
        polls += 1;
        ex.polling.set(Some(Polling {
            id,
            data: waker.data(),
            vtable: waker.vtable(),
        }));
        let ready = future
            .as_mut()
            .poll(&mut Context::from_waker(&waker))
            .is_ready();
        ex.polling.set(None);
        let finished = {
            let Ok(mut state) = ex.state.try_borrow_mut() else {
                break;
            };
            let state = &mut *state;
            match state.tasks.get_mut(id.index) {
                Some(_) if ready => {
                    state.tasks.remove(id.index);
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
            // Claimed, not inserted: the id takes the slot's generation, and
            // the waker that carries the id goes into the slot.
            let Some((index, slot)) = state.tasks.claim() else {
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
            drain(ex, None);
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

/// Who waits for an await slot.
enum Waiter {
    /// The task of this executor that the drain was polling, polled with its
    /// own waker: the settle polls it straight away, with no `Waker` cloned
    /// per await, no call through its vtable and no trip through the ready
    /// queue.
    Task(TaskId),
    /// Anyone else (another executor, or a combinator's own waker inside a
    /// task): woken through the waker of its latest poll.
    Other(Waker),
}

impl Waiter {
    /// The waiter for a poll with `waker`.
    fn of(ex: &Executor, waker: &Waker) -> Waiter {
        match ex.polling.get() {
            Some(polling)
                if waker.data() == polling.data && std::ptr::eq(waker.vtable(), polling.vtable) =>
            {
                Waiter::Task(polling.id)
            }
            _ => Waiter::Other(waker.clone()),
        }
    }

    /// Whether a poll with `waker` may keep this waiter (the `Future`
    /// contract: wake the waker of the latest poll).
    fn still(&self, ex: &Executor, waker: &Waker) -> bool {
        match self {
            Waiter::Task(id) => ex.polling.get().is_some_and(|p| {
                p.id == *id && waker.data() == p.data && std::ptr::eq(waker.vtable(), p.vtable)
            }),
            Waiter::Other(other) => other.will_wake(waker),
        }
    }
}

/// What an await slot holds.
#[derive(Default)]
enum AwaitSlot {
    /// Waiting for the Promise.
    Waiting(Waiter),
    /// Settled (fulfilled if `true`); the value waits in the watcher's
    /// `values[slot]` until taken.
    Settled(bool),
    /// Its future was dropped first; freed when the Promise settles.
    Abandoned,
    /// Free for reuse.
    #[default]
    Free,
}

impl slab::Slot for AwaitSlot {}

/// The settle callback: JS calls it from the Promise's reaction job, so no
/// Rust frame is on the stack.
fn on_settle(slot: u32, ok: bool) {
    let _ = EXECUTOR.try_with(|ex| {
        recover_from_trap(ex);
        let waiter = {
            let Ok(mut awaits) = ex.awaits.try_borrow_mut() else {
                return;
            };
            let Some(entry) = awaits.get_mut(slot) else {
                return;
            };
            match std::mem::replace(entry, AwaitSlot::Free) {
                AwaitSlot::Waiting(waiter) => {
                    *entry = AwaitSlot::Settled(ok);
                    Some(waiter)
                }
                AwaitSlot::Abandoned => {
                    awaits.remove(slot);
                    None
                }
                other => {
                    *entry = other;
                    return;
                }
            }
        };
        match waiter {
            // Our own task: polled right here, ahead of the ready queue.
            Some(Waiter::Task(id)) => drain(ex, Some(id)),
            // A task of ours behind a combinator's waker is queued without a
            // microtask and polled right here; any other executor's waker
            // does what that executor does.
            Some(Waiter::Other(waker)) => {
                ex.settling.set(true);
                waker.wake();
                ex.settling.set(false);
                drain(ex, None);
            }
            // Abandoned: nobody will take the value, let JS forget it now.
            None => drop(take_value(ex, slot)),
        }
    });
}

/// Takes the value a settled await left in the watcher.
fn take_value(ex: &Executor, slot: u32) -> JsValue {
    ex.watcher
        .get()
        .map_or(JsValue::UNDEFINED, |watcher| watcher.take(slot))
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

/// The first poll: takes a slot and hooks the Promise up to it.
fn start_await(ex: &Executor, promise: &Promise, waker: &Waker) -> Option<u32> {
    let slot = {
        let mut awaits = ex.awaits.try_borrow_mut().ok()?;
        awaits.insert(AwaitSlot::Waiting(Waiter::of(ex, waker)))?
    };
    with_watcher(ex, |watcher| watcher.watch(promise, slot));
    Some(slot)
}

/// A later poll: `Some(ok)` once settled (the slot is then free again).
fn poll_await(ex: &Executor, slot: u32, waker: &Waker) -> Option<bool> {
    let mut awaits = ex.awaits.try_borrow_mut().ok()?;
    match awaits.get_mut(slot)? {
        &mut AwaitSlot::Settled(ok) => {
            awaits.remove(slot);
            Some(ok)
        }
        AwaitSlot::Waiting(waiter) => {
            if !waiter.still(ex, waker) {
                *waiter = Waiter::of(ex, waker);
            }
            None
        }
        _ => None,
    }
}

impl Future for ReactionAwait<'_> {
    type Output = Result<JsValue, JsValue>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        if let Some(promise) = self.promise.take() {
            let slot = EXECUTOR
                .try_with(|ex| start_await(ex, promise, cx.waker()))
                .ok()
                .flatten();
            let Some(slot) = slot else {
                return Poll::Ready(Err(js_sys::Error::new("no free await slot").into()));
            };
            self.slot = Some(slot);
            note_waiting(Cause::Promise);
            return Poll::Pending;
        }
        let Some(slot) = self.slot else {
            // Polled again after it returned Ready.
            return Poll::Pending;
        };
        let ready = EXECUTOR
            .try_with(|ex| {
                // Taken before anything else can reuse the slot: nothing runs
                // between `poll_await` freeing it and this `take`.
                poll_await(ex, slot, cx.waker()).map(|ok| (ok, take_value(ex, slot)))
            })
            .ok()
            .flatten();
        match ready {
            Some((ok, value)) => {
                self.slot = None;
                Poll::Ready(if ok { Ok(value) } else { Err(value) })
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
        let _ = EXECUTOR.try_with(|ex| {
            let settled = {
                let Ok(mut awaits) = ex.awaits.try_borrow_mut() else {
                    return;
                };
                let Some(entry) = awaits.get_mut(slot) else {
                    return;
                };
                match entry {
                    AwaitSlot::Waiting(_) => {
                        // The reaction is still attached: it frees the slot
                        // when the Promise settles. Dropping the waiter here
                        // means that late settle wakes nobody.
                        *entry = AwaitSlot::Abandoned;
                        false
                    }
                    AwaitSlot::Settled(_) => {
                        // Settled but never taken: free it now.
                        awaits.remove(slot);
                        true
                    }
                    _ => false,
                }
            };
            if settled {
                // And let JS forget the value nobody will take.
                drop(take_value(ex, slot));
            }
        });
    }
}

/// How many await slots are in use (waiting, settled and not yet taken, or
/// abandoned and waiting for their Promise): what a leak of dropped awaits
/// would make grow. For tests and the curious.
pub fn awaits_in_use() -> usize {
    EXECUTOR.with(|ex| ex.awaits.try_borrow().map_or(0, |awaits| awaits.len()))
}

/// How many tasks are alive on this executor (spawned and not finished).
pub fn tasks_alive() -> usize {
    EXECUTOR.with(|ex| ex.state.try_borrow().map_or(0, |state| state.tasks.len()))
}
