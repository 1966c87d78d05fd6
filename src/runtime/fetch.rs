//! `fetch` as a Rust future that owns its `AbortController`: dropping the future
//! aborts the request, as dropping gloo's `TimeoutFuture` clears its timer.
//!
//! Dropping a bare `JsFuture` over `fetch()` would only stop *listening*: the
//! browser would go on downloading a response nobody reads. Here the loser of a
//! `select`, or a request outlived by a timeout, is really cancelled, and the
//! Network panel shows it as such.

use std::cell::Cell;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures::future::LocalBoxFuture;
use futures::FutureExt;
use js_sys::Promise;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortController, AbortSignal, RequestInit, Response};

use super::js_text::describe;
use super::leaf::Leaf;
use super::trace::{note_waiting, Cause, NodeKind, Site};

#[wasm_bindgen]
extern "C" {
    // The global `fetch` rather than `window.fetch`, so the same code works in
    // a page and in a worker.
    #[wasm_bindgen(js_name = fetch)]
    fn fetch_with_init(input: &str, init: &RequestInit) -> Promise;
}

thread_local! {
    // One thread per wasm instance, so these are instance-wide. They let tests
    // and the page check that a dropped request really was aborted.
    static IN_FLIGHT: Cell<usize> = const { Cell::new(0) };
    static ABORTED: Cell<usize> = const { Cell::new(0) };
}

/// How many requests made by [`fetch_text`] have started and neither finished
/// nor been aborted.
pub fn requests_in_flight() -> usize {
    IN_FLIGHT.with(Cell::get)
}

/// How many requests made by [`fetch_text`] have been aborted because their
/// future was dropped unfinished, since the module started.
pub fn requests_aborted() -> usize {
    ABORTED.with(Cell::get)
}

/// Why a [`fetch_text`] failed, in words a lesson can print.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FetchError {
    /// The server answered, with a status outside 200–299 (e.g. 404).
    Status(u16),
    /// `fetch` itself rejected (no network, refused, aborted elsewhere) or the
    /// body could not be read: the JS error's name and message.
    Network(String),
}

impl fmt::Display for FetchError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FetchError::Status(status) => write!(f, "HTTP {status}"),
            FetchError::Network(reason) => f.write_str(reason),
        }
    }
}

impl std::error::Error for FetchError {}

/// Fetches `url` (relative URLs resolve against the page) and reads the body
/// as text. Lazy like every future here: no request leaves before the first
/// poll. Dropping the future before it is ready aborts the request.
///
/// # Example
/// ```no_run
/// # async fn example() -> Result<(), async_rust_lab::runtime::fetch::FetchError> {
/// use async_rust_lab::runtime::fetch::fetch_text;
/// let body = fetch_text("data/covid-2021-01-01.json").await?;
/// assert!(body.contains("Argentina"));
/// # Ok(()) }
/// ```
///
/// `#[track_caller]`: the request remembers the line that made it (its
/// `.await` in a lesson), so the page can point at it.
#[track_caller]
pub fn fetch_text(url: impl Into<String>) -> Fetch {
    Fetch {
        url: url.into(),
        in_flight: None,
        site: Site::caller(),
        leaf: None,
    }
}

/// The future returned by [`fetch_text`].
#[must_use = "futures do nothing unless awaited; a Fetch dropped after its first poll aborts its request"]
pub struct Fetch {
    url: String,
    in_flight: Option<InFlight>,
    site: Site,
    // The request as a leaf of the run's tree, when a traced run polls it.
    leaf: Option<Leaf>,
}

struct InFlight {
    controller: AbortController,
    response: LocalBoxFuture<'static, Result<String, FetchError>>,
}

impl fmt::Debug for Fetch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Fetch")
            .field("url", &self.url)
            .field("in_flight", &self.in_flight.is_some())
            .finish()
    }
}

