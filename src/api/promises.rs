//! Exports of the Future/Promise lesson: Rust awaiting JS (`awaitPromise`,
//! `channel`), JS awaiting Rust (`cook`), and what sets the two apart
//! (`lazy`, `handmade`, `awaitOrder`); and what the executor changes
//! (`awaitOrder` and `awaitPromise` with `{ executor }`, `awaitMany`).

use std::cell::RefCell;
use std::rc::Rc;

use futures::channel::oneshot;
use js_sys::{Array, Error, Function, Promise, Reflect, TypeError};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

use super::args::rules::{Flag, OneOf, WholeNumber};
use super::args::{js_or_undefined, signal_option, JsRule, Millis, RunOptions};
use super::export::{run_lesson, run_shared_lesson, to_promise, to_promise_on};
use super::report::start_run;
use crate::lessons::handmade::{self, ticker_source};
use crate::lessons::promises::{self, DEFAULT_COOK_MS, DEFAULT_WAIT_MS};
use crate::runtime::abort::abortable;
use crate::runtime::bridge::{settle_on, Executor};
use crate::runtime::clock::performance_clock;
use crate::runtime::js_object::object;
use crate::runtime::reaction_executor::reaction_await;
use crate::runtime::run::Run;
use crate::runtime::yield_now::next_turn;

#[wasm_bindgen]
extern "C" {
    /// The options of the lessons that run on either executor, as the caller
    /// passed them, checked by Rust when the export is called.
    #[wasm_bindgen(
        typescript_type = "{ executor?: \"stock\" | \"reaction\"; signal?: AbortSignal }"
    )]
    pub type ExecutorOptions;
}

const EXECUTOR: OneOf<Executor> = OneOf {
    name: "options.executor",
    default: Some(Executor::Stock),
};

/// Reads `options.executor`: `"stock"` (the default) or `"reaction"`; a
/// TypeError or RangeError naming `options.executor` and both choices
/// otherwise.
fn executor_option(options: &JsValue) -> Result<Executor, JsValue> {
    EXECUTOR.field(options, "options", "executor")
}

/// Runs an export's body on the executor `options.executor` names, as a
/// Promise; a bad `executor` rejects it before any body starts.
fn on_executor<F>(
    options: Option<ExecutorOptions>,
    body: impl FnOnce(Executor, JsValue) -> F,
) -> Promise
where
    F: std::future::Future<Output = Result<JsValue, JsValue>> + 'static,
{
    let options = js_or_undefined(options);
    match executor_option(&options) {
        Ok(executor) => to_promise_on(executor, body(executor, options)),
        Err(error) => Promise::reject(&error),
    }
}

/// Awaits `value` in Rust (`JsFuture`) and settles exactly as `await value`
/// would in JS. A Promise or any thenable is
/// awaited; any other value is returned as is. The result is the very value
/// (`await lab.awaitPromise(Promise.resolve(o)) === o`), and a rejection
/// rejects with the very reason, Error or not. With `{ executor: "reaction" }`
/// the same await runs on the lab's reaction executor (`reaction_await`):
/// the same result, one microtask hop sooner.
#[wasm_bindgen(js_name = awaitPromise, unchecked_return_type = "Promise<unknown>", skip_jsdoc)]
pub fn await_promise_export(
    #[wasm_bindgen(
        unchecked_param_type = "unknown",
        param_description = "a Promise, a thenable, or any other value"
    )]
    value: JsValue,
    #[wasm_bindgen(
        param_description = "{ executor, signal }: \"stock\" (default, wasm-bindgen-futures') or \"reaction\" (the lab's); an AbortSignal that stops the wait"
    )]
    options: Option<ExecutorOptions>,
) -> Promise {
    on_executor(options, |executor, options| {
        await_promise_on(executor, value, options)
    })
}

/// The future behind the `awaitPromise` export ([`await_promise_export`]): what its
/// Promise settles with. The wasm tests await it directly: it then runs on
/// the test's executor, with the bridge `options.executor` names.
pub async fn await_promise(
    value: JsValue,
    options: Option<ExecutorOptions>,
) -> Result<JsValue, JsValue> {
    let options = js_or_undefined(options);
    let executor = executor_option(&options)?;
    await_promise_on(executor, value, options).await
}

