//! The threads and blocking lessons on the page's one thread, in headless Chrome
//! (`wasm-pack test --headless --chrome`). The test page serves no `worker.js`,
//! and its main thread may not block in `Atomics.wait`, so this is where the
//! fallback sleep and a worker that cannot load are tested; the e2e suite
//! tests real workers.
#![cfg(target_arch = "wasm32")]
// A panic in a test is a failing test: the crate-wide bans are for input-reachable code.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use async_rust_lab::api::args::Millis;
use async_rust_lab::api::blocking::{blocking, BlockingMode};
use async_rust_lab::api::report::{last_run, trace_summary};
use async_rust_lab::api::sequence::concurrent;
use async_rust_lab::api::threads::{thread_cost, threads, worker_job};
use async_rust_lab::lessons::blocking::count_primes;
use async_rust_lab::runtime::clock::performance_clock;
use async_rust_lab::runtime::thread::{
    block_for, cross_origin_isolated, current_thread, BlockedBy, MAIN_THREAD,
};
use js_sys::{Array, Object, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

fn num(n: f64) -> Option<Millis> {
    Some(JsValue::from_f64(n).unchecked_into())
}

fn mode(name: &str) -> Option<BlockingMode> {
    Some(JsValue::from(name).unchecked_into())
}

fn ask(value: &str) -> JsValue {
    let options = Object::new();
    Reflect::set(&options, &"askBrowser".into(), &value.into()).unwrap();
    options.into()
}

fn get(target: &JsValue, key: &str) -> JsValue {
    Reflect::get(target, &key.into()).unwrap()
}

fn error_text(error: &JsValue) -> String {
    let error: &js_sys::Error = error.dyn_ref().expect("an Error");
    format!(
        "{}: {}",
        String::from(error.name()),
        String::from(error.message())
    )
}

fn job(kind: &str, n: f64) -> JsValue {
    let job = Object::new();
    Reflect::set(&job, &"kind".into(), &kind.into()).unwrap();
    Reflect::set(&job, &"n".into(), &n.into()).unwrap();
    job.into()
}

#[wasm_bindgen_test]
fn the_test_page_runs_on_the_main_thread() {
    assert_eq!(current_thread(), MAIN_THREAD);
}

#[wasm_bindgen_test]
fn the_main_thread_may_not_wait_so_the_blocking_sleep_falls_back_to_spinning_and_really_blocks() {
    // Isolated or not (wasm-bindgen-test's page is, these days), the browser
    // refuses Atomics.wait on the main thread: the fallback is taken either way.
    let isolated = cross_origin_isolated();
    let clock = performance_clock();
    let start = clock();
    assert_eq!(block_for(40), BlockedBy::SpinWait, "isolated: {isolated}");
    assert!(clock() - start >= 40.0);
}

#[wasm_bindgen_test]
fn worker_job_runs_on_the_calling_thread_and_says_so() {
    let reply = worker_job(job("sleep", 20.0)).unwrap();
    assert_eq!(get(&reply, "thread").as_string().unwrap(), "main");
    assert_eq!(get(&reply, "how").as_string().unwrap(), "spin-wait");
    let primes = worker_job(job("primes", 10_000.0)).unwrap();
    assert_eq!(get(&primes, "value").as_f64(), Some(1229.0));
    assert!(get(&primes, "wasmBytes").as_f64().unwrap() >= 65_536.0);
}

#[wasm_bindgen_test]
fn worker_job_rejects_bad_jobs_naming_the_field() {
    let cases = [
        (JsValue::from(5), "TypeError: job must be an object"),
        (
            job("nap", 1.0),
            "RangeError: job.kind must be one of \"ping\", \"sleep\", \"primes\"",
        ),
        (
            job("sleep", -1.0),
            "RangeError: job.n must be a whole number of milliseconds from 0 to 60000",
        ),
        (
            job("primes", 5e7 + 1.0),
            "RangeError: job.n must be a whole number of numbers from 0 to 50000000",
        ),
    ];
    for (value, expected) in cases {
        let text = error_text(&worker_job(value).unwrap_err());
        assert!(text.starts_with(expected), "{text}");
    }
}

#[wasm_bindgen_test]
async fn every_line_of_a_concurrent_run_reports_the_main_thread() {
    concurrent(num(20.0), num(5.0), None).await.unwrap();
    let lines = Array::from(&get(&last_run(), "lines"));
    assert_eq!(lines.length(), 2);
    for line in lines.iter() {
        assert_eq!(get(&line, "thread").as_string().unwrap(), "main");
    }
}

#[wasm_bindgen_test]
async fn a_worker_that_cannot_load_rejects_threads_with_a_clear_error_soon_and_the_module_keeps_working(
) {
    // The test runner serves no worker.js, so the browser fails to load it.
    let error = threads(num(50.0), num(10.0), None).await.unwrap_err();
    // "Soon" as a cause, not a time: the load error ended it ("failed to load"),
    // not the load budget running out ("did not answer within").
    let text = error_text(&error);
    assert!(
        text.starts_with("Error: the Web Worker \"worker ")
            && text.contains("failed to load or threw"),
        "{text}"
    );
    let again = error_text(&thread_cost(num(1.0), num(10.0), None).await.unwrap_err());
    assert!(again.contains("failed to load or threw"), "{again}");
    assert!(concurrent(num(1.0), num(0.0), None).await.is_ok());
}

#[wasm_bindgen_test]
async fn bad_arguments_reject_naming_the_parameter() {
    let cases = [
        (
            threads(num(-1.0), None, None).await,
            "RangeError: oneMs must be",
        ),
        (
            thread_cost(num(17.0), None, None).await,
            "RangeError: workers must be a whole number of workers from 1 to 16",
        ),
        (
            thread_cost(None, None, Some(JsValue::from(1))).await,
            "TypeError: options must be an object or undefined",
        ),
        (
            thread_cost(None, None, Some(ask("yes"))).await,
            "TypeError: options.askBrowser must be true or false (got the string \"yes\")",
        ),
        (
            blocking(mode("fast"), None, None).await,
            "RangeError: mode must be one of",
        ),
        (
            blocking(mode("async"), num(1.0), None).await,
            "RangeError: below must be",
        ),
    ];
    for (result, expected) in cases {
        let text = error_text(&result.unwrap_err());
        assert!(text.starts_with(expected), "{text}");
    }
}

#[wasm_bindgen_test]
async fn the_async_fn_and_the_chunks_count_the_same_primes_and_only_the_chunks_yield() {
    let below = 200_000.0;
    let whole = blocking(mode("async"), num(below), None).await.unwrap();
    let chunked = blocking(mode("chunked"), num(below), None).await.unwrap();
    let expected = f64::from(count_primes(0, 200_000));
    assert_eq!(get(&whole, "primes").as_f64(), Some(expected));
    assert_eq!(get(&chunked, "primes").as_f64(), Some(expected));
    assert_eq!(get(&whole, "chunks").as_f64(), Some(1.0));
    // Each chunk is one poll of the counting task: it counts for a few ms,
    // then yields (Pending, a zero-ms sleep) and is woken for the next; one
    // last poll, after the last chunk's yield, returns Ready. So the trace,
    // not a clock, says the job ran in pieces. (A bound from the job's elapsed
    // time fails on a loaded machine, where the turns between chunks stretch.)
    let chunks = get(&chunked, "chunks").as_f64().unwrap();
    let counting = Array::from(&trace_summary())
        .iter()
        .find(|task| get(task, "name").as_string().as_deref() == Some("count primes"))
        .unwrap();
    assert_eq!(get(&counting, "polls").as_f64(), Some(chunks + 1.0));
    assert!(chunks > 1.0, "{chunks} chunks");
}

#[wasm_bindgen_test]
fn block_on_runs_a_future_that_wakes_itself_to_the_end_on_this_thread() {
    let (value, polls) = async_rust_lab::lessons::threads::block_on_channel(42);
    assert_eq!(value, Some(42));
    // Pending once (the sender yields), woken from inside, then Ready.
    assert!(polls >= 2, "{polls} polls");
}

#[wasm_bindgen_test]
fn the_main_thread_refuses_a_block_on_that_would_never_return() {
    let job = Object::new();
    Reflect::set(&job, &"kind".into(), &"block_on_timer".into()).unwrap();
    Reflect::set(&job, &"n".into(), &1.into()).unwrap();
    let error = worker_job(job.into()).unwrap_err();
    assert!(error.is_instance_of::<js_sys::TypeError>());
}
