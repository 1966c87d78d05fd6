//! Locking that never blocks the page's main thread.
//!
//! A worker may block on a lock, but the page's main thread must not: a
//! contended `Mutex::lock` waits with `memory.atomic.wait32`, which the browser
//! forbids there (it throws, and the module traps). So on the main thread
//! [`lock`] tries and spins while another thread holds the lock; on a worker it
//! blocks, asleep in the kernel, as usual. Every lock in this crate is held for
//! a few instructions (a queue push or pop, a counter, a trace entry), never
//! across a poll, so the main thread's spin is short.

use std::cell::Cell;
use std::sync::{Mutex, MutexGuard, PoisonError, TryLockError};

thread_local! {
    /// Set on a Web Worker by [`mark_worker`]; false on the page's main thread.
    static ON_WORKER: Cell<bool> = const { Cell::new(false) };
}

/// Marks the calling thread as a worker: from now on [`lock`] may block on it.
pub fn mark_worker() {
    ON_WORKER.with(|on| on.set(true));
}

/// Locks `mutex`: blocking on a worker, spinning on the main thread.
///
/// With `panic = "abort"` no thread can die holding a lock, so a poisoned one
/// cannot occur; it is taken as it is all the same.
pub fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    if ON_WORKER.with(Cell::get) {
        return mutex.lock().unwrap_or_else(PoisonError::into_inner);
    }
    loop {
        match mutex.try_lock() {
            Ok(guard) => return guard,
            Err(TryLockError::Poisoned(poisoned)) => return poisoned.into_inner(),
            Err(TryLockError::WouldBlock) => std::hint::spin_loop(),
        }
    }
}

/// Whether the calling thread is a worker ([`mark_worker`]).
pub fn on_worker() -> bool {
    ON_WORKER.with(Cell::get)
}