/// `awaitPromise` once its executor is known.
///
/// Not a lesson run (no trace, no `lastRun()`): the page's pass-through table
/// calls it nine times in a row, which would push every card's run out of the
/// few runs kept for replay.
async fn await_promise_on(
    executor: Executor,
    value: JsValue,
    options: JsValue,
) -> Result<JsValue, JsValue> {
    let signal = signal_option(Some(&options), "options")?;
    abortable(signal, settle_on(executor, &value)).await?
}

/// What `send` or `fail` asked for, carried from JS to the waiting Rust future.
enum Settlement {
    Fulfil(JsValue),
    Reject(JsValue),
}

/// The sending half shared by a pair of resolving functions: the channel's
/// `send` and `fail`, or the resolve and reject handed to a thenable's `then`.
/// Whichever settles first takes it; that is the pair's "already resolved" flag.
struct Sender {
    sender: RefCell<Option<oneshot::Sender<Settlement>>>,
}

impl Sender {
    fn new(sender: oneshot::Sender<Settlement>) -> Rc<Sender> {
        Rc::new(Sender {
            sender: RefCell::new(Some(sender)),
        })
    }

    /// Settles the first time; `false` (and nothing else) after.
    fn settle(&self, settlement: Settlement) -> bool {
        let Some(sender) = self.sender.borrow_mut().take() else {
            return false;
        };
        // Err only if the receiving future is gone, which nothing here allows:
        // it lives as long as the sender holds its waker. Settled either way.
        let _ = sender.send(settlement);
        true
    }
}

/// The Rust future behind a channel's `promise`: what `send` or `fail` asked
/// for, with a sent value resolved as a Promise's own resolve would.
async fn receive(
    receiver: oneshot::Receiver<Settlement>,
    own: Rc<RefCell<JsValue>>,
) -> Result<JsValue, JsValue> {
    match receiver.await {
        Ok(Settlement::Fulfil(value)) => {
            let own = own.borrow().clone();
            resolve_like_a_promise(value, &own).await
        }
        Ok(Settlement::Reject(reason)) => Err(reason),
        // `send` and `fail` were both garbage-collected unused. A Promise whose
        // resolve and reject are gone stays pending forever, so this does too.
        Err(oneshot::Canceled) => futures::future::pending().await,
    }
}

/// One of a pair of resolving functions handed to a thenable's `then`.
fn resolving_function(first: Rc<Sender>, fulfil: bool) -> JsValue {
    Closure::<dyn Fn(JsValue)>::new(move |v: JsValue| {
        first.settle(if fulfil {
            Settlement::Fulfil(v)
        } else {
            Settlement::Reject(v)
        });
    })
    // The thenable may keep it: JS owns it, and the GC frees it.
    .into_js_value()
}

/// What a Promise's resolve function does with `value`, for the promise `own`
/// (ECMAScript's Promise Resolve Functions and NewPromiseResolveThenableJob):
/// `own` itself is a TypeError; a non-object, or an object whose `then` is not
/// a function, fulfils; a `then` getter that throws rejects; a thenable's
/// `then` is called with fresh resolve and reject functions, and the first of
/// them called (or its throw, before either) decides, adopting again if it
/// resolves with another thenable.
///
/// `settle` (`Promise.resolve`, then await) also adopts, but it hands the
/// thenable `Promise.resolve`'s resolvers: a thenable that later resolves with
/// `own` would leave the channel pending forever, where a Promise rejects.
/// Checking `own` at every step, here, is what catches that cycle.
async fn resolve_like_a_promise(mut value: JsValue, own: &JsValue) -> Result<JsValue, JsValue> {
    loop {
        if value == *own {
            return Err(TypeError::new("Chaining cycle detected for promise").into());
        }
        if !value.is_object() && !value.is_function() {
            return Ok(value);
        }
        // A getter may throw: that rejects, as in a Promise.
        let then = Reflect::get(&value, &JsValue::from_str("then"))?;
        let Some(then) = then.dyn_ref::<Function>() else {
            return Ok(value);
        };
        let (sender, receiver) = oneshot::channel::<Settlement>();
        let first = Sender::new(sender);
        let on_fulfil = resolving_function(first.clone(), true);
        let on_reject = resolving_function(first.clone(), false);
        // Called from a poll, so never inside `send` itself: like the spec's
        // job, the thenable's `then` runs later than the call that resolved.
        if let Err(thrown) = then.call2(&value, &on_fulfil, &on_reject) {
            first.settle(Settlement::Reject(thrown));
        }
        drop(first);
        match receiver.await {
            Ok(Settlement::Fulfil(next)) => value = next,
            Ok(Settlement::Reject(reason)) => return Err(reason),
            // The thenable dropped both functions uncalled: pending forever,
            // as a Promise adopting such a thenable is.
            Err(oneshot::Canceled) => return futures::future::pending().await,
        }
    }
}

