//! Which thread is running, whether it may share memory with other threads,
//! and a *blocking* sleep, the browser's nearest thing to `std::thread::sleep`.
//!
//! A browser page has one main thread; every Web Worker is another OS thread
//! with its own event loop and its own instance of this crate's wasm. Only a
//! cross-origin isolated page (COOP `same-origin` + COEP `require-corp`) gets
//! `SharedArrayBuffer`, and only a worker may block in `Atomics.wait`: the main
//! thread must never block, so the browser throws there.

use std::fmt;

use futures::future::{self, Either};
use js_sys::{Array, Atomics, Function, Int32Array, Promise, Reflect, SharedArrayBuffer};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::DedicatedWorkerGlobalScope;

use super::clock::performance_clock;
use super::js_text::describe;
use super::time::sleep;

/// What the name of the page's own thread reads as in lines and reports.
pub const MAIN_THREAD: &str = "main";

/// How [`block_for`] blocked the thread.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BlockedBy {
    /// `Atomics.wait` on a `SharedArrayBuffer`: the thread sleeps in the
    /// kernel and uses no CPU, exactly like `std::thread::sleep`.
    AtomicsWait,
    /// A busy loop on `performance.now()`: the fallback where `Atomics.wait`
    /// is not allowed (no cross-origin isolation, or the main thread). It blocks
    /// just as hard, but burns a CPU core while it waits.
    SpinWait,
}

impl BlockedBy {
    /// The name the JS side and the page show.
    pub fn as_str(self) -> &'static str {
        match self {
            BlockedBy::AtomicsWait => "Atomics.wait",
            BlockedBy::SpinWait => "spin-wait",
        }
    }
}

/// The name of the thread running this code: [`MAIN_THREAD`] on the page, the
/// worker's `name` in a Web Worker (read from inside the worker, so it proves
/// where the code ran).
pub fn current_thread() -> String {
    match js_sys::global().dyn_into::<DedicatedWorkerGlobalScope>() {
        Ok(worker) => {
            let name = worker.name();
            if name.is_empty() {
                "worker".to_owned()
            } else {
                name
            }
        }
        Err(_) => MAIN_THREAD.to_owned(),
    }
}

/// Whether this page (or worker) is cross-origin isolated, the condition for
/// `SharedArrayBuffer`. `false` where the global has no such property (Node).
pub fn cross_origin_isolated() -> bool {
    Reflect::get(&js_sys::global(), &"crossOriginIsolated".into())
        .is_ok_and(|value| value.as_bool() == Some(true))
}

/// Blocks this thread for `ms` milliseconds, as `std::thread::sleep` would:
/// nothing else runs on it meanwhile, not even its event loop.
///
/// Uses `Atomics.wait` when the thread may (a worker of a cross-origin isolated
/// page), and spins otherwise; the result says which.
///
/// # Example
/// ```no_run
/// use async_rust_lab::runtime::thread::{block_for, BlockedBy};
/// // On the page's main thread Atomics.wait is refused, so this spins.
/// assert_eq!(block_for(5), BlockedBy::SpinWait);
/// ```
pub fn block_for(ms: u32) -> BlockedBy {
    if cross_origin_isolated() && wait_on_nothing(ms) {
        return BlockedBy::AtomicsWait;
    }
    let clock = performance_clock();
    let start = clock();
    while clock() - start < f64::from(ms) {
        std::hint::spin_loop();
    }
    BlockedBy::SpinWait
}

/// Waits on a fresh shared cell that no one will ever notify, so the wait ends
/// by its timeout: a sleep. `false` if the browser refused (the main thread).
fn wait_on_nothing(ms: u32) -> bool {
    let cell = Int32Array::new(&SharedArrayBuffer::new(4));
    Atomics::wait_with_timeout(&cell, 0, 0, f64::from(ms)).is_ok()
}

