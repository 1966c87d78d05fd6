//! Cancellation from JS: an `AbortSignal` as a future, and [`abortable`], which
//! races any future against it.
//!
//! Cancelling a Rust future is dropping it. So when the signal fires, the
//! lesson's future is dropped at its next poll, a microtask later (the abort
//! event wakes it; nothing can drop it from inside the event handler): every
//! timer it armed is cleared,
//! every fetch it started is aborted, and its trace records the drops. Nothing
//! of the run is left pending; the caller gets the signal's reason (by default
//! a `DOMException` named `AbortError`), exactly as `fetch` would reject.

use std::cell::RefCell;
use std::future::Future;
use std::pin::{pin, Pin};
use std::rc::Rc;
use std::task::{Context, Poll, Waker};

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{AbortSignal, AddEventListenerOptions};

/// Resolves with the signal's reason once it is aborted (at once if it already is).
#[must_use = "futures do nothing unless awaited; dropping it removes its abort listener"]
pub struct Aborted {
    signal: AbortSignal,
    waker: Rc<RefCell<Option<Waker>>>,
    // Kept until Drop, which removes it from the signal: one listener per
    // abortable call, freed with it (no Closure::forget).
    listener: Option<Closure<dyn FnMut()>>,
}

impl Aborted {
    /// Watches `signal`.
    pub fn new(signal: AbortSignal) -> Aborted {
        Aborted {
            signal,
            waker: Rc::new(RefCell::new(None)),
            listener: None,
        }
    }
}

impl Future for Aborted {
    type Output = JsValue;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<JsValue> {
        if self.signal.aborted() {
            return Poll::Ready(self.signal.reason());
        }
        *self.waker.borrow_mut() = Some(cx.waker().clone());
        if self.listener.is_none() {
            let waker = self.waker.clone();
            let listener = Closure::<dyn FnMut()>::new(move || {
                if let Some(waker) = waker.borrow_mut().take() {
                    waker.wake();
                }
            });
            let options = AddEventListenerOptions::new();
            options.set_once(true);
            // Adding a listener to an AbortSignal cannot fail.
            let _ = self
                .signal
                .add_event_listener_with_callback_and_add_event_listener_options(
                    "abort",
                    listener.as_ref().unchecked_ref(),
                    &options,
                );
            self.listener = Some(listener);
        }
        super::trace::note_waiting(super::trace::Cause::Unknown);
        Poll::Pending
    }
}

impl Drop for Aborted {
    fn drop(&mut self) {
        if let Some(listener) = self.listener.take() {
            let _ = self
                .signal
                .remove_event_listener_with_callback("abort", listener.as_ref().unchecked_ref());
        }
    }
}

/// Runs `future` until it finishes or `signal` aborts, whichever comes first.
/// On abort the future is dropped before this returns, and the error is the
/// signal's reason. Without a signal it simply awaits the future.
///
/// # Example
/// ```no_run
/// # async fn example(signal: Option<web_sys::AbortSignal>) -> Result<(), wasm_bindgen::JsValue> {
/// use async_rust_lab::runtime::{abort::abortable, time::sleep};
/// abortable(signal, sleep(1_000)).await?; // rejects with AbortError if aborted
/// # Ok(()) }
/// ```
pub async fn abortable<F: Future>(
    signal: Option<AbortSignal>,
    future: F,
) -> Result<F::Output, JsValue> {
    let Some(signal) = signal else {
        return Ok(future.await);
    };
    // Already aborted: do not start the work at all (as fetch does).
    if signal.aborted() {
        return Err(signal.reason());
    }
    let mut work = pin!(future);
    let mut aborted = pin!(Aborted::new(signal));
    // The signal is polled first. `future::select` would poll the work first,
    // and the wake that announces the abort would then poll the work one more
    // time, letting it run on (and print) after the abort.
    std::future::poll_fn(|cx| {
        if let Poll::Ready(reason) = aborted.as_mut().poll(cx) {
            return Poll::Ready(Err(reason));
        }
        work.as_mut().poll(cx).map(Ok)
    })
    .await
    // The work, pinned in this frame, is dropped as this returns: its timers
    // are cleared and its fetches aborted before the caller hears of the abort.
}