/// Makes a oneshot channel: `promise` is a Rust future bridged to a Promise,
/// settled once by `send(value)` or `fail(reason)`. The receiving end is a Rust
/// future handed to JS with `future_to_promise`. `send(value)` resolves it and
/// `fail(reason)` rejects it, as a Promise's own resolve and reject would: any
/// value, a thenable is adopted, the promise itself is a TypeError. It settles
/// once: the first call returns true, later ones change nothing and return
/// false.
#[wasm_bindgen(unchecked_return_type = "LabChannel", skip_jsdoc)]
pub fn channel() -> JsValue {
    // Not async: like Promise.withResolvers(), the caller needs the resolvers
    // now, not a Promise of them.
    let (sender, receiver) = oneshot::channel();
    // `receive` needs the promise it is behind, which exists only once it is
    // handed to `to_promise`; it reads it after `send`, by then set.
    let own = Rc::new(RefCell::new(JsValue::UNDEFINED));
    let promise: JsValue = to_promise(receive(receiver, own.clone())).into();
    own.replace(promise.clone());
    let shared = Sender::new(sender);
    let to_send = shared.clone();
    let send = Closure::<dyn Fn(JsValue) -> bool>::new(move |value| {
        to_send.settle(Settlement::Fulfil(value))
    });
    let fail = Closure::<dyn Fn(JsValue) -> bool>::new(move |reason| {
        shared.settle(Settlement::Reject(reason))
    });
    // into_js_value: the JS functions own the closures, and wasm-bindgen frees
    // each with a FinalizationRegistry when JS collects it. No forget, no leak,
    // and `const { send } = lab.channel()` works (no `this`).
    let fields = [
        ("promise", promise),
        ("send", send.into_js_value()),
        ("fail", fail.into_js_value()),
    ];
    object(fields)
}

#[wasm_bindgen]
extern "C" {
    /// A dish as the caller passed it: a string union in the `.d.ts`, any JS
    /// value at run time, checked by Rust (like [`Millis`]).
    #[wasm_bindgen(typescript_type = "\"toast\" | \"rice\" | \"soup\"")]
    pub type Dish;

    /// `cook`'s options object as the caller passed it, checked by Rust.
    #[wasm_bindgen(typescript_type = "{ burn?: boolean; cookMs?: number; signal?: AbortSignal }")]
    pub type CookOptions;

    /// A whole number (of wakes) as the caller passed it, checked by Rust.
    #[wasm_bindgen(typescript_type = "number")]
    pub type Count;
}

const DISH: OneOf<promises::Dish> = OneOf {
    name: "dish",
    default: Some(promises::Dish::Toast),
};

const COOK_MS: WholeNumber = WholeNumber {
    name: "options.cookMs",
    unit: "milliseconds",
    min: 0,
    max: 10_000,
    default: DEFAULT_COOK_MS,
};

const BURN: Flag = Flag {
    name: "options.burn",
    default: false,
};

/// Cooks a dish in Rust: resolves to `"toast is ready"` (or rice, soup), or
/// with `{ burn: true }` rejects with an Error saying what burned. It takes
/// options.cookMs either way: a Rust `Ok` is a resolved Promise, an `Err` a
/// rejected one.
#[wasm_bindgen(js_name = cook, unchecked_return_type = "Promise<string>", skip_jsdoc)]
pub fn cook_export(
    #[wasm_bindgen(param_description = "what to cook: \"toast\" (default), \"rice\" or \"soup\"")]
    dish: Option<Dish>,
    #[wasm_bindgen(
        param_description = "burn: true to burn it (default false); cookMs: whole ms from 0 to 10000 (default 400)"
    )]
    options: Option<CookOptions>,
) -> Promise {
    to_promise(cook(dish, options))
}

