//! The reaction executor and `reaction_await` in a real browser: the exact
//! value or reason, many awaits at once, a dropped await, a task that wakes
//! itself, where the continuation runs among JS microtasks (against a JS
//! `async function` and against wasm-bindgen-futures), and a trap that does
//! not leave the executor stuck.
// The research wing (src/research) exists only with the `bench` feature.
#![cfg(all(target_arch = "wasm32", feature = "bench"))]
// A panic in a test is a failing test: the crate-wide bans are for input-reachable code.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::cell::{Cell, RefCell};
use std::future::{poll_fn, Future};
use std::pin::pin;
use std::rc::Rc;
use std::task::{Poll, Waker};

use async_rust_lab::runtime::reaction_executor::{
    awaits_in_use, reaction_await, spawn, spawn_promise, tasks_alive, POLL_BUDGET,
};
use async_rust_lab::runtime::time::sleep;
use futures::future::{self, Either};
use js_sys::{Array, Promise};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;

#[wasm_bindgen(inline_js = r#"
export function later(ms, value) {
  return new Promise((resolve) => setTimeout(() => resolve(value), ms));
}
export function rejectLater(ms, reason) {
  return new Promise((_, reject) => setTimeout(() => reject(reason), ms));
}
export function queueMark(log, text) { queueMicrotask(() => log.push(text)); }
export async function jsAsyncOrder() {
  const log = [];
  const resolved = Promise.resolve(1);
  const done = (async () => { await resolved; log.push('continuation'); })();
  queueMicrotask(() => log.push('microtask'));
  await done;
  await new Promise((resolve) => setTimeout(resolve, 0));
  return log;
}
// A JS microtask that queues itself again until stopped: the turns it counts
// are the turns of the microtask queue, so a chain of Rust hops interleaves
// with it one for one.
export function countMicrotasks() {
  const counter = { ticks: 0, running: true };
  const tick = () => {
    if (!counter.running) return;
    counter.ticks += 1;
    queueMicrotask(tick);
  };
  queueMicrotask(tick);
  return counter;
}
export function stopCounting(counter) {
  counter.running = false;
  return counter.ticks;
}
export function withThrowingConstructor(reason) {
  const p = Promise.resolve(1);
  Object.defineProperty(p, 'constructor', { get() { throw reason; } });
  return p;
}
"#)]
extern "C" {
    fn later(ms: u32, value: &JsValue) -> Promise;
    #[wasm_bindgen(js_name = rejectLater)]
    fn reject_later(ms: u32, reason: &JsValue) -> Promise;
    #[wasm_bindgen(js_name = queueMark)]
    fn queue_mark(log: &Array, text: &str);
    #[wasm_bindgen(js_name = jsAsyncOrder)]
    fn js_async_order() -> Promise;
    #[wasm_bindgen(js_name = withThrowingConstructor)]
    fn with_throwing_constructor(reason: &JsValue) -> Promise;
    #[wasm_bindgen(js_name = countMicrotasks)]
    fn count_microtasks() -> JsValue;
    #[wasm_bindgen(js_name = stopCounting)]
    fn stop_counting(counter: &JsValue) -> u32;
}

/// Runs `future` on the reaction executor and waits for it from the test.
async fn on_executor<F>(future: F) -> Result<JsValue, JsValue>
where
    F: Future<Output = Result<JsValue, JsValue>> + 'static,
{
    JsFuture::from(spawn_promise(future)).await
}

fn strings(log: &Array) -> Vec<String> {
    log.iter().map(|v| v.as_string().unwrap()).collect()
}

#[wasm_bindgen_test]
async fn a_rejection_reaches_rust_with_the_very_reason() {
    let reason = js_sys::Object::new();
    let expected = reason.clone();
    let got = on_executor(async move {
        let error = reaction_await(&Promise::reject(&reason)).await.unwrap_err();
        assert!(js_sys::Object::is(&error, &reason), "not the same object");
        // Not only Errors: any JS value, as `await` gives it, also later.
        let later_reason = reaction_await(&reject_later(10, &JsValue::from("plain string")))
            .await
            .unwrap_err();
        assert_eq!(later_reason.as_string().as_deref(), Some("plain string"));
        let undefined = reaction_await(&Promise::reject(&JsValue::UNDEFINED))
            .await
            .unwrap_err();
        assert!(undefined.is_undefined());
        Ok(error)
    })
    .await
    .unwrap();
    assert!(js_sys::Object::is(&got, &expected));

    // An Err from the task rejects the Promise JS awaits, with the same value.
    let rejected = on_executor(async {
        reaction_await(&Promise::reject(&JsValue::from(7))).await?;
        Ok(JsValue::NULL)
    })
    .await
    .unwrap_err();
    assert_eq!(rejected.as_f64(), Some(7.0));
}

