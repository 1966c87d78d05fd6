//! Which thread is running, whether it may share memory with other threads,
//! and a *blocking* sleep, the browser's nearest thing to `std::thread::sleep`.
//!
//! A browser page has one main thread; every Web Worker is another OS thread
//! with its own event loop and its own instance of this crate's wasm. Only a
//! cross-origin isolated page (COOP `same-origin` + COEP `require-corp`) gets
//! `SharedArrayBuffer`, and only a worker may block in `Atomics.wait`: the main
//! thread must never block, so the browser throws there.

use js_sys::{Atomics, Int32Array, Reflect, SharedArrayBuffer};
use wasm_bindgen::JsCast;
use web_sys::DedicatedWorkerGlobalScope;

use super::clock::performance_clock;

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
