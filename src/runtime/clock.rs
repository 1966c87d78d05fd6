//! Where a run's times come from: `performance.now()` in a browser or worker, an
//! injected clock in host tests.

use std::rc::Rc;

/// A source of monotonic time in milliseconds. Shared by a run and its tasks.
pub type Clock = Rc<dyn Fn() -> f64>;

mod performance {
    use wasm_bindgen::prelude::wasm_bindgen;

    #[wasm_bindgen]
    extern "C" {
        // Bound as the global `performance.now` rather than through
        // `window.performance`, so the same code works in Web Workers and Node.
        #[wasm_bindgen(js_namespace = performance, js_name = now)]
        pub fn now() -> f64;
    }
}

/// The JS high-resolution clock, `performance.now()`, in milliseconds.
///
/// # Panics
/// Calling the clock outside wasm32 panics, as every wasm-bindgen import does on
/// other targets: host tests use [`manual_clock`].
///
/// # Example
/// ```no_run
/// let clock = async_rust_lab::runtime::clock::performance_clock();
/// let t = clock();
/// assert!(t >= 0.0);
/// ```
pub fn performance_clock() -> Clock {
    Rc::new(performance::now)
}

/// A clock for host tests: reads whatever time the test last set.
///
/// # Example
/// ```
/// let (clock, set) = async_rust_lab::runtime::clock::manual_clock();
/// set(250.0);
/// assert_eq!(clock(), 250.0);
/// ```
pub fn manual_clock() -> (Clock, impl Fn(f64)) {
    let now = Rc::new(std::cell::Cell::new(0.0));
    let read = Rc::clone(&now);
    (Rc::new(move || read.get()), move |t| now.set(t))
}
