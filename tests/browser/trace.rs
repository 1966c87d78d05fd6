//! The trace's teaching points, read from `lab.trace()` data in a real browser:
//! a sleeping future is polled twice, not spun; `join` polls both to Pending
//! before either is Ready; a race's loser ends with a drop. And what recording
//! an event costs.
#![cfg(target_arch = "wasm32")]
// A panic in a test is a failing test: the crate-wide bans are for input-reachable code.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, Waker};

use async_rust_lab::api::args::Millis;
use async_rust_lab::api::report::{trace, trace_summary};
use async_rust_lab::api::sequence::{concurrent, race, sequential};
use async_rust_lab::runtime::clock::performance_clock;
use async_rust_lab::runtime::run::Run;
use async_rust_lab::runtime::trace::DEFAULT_CAP;
use js_sys::{Array, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

fn ms(n: f64) -> Option<Millis> {
    Some(JsValue::from_f64(n).unchecked_into())
}

/// One trace event as (task, kind, detail), detail being result/by/waiting.
#[derive(Debug, PartialEq)]
struct Ev {
    task: String,
    kind: String,
    detail: String,
}

fn text(value: &JsValue, key: &str) -> String {
    Reflect::get(value, &key.into())
        .unwrap()
        .as_string()
        .unwrap_or_default()
}

fn events() -> Vec<Ev> {
    Array::from(&trace())
        .iter()
        .map(|e| Ev {
            task: text(&e, "task"),
            kind: text(&e, "kind"),
            detail: [text(&e, "result"), text(&e, "by"), text(&e, "waiting")].concat(),
        })
        .collect()
}

fn of(events: &[Ev], task: &str) -> Vec<(String, String)> {
    events
        .iter()
        .filter(|e| e.task == task)
        .map(|e| (e.kind.clone(), e.detail.clone()))
        .collect()
}

fn pair(kind: &str, detail: &str) -> (String, String) {
    (kind.to_owned(), detail.to_owned())
}

#[wasm_bindgen_test]
async fn a_sleeping_future_is_polled_twice_pending_then_ready_after_its_timer_wakes_it() {
    sequential(ms(150.0), ms(0.0), None).await.unwrap();
    assert_eq!(
        of(&events(), "thread one"),
        [
            pair("created", ""),
            pair("poll-start", ""),
            pair("poll-end", "pendingtimer"),
            pair("woken", "timer"),
            pair("poll-start", ""),
            pair("poll-end", "ready"),
            pair("completed", ""),
        ]
    );
    let summary = Array::from(&trace_summary()).get(0);
    let number = |key: &str| {
        Reflect::get(&summary, &key.into())
            .unwrap()
            .as_f64()
            .unwrap()
    };
    assert_eq!((number("polls"), number("wakes")), (2.0, 1.0));
    // A sleep of 150 ms is idle time (between its two polls), the thread free
    // for others; what its polls took is not bounded here.
    assert!(number("idleMs") > 140.0, "{summary:?}");
}

#[wasm_bindgen_test]
async fn join_polls_both_tasks_to_pending_before_either_is_ready() {
    concurrent(ms(80.0), ms(40.0), None).await.unwrap();
    let all = events();
    let position = |task: &str, detail: &str| {
        all.iter()
            .position(|e| e.task == task && e.kind == "poll-end" && e.detail.starts_with(detail))
            .unwrap()
    };
    let first_ready = position("thread one", "ready").min(position("thread two", "ready"));
    assert!(position("thread one", "pending") < first_ready);
    assert!(position("thread two", "pending") < first_ready);
}

#[wasm_bindgen_test]
async fn the_loser_of_a_race_ends_with_a_drop_before_it_was_ever_ready() {
    race(ms(300.0), ms(20.0), None).await.unwrap();
    let loser = of(&events(), "thread one");
    assert_eq!(loser.last(), Some(&pair("dropped", "")));
    assert!(!loser.contains(&pair("poll-end", "ready")));
    assert!(!loser.contains(&pair("completed", "")));
}

#[wasm_bindgen_test]
async fn polls_of_top_level_tasks_never_overlap_on_the_one_thread() {
    concurrent(ms(30.0), ms(10.0), None).await.unwrap();
    let all = Array::from(&trace());
    let mut open = 0;
    for event in all.iter() {
        let depth = Reflect::get(&event, &"depth".into()).unwrap().as_f64();
        match text(&event, "kind").as_str() {
            "poll-start" if depth == Some(0.0) => {
                open += 1;
                assert_eq!(open, 1, "two polls at once on one thread");
            }
            "poll-end" => open = 0,
            _ => {}
        }
    }
}

/// Pending forever: each poll of its task records exactly two events.
struct Never;

impl Future for Never {
    type Output = ();
    fn poll(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<()> {
        Poll::Pending
    }
}

// What recording an event costs is a row of the benchmark (benchTraceEvent),
// measured in the release build: a ratio, not a test's bound.
#[wasm_bindgen_test]
fn a_trace_is_bounded_and_counts_the_events_it_left_out() {
    let run = Run::start("trace", "cost", vec![], performance_clock(), None);
    let mut task = Box::pin(run.task("busy", Never));
    let polls: u32 = 50_000;
    for _ in 0..polls {
        let _ = task.as_mut().poll(&mut Context::from_waker(Waker::noop()));
    }
    drop(task);
    let report = run.finish();
    assert_eq!(report.events.len(), DEFAULT_CAP);
    let recorded = 1 + 2 * polls as usize + 1; // created, two per poll, dropped
    assert_eq!(report.events_left_out, (recorded - DEFAULT_CAP) as u64);
    assert_eq!(report.tasks[0].polls, polls);
}
