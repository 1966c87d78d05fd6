//! The compose lesson in a real browser: for each combinator, a composition
//! built at run time from its text polls exactly as the same composition
//! written by hand in Rust (the shape the generated code has): the same
//! tasks, polled the same number of times, with the same events in the same
//! order in the trace. And the export's own rules: a join of a sleep and a
//! block takes about the longer, with the block's one long poll inside the
//! sleep's wait; a syntax error is a SyntaxError, a limit a RangeError.
#![cfg(target_arch = "wasm32")]
// A panic in a test is a failing test: the crate-wide bans are for input-reachable code.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::rc::Rc;

use async_rust_lab::api::compose::{compose, CompositionText};
use async_rust_lab::lessons::compose::parse::parse;
use async_rust_lab::lessons::compose::run::{build, Composer, Failure, Outcome, Value};
use async_rust_lab::runtime::clock::performance_clock;
use async_rust_lab::runtime::run::{Report, Run};
use async_rust_lab::runtime::thread::block_for;
use async_rust_lab::runtime::time::sleep;
use async_rust_lab::runtime::trace::EventKind;
use futures::channel::oneshot;
use futures::future::{self, Either};
use futures::FutureExt;
use js_sys::Reflect;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

fn new_run() -> Run {
    Run::start("compose", "test", vec![], performance_clock(), None)
}

/// Runs `future` as a task of its own and awaits its output through a
/// channel: only its own wakes poll it. Awaited straight from the test, it
/// would also be polled whenever the test harness polls the test.
async fn isolated<T: 'static>(future: impl std::future::Future<Output = T> + 'static) -> T {
    let (sender, receiver) = oneshot::channel();
    wasm_bindgen_futures::spawn_local(async move {
        let _ = sender.send(future.await);
    });
    receiver.await.unwrap()
}

/// Runs `text` through the lesson, in a task of its own: parsed, built at
/// run time, traced.
async fn composed(text: &'static str) -> (Outcome, Report) {
    isolated(composed_here(text)).await
}

async fn composed_here(text: &str) -> (Outcome, Report) {
    let tree = parse(text).unwrap();
    let composer = Rc::new(Composer::new(new_run(), &tree));
    let outcome = build(&composer, &tree).await;
    composer.spawned_done().await;
    let composer = Rc::try_unwrap(composer)
        .ok()
        .expect("no task outlived the run");
    (outcome, composer.into_run().finish())
}

/// Each event as (task, what happened), in order: times left out, since two
/// runs never take exactly the same microseconds.
fn shape(report: &Report) -> Vec<(String, String)> {
    report
        .events
        .iter()
        .map(|e| {
            let name = report.tasks[e.task as usize].name.to_owned();
            let kind = match e.kind {
                EventKind::Created => "created".to_owned(),
                EventKind::PollStart { depth } => format!("poll-start depth {depth}"),
                EventKind::PollEnd { ready, .. } => format!("poll-end ready {ready}"),
                EventKind::Woken { by } => format!("woken by {}", by.as_str()),
                EventKind::Completed => "completed".to_owned(),
                EventKind::Dropped => "dropped".to_owned(),
                EventKind::Armed { .. } => "armed".to_owned(),
                EventKind::Fired => "fired".to_owned(),
            };
            (name, kind)
        })
        .collect()
}

/// The polls of each task (the timers' leaves, never polled through a task, left out).
fn polls(report: &Report) -> Vec<(&'static str, u32)> {
    report
        .task_summaries()
        .iter()
        .map(|t| (t.name, t.polls))
        .collect()
}

fn lines(report: &Report) -> Vec<String> {
    report.lines.iter().map(|l| l.text.clone()).collect()
}

/// The hand-written leaf: what `sleep(ms, "label")` stands for.
async fn sleeper(run: &Run, ms: u32, label: &str) -> Outcome {
    sleep(ms).await;
    Ok(Value::Text(run.print(label)))
}

fn assert_same(composed: &Report, by_hand: &Report) {
    assert_eq!(polls(composed), polls(by_hand));
    assert_eq!(shape(composed), shape(by_hand));
    assert_eq!(lines(composed), lines(by_hand));
}