/// The future behind the `cook` export ([`cook_export`]): what its
/// Promise settles with. The wasm tests await it directly.
pub async fn cook(dish: Option<Dish>, options: Option<CookOptions>) -> Result<JsValue, JsValue> {
    let dish = DISH.arg(dish.as_ref())?;
    let options = js_or_undefined(options);
    let cook_ms = COOK_MS.field(&options, "options", "cookMs")?;
    let burn = BURN.field(&options, "options", "burn")?;
    let cooked = run_lesson(
        ("promises", "cook"),
        vec![
            ("cookMs", cook_ms.into()),
            ("burn", f64::from(u8::from(burn))),
        ],
        Some(&options),
        async |run: &Run| promises::cook(run, dish, cook_ms, burn).await,
    )
    .await?;
    match cooked.value {
        Ok(line) => Ok(line.into()),
        Err(burned) => Err(Error::new(&burned.to_string()).into()),
    }
}

const WAIT_MS: WholeNumber = WholeNumber {
    name: "waitMs",
    unit: "milliseconds",
    min: 0,
    max: 10_000,
    default: DEFAULT_WAIT_MS,
};

/// Makes two Rust futures, A and B, waits waitMs, then awaits only B: A's body
/// never runs. Resolves to the printed lines: B's body runs only when awaited.
#[wasm_bindgen(js_name = lazy, unchecked_return_type = "Promise<string[]>", skip_jsdoc)]
pub fn lazy_export(
    #[wasm_bindgen(
        js_name = "waitMs",
        param_description = "how long to wait before awaiting B, whole ms from 0 to 10000 (default 300)"
    )]
    wait_ms: Option<Millis>,
    #[wasm_bindgen(param_description = "{ signal }: an AbortSignal that stops the run")]
    options: Option<RunOptions>,
) -> Promise {
    to_promise(lazy(wait_ms, options))
}

/// The future behind the `lazy` export ([`lazy_export`]): what its
/// Promise settles with. The wasm tests await it directly.
pub async fn lazy(
    wait_ms: Option<Millis>,
    options: Option<RunOptions>,
) -> Result<JsValue, JsValue> {
    let wait = WAIT_MS.arg(wait_ms.as_ref())?;
    let options = options.map(JsValue::from);
    let lines = run_lesson(
        ("lazy", "lazy"),
        vec![(WAIT_MS.name, wait.into())],
        options.as_ref(),
        async |run: &Run| promises::lazy(run, wait).await,
    )
    .await?;
    Ok(lines
        .value
        .into_iter()
        .map(JsValue::from)
        .collect::<Array>()
        .into())
}

const TICKS: WholeNumber = WholeNumber {
    name: "ticks",
    unit: "wakes",
    min: 0,
    max: 20,
    default: 3,
};

const EVERY_MS: WholeNumber = WholeNumber {
    name: "everyMs",
    unit: "milliseconds",
    min: 0,
    max: 5_000,
    default: 250,
};

/// Polls a Future written by hand (a struct with its own `poll`) that stays
/// Pending until a JS timer has woken it `ticks` times. Its trace (poll,
/// Pending, timer fired: wake(), Ready) is printed as it happens; resolves to
/// the number of polls.
#[wasm_bindgen(js_name = handmade, unchecked_return_type = "Promise<number>", skip_jsdoc)]
pub fn handmade_export(
    #[wasm_bindgen(param_description = "how many timer wakes before Ready, 0 to 20 (default 3)")]
    ticks: Option<Count>,
    #[wasm_bindgen(
        js_name = "everyMs",
        param_description = "the timer's delay, whole ms from 0 to 5000 (default 250)"
    )]
    every_ms: Option<Millis>,
    #[wasm_bindgen(param_description = "{ signal }: an AbortSignal that stops the run")]
    options: Option<RunOptions>,
) -> Promise {
    to_promise(handmade(ticks, every_ms, options))
}

