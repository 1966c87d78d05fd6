//! A Web Worker as a Rust value: [`WorkerThread`] owns one module worker running
//! this crate's wasm (`www/worker.js`), sends it jobs, and hears its replies as
//! futures. Dropping it terminates the worker, gloo-style, so a cancelled or
//! failed lesson never leaves a thread running.
//!
//! The worker's event handlers are `Closure`s owned by the handle and freed
//! with it (after the handlers are unset and the worker is terminated, so JS
//! can never call a freed closure): nothing is leaked per call.

use std::cell::Cell;
use std::fmt;

use futures::channel::mpsc::{self, UnboundedReceiver, UnboundedSender};
use futures::future::{self, Either};
use futures::StreamExt;
use js_sys::Reflect;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{ErrorEvent, Event, MessageEvent, Worker, WorkerOptions, WorkerType};

use super::choice::{choice, Choice};
use super::js_object::object;
use super::js_text::describe;
use super::leaf::waiting_for;
use super::time::sleep;
use super::trace::Cause;

/// The worker script, relative to the page: the site keeps `worker.js` next to
/// `index.html`, so this resolves correctly from whatever sub-path it is served.
pub const WORKER_SCRIPT: &str = "./worker.js";

thread_local! {
    static NEXT_WORKER: Cell<u32> = const { Cell::new(1) };
    static TERMINATED_BLOCKED: Cell<u32> = const { Cell::new(0) };
}

// The site requires Trusted Types for scripts (its Content-Security-Policy), so
// `new Worker` takes a TrustedScriptURL, not a string: the lab's one policy,
// www/trusted.js, makes it (a plain string where the browser has no Trusted
// Types, as in Node or the wasm tests). web-sys's `Worker::new_with_options`
// takes only a `&str`, hence this constructor of our own.
#[wasm_bindgen(module = "/www/trusted.js")]
extern "C" {
    #[wasm_bindgen(js_name = scriptUrl, catch)]
    fn script_url(url: &str) -> Result<JsValue, JsValue>;
}

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_name = Worker)]
    type TrustedWorker;
    #[wasm_bindgen(constructor, js_class = "Worker", catch)]
    fn new(url: &JsValue, options: &WorkerOptions) -> Result<TrustedWorker, JsValue>;
}

/// Why a worker could not do its job. Each becomes a JS `Error` whose message
/// says which worker and what went wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WorkerError {
    /// `new Worker(...)` threw (an unparsable URL, or a policy forbids workers).
    Start {
        /// The worker's name.
        name: String,
        /// What the browser said.
        message: String,
    },
    /// The worker's script failed to load, or threw an uncaught error.
    Failed {
        /// The worker's name.
        name: String,
        /// What the browser said, if anything.
        message: String,
    },
    /// The worker ran the job and reported an error (e.g. its wasm failed to start).
    Job {
        /// The worker's name.
        name: String,
        /// The error it reported.
        message: String,
    },
    /// No reply within the time allowed.
    TimedOut {
        /// The worker's name.
        name: String,
        /// How long the caller waited.
        ms: u32,
    },
}

impl fmt::Display for WorkerError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WorkerError::Start { name, message } => {
                write!(
                    f,
                    "could not start the Web Worker \"{name}\" ({WORKER_SCRIPT}): {message}"
                )
            }
            WorkerError::Failed { name, message } => write!(
                f,
                "the Web Worker \"{name}\" ({WORKER_SCRIPT}) failed to load or threw: {message}"
            ),
            WorkerError::Job { name, message } => {
                write!(f, "the Web Worker \"{name}\" reported an error: {message}")
            }
            WorkerError::TimedOut { name, ms } => write!(
                f,
                "the Web Worker \"{name}\" did not answer within {ms} ms; it was terminated"
            ),
        }
    }
}

impl std::error::Error for WorkerError {}

/// One job for a worker. It crosses to the worker as `{ kind, n }` (a
/// structured clone), and `www/worker.js` hands that to the `workerJob` export,
/// which reads it back into a `Job` and runs it there, blocking that thread.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Job {
    /// Answer at once: the worker's script and wasm have loaded.
    Ping,
    /// Block the worker's thread for `ms`, as `std::thread::sleep` would.
    Sleep {
        /// How long, in ms.
        ms: u32,
    },
    /// Count the primes below `below`: plain CPU work.
    Primes {
        /// The count's upper end.
        below: u32,
    },
    /// `futures::executor::block_on` over a channel that carries `value`.
    BlockOn {
        /// What the channel sends.
        value: u32,
    },
    /// `block_on(sleep(ms))`: it deadlocks the worker, whose timer needs the
    /// event loop that `block_on` blocks.
    BlockOnTimer {
        /// The timer's delay, in ms.
        ms: u32,
    },
}

