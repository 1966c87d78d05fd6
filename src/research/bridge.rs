//! Two leaner bridges than wasm-bindgen-futures' stock ones, measured by the
//! benchmark page against them (`benchAwaitPromise(.., "lean")` and
//! `benchReturnEager`):
//!
//! 1. Rust Future -> JS Promise: [`eager_promise`], for futures that are often
//!    ready at once. `wasm_bindgen_futures::future_to_promise` (what every
//!    `async fn` export uses) always builds a Promise, two closures and a
//!    spawned task, then polls on a later microtask, even when the future
//!    could answer immediately. `eager_promise` polls once, right now: a ready
//!    future becomes an already-settled Promise with no task and no closure at
//!    all; only a pending one pays for the full bridge.
//! 2. JS Promise -> Rust Future: [`lean_await`], like `JsFuture` but with one
//!    shared JS function for every await instead of two closures per await.
//!
//! A third Promise -> Future bridge lives with its executor in
//! [`reaction_executor`](crate::runtime::reaction_executor): `reaction_await`, whose task
//! resumes inside the Promise's reaction job, as a JS `async function` does.
//! That changes *where* the continuation runs: after awaiting an
//! already-resolved Promise, Rust code under wasm-bindgen-futures (the lessons,
//! and `lean_await` here) runs one microtask *after* a JS microtask queued
//! once the await began; under the reaction executor it runs *before* it, in
//! JS order. `lean_await` under the reaction executor still wakes through a
//! microtask (its settle callback does not drive that executor).

use std::future::Future;
use std::task::{Context, Poll, Waker};

use js_sys::Promise;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::future_to_promise;

use crate::runtime::slab::{self, Slab};
use crate::runtime::trace::{note_waiting, Cause};

#[wasm_bindgen]
extern "C" {
    // js-sys types `then`'s callbacks as wasm-bindgen Closures; lean_await
    // hands it plain (bound) JS functions instead, through this view of a Promise.
    type PlainThen;
    #[wasm_bindgen(method, js_name = then)]
    fn then_functions(this: &PlainThen, on_ok: &JsValue, on_err: &JsValue);

    // `settle.bind(null, slot, ok)`: a plain JS function per await, where
    // JsFuture makes two wasm-bindgen closures.
    type Settle;
    #[wasm_bindgen(method, js_name = bind)]
    fn bind_slot(this: &Settle, context: &JsValue, slot: u32, ok: bool) -> JsValue;
}

/// Polls `future` once now; settles at once if it is ready, else hands it to
/// `future_to_promise`.
///
/// The first poll uses a no-op waker. That is sound because `future_to_promise`
/// polls the future again before anything can wake it, and a future must
/// register the waker of its latest poll (the `Future` contract): whatever the
/// first poll registered is replaced.
///
/// # Example
/// ```no_run
/// use async_rust_lab::research::bridge::eager_promise;
/// use wasm_bindgen::JsValue;
/// let promise = eager_promise(async { Ok(JsValue::from(42)) }); // already resolved
/// ```
pub fn eager_promise<F>(future: F) -> Promise
where
    F: Future<Output = Result<JsValue, JsValue>> + 'static,
{
    let mut future = Box::pin(future);
    match future
        .as_mut()
        .poll(&mut Context::from_waker(Waker::noop()))
    {
        Poll::Ready(Ok(value)) => Promise::resolve(&value),
        Poll::Ready(Err(error)) => Promise::reject(&error),
        Poll::Pending => future_to_promise(future),
    }
}

/// What a [`lean_await`] slot holds.
#[derive(Default)]
enum Slot {
    /// Waiting for the Promise; the waker of the latest poll.
    Waiting(Option<Waker>),
    /// Settled: `Ok(value)` or `Err(reason)`, not yet taken.
    Settled(Result<JsValue, JsValue>),
    /// Its future was dropped before the Promise settled; freed when it does.
    Abandoned,
    /// Free for reuse.
    #[default]
    Free,
}

impl slab::Slot for Slot {}

/// The Rust side of `settle(slot, ok, value)`.
type SettleClosure = Closure<dyn FnMut(u32, bool, JsValue)>;

struct Slots {
    slots: Slab<Slot>,
    // One JS function for every await: `settle(slot, ok, value)`. Made once per
    // instance and kept for its life (not per call, so not a leak).
    settle: Option<JsValue>,
    _closure: Option<SettleClosure>,
}