/// The future behind the `handmade` export ([`handmade_export`]): what its
/// Promise settles with. The wasm tests await it directly.
pub async fn handmade(
    ticks: Option<Count>,
    every_ms: Option<Millis>,
    options: Option<RunOptions>,
) -> Result<JsValue, JsValue> {
    let ticks = TICKS.arg(ticks.as_ref())?;
    let every = EVERY_MS.arg(every_ms.as_ref())?;
    let options = options.map(JsValue::from);
    // The ticker's timer callback prints "timer fired", so it holds the run.
    let polls = run_shared_lesson(
        ("handmade", "handmade"),
        vec![(TICKS.name, ticks.into()), (EVERY_MS.name, every.into())],
        options.as_ref(),
        async move |run: Rc<Run>| handmade::tick(run, ticks, every).await,
    )
    .await?;
    Ok(polls.value.into())
}

/// The Rust source of the hand-written future `handmade` polls, as the page shows it.
#[wasm_bindgen(js_name = handmadeSource, skip_jsdoc)]
pub fn handmade_source() -> String {
    ticker_source().to_owned()
}

/// Awaits, in turn, a future that wakes itself, a resolved JS Promise and a
/// `sleep(0)`, printing after each. Call it between your own
/// `queueMicrotask` and `setTimeout(0)` steps to see where each `.await` lands,
/// on wasm-bindgen-futures' executor (`"stock"`, the default) or on the lab's
/// reaction executor (`"reaction"`): the same Rust code, other places.
#[wasm_bindgen(js_name = awaitOrder, unchecked_return_type = "Promise<undefined>", skip_jsdoc)]
pub fn await_order_export(
    #[wasm_bindgen(
        param_description = "{ executor, signal }: \"stock\" (default, wasm-bindgen-futures') or \"reaction\" (the lab's); an AbortSignal that stops the run"
    )]
    options: Option<ExecutorOptions>,
) -> Promise {
    on_executor(options, await_order_on)
}

/// The future behind the `awaitOrder` export ([`await_order_export`]): what its
/// Promise settles with. The wasm tests await it directly: it then runs on
/// the test's executor, with the bridge `options.executor` names.
pub async fn await_order(options: Option<ExecutorOptions>) -> Result<JsValue, JsValue> {
    let options = js_or_undefined(options);
    let executor = executor_option(&options)?;
    await_order_on(executor, options).await
}

/// `awaitOrder` once its executor is known.
async fn await_order_on(executor: Executor, options: JsValue) -> Result<JsValue, JsValue> {
    run_lesson(
        ("await-order", "awaitOrder"),
        vec![],
        Some(&options),
        async |run: &Run| promises::await_order(run, executor).await,
    )
    .await?;
    Ok(JsValue::UNDEFINED)
}

const AWAITS: WholeNumber = WholeNumber {
    name: "n",
    unit: "awaits",
    min: 1,
    max: 1_000_000,
    default: 100_000,
};

#[wasm_bindgen(module = "/src/api/compose_promises.js")]
extern "C" {
    /// JS's own baseline: an `async function` that awaits `promise` `n` times
    /// and resolves to the ms it took. In the compose lesson's module rather
    /// than a snippet of its own (docs/benchmarks.md says why).
    #[wasm_bindgen(js_name = jsAwaits)]
    fn js_awaits(promise: &Promise, n: u32) -> Promise;
}

/// Awaits one already-resolved Promise `n` times in a loop, three ways: a JS
/// `async function`, Rust on wasm-bindgen-futures' executor (`JsFuture`), Rust
/// on the lab's reaction executor (`reaction_await`), in batches of 5,000, the
/// three in turn in each, the page free to draw between batches. Resolves to
/// `{ n, jsMs, stockMs, reactionMs }`, each the sum of its batches' times.
#[wasm_bindgen(
    js_name = awaitMany,
    unchecked_return_type = "Promise<{ n: number; jsMs: number; stockMs: number; reactionMs: number }>",
    skip_jsdoc
)]
pub fn await_many_export(
    #[wasm_bindgen(param_description = "how many awaits each, 1 to 1000000 (default 100000)")]
    n: Option<Count>,
) -> Promise {
    to_promise(await_many(n))
}