impl Future for Fetch {
    type Output = Result<String, FetchError>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        if self.in_flight.is_none() {
            let controller = match AbortController::new() {
                Ok(controller) => controller,
                Err(error) => return Poll::Ready(Err(js_error(&error))),
            };
            let response = send(self.url.clone(), controller.signal()).boxed_local();
            IN_FLIGHT.with(|n| n.set(n.get() + 1));
            self.in_flight = Some(InFlight {
                controller,
                response,
            });
            self.leaf = Leaf::armed("fetch", NodeKind::Fetch, self.site, None);
        }
        let this = &mut *self;
        let Some(in_flight) = this.in_flight.as_mut() else {
            return Poll::Pending;
        };
        let poll = Leaf::poll_through(this.leaf.as_ref(), cx, |cx| {
            in_flight.response.as_mut().poll(cx)
        });
        match poll {
            Poll::Ready(result) => {
                // Settled: nothing left to abort, so Drop must not count it.
                this.in_flight = None;
                IN_FLIGHT.with(|n| n.set(n.get().saturating_sub(1)));
                if let Some(leaf) = this.leaf.take() {
                    leaf.completed();
                }
                Poll::Ready(result)
            }
            Poll::Pending => {
                note_waiting(Cause::Fetch);
                Poll::Pending
            }
        }
    }
}

impl Drop for Fetch {
    fn drop(&mut self) {
        if let Some(in_flight) = self.in_flight.take() {
            // fetch() rejects with an AbortError that nobody awaits any more;
            // JsFuture swallows it, so no "unhandled rejection" is reported.
            in_flight.controller.abort();
            IN_FLIGHT.with(|n| n.set(n.get().saturating_sub(1)));
            ABORTED.with(|n| n.set(n.get() + 1));
        }
    }
}

async fn send(url: String, signal: AbortSignal) -> Result<String, FetchError> {
    let init = RequestInit::new();
    init.set_signal(Some(&signal));
    let response = JsFuture::from(fetch_with_init(&url, &init))
        .await
        .map_err(|e| js_error(&e))?;
    let response: Response = response
        .dyn_into()
        .map_err(|_| FetchError::Network("fetch resolved to something not a Response".into()))?;
    if !response.ok() {
        return Err(FetchError::Status(response.status()));
    }
    let text = response.text().map_err(|e| js_error(&e))?;
    let text = JsFuture::from(text).await.map_err(|e| js_error(&e))?;
    text.as_string()
        .ok_or_else(|| FetchError::Network("the body was not text".into()))
}

/// `"Name: message"` for a JS `Error`, `String(value)` for anything else.
fn js_error(value: &JsValue) -> FetchError {
    FetchError::Network(describe(value, true))
}

/// Whether a service worker controls this page right now.
pub fn service_worker_controls_page() -> bool {
    web_sys::window()
        .is_some_and(|window| window.navigator().service_worker().controller().is_some())
}

/// Resolves once a service worker controls this page, so that the page's
/// requests go through it. A worker registered by the page only takes control
/// when it activates and claims its clients; a fetch sent before that would
/// bypass it and reach the real server. Fails at once where there is no
/// `navigator.serviceWorker` (a worker, an insecure page).
pub async fn service_worker_control() -> Result<(), String> {
    let container = web_sys::window()
        .map(|window| window.navigator().service_worker())
        .ok_or_else(|| "there is no window, so no service worker".to_owned())?;
    if container.controller().is_some() {
        return Ok(());
    }
    // `resolve` itself is the one-shot listener: no Rust closure to keep alive
    // or to leak.
    let options = web_sys::AddEventListenerOptions::new();
    options.set_once(true);
    let mut listen = |resolve: js_sys::Function, _reject: js_sys::Function| {
        let _ = container.add_event_listener_with_callback_and_add_event_listener_options(
            "controllerchange",
            &resolve,
            &options,
        );
    };
    JsFuture::from(Promise::new(&mut listen))
        .await
        .map(|_| ())
        .map_err(|e| js_error(&e).to_string())
}
