//! The leaves of a run's tree of futures: what waits on JS (a timer, a fetch,
//! a Promise, a channel, a worker's message). A leaf records when it began
//! waiting, when its JS side called back, and whether it ended ready or was
//! dropped first (a timer cleared, a request aborted), and the source line
//! that made it, which is the line of its `.await`.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll, Wake, Waker};

use super::recorder::{find, polling_run, with_trace};
use super::trace::{note_waiting, Cause, NodeKind, Site};

/// A leaf of the tree of futures, recorded in the run that was polling when
/// it began waiting: `sleep`'s timer, a fetch, a Promise. It records when
/// its JS side calls back (through [`Leaf::waker`]), and whether it ended
/// ready or was dropped first (a timer cleared, a request aborted).
///
/// Outside any traced run (a test awaiting `sleep` directly) it records nothing.
#[derive(Debug)]
pub struct Leaf {
    run: u32,
    node: u32,
    done: bool,
}

impl Leaf {
    /// Records a leaf named `name` that begins waiting now, in the run being
    /// polled, as a child of the node being polled; `wait_ms` is a timer's delay.
    pub fn armed(
        name: &'static str,
        kind: NodeKind,
        site: Site,
        wait_ms: Option<f64>,
    ) -> Option<Leaf> {
        let run = polling_run()?;
        let recorder = find(run)?;
        let t = recorder.now();
        let mut trace = recorder.trace.try_borrow_mut().ok()?;
        let node = trace.created_node(name, kind, Some(site), t);
        trace.armed(node, wait_ms.map(|ms| t + ms), t);
        Some(Leaf {
            run,
            node,
            done: false,
        })
    }

    /// A waker that records the leaf's callback, then wakes `inner`: hand it to
    /// the JS side in place of the task's own.
    pub fn waker(&self, inner: &Waker) -> Waker {
        Waker::from(Arc::new(FiredWaker {
            run: self.run,
            node: self.node,
            inner: inner.clone(),
        }))
    }

    /// Polls through `poll` with a context whose waker records the leaf's
    /// callback (see [`Leaf::waker`]); with no leaf, with `cx` as it is.
    pub fn poll_through<T>(
        leaf: Option<&Leaf>,
        cx: &mut Context<'_>,
        poll: impl FnOnce(&mut Context<'_>) -> Poll<T>,
    ) -> Poll<T> {
        match leaf {
            Some(leaf) => {
                let waker = leaf.waker(cx.waker());
                poll(&mut Context::from_waker(&waker))
            }
            None => poll(cx),
        }
    }

    /// The leaf returned `Ready`.
    pub fn completed(mut self) {
        self.done = true;
        with_trace(self.run, |trace, t| trace.leaf_completed(self.node, t));
    }
}

impl Drop for Leaf {
    fn drop(&mut self) {
        if !self.done {
            with_trace(self.run, |trace, t| trace.dropped(self.node, t));
        }
    }
}

/// Records that a leaf's JS side called back, then passes the wake on.
struct FiredWaker {
    run: u32,
    node: u32,
    inner: Waker,
}

impl Wake for FiredWaker {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        with_trace(self.run, |trace, t| trace.fired(self.node, t));
        self.inner.wake_by_ref();
    }
}

/// Awaits `future`, saying it waits for `cause` whenever it is Pending, and
/// recording it as a leaf made at the caller's line: for futures from other
/// crates (a `JsFuture`, a channel receiver) that cannot do it themselves.
///
/// # Example
/// ```no_run
/// # async fn example(promise: js_sys::Promise) {
/// use async_rust_lab::runtime::leaf::waiting_for;
/// use async_rust_lab::runtime::trace::Cause;
/// let value = waiting_for(Cause::Promise, wasm_bindgen_futures::JsFuture::from(promise)).await;
/// # }
/// ```
#[track_caller]
pub fn waiting_for<F: Future>(cause: Cause, future: F) -> WaitingFor<F> {
    WaitingFor {
        future: Box::pin(future),
        cause,
        site: Site::caller(),
        leaf: None,
        armed: false,
    }
}

/// The future returned by [`waiting_for`].
#[must_use = "futures do nothing unless awaited"]
pub struct WaitingFor<F> {
    // Boxed so this wrapper is Unpin whatever F is: no pin projection needed.
    future: Pin<Box<F>>,
    cause: Cause,
    site: Site,
    leaf: Option<Leaf>,
    armed: bool,
}

impl<F: Future> Future for WaitingFor<F> {
    type Output = F::Output;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        let this = &mut *self;
        if !this.armed {
            // Armed before the first poll, so the waker the JS side keeps is
            // the leaf's from the start. A future ready at once shows as a
            // leaf made and completed in the same poll.
            this.armed = true;
            if let Some(kind) = NodeKind::leaf_for(this.cause) {
                this.leaf = Leaf::armed(kind.as_str(), kind, this.site, None);
            }
        }
        let future = &mut this.future;
        match Leaf::poll_through(this.leaf.as_ref(), cx, |cx| future.as_mut().poll(cx)) {
            Poll::Ready(output) => {
                if let Some(leaf) = this.leaf.take() {
                    leaf.completed();
                }
                Poll::Ready(output)
            }
            Poll::Pending => {
                note_waiting(this.cause);
                Poll::Pending
            }
        }
    }
}