thread_local! {
    static SLOTS: std::cell::RefCell<Slots> = const {
        std::cell::RefCell::new(Slots { slots: Slab::new(), settle: None, _closure: None })
    };
}

/// Called from JS when a watched Promise settles.
fn settle_slot(slot: u32, ok: bool, value: JsValue) {
    let waker = SLOTS.with(|s| {
        let mut s = s.borrow_mut();
        let entry = s.slots.get_mut(slot)?;
        match entry {
            Slot::Waiting(waker) => {
                let waker = waker.take();
                *entry = Slot::Settled(if ok { Ok(value) } else { Err(value) });
                waker
            }
            Slot::Abandoned => {
                s.slots.remove(slot);
                None
            }
            _ => None,
        }
    });
    if let Some(waker) = waker {
        waker.wake();
    }
}

/// The shared `settle` function, made on first use.
fn settle_function(slots: &mut Slots) -> JsValue {
    if let Some(settle) = &slots.settle {
        return settle.clone();
    }
    let closure = SettleClosure::new(settle_slot);
    let settle: JsValue = closure.as_ref().clone();
    slots.settle = Some(settle.clone());
    slots._closure = Some(closure);
    settle
}

/// Awaits a JS Promise like `JsFuture`, but without making two wasm-bindgen
/// closures per await: one `settle` function serves every await, bound to the
/// await's slot with `Function.prototype.bind` (a plain JS allocation), and the
/// result waits in a slot in Rust. The benchmark compares the two.
///
/// # Example
/// ```no_run
/// # async fn example(promise: js_sys::Promise) {
/// use async_rust_lab::research::bridge::lean_await;
/// let value = lean_await(promise).await;
/// # }
/// ```
pub fn lean_await(promise: Promise) -> LeanAwait {
    LeanAwait {
        promise: Some(promise),
        slot: None,
    }
}

/// The future returned by [`lean_await`].
#[must_use = "futures do nothing unless awaited"]
pub struct LeanAwait {
    promise: Option<Promise>,
    slot: Option<u32>,
}

impl Future for LeanAwait {
    type Output = Result<JsValue, JsValue>;

    fn poll(mut self: std::pin::Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        if let Some(promise) = self.promise.take() {
            let started = SLOTS.with(|s| {
                let mut s = s.borrow_mut();
                let slot = s.slots.insert(Slot::Waiting(Some(cx.waker().clone())))?;
                Some((slot, settle_function(&mut s)))
            });
            let Some((slot, settle)) = started else {
                // Only past u32::MAX awaits at once, which wasm32 cannot hold.
                return Poll::Ready(Err(js_sys::Error::new("no free await slot").into()));
            };
            let settle = settle.unchecked_ref::<Settle>();
            let on_ok = settle.bind_slot(&JsValue::NULL, slot, true);
            let on_err = settle.bind_slot(&JsValue::NULL, slot, false);
            promise
                .unchecked_ref::<PlainThen>()
                .then_functions(&on_ok, &on_err);
            self.slot = Some(slot);
            note_waiting(Cause::Promise);
            return Poll::Pending;
        }
        let Some(slot) = self.slot else {
            return Poll::Pending;
        };
        let ready = SLOTS.with(|s| {
            let mut s = s.borrow_mut();
            let entry = s.slots.get_mut(slot)?;
            match std::mem::take(entry) {
                Slot::Settled(result) => {
                    s.slots.remove(slot);
                    Some(result)
                }
                Slot::Waiting(_) => {
                    *entry = Slot::Waiting(Some(cx.waker().clone()));
                    None
                }
                other => {
                    *entry = other;
                    None
                }
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

impl Drop for LeanAwait {
    fn drop(&mut self) {
        let Some(slot) = self.slot.take() else {
            return;
        };
        let _ = SLOTS.try_with(|s| {
            if let Ok(mut s) = s.try_borrow_mut() {
                match s.slots.get_mut(slot) {
                    // Still waiting: the Promise will call settle later, which
                    // frees the slot.
                    Some(entry @ Slot::Waiting(_)) => *entry = Slot::Abandoned,
                    // Settled but not taken: free it now.
                    Some(_) => {
                        s.slots.remove(slot);
                    }
                    None => {}
                }
            }
        });
    }
}