#[wasm_bindgen_test]
async fn a_promise_whose_then_throws_becomes_a_rejection_not_an_exception() {
    let reason = on_executor(async {
        reaction_await(&with_throwing_constructor(&JsValue::from("boom"))).await
    })
    .await
    .unwrap_err();
    assert_eq!(reason.as_string().as_deref(), Some("boom"));
}

#[wasm_bindgen_test]
async fn many_concurrent_awaits_each_get_their_own_value() {
    const TASKS: u32 = 300;
    let before = awaits_in_use();
    let results = Rc::new(RefCell::new(vec![None; TASKS as usize]));
    // Settle in an order unrelated to the order of the awaits: 0 to 29 ms.
    let promises: Vec<Promise> = (0..TASKS)
        .map(|i| later((i * 7) % 30, &JsValue::from(i)))
        .collect();
    let waits: Vec<Promise> = promises
        .into_iter()
        .enumerate()
        .map(|(i, promise)| {
            let results = results.clone();
            spawn_promise(async move {
                let value = reaction_await(&promise).await?;
                results.borrow_mut()[i] = value.as_f64();
                Ok(JsValue::UNDEFINED)
            })
        })
        .collect();
    // Meanwhile each is waiting in its own slot.
    assert_eq!(awaits_in_use(), before + TASKS as usize);
    for wait in waits {
        JsFuture::from(wait).await.unwrap();
    }
    let expected: Vec<Option<f64>> = (0..TASKS).map(|i| Some(f64::from(i))).collect();
    assert_eq!(*results.borrow(), expected);

    // And many awaits inside one task, joined.
    let joined = on_executor(async {
        let promises: Vec<Promise> = (0..100)
            .map(|i| later(i % 5, &JsValue::from(i * 2)))
            .collect();
        let values = future::join_all(promises.iter().map(reaction_await)).await;
        let sum: f64 = values
            .into_iter()
            .map(|v| v.unwrap().as_f64().unwrap())
            .sum();
        Ok(sum.into())
    })
    .await
    .unwrap();
    assert_eq!(joined.as_f64(), Some(9900.0));
    assert_eq!(awaits_in_use(), before, "every slot went back");
}

#[wasm_bindgen_test]
async fn an_await_dropped_mid_flight_frees_its_slot_when_the_promise_settles() {
    let before_awaits = awaits_in_use();
    let before_tasks = tasks_alive();
    let outcome = on_executor(async {
        let slow = later(40, &JsValue::from("too late"));
        let winner = match future::select(pin!(reaction_await(&slow)), pin!(sleep(5))).await {
            Either::Left(_) => "the 40 ms promise won",
            Either::Right(_) => "sleep won",
        };
        Ok(JsValue::from(winner))
    })
    .await
    .unwrap();
    assert_eq!(outcome.as_string().as_deref(), Some("sleep won"));
    // The loser's reaction is still attached, so its slot is held, not reused.
    assert_eq!(awaits_in_use(), before_awaits + 1);
    assert_eq!(tasks_alive(), before_tasks, "the task itself finished");

    // Another task takes the freed task slot; the late settle must wake nobody.
    let polls = Rc::new(Cell::new(0));
    let counted = polls.clone();
    let parked = Rc::new(RefCell::new(None::<Waker>));
    let park = parked.clone();
    spawn(poll_fn(move |cx| {
        counted.set(counted.get() + 1);
        *park.borrow_mut() = Some(cx.waker().clone());
        Poll::<()>::Pending
    }));
    assert_eq!(polls.get(), 1);

    sleep(60).await;
    assert_eq!(awaits_in_use(), before_awaits, "the late settle freed it");
    assert_eq!(polls.get(), 1, "the late settle woke an unrelated task");

    // Everything still works, and the parked task finishes when woken.
    let value = on_executor(async { reaction_await(&Promise::resolve(&JsValue::from(5))).await })
        .await
        .unwrap();
    assert_eq!(value.as_f64(), Some(5.0));
    parked.borrow_mut().take().unwrap().wake();
    assert_eq!(polls.get(), 1, "a wake from outside is never a nested poll");
    JsFuture::from(Promise::resolve(&JsValue::NULL))
        .await
        .unwrap();
    assert_eq!(polls.get(), 2, "polled one microtask after the wake");
}

