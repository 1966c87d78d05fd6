//! Counts the bytes the Rust heap has handed out and not taken back, so the
//! benchmarks can say what a sleeping future really costs.
//!
//! The wasm linear memory only grows, a 64 KiB page at a time, and freed bytes
//! are reused, so its size says little about one data structure. Counting at
//! the allocator does: [`live_bytes`] before and after building something is
//! exactly what that something holds on the heap.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

static LIVE: AtomicUsize = AtomicUsize::new(0);

/// The system allocator, counting. Installed as the crate's global allocator.
/// On wasm32 without threads the atomics compile to plain loads and stores, so
/// each allocation costs an add and a subtract more.
pub struct CountingAllocator;

// SAFETY (the whole impl): each method forwards its arguments unchanged to the
// system allocator, whose contract is the same, and only adds bookkeeping on a
// plain counter. Nothing here reads or writes the memory it hands out.
#[allow(unsafe_code)]
unsafe impl GlobalAlloc for CountingAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded as is; the caller upholds GlobalAlloc::alloc's contract.
        let ptr = unsafe { System.alloc(layout) };
        if !ptr.is_null() {
            LIVE.fetch_add(layout.size(), Ordering::Relaxed);
        }
        ptr
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded as is; the caller upholds GlobalAlloc::alloc_zeroed's contract.
        let ptr = unsafe { System.alloc_zeroed(layout) };
        if !ptr.is_null() {
            LIVE.fetch_add(layout.size(), Ordering::Relaxed);
        }
        ptr
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: forwarded as is; `ptr` came from this allocator with `layout`.
        unsafe { System.dealloc(ptr, layout) };
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: forwarded as is; the caller upholds GlobalAlloc::realloc's contract.
        let new = unsafe { System.realloc(ptr, layout, new_size) };
        if !new.is_null() {
            LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
            LIVE.fetch_add(new_size, Ordering::Relaxed);
        }
        new
    }
}

/// Bytes allocated on the Rust heap and not yet freed, right now.
///
/// # Example
/// ```
/// use async_rust_lab::runtime::heap::live_bytes;
/// let before = live_bytes();
/// let boxed = Box::new([0u8; 1000]);
/// assert_eq!(live_bytes() - before, 1000);
/// drop(boxed);
/// assert_eq!(live_bytes(), before);
/// ```
pub fn live_bytes() -> usize {
    LIVE.load(Ordering::Relaxed)
}
