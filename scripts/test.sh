#!/usr/bin/env bash
# Every test the lab has, in order of cost: set-up (only what is missing), style
# and lints on host and wasm32, host unit tests, the crate in headless Chrome,
# then the RELEASE build served and driven in Chromium. Stops at the first failure.
set -euo pipefail
cd "$(dirname "$0")/.."

timings=()
running=""
running_since=0
step() {
  local name=$1; shift
  printf '\n== %s\n' "$name"
  running=$name
  running_since=$SECONDS
  "$@"
  timings+=("$(printf '%4ss  %s' $((SECONDS - running_since)) "$name")")
  running=""
}
# The stage times, printed on the way out whether the stages all passed or one
# failed (set -e exits there), so a slow or failing run still shows where its
# time went.
summary() {
  local status=$?
  if [[ -n $running ]]; then
    timings+=("$(printf '%4ss  %s  (FAILED)' $((SECONDS - running_since)) "$running")")
  fi
  if [[ $status -eq 0 ]]; then printf '\n== all tests passed\n'; else printf '\n== failed (exit %s)\n' "$status"; fi
  printf '%s\n' "${timings[@]}"
  printf '%4ss  in all\n' "$SECONDS"
}
trap summary EXIT

step "set-up (only what is missing)"     bash scripts/setup.sh
export PATH="$PWD/node_modules/.bin:${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"

step "cargo fmt --check"                 cargo fmt --all -- --check
# The crate's layers and no import cycle between its files (issue 16): rustc
# accepts both, so a script checks them.
step "module graph: layers, no cycle"    node scripts/module-graph.mjs
# The benchmark's size floor is a crate of its own (bench/size-floor, built only by
# npm run bench): its style and lints here, on the target it is built for.
step "size floor: fmt, clippy (wasm32)"  bash -c 'cargo fmt --manifest-path bench/size-floor/Cargo.toml -- --check &&
  CARGO_TARGET_DIR=target/size-floor cargo clippy --manifest-path bench/size-floor/Cargo.toml --target wasm32-unknown-unknown -- -D warnings'
# The threaded module (parallel/, issue 17) is a crate of its own on its pinned
# nightly (parallel/rust-toolchain.toml): its style and lints, for wasm32 with
# atomics as it is built. --lib: its compile-fail example must not compile.
step "parallel: fmt, clippy (wasm32, nightly)" bash -c 'cd parallel && cargo fmt -- --check &&
  env -u RUSTFLAGS -u CARGO_TARGET_DIR cargo clippy --release --lib -- -D warnings'
step "clippy (host)"                     cargo clippy --all-targets -- -D warnings
step "clippy (wasm32)"                   cargo clippy --all-targets --target wasm32-unknown-unknown -- -D warnings
# The lab page's build: without the benchmark exports (the "bench" feature off).
step "clippy (wasm32, no bench feature)" cargo clippy --all-targets --target wasm32-unknown-unknown --no-default-features -- -D warnings
step "cargo doc (warnings are errors)"   env RUSTDOCFLAGS="-D warnings" cargo doc --no-deps --quiet
step "cargo test (host)"                 cargo test --quiet
# The crate's tests in Chrome. The doc examples are left to the host stage
# above (cargo test runs them): on wasm32 each is a binary of its own, linked
# and started one by one (31 of them, 20 to 40 s here), to show nothing new.
step "wasm-pack test --headless --chrome (lib and tests/)" wasm-pack test --headless --chrome -- --lib --test '*'
# The e2e tests serve what ships: the release build, optimized by wasm-opt. A
# broken wasm-opt makes the page fail at start-up, and these tests with it.
step "release build (dist/)"             env LAB_SKIP_SETUP=1 bash scripts/build.sh
# Rust's float formatting (core::fmt for f64) adds ~15 KB of wasm; the lab formats
# its numbers with runtime::js_text::js_number instead. Its symbols are still named in
# cargo's own release .wasm (wasm-pack's copy in dist/ is stripped).
no_float_formatting() {
  if grep -q flt2dec target/wasm32-unknown-unknown/release/async_rust_lab.wasm; then
    echo "the release wasm formats an f64 with {} or {:.N}: use runtime::js_text::js_number" >&2
    return 1
  fi
}
step "no float formatting in the wasm"  no_float_formatting
# The site's own JS against the .d.ts that the build just generated (www/pkg/).
step "tsc: www/*.js type-checked (JSDoc)" tsc -p www
# The lessons that need no DOM, from a Node build of the same crate (pkg-node/,
# a CommonJS package; the cargo build is bench.html's release one above, already
# cached). Not through wasm-opt (--no-opt): its size does not matter to Node, and
# optimizing it again took 30 s or more of this stage.
step "Node build (wasm-pack --target nodejs)" npm run --silent build:node
step "lessons in Node (node --test)"    npm run --silent test:node
# Two e2e files at a time where that is safe (the machine has two cores), one
# at a time for the rest. Each file has its own server and browser, so two
# share only the CPU. Listed here: the files whose checks do not depend on how
# busy the CPU is (no frame counts, long tasks, freeze ratios or start-up
# races; order, overlap and bytes are judged from the trace and the allocator,
# which load does not move). Any file not listed, a new one included, runs
# alone: the safe default.
E2E_SHARED=(a11y cancel claims compose hostile leaks machine not-isolated page
  panic promises search security startup stepper subpath timeline-readable trace)
e2e_shared() {
  local files=() name
  for name in "${E2E_SHARED[@]}"; do files+=("tests/e2e/$name.test.mjs"); done
  node --test --test-concurrency=2 "${files[@]}"
}
e2e_alone() {
  local files=() f
  for f in tests/e2e/*.test.mjs; do
    [[ " ${E2E_SHARED[*]} " == *" $(basename "$f" .test.mjs) "* ]] || files+=("$f")
  done
  node --test --test-concurrency=1 "${files[@]}"
}
step "e2e in Chromium, two files at a time" e2e_shared
step "e2e in Chromium, one file at a time (load-sensitive)" e2e_alone