choice! {
    /// A [`Job`]'s kind, without its argument: what its message's `kind` names.
    pub enum JobKind {
        /// `"ping"`: [`Job::Ping`].
        Ping = "ping",
        /// `"sleep"`: [`Job::Sleep`].
        Sleep = "sleep",
        /// `"primes"`: [`Job::Primes`].
        Primes = "primes",
        /// `"block_on"`: [`Job::BlockOn`].
        BlockOn = "block_on",
        /// `"block_on_timer"`: [`Job::BlockOnTimer`].
        BlockOnTimer = "block_on_timer",
    }
}

impl Job {
    /// This job's kind.
    pub fn kind(self) -> JobKind {
        match self {
            Job::Ping => JobKind::Ping,
            Job::Sleep { .. } => JobKind::Sleep,
            Job::Primes { .. } => JobKind::Primes,
            Job::BlockOn { .. } => JobKind::BlockOn,
            Job::BlockOnTimer { .. } => JobKind::BlockOnTimer,
        }
    }

    /// The job's one whole-number argument, `n` in its message.
    pub fn n(self) -> u32 {
        match self {
            Job::Ping => 0,
            Job::Sleep { ms } | Job::BlockOnTimer { ms } => ms,
            Job::Primes { below } => below,
            Job::BlockOn { value } => value,
        }
    }
}

/// What a worker sent back for a [`Job`].
#[derive(Debug, Clone, PartialEq)]
pub struct Reply {
    /// The worker's own name for its thread, read inside the worker.
    pub thread: String,
    /// The job's result (a count for [`Job::Primes`], the ms slept for [`Job::Sleep`]).
    pub value: f64,
    /// How the job ran, e.g. `"Atomics.wait"` or `"spin-wait"` for a sleep.
    pub how: String,
    /// The size of the worker's own wasm linear memory, in bytes.
    pub wasm_bytes: f64,
}

type Message = Result<JsValue, String>;

/// A running module worker. See the module docs.
#[must_use = "dropping a WorkerThread terminates its worker at once; keep it until its reply arrives"]
pub struct WorkerThread {
    name: String,
    worker: Worker,
    inbox: UnboundedReceiver<Message>,
    // Whether a job that blocks the worker's thread (every job but a ping)
    // is in flight: set when it is posted, cleared when the worker answers.
    blocked: bool,
    // Owned so they live exactly as long as the worker can call them.
    _on_message: Closure<dyn FnMut(MessageEvent)>,
    _on_error: Closure<dyn FnMut(Event)>,
}