#[wasm_bindgen_test]
fn a_task_that_wakes_itself_is_polled_again_after_its_poll_not_inside_it() {
    let polls = Rc::new(Cell::new(0u32));
    let depth = Rc::new(Cell::new(0u32));
    let deepest = Rc::new(Cell::new(0u32));
    let (p, d, m) = (polls.clone(), depth.clone(), deepest.clone());
    spawn(poll_fn(move |cx| {
        d.set(d.get() + 1);
        m.set(m.get().max(d.get()));
        p.set(p.get() + 1);
        let poll = if p.get() < 3 {
            // Woken twice from inside its own poll.
            // Both ways: by reference, and by value (a clone, as a future that
            // kept its waker would).
            cx.waker().wake_by_ref();
            let kept = cx.waker().clone();
            kept.wake();
            Poll::Pending
        } else {
            Poll::Ready(())
        };
        d.set(d.get() - 1);
        poll
    }));
    // Spawned from outside the executor: polled at once, and each self-wake
    // polled again by the same loop before spawn returned.
    assert_eq!(polls.get(), 3);
    assert_eq!(deepest.get(), 1, "a poll ran inside another poll");
}

#[wasm_bindgen_test]
async fn a_task_that_keeps_waking_itself_lets_js_run_between_budgets() {
    let polls = Rc::new(Cell::new(0u32));
    let counted = polls.clone();
    let log = Array::new();
    spawn(poll_fn(move |cx| {
        counted.set(counted.get() + 1);
        if counted.get() < 3 * POLL_BUDGET {
            cx.waker().wake_by_ref();
            Poll::Pending
        } else {
            Poll::Ready(())
        }
    }));
    // One drain polls at most POLL_BUDGET times; the rest waits for later
    // microtasks, so a JS microtask queued now gets its turn in between.
    assert_eq!(polls.get(), POLL_BUDGET);
    queue_mark(&log, "js ran");
    let seen = polls.clone();
    let at_mark = Rc::new(Cell::new(0u32));
    let record = at_mark.clone();
    let marker = Closure::<dyn Fn()>::new(move || record.set(seen.get()));
    web_sys::window()
        .unwrap()
        .queue_microtask(marker.as_ref().unchecked_ref());
    sleep(10).await;
    assert_eq!(polls.get(), 3 * POLL_BUDGET, "it still ran to completion");
    assert_eq!(strings(&log), ["js ran"]);
    assert!(
        at_mark.get() < 3 * POLL_BUDGET,
        "JS waited for all {} polls",
        at_mark.get()
    );
}

