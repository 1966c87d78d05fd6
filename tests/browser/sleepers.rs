//! Many sleeping futures in a real browser: the timer queue never wakes a
//! sleeper early, a dropped sleeper leaves no deadline and no JS timer behind,
//! `SlabJoin` finishes every future, and `benchSleepers` stays within the lab's
//! goal of 64 heap bytes per sleeping future (and rejects bad arguments).
// The research wing (src/research) exists only with the `bench` feature.
#![cfg(all(target_arch = "wasm32", feature = "bench"))]
// A panic in a test is a failing test: the crate-wide bans are for input-reachable code.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::future::Future;
use std::pin::Pin;

use async_rust_lab::runtime::clock::performance_clock;
use async_rust_lab::runtime::slab_join::SlabJoin;
use async_rust_lab::runtime::timer_queue::{queue_sleep, queue_state, QueueSleep};
use futures::future::{self, Either};
use futures::StreamExt;
use wasm_bindgen_test::*;

use crate::common;

type Timed = Pin<Box<dyn Future<Output = (u32, f64)>>>;

/// `n` queue sleepers of 0 to `max` ms (spread evenly), each timed from just
/// before its first poll to just after it finished; returns (ms asked, ms taken).
async fn time_sleepers(n: u32, max: u32) -> Vec<(u32, f64)> {
    let clock = performance_clock();
    let set: SlabJoin<Timed> = (0..n)
        .map(|i| {
            let ms = i.wrapping_mul(7919) % (max + 1);
            let clock = clock.clone();
            Box::pin(async move {
                let started = clock();
                queue_sleep(ms).await;
                (ms, clock() - started)
            }) as Timed
        })
        .collect();
    set.collect().await
}

#[wasm_bindgen_test]
async fn a_queue_sleeper_never_wakes_before_its_deadline_and_leaves_the_queue_empty() {
    // How punctual it is next to a setTimeout per sleeper is a ratio for the
    // benchmark's sleepers row, not a bound here.
    let queue = time_sleepers(2000, 200).await;
    assert_eq!(queue.len(), 2000, "every sleeper finished");
    for (ms, took) in &queue {
        assert!(
            *took >= f64::from(*ms),
            "a {ms} ms queue sleep woke after {took} ms"
        );
    }
    assert_eq!(queue_state(), (0, false), "nothing left in the queue");
}

#[wasm_bindgen_test]
async fn a_dropped_queue_sleeper_leaves_no_deadline_and_no_js_timer_behind() {
    match future::select(queue_sleep(300), queue_sleep(20)).await {
        Either::Right(((), loser)) => drop(loser),
        Either::Left(_) => panic!("the 300 ms sleep won"),
    }
    assert_eq!(
        queue_state(),
        (0, false),
        "the loser's deadline and the JS timer are gone"
    );
    // The queue still works afterwards.
    queue_sleep(5).await;
    assert_eq!(queue_state(), (0, false));
}

#[wasm_bindgen_test]
fn a_queue_sleep_is_8_bytes_on_wasm32_even_as_an_option() {
    assert_eq!(std::mem::size_of::<QueueSleep>(), 8);
    assert_eq!(std::mem::size_of::<Option<QueueSleep>>(), 8);
}

/// `benchSleepers`, the export.
mod bench_export {
    use super::*;
    use async_rust_lab::api::bench::bench_sleepers;
    use common::get;
    use wasm_bindgen::prelude::*;
    use wasm_bindgen::JsCast;

    async fn bench(n: u32, max_ms: u32, timer: &str, join: &str) -> (f64, f64) {
        let out = bench_sleepers(n.into(), max_ms.into(), timer.into(), join.into())
            .await
            .unwrap();
        (
            get(&out, "ms").as_f64().unwrap(),
            get(&out, "heapBytesPerFuture").as_f64().unwrap(),
        )
    }

    #[wasm_bindgen_test]
    async fn bench_sleepers_with_queue_and_slab_stays_within_64_bytes_a_future() {
        let (ms, slab) = bench(100_000, 50, "queue", "slab").await;
        assert!(
            ms >= 50.0,
            "the longest sleep is 50 ms, all done in {ms} ms"
        );
        assert!(slab <= 64.0, "{slab} heap bytes per sleeping future");
        let (_, unordered) = bench(100_000, 50, "queue", "unordered").await;
        assert!(
            unordered > slab + 8.0,
            "FuturesUnordered's task nodes cost more: {unordered} vs {slab}"
        );
        assert_eq!(
            queue_state(),
            (0, false),
            "a finished run leaves the queue empty"
        );
        // Nothing kept: a second run counts its memory again from scratch.
        let (_, again) = bench(100_000, 50, "queue", "slab").await;
        assert!((again - slab).abs() < 1.0, "{again} vs {slab}");
    }

    #[wasm_bindgen_test]
    async fn bench_sleepers_runs_gloo_with_either_join() {
        for join in ["unordered", "slab"] {
            let (ms, bytes) = bench(1000, 20, "gloo", join).await;
            assert!(
                ms >= 20.0 && bytes > 0.0,
                "gloo + {join}: {ms} ms, {bytes} bytes"
            );
        }
    }

    #[wasm_bindgen_test]
    async fn bench_sleepers_names_a_bad_join_in_its_error() {
        let range = bench_sleepers(10.into(), 10.into(), "queue".into(), "fast".into())
            .await
            .unwrap_err();
        assert!(range.is_instance_of::<js_sys::RangeError>());
        let message = get(&range, "message").as_string().unwrap();
        assert!(
            message.contains("join must be one of \"unordered\", \"slab\""),
            "{message}"
        );
        let wrong_type = bench_sleepers(10.into(), 10.into(), JsValue::UNDEFINED, 5.into())
            .await
            .unwrap_err();
        assert!(wrong_type.is_instance_of::<js_sys::TypeError>());
        // Left out: the default join.
        let fine =
            bench_sleepers(10.into(), 0.into(), JsValue::UNDEFINED, JsValue::UNDEFINED).await;
        assert!(fine.is_ok());
    }
}
