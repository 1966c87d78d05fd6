//! The search lesson's parts in a real browser: `fetch_text` (answers, HTTP
//! errors, abort on drop), the four modes against real `fetch`, the export's
//! global timeout and its argument checks.
//!
//! The test runner serves no service worker, so the sources here are `data:`
//! URLs (real fetches that answer at once) and a path the runner answers 404.
//! Latency, races against a slow source and aborted losers in the Network
//! panel are covered end to end in tests/e2e/search.test.mjs.
#![cfg(target_arch = "wasm32")]
// A panic in a test is a failing test: the crate-wide bans are for input-reachable code.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::future::Future;
use std::pin::pin;
use std::task::{Context, Waker};

use async_rust_lab::api::search::{search_stats, SearchModeArg, SearchOptions};
use async_rust_lab::lessons::search::{search, Mode, SearchError, Source, Strategy};
use async_rust_lab::runtime::choice::Choice;
use async_rust_lab::runtime::clock::performance_clock;
use async_rust_lab::runtime::fetch::{
    fetch_text, requests_aborted, requests_in_flight, FetchError,
};
use async_rust_lab::runtime::run::Run;
use async_rust_lab::runtime::trace::Outcome;
use js_sys::{Object, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

const FIGURES: &str = r#"{"date":"2021-01-01","countries":[]}"#;
const MISSING: &str = "/no-such-source.json";

fn answering(name: &'static str, body: &str) -> Source {
    Source {
        name,
        url: format!("data:application/json,{body}"),
    }
}

fn gone(name: &'static str) -> Source {
    Source {
        name,
        url: MISSING.into(),
    }
}

fn run(mode: &'static str) -> Run {
    Run::start("search", mode, vec![], performance_clock(), None)
}

#[wasm_bindgen_test]
async fn fetch_text_resolves_to_the_body() {
    let body = fetch_text(format!("data:application/json,{FIGURES}"))
        .await
        .unwrap();
    assert_eq!(body, FIGURES);
}

#[wasm_bindgen_test]
async fn an_http_error_is_a_status_error_not_a_body() {
    assert_eq!(fetch_text(MISSING).await, Err(FetchError::Status(404)));
}

#[wasm_bindgen_test]
fn a_fetch_is_lazy_and_sends_nothing_until_polled() {
    let before = requests_in_flight();
    let request = fetch_text(MISSING);
    assert_eq!(requests_in_flight(), before);
    drop(request);
    assert_eq!(requests_in_flight(), before);
}

#[wasm_bindgen_test]
fn dropping_a_fetch_in_flight_aborts_its_request() {
    let (in_flight, aborted) = (requests_in_flight(), requests_aborted());
    {
        let mut request = pin!(fetch_text(MISSING));
        let poll = request
            .as_mut()
            .poll(&mut Context::from_waker(Waker::noop()));
        assert!(poll.is_pending(), "a network answer cannot be synchronous");
        assert_eq!(requests_in_flight(), in_flight + 1);
    }
    assert_eq!(requests_in_flight(), in_flight);
    assert_eq!(requests_aborted(), aborted + 1);
}

#[wasm_bindgen_test]
async fn a_finished_fetch_is_not_counted_as_aborted() {
    let aborted = requests_aborted();
    let _ = fetch_text(MISSING).await;
    fetch_text(format!("data:text/plain,{FIGURES}"))
        .await
        .unwrap();
    assert_eq!(requests_aborted(), aborted);
}

#[wasm_bindgen_test]
async fn fallback_moves_on_only_after_a_failure() {
    let run = run("fallback");
    let sources = [
        gone("gone"),
        answering("first", FIGURES),
        answering("never", "{}"),
    ];
    let found = search(&run, Strategy::Fallback, &sources, 5_000)
        .await
        .unwrap();
    assert_eq!(found.source, "first");
    assert_eq!(found.body, FIGURES);
    // The third source is never asked at all.
    let report = run.finish();
    let names: Vec<_> = report.task_summaries().iter().map(|t| t.name).collect();
    assert_eq!(names, ["gone", "first"]);
}

#[wasm_bindgen_test]
async fn sequential_asks_every_source_one_after_the_other() {
    let run = run("sequential");
    let sources = [answering("a", FIGURES), gone("b"), answering("c", FIGURES)];
    let found = search(&run, Strategy::Sequential, &sources, 5_000)
        .await
        .unwrap();
    assert_eq!(found.source, "a");
    let asked: Vec<_> = found
        .asked
        .iter()
        .map(|a| (a.source, a.result.is_ok()))
        .collect();
    assert_eq!(asked, [("a", true), ("b", false), ("c", true)]);
    let report = run.finish();
    let tasks = report.task_summaries();
    for pair in tasks.windows(2) {
        assert!(pair[1].start_ms.unwrap() >= pair[0].end_ms.unwrap());
    }
}

#[wasm_bindgen_test]
async fn race_takes_the_first_answer_not_the_first_failure() {
    let run = run("race");
    let sources = [gone("gone"), answering("ok", FIGURES)];
    let found = search(&run, Strategy::Race, &sources, 5_000).await.unwrap();
    assert_eq!(found.source, "ok");
    // The data: URL usually answers before the server's 404, and then the 404
    // request is the loser, dropped; either way nothing is left running.
    let report = run.finish();
    let tasks = report.task_summaries();
    assert_eq!(tasks[1].outcome, Outcome::Ready);
    assert_ne!(tasks[0].outcome, Outcome::Running);
    assert_eq!(requests_in_flight(), 0);
}

#[wasm_bindgen_test]
async fn hedged_moves_on_at_once_after_a_failure_and_stops_at_the_first_success() {
    let run = run("hedged");
    // A failure, then an answer, then a source never asked: with a hedge of a
    // minute, only a failure can have moved the search on to the second.
    let sources = [gone("gone"), answering("ok", FIGURES), gone("unasked")];
    let found = search(&run, Strategy::Hedged { hedge_ms: 60_000 }, &sources, 5_000)
        .await
        .unwrap();
    assert_eq!(found.source, "ok");
    let report = run.finish();
    let tasks = report.task_summaries();
    let names: Vec<_> = tasks.iter().map(|t| t.name).collect();
    assert_eq!(names, ["gone", "ok"]);
    assert!(tasks[1].start_ms.unwrap() >= tasks[0].end_ms.unwrap());
    assert_eq!(requests_in_flight(), 0);
}

#[wasm_bindgen_test]
async fn all_compares_every_answer() {
    let same = search(
        &run("all"),
        Strategy::All,
        &[answering("a", FIGURES), gone("b"), answering("c", FIGURES)],
        5_000,
    )
    .await
    .unwrap();
    assert_eq!(same.agree, Some(true));
    assert_eq!(same.asked.len(), 3);
    let differ = search(
        &run("all"),
        Strategy::All,
        &[answering("a", FIGURES), answering("c", "{}")],
        5_000,
    )
    .await
    .unwrap();
    assert_eq!(differ.agree, Some(false));
}

#[wasm_bindgen_test]
async fn when_every_source_fails_each_mode_says_why() {
    for &mode in Mode::ALL {
        let strategy = mode.strategy(50);
        let error = search(&run("fail"), strategy, &[gone("x"), gone("y")], 5_000)
            .await
            .unwrap_err();
        let SearchError::NoAnswer { asked } = error else {
            panic!("{mode:?}: {error:?}");
        };
        let reasons: Vec<_> = asked
            .iter()
            .map(|a| a.result.clone().unwrap_err())
            .collect();
        assert_eq!(reasons, ["HTTP 404", "HTTP 404"], "{mode:?}");
    }
}

fn mode(value: &str) -> Option<SearchModeArg> {
    Some(JsValue::from_str(value).unchecked_into())
}

fn options(pairs: &[(&str, JsValue)]) -> Option<SearchOptions> {
    let object = Object::new();
    for (key, value) in pairs {
        Reflect::set(&object, &(*key).into(), value).unwrap();
    }
    Some(object.unchecked_into())
}

#[wasm_bindgen_test]
async fn the_global_timeout_covers_the_wait_for_the_service_worker() {
    // No service worker serves this test page, so the export waits for one
    // until its timeout strikes, then rejects; it does not hang.
    let clock = performance_clock();
    let started = clock();
    let error = search_stats(mode("race"), options(&[("timeoutMs", 60.into())]))
        .await
        .unwrap_err();
    let took = clock() - started;
    let error: js_sys::Error = error.dyn_into().unwrap();
    assert_eq!(String::from(error.name()), "TimeoutError");
    let message = String::from(error.message());
    assert!(
        message.contains("timed out after 60 ms") && message.contains("service worker"),
        "{message}"
    );
    // It waited its whole timeout first; that it did not hang is the Promise
    // settling at all, with this error rather than another.
    assert!(took >= 59.0, "took {took} ms");
}

#[wasm_bindgen_test]
async fn bad_arguments_reject_with_errors_naming_the_parameter() {
    let cases = [
        (
            mode("fast"),
            None,
            "RangeError",
            "mode must be one of \"sequential\", \"fallback\", \"race\", \"all\"",
        ),
        (
            Some(JsValue::TRUE.unchecked_into()),
            None,
            "TypeError",
            "mode must be one of",
        ),
        (
            None,
            options(&[("timeoutMs", (-1).into())]),
            "RangeError",
            "options.timeoutMs must be a whole number of milliseconds from 0 to 60000",
        ),
        (
            None,
            options(&[("slowMs", "5".into())]),
            "TypeError",
            "options.slowMs must be a whole number of milliseconds from 0 to 60000",
        ),
        (
            None,
            Some(JsValue::from(7).unchecked_into()),
            "TypeError",
            "options must be an object",
        ),
    ];
    for (mode, options, class, message) in cases {
        let error: js_sys::Error = search_stats(mode, options)
            .await
            .unwrap_err()
            .dyn_into()
            .unwrap();
        assert_eq!(String::from(error.name()), class);
        let text = String::from(error.message());
        assert!(text.starts_with(message), "{text}");
    }
}