#[wasm_bindgen_test]
async fn the_continuation_runs_before_a_microtask_queued_after_the_await_began() {
    // A JS async function: the continuation runs in the reaction job, first.
    let js = Array::from(&JsFuture::from(js_async_order()).await.unwrap());
    assert_eq!(strings(&js), ["continuation", "microtask"]);

    // The reaction executor: the same order.
    let log = Array::new();
    let ours = log.clone();
    on_executor(async move {
        let resolved = Promise::resolve(&JsValue::from(1));
        let mut awaiting = pin!(reaction_await(&resolved));
        let mut queued = false;
        poll_fn(|cx| {
            let poll = awaiting.as_mut().poll(cx);
            if !queued {
                // The await has begun (its `then` is attached): queue a JS microtask.
                queued = true;
                queue_mark(&ours, "microtask");
            }
            poll
        })
        .await?;
        ours.push(&"continuation".into());
        Ok(JsValue::UNDEFINED)
    })
    .await
    .unwrap();
    sleep(0).await;
    assert_eq!(strings(&log), ["continuation", "microtask"]);

    // wasm-bindgen-futures (JsFuture under spawn_local): one microtask later,
    // so the JS microtask runs first.
    let log = Array::new();
    let stock = log.clone();
    let done = Rc::new(Cell::new(false));
    let finished = done.clone();
    wasm_bindgen_futures::spawn_local(async move {
        let mut awaiting = pin!(JsFuture::from(Promise::resolve(&JsValue::from(1))));
        let mut queued = false;
        let _ = poll_fn(|cx| {
            let poll = awaiting.as_mut().poll(cx);
            if !queued {
                queued = true;
                queue_mark(&stock, "microtask");
            }
            poll
        })
        .await;
        stock.push(&"continuation".into());
        finished.set(true);
    });
    while !done.get() {
        sleep(1).await;
    }
    assert_eq!(strings(&log), ["microtask", "continuation"]);
}

#[wasm_bindgen_test]
async fn an_await_on_the_executor_takes_one_microtask_turn_where_the_stock_bridge_takes_two() {
    // The shape, counted rather than timed: a JS microtask that requeues itself
    // turns once for every microtask the awaits take. On the executor the
    // reaction job itself polls the task (one turn per await); under
    // wasm-bindgen-futures the reaction only wakes it and a second microtask
    // polls it (two). How much faster that is, is the benchmark's business.
    let resolved = Promise::resolve(&JsValue::from(1));
    let n: u32 = 2_000;
    let promise = resolved.clone();
    let counter = count_microtasks();
    let sum = on_executor(async move {
        let mut sum = 0.0;
        for _ in 0..n {
            sum += reaction_await(&promise).await?.as_f64().unwrap_or(0.0);
        }
        Ok(sum.into())
    })
    .await
    .unwrap();
    let ours = stop_counting(&counter);
    assert_eq!(sum.as_f64(), Some(f64::from(n)));

    let counter = count_microtasks();
    for _ in 0..n {
        JsFuture::from(resolved.clone()).await.unwrap();
    }
    let stock = stop_counting(&counter);
    // A few turns more for starting the task and hearing its end.
    assert!(
        (n..n + 10).contains(&ours),
        "{ours} turns for {n} awaits on the executor"
    );
    assert!(
        (2 * n..2 * n + 10).contains(&stock),
        "{stock} turns for {n} awaits through JsFuture"
    );
}

#[wasm_bindgen_test]
async fn a_panic_inside_a_task_does_not_stop_the_next_tasks() {
    let before = tasks_alive();
    // Swallow the uncaught RuntimeError this test causes on purpose, so the
    // harness does not count it against the test; the page's trap recovery
    // would see it as it sees any trap.
    let window = web_sys::window().unwrap();
    let swallow = Closure::<dyn Fn(web_sys::Event)>::new(|event: web_sys::Event| {
        event.prevent_default();
    });
    window
        .add_event_listener_with_callback("error", swallow.as_ref().unchecked_ref())
        .unwrap();

    // The panic happens inside a reaction job (after an await), so the poll
    // that panics never returns: wasm has no unwinding.
    spawn(async {
        let _ = reaction_await(&Promise::resolve(&JsValue::NULL)).await;
        panic!("on purpose, inside a task");
    });
    sleep(20).await;

    // The next tasks run as usual, on the same instance.
    let value = on_executor(async {
        let mut last = JsValue::NULL;
        for i in 0..10 {
            last = reaction_await(&Promise::resolve(&JsValue::from(i))).await?;
        }
        Ok(last)
    })
    .await
    .unwrap();
    assert_eq!(value.as_f64(), Some(9.0));
    assert_eq!(tasks_alive(), before, "the trapped task was forgotten");
    window
        .remove_event_listener_with_callback("error", swallow.as_ref().unchecked_ref())
        .unwrap();
}

/// A waker that counts its wakes: "someone else's" waker inside a task.
struct CountingWaker(std::sync::atomic::AtomicU32);

impl std::task::Wake for CountingWaker {
    fn wake(self: std::sync::Arc<Self>) {
        self.wake_by_ref();
    }
    fn wake_by_ref(self: &std::sync::Arc<Self>) {
        self.0.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    }
}