#[wasm_bindgen_test]
async fn join_polls_like_try_join_by_hand() {
    let (outcome, from_text) = composed(r#"join(sleep(40, "a"), sleep(10, "b"))"#).await;
    assert_eq!(
        outcome,
        Ok(Value::List(vec![
            Value::Text("a".into()),
            Value::Text("b".into())
        ]))
    );
    let (value, by_hand) = isolated(async {
        let run = new_run();
        let value = run
            .task("join", async {
                let (a, b) = futures::try_join!(
                    run.task("a", sleeper(&run, 40, "a")),
                    run.task("b", sleeper(&run, 10, "b")),
                )?;
                Ok::<_, Failure>(Value::List(vec![a, b]))
            })
            .await;
        (value, run.finish())
    })
    .await;
    assert_eq!(value, outcome);
    assert_same(&from_text, &by_hand);
    // join polls the sleeping one again, unwoken, when the other wakes: 3 polls.
    assert_eq!(polls(&from_text), [("join", 3), ("a", 3), ("b", 2)]);
}

#[wasm_bindgen_test]
async fn select_drops_its_losers_like_select_all_by_hand() {
    let (outcome, from_text) = composed(r#"select(sleep(40, "one"), sleep(10, "two"))"#).await;
    assert_eq!(outcome, Ok(Value::Text("two".into())));
    let by_hand = isolated(async {
        let run = new_run();
        run.task("select", async {
            let (first, _, rest) = future::select_all([
                run.task("one", sleeper(&run, 40, "one")).boxed_local(),
                run.task("two", sleeper(&run, 10, "two")).boxed_local(),
            ])
            .await;
            drop(rest);
            first
        })
        .await
        .unwrap();
        run.finish()
    })
    .await;
    assert_same(&from_text, &by_hand);
    assert_eq!(lines(&from_text), ["two"]);
    let one = from_text.tasks.iter().find(|t| t.name == "one").unwrap();
    assert_eq!(one.outcome.as_str(), "dropped");
}

#[wasm_bindgen_test]
async fn an_err_that_finishes_first_wins_a_select() {
    let (outcome, report) =
        composed(r#"select(sleep(30, "slow"), seq(yield(), fail("no")))"#).await;
    assert_eq!(outcome.unwrap_err().message, "no");
    assert!(lines(&report).iter().all(|l| l != "slow"));
}

#[wasm_bindgen_test]
async fn seq_awaits_in_turn_like_awaits_by_hand_and_stops_at_the_first_err() {
    let text = r#"seq(sleep(20, "a"), yield("b"), block(5, "c"), fail("d"), sleep(5, "e"))"#;
    let (outcome, from_text) = composed(text).await;
    assert_eq!(outcome.unwrap_err().message, "d");
    let by_hand = isolated(async {
        let run = new_run();
        let _ = run
            .task("seq", async {
                let a = run.task("a", sleeper(&run, 20, "a"));
                let b = run.task("b", async {
                    let mut yielded = false;
                    std::future::poll_fn(|cx| {
                        if yielded {
                            std::task::Poll::Ready(())
                        } else {
                            yielded = true;
                            cx.waker().wake_by_ref();
                            std::task::Poll::Pending
                        }
                    })
                    .await;
                    Ok::<_, Failure>(Value::Text(run.print("b")))
                });
                let c = run.task("c", async {
                    block_for(5);
                    Ok::<_, Failure>(Value::Text(run.print("c")))
                });
                let d = run.task("d", async {
                    Err::<Value, _>(Failure {
                        node: 4,
                        message: "d".into(),
                    })
                });
                let e = run.task("e", sleeper(&run, 5, "e"));
                a.await?;
                b.await?;
                c.await?;
                d.await?;
                e.await
            })
            .await;
        run.finish()
    })
    .await;
    assert_same(&from_text, &by_hand);
    // `e` was built but never awaited: never polled, dropped.
    let e = from_text.tasks.iter().find(|t| t.name == "e").unwrap();
    assert_eq!((e.polls, e.outcome.as_str()), (0, "dropped"));
    // `b` yielded: woken by itself, polled twice.
    assert!(shape(&from_text).contains(&("b".into(), "woken by itself".into())));
}

#[wasm_bindgen_test]
async fn timeout_drops_the_loser_like_select_by_hand() {
    let (outcome, from_text) = composed(r#"timeout(10, sleep(40, "late"))"#).await;
    assert_eq!(outcome.unwrap_err().message, "timed out after 10 ms");
    let by_hand = isolated(async {
        let run = new_run();
        let _ = run
            .task("timeout 10", async {
                let work = run.task("late", sleeper(&run, 40, "late")).boxed_local();
                let timer = run.task("timeout 10 timer", sleep(10)).boxed_local();
                match future::select(work, timer).await {
                    Either::Left((value, _timer)) => value,
                    Either::Right(((), _work)) => Err(Failure {
                        node: 0,
                        message: "timed out after 10 ms".into(),
                    }),
                }
            })
            .await;
        run.finish()
    })
    .await;
    assert_same(&from_text, &by_hand);
    assert!(lines(&from_text).is_empty());
}

#[wasm_bindgen_test]
async fn spawn_is_a_task_of_its_own_polled_by_the_executor_like_spawn_local_by_hand() {
    let (outcome, from_text) = composed(r#"spawn(sleep(10, "child"))"#).await;
    assert_eq!(outcome, Ok(Value::Text("child".into())));
    let by_hand = isolated(async {
        let run = Rc::new(new_run());
        let (sender, receiver) = oneshot::channel();
        let child_run = Rc::clone(&run);
        // Spawned first, then the spawn's own task made: the lesson's order.
        wasm_bindgen_futures::spawn_local(async move {
            let run = child_run;
            let out = run.task("child", sleeper(&run, 10, "child")).await;
            let _ = sender.send(out);
        });
        let spawned = run.task("spawn", async move { receiver.await.unwrap() });
        spawned.await.unwrap();
        // The executor drops the spawned task once it returns, before this
        // next task of its own runs.
        isolated(async {}).await;
        Rc::try_unwrap(run).ok().unwrap().finish()
    })
    .await;
    assert_same(&from_text, &by_hand);
    // The child is polled by the executor itself (depth 0), not inside spawn's poll.
    assert!(shape(&from_text).contains(&("child".into(), "poll-start depth 0".into())));
}

#[wasm_bindgen_test]
async fn join_of_a_sleep_and_a_block_overlaps_them_on_one_thread() {
    let text: JsValue = r#"join(sleep(300, "a"), block(200, "b"))"#.into();
    let result = compose(Some(text.unchecked_into::<CompositionText>()), None)
        .await
        .unwrap();
    let rust = Reflect::get(&result, &"rust".into()).unwrap();
    let total = Reflect::get(&rust, &"totalMs".into())
        .unwrap()
        .as_f64()
        .unwrap();
    assert!(total >= 300.0);
    let report = async_rust_lab::api::report::last_run();
    let tasks = js_sys::Array::from(&Reflect::get(&report, &"tasks".into()).unwrap());
    let task = |name: &str| {
        tasks
            .iter()
            .find(|t| {
                Reflect::get(t, &"name".into())
                    .unwrap()
                    .as_string()
                    .as_deref()
                    == Some(name)
            })
            .unwrap()
    };
    let num = |t: &JsValue, k: &str| Reflect::get(t, &k.into()).unwrap().as_f64().unwrap();
    let (a, b) = (task("a"), task("b"));
    // b: one long poll, inside a's wait: a's timer armed before b's poll, and
    // a done after b's poll ended. Less than 300 + 200 by overlap, not by clock.
    assert_eq!(num(&b, "polls"), 1.0);
    assert!(num(&b, "busyMs") >= 200.0);
    assert!(num(&a, "startMs") <= num(&b, "startMs"));
    assert!(num(&a, "endMs") >= num(&b, "endMs"));
}

#[wasm_bindgen_test]
async fn a_syntax_error_is_a_syntax_error_and_a_limit_a_range_error() {
    let call = |text: &str| {
        let text: JsValue = text.into();
        compose(Some(text.unchecked_into::<CompositionText>()), None)
    };
    let error = call("sleep(300").await.unwrap_err();
    assert!(error.is_instance_of::<js_sys::SyntaxError>());
    let error = call("sleep(60001)").await.unwrap_err();
    assert!(error.is_instance_of::<js_sys::RangeError>());
    let deep = format!("{}sleep(1){}", "seq(".repeat(900), ")".repeat(900));
    let error = call(&deep).await.unwrap_err();
    assert!(error.is_instance_of::<js_sys::RangeError>());
}
