//! The Promise -> Future bridge the lessons use: [`settle`] awaits any JS value
//! the way JS `await` does. `JsFuture` only takes a real `Promise`; JS `await`
//! takes anything: a Promise, a thenable, or a plain value. Passing the value
//! through `Promise.resolve` first gives Rust the same rules: a thenable's
//! `then` is called, a plain value is ready at once, and a native Promise is
//! awaited as is.
//!
//! The other way, Future -> Promise, every async export takes
//! `wasm_bindgen_futures::future_to_promise`. Both are wasm-bindgen-futures'
//! stock bridges, so where a continuation runs in the lessons is the stock
//! behaviour: after awaiting an already-resolved Promise, the Rust code after
//! the `.await` runs one microtask *after* a JS microtask queued once the
//! await began (a JS `async function` runs it before).
//!
//! [`settle_on`] picks the bridge of an [`Executor`]: the `awaitOrder` and
//! `awaitPromise` lessons run the same Rust code on either, to show that the
//! executor decides where the code after an `.await` runs.

use js_sys::Promise;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

use super::choice::choice;
use super::leaf::waiting_for;
use super::reaction_executor::reaction_await;
use super::trace::Cause;

choice! {
    /// Which executor polls a lesson's future, and so which Promise bridge its
    /// awaits take: each executor's own. The lessons on executors take it as
    /// `{ executor: "stock" | "reaction" }`.
    pub enum Executor {
        /// wasm-bindgen-futures' (`future_to_promise`, `spawn_local`) with its
        /// `JsFuture`: what every user of wasm-bindgen-futures gets, and what every
        /// other lesson runs on. A wake queues the task and a microtask polls it.
        Stock = "stock",
        /// The lab's [`reaction_executor`](super::reaction_executor) with its
        /// `reaction_await`: a spawn polls at once, and an awaited Promise's
        /// reaction job polls the task itself, as JS resumes an `async function`.
        Reaction = "reaction",
    }
}

#[wasm_bindgen]
extern "C" {
    // js-sys binds `Promise.resolve` without `catch`. It can throw: for a
    // Promise whose `constructor` getter throws. With `catch`, that exception
    // becomes an Err here instead of unwinding through Rust frames.
    #[wasm_bindgen(js_namespace = Promise, js_name = resolve, catch)]
    fn promise_resolve(value: &JsValue) -> Result<Promise, JsValue>;
}

/// Awaits `value` as JS `await value` would: `Ok` with what it fulfils with,
/// `Err` with exactly what it rejects with (any JS value, not only an `Error`).
///
/// # Example
/// ```no_run
/// # async fn example() {
/// use async_rust_lab::runtime::bridge::settle;
/// use wasm_bindgen::JsValue;
/// let forty_two = settle(&JsValue::from(42)).await; // Ok(42), two microtask hops later
/// # }
/// ```
pub async fn settle(value: &JsValue) -> Result<JsValue, JsValue> {
    settle_on(Executor::Stock, value).await
}

/// [`settle`] through `executor`'s own bridge: `JsFuture` for the stock
/// executor, `reaction_await` for the reaction executor. Either one works
/// under any executor, and resolves to the same value; only where the code
/// after the `.await` runs differs (see [`Executor`]).
///
/// # Example
/// ```no_run
/// # async fn example() {
/// use async_rust_lab::runtime::bridge::{settle_on, Executor};
/// use wasm_bindgen::JsValue;
/// let forty_two = settle_on(Executor::Reaction, &JsValue::from(42)).await;
/// # }
/// ```
pub async fn settle_on(executor: Executor, value: &JsValue) -> Result<JsValue, JsValue> {
    let promise = promise_resolve(value)?;
    match executor {
        Executor::Stock => waiting_for(Cause::Promise, JsFuture::from(promise)).await,
        Executor::Reaction => waiting_for(Cause::Promise, reaction_await(&promise)).await,
    }
}

/// Awaits an already-resolved JS Promise through `executor`'s bridge: the
/// smallest hop through the JS microtask queue that Rust can take, for
/// lessons that show where it lands.
pub async fn resolved_promise(executor: Executor) {
    // Promise.resolve(undefined) is a native Promise that never rejects.
    let _ = settle_on(executor, &JsValue::UNDEFINED).await;
}