/// The size of this thread's wasm linear memory in bytes (each worker has its
/// own); NaN if it cannot be read. It only ever grows, in 64 KiB pages.
pub fn wasm_memory_bytes() -> f64 {
    Reflect::get(&wasm_bindgen::memory(), &"buffer".into())
        .and_then(|buffer| Reflect::get(&buffer, &"byteLength".into()))
        .ok()
        .and_then(|bytes| bytes.as_f64())
        .unwrap_or(f64::NAN)
}

/// How long [`workers_memory_bytes`] waits for the browser's answer.
pub const MEMORY_ANSWER_MS: u32 = 40_000;

/// Why the browser gave no memory figure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NoMemoryAnswer {
    /// The page is not cross-origin isolated: the API exists only on such pages.
    NotIsolated,
    /// This browser has no `performance.measureUserAgentSpecificMemory`.
    Missing,
    /// The call threw or its Promise rejected; the browser's message.
    Failed(String),
    /// No answer within [`MEMORY_ANSWER_MS`].
    TimedOut,
}

impl fmt::Display for NoMemoryAnswer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NoMemoryAnswer::NotIsolated => write!(f, "it needs a cross-origin isolated page"),
            NoMemoryAnswer::Missing => write!(
                f,
                "this browser has no performance.measureUserAgentSpecificMemory"
            ),
            NoMemoryAnswer::Failed(message) => write!(f, "it failed: {message}"),
            NoMemoryAnswer::TimedOut => write!(f, "no answer within {} s", MEMORY_ANSWER_MS / 1000),
        }
    }
}

/// What the browser itself attributes to the page's Web Workers, in bytes, from
/// `performance.measureUserAgentSpecificMemory()`. In Chromium that is mostly
/// their JS heaps: 4 workers measured about 1.9 MB while their wasm memories
/// came to 4.5 MiB, so it does not replace [`wasm_memory_bytes`].
///
/// Slow on purpose: Chromium answers after its next garbage collection, often
/// 10 to 20 seconds later. And once a tab has terminated a worker blocked in
/// `Atomics.wait` or a loop, Chromium 156 answered no measurement in that tab
/// again, reloaded or not, in runs on the lab's machine; a new tab answered.
pub async fn workers_memory_bytes() -> Result<f64, NoMemoryAnswer> {
    if !cross_origin_isolated() {
        return Err(NoMemoryAnswer::NotIsolated);
    }
    let performance = Reflect::get(&js_sys::global(), &"performance".into())
        .map_err(|_| NoMemoryAnswer::Missing)?;
    let measure: Function = Reflect::get(&performance, &"measureUserAgentSpecificMemory".into())
        .ok()
        .and_then(|f| f.dyn_into().ok())
        .ok_or(NoMemoryAnswer::Missing)?;
    let failed = |e: JsValue| NoMemoryAnswer::Failed(describe(&e, false));
    let promise: Promise = measure
        .call0(&performance)
        .map_err(failed)?
        .dyn_into()
        .map_err(|_| NoMemoryAnswer::Failed("it returned no Promise".to_owned()))?;
    let result = match future::select(JsFuture::from(promise), sleep(MEMORY_ANSWER_MS)).await {
        Either::Left((Ok(result), _)) => result,
        Either::Left((Err(e), _)) => return Err(failed(e)),
        Either::Right(_) => return Err(NoMemoryAnswer::TimedOut),
    };
    let breakdown = Array::from(&Reflect::get(&result, &"breakdown".into()).map_err(failed)?);
    Ok(breakdown
        .iter()
        .filter(is_a_workers)
        .filter_map(|entry| Reflect::get(&entry, &"bytes".into()).ok()?.as_f64())
        .sum())
}

/// Whether a `breakdown` entry is attributed to a dedicated worker.
fn is_a_workers(entry: &JsValue) -> bool {
    let Ok(attribution) = Reflect::get(entry, &"attribution".into()) else {
        return false;
    };
    Array::from(&attribution).iter().any(|owner| {
        Reflect::get(&owner, &"scope".into())
            .ok()
            .and_then(|scope| scope.as_string())
            .is_some_and(|scope| scope == "DedicatedWorkerGlobalScope")
    })
}