/// The future behind the `awaitMany` export ([`await_many_export`]): what its
/// Promise settles with. The wasm tests await it directly.
pub async fn await_many(n: Option<Count>) -> Result<JsValue, JsValue> {
    let n = AWAITS.arg(n.as_ref())?;
    let promise = Promise::resolve(&JsValue::UNDEFINED);
    // Awaits of a resolved Promise are a chain of microtasks, and the browser
    // draws nothing until a chain ends: 100,000 on the stock executor are a
    // frozen page for a few hundred ms. So the awaits run in batches, the three
    // ways in turn within each batch (the machine's load then weighs on all
    // three alike), with a turn of the event loop between batches, and the
    // times are the batches' sums.
    let (mut js_ms, mut stock_ms, mut reaction_ms) = (0.0, 0.0, 0.0);
    let mut left = n;
    while left > 0 {
        let batch = left.min(AWAIT_BATCH);
        js_ms += ms(js_awaits(&promise, batch)).await?;
        stock_ms += ms(time_awaits(Executor::Stock, promise.clone(), batch)).await?;
        reaction_ms += ms(time_awaits(Executor::Reaction, promise.clone(), batch)).await?;
        left = left.saturating_sub(batch);
        if left > 0 {
            next_turn().await;
        }
    }
    let fields = [
        ("n", JsValue::from(n)),
        ("jsMs", js_ms.into()),
        ("stockMs", stock_ms.into()),
        ("reactionMs", reaction_ms.into()),
    ];
    Ok(object(fields))
}

/// How many awaits `awaitMany` times in one go before it lets the page draw:
/// a batch on the stock executor, the slowest of the three, is a task of
/// about 10 ms on the build machine (docs/benchmarks.md).
const AWAIT_BATCH: u32 = 5_000;

/// The ms a timing Promise resolves to.
async fn ms(timing: Promise) -> Result<f64, JsValue> {
    let value = JsFuture::from(timing).await?;
    value
        .as_f64()
        .ok_or_else(|| Error::new("a timing was not a number").into())
}

/// A task on `executor` that awaits `promise` `n` times through that
/// executor's bridge, and a Promise of the ms it took, timed from its first
/// poll to its last. `awaitMany` and the bench page's `benchAwaitPromise`.
pub(crate) fn time_awaits(executor: Executor, promise: Promise, n: u32) -> Promise {
    let clock = performance_clock();
    match executor {
        // Where every `async fn` export runs: wasm-bindgen-futures' executor.
        Executor::Stock => to_promise(async move {
            let started = clock();
            for _ in 0..n {
                JsFuture::from(promise.clone()).await?;
            }
            Ok((clock() - started).into())
        }),
        // The lab's, which settles the returned Promise itself.
        Executor::Reaction => to_promise_on(Executor::Reaction, async move {
            let started = clock();
            for _ in 0..n {
                reaction_await(&promise).await?;
            }
            Ok((clock() - started).into())
        }),
    }
}

/// Experiment: panics on purpose. Prints a line, then a Rust future panics
/// while JS awaits its Promise. Built with `panic = "abort"`, the default for
/// wasm32-unknown-unknown, a panic aborts the instance (`RuntimeError:
/// unreachable`), so the Promise never settles, and nothing
/// else in that instance can be trusted: the page sees the trap, says so, and
/// starts a fresh instance of the module.
#[wasm_bindgen(js_name = panicOnPurpose, unchecked_return_type = "Promise<never>", skip_jsdoc)]
pub fn panic_on_purpose_export() -> Promise {
    to_promise(panic_on_purpose())
}

/// The future behind the `panicOnPurpose` export ([`panic_on_purpose_export`]): what its
/// Promise settles with. The wasm tests await it directly.
#[allow(
    clippy::panic,
    reason = "the experiment: what a panic does to a Promise and its instance"
)]
pub async fn panic_on_purpose() -> Result<JsValue, JsValue> {
    let run = start_run("panic", "panicOnPurpose", vec![]);
    run.print("a Rust future is about to panic");
    panic!("panicOnPurpose: this Rust future panicked on purpose");
}

#[wasm_bindgen(typescript_custom_section)]
const CHANNEL_TYPES: &str = r#"
/** A oneshot channel: a Rust future on the receiving end, a Promise to JS. */
export interface LabChannel {
  /** Settles when `send` or `fail` is first called. */
  promise: Promise<unknown>;
  /** Resolves `promise` with `value` (a thenable is adopted). True the first time, then false. */
  send(value?: unknown): boolean;
  /** Rejects `promise` with `reason`, as is. True the first time, then false. */
  fail(reason?: unknown): boolean;
}
"#;