// The executor records "this task" instead of a waker when an await is polled
// with the task's own waker. The Future contract still holds: whatever waker
// polled the await last is the one its settle wakes, whichever way it changed.
#[wasm_bindgen_test]
async fn the_waker_of_the_latest_poll_is_woken_whichever_way_it_changed() {
    let counter = std::sync::Arc::new(CountingWaker(Default::default()));
    let wakes = || counter.0.load(std::sync::atomic::Ordering::Relaxed);

    // 1. First polled with a foreign waker, then awaited by the task itself:
    //    the settle must resume the task.
    let first_counter = counter.clone();
    let resumed = on_executor(async move {
        let promise = later(10, &JsValue::from(41));
        let mut pending = Box::pin(reaction_await(&promise));
        let foreign = Waker::from(first_counter);
        let first = pending
            .as_mut()
            .poll(&mut std::task::Context::from_waker(&foreign));
        assert!(first.is_pending());
        pending.await
    });
    // Raced with a timer, so a task that is never resumed fails here rather
    // than hanging the suite.
    let value = match future::select(pin!(resumed), pin!(sleep(1000))).await {
        Either::Left((value, _)) => value.unwrap(),
        Either::Right(_) => panic!("the task was not resumed by the settle"),
    };
    assert_eq!(value.as_f64(), Some(41.0));
    assert_eq!(wakes(), 0, "the foreign waker was not the latest one");

    // 2. First awaited by the task, then polled with a foreign waker and
    //    parked: the settle must wake the foreign waker, not poll the task.
    let parked = Rc::new(RefCell::new(None));
    let park = parked.clone();
    let task_polls = Rc::new(Cell::new(0u32));
    let counted = task_polls.clone();
    // Leaked (once per test run) so the parked await may outlive the task.
    let promise: &'static Promise = Box::leak(Box::new(later(10, &JsValue::from(42))));
    let second_counter = counter.clone();
    spawn(async move {
        let mut pending = Box::pin(reaction_await(promise));
        poll_fn(|cx| {
            counted.set(counted.get() + 1);
            if counted.get() == 1 {
                // The task's own waker first.
                assert!(pending.as_mut().poll(cx).is_pending());
                Poll::Ready(())
            } else {
                Poll::Pending
            }
        })
        .await;
        let foreign = Waker::from(second_counter);
        assert!(pending
            .as_mut()
            .poll(&mut std::task::Context::from_waker(&foreign))
            .is_pending());
        *park.borrow_mut() = Some(pending);
    });
    assert_eq!(task_polls.get(), 1);
    sleep(30).await;
    assert_eq!(wakes(), 1, "the latest waker was not woken");
    // Polled now with a no-op waker, it has its value.
    let mut pending = parked.borrow_mut().take().unwrap();
    let done = pending
        .as_mut()
        .poll(&mut std::task::Context::from_waker(Waker::noop()));
    assert!(matches!(done, Poll::Ready(Ok(ref v)) if v.as_f64() == Some(42.0)));
}

// Each await gets its own Promise's outcome, even though consecutive awaits
// reuse one slot and the JS half keeps that slot's two reaction functions.
#[wasm_bindgen_test]
async fn consecutive_awaits_in_one_slot_each_get_their_own_outcome() {
    let before = awaits_in_use();
    let seen = on_executor(async {
        let mut seen = Vec::new();
        for i in 0..200u32 {
            let value = JsValue::from(i);
            let promise = match i % 3 {
                0 => Promise::resolve(&value),
                1 => Promise::reject(&value),
                _ => later(0, &value),
            };
            match reaction_await(&promise).await {
                Ok(v) => seen.push((true, v.as_f64().unwrap() as u32)),
                Err(v) => seen.push((false, v.as_f64().unwrap() as u32)),
            }
        }
        Ok(JsValue::from(
            seen.iter()
                .enumerate()
                .all(|(i, &(ok, v))| v == i as u32 && ok == (i % 3 != 1)),
        ))
    })
    .await
    .unwrap();
    assert_eq!(seen.as_bool(), Some(true));
    assert_eq!(awaits_in_use(), before);
}