impl WorkerThread {
    /// Starts a module worker running `www/worker.js`, named `worker N` (a new
    /// N each time). Loading its script and wasm happens in the background: a
    /// load failure shows up as the error of the first [`WorkerThread::run`].
    ///
    /// # Example
    /// ```no_run
    /// # async fn example() -> Result<(), async_rust_lab::runtime::worker::WorkerError> {
    /// use async_rust_lab::runtime::worker::{Job, WorkerThread};
    /// let mut thread = WorkerThread::spawn()?;
    /// let reply = thread.run(Job::Sleep { ms: 300 }, 10_000).await?;
    /// assert_ne!(reply.thread, "main");
    /// # Ok(()) }
    /// ```
    pub fn spawn() -> Result<WorkerThread, WorkerError> {
        let id = NEXT_WORKER.with(|next| next.replace(next.get().wrapping_add(1)));
        let name = format!("worker {id}");
        let options = WorkerOptions::new();
        options.set_type(WorkerType::Module);
        options.set_name(&name);
        let worker = script_url(WORKER_SCRIPT)
            .and_then(|url| TrustedWorker::new(&url, &options))
            .map(JsCast::unchecked_into::<Worker>)
            .map_err(|e| WorkerError::Start {
                name: name.clone(),
                message: describe(&e, false),
            })?;
        let (sender, inbox) = mpsc::unbounded::<Message>();
        let on_message = {
            let sender = sender.clone();
            Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
                // The receiver may be gone if the caller stopped waiting; nothing to do then.
                let _ = sender.unbounded_send(Ok(event.data()));
            })
        };
        let on_error = error_handler(sender);
        worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        worker.set_onmessageerror(Some(on_error.as_ref().unchecked_ref()));
        Ok(WorkerThread {
            name,
            worker,
            inbox,
            blocked: false,
            _on_message: on_message,
            _on_error: on_error,
        })
    }

    /// The worker's name, as it will report it from inside.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Sends `job` and waits for its reply, at most `within_ms` (which must
    /// cover loading the worker's script and wasm the first time).
    pub async fn run(&mut self, job: Job, within_ms: u32) -> Result<Reply, WorkerError> {
        let message = object([("kind", job.kind().name().into()), ("n", job.n().into())]);
        self.worker
            .post_message(&message)
            .map_err(|e| WorkerError::Start {
                name: self.name.clone(),
                message: describe(&e, false),
            })?;
        self.blocked = job != Job::Ping;
        let answer = future::select(
            waiting_for(Cause::Worker, self.inbox.next()),
            sleep(within_ms),
        )
        .await;
        if let Either::Left(_) = answer {
            // Any word from the worker ends its job: an answer or an error.
            self.blocked = false;
        }
        let reply = match answer {
            Either::Left((Some(Ok(data)), _)) => data,
            Either::Left((Some(Err(message)), _)) => {
                return Err(WorkerError::Failed {
                    name: self.name.clone(),
                    message,
                })
            }
            // The senders live in our own closures, so the stream cannot end
            // while we hold them; treat it as a failure all the same.
            Either::Left((None, _)) => {
                return Err(WorkerError::Failed {
                    name: self.name.clone(),
                    message: "its message channel closed".to_owned(),
                })
            }
            Either::Right(((), _)) => {
                return Err(WorkerError::TimedOut {
                    name: self.name.clone(),
                    ms: within_ms,
                })
            }
        };
        self.read_reply(&reply)
    }

    fn read_reply(&self, data: &JsValue) -> Result<Reply, WorkerError> {
        let field = |key: &str| Reflect::get(data, &key.into()).unwrap_or(JsValue::UNDEFINED);
        if field("ok").as_bool() != Some(true) {
            return Err(WorkerError::Job {
                name: self.name.clone(),
                message: field("error")
                    .as_string()
                    .unwrap_or_else(|| "an unreadable reply".to_owned()),
            });
        }
        Ok(Reply {
            thread: field("thread").as_string().unwrap_or_default(),
            value: field("value").as_f64().unwrap_or(f64::NAN),
            how: field("how").as_string().unwrap_or_default(),
            wasm_bytes: field("wasmBytes").as_f64().unwrap_or(f64::NAN),
        })
    }
}

impl Drop for WorkerThread {
    fn drop(&mut self) {
        // Unset first: after this no event can reach the closures freed next.
        self.worker.set_onmessage(None);
        self.worker.set_onerror(None);
        self.worker.set_onmessageerror(None);
        self.worker.terminate();
        if self.blocked {
            TERMINATED_BLOCKED.with(|count| count.set(count.get().saturating_add(1)));
        }
    }
}

/// How many of this thread's workers were terminated while a job blocked them
/// (a sleep, a count, a `block_on`): stopped mid-run, or given up on, as the
/// `block_on` deadlock is. It matters to the browser's memory measurement:
/// Chromium answers none in a tab after that (see
/// [`crate::runtime::thread::workers_memory_bytes`]).
pub fn terminated_while_blocked() -> u32 {
    TERMINATED_BLOCKED.with(Cell::get)
}

/// The handler for `error` and `messageerror`. A script that fails to load gives
/// a plain `Event` with no message; an uncaught throw gives an `ErrorEvent`.
fn error_handler(sender: UnboundedSender<Message>) -> Closure<dyn FnMut(Event)> {
    Closure::new(move |event: Event| {
        // Handled here: without this the browser also logs it as uncaught.
        event.prevent_default();
        let message = match event.dyn_ref::<ErrorEvent>() {
            Some(error) if !error.message().is_empty() => error.message(),
            _ if event.type_() == "messageerror" => "its reply could not be read".to_owned(),
            _ => "its script could not be loaded (missing, not a module, or refused)".to_owned(),
        };
        let _ = sender.unbounded_send(Err(message));
    })
}
