#!/usr/bin/env bash
# The release build: the crate through wasm-pack (optimized by npm's wasm-opt),
# then www/ copied into dist/, a static folder that works from any sub-path.
set -euo pipefail
cd "$(dirname "$0")/.."

[ "${LAB_SKIP_SETUP:-}" = 1 ] || bash scripts/setup.sh

# npm's binaryen first on PATH, ahead of any other wasm-opt (see scripts/setup.sh).
export PATH="$PWD/node_modules/.bin:${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"

# wasm-opt's flags are the crate's (Cargo.toml, package.metadata.wasm-pack),
# so that a bare `wasm-pack build` gives the same module. Here wasm-pack runs
# with --no-opt and opt_cached below applies them: wasm-opt takes 12 s a module
# on this machine, and most builds (npm test's among them) change no Rust.
read -r -a wasm_opt_flags <<< "$(sed -n 's/^wasm-opt = \[\(.*\)\]$/\1/p' Cargo.toml | tr -d '",')"
[[ ${#wasm_opt_flags[@]} -gt 0 ]] || { echo "build: no wasm-opt flags found in Cargo.toml" >&2; exit 1; }
target_dir=${CARGO_TARGET_DIR:-$PWD/target}
opt_cache=$target_dir/wasm-opt-cache
# Optimizes $1 in place with wasm-opt "${@:2}". The result is kept under the
# hash of its input, the flags and wasm-opt's version, and reused when all
# three are the same: wasm-opt's output is a function of them.
opt_cached() {
  local wasm=$1; shift
  local key
  key=$({ sha256sum < "$wasm"; printf '%s\n' "$@"; wasm-opt --version; } | sha256sum | cut -c1-32)
  mkdir -p "$opt_cache"
  if [[ -f $opt_cache/$key.wasm ]]; then
    cp "$opt_cache/$key.wasm" "$wasm"
    echo "build: wasm-opt: $wasm as last optimized (same input, flags and wasm-opt)"
    return
  fi
  wasm-opt "$@" "$wasm" -o "$wasm"
  cp "$wasm" "$opt_cache/$key.wasm"
  # Only the newest few are worth keeping.
  ls -t "$opt_cache"/*.wasm | tail -n +13 | xargs -r rm -f
}

# The lab page's module leaves out what only bench.html runs (the "bench"
# feature: its exports and the research they measure, issue 18): bench.html
# loads a build of its own, www/pkg-bench, with the feature on. The two builds
# have target dirs of their own: in one, cargo's fingerprint of the cdylib
# holds one feature set, so each build would recompile the crate for the
# other. npm run build:node (the bench feature too) shares the bench one.
echo "build: wasm-pack build --release --target web (bench.html: the bench feature)"
CARGO_TARGET_DIR=$target_dir/bench wasm-pack build --release --no-opt --target web --out-dir www/pkg-bench --no-pack
opt_cached www/pkg-bench/async_rust_lab_bg.wasm "${wasm_opt_flags[@]}"
echo "build: wasm-pack build --release --target web (the lab: --no-default-features)"
wasm-pack build --release --no-opt --target web --out-dir www/pkg --no-pack -- --no-default-features
opt_cached www/pkg/async_rust_lab_bg.wasm "${wasm_opt_flags[@]}"
node scripts/lab-manifest.mjs www/pkg

# The threaded module (parallel/, issue 17): a crate of its own, built from its
# folder so that its pinned nightly (rust-toolchain.toml) and its atomics flags
# and build-std (.cargo/config.toml) apply, then bound with the same wasm-bindgen
# CLI. RUSTFLAGS would replace the config's flags, and CARGO_TARGET_DIR move the
# output: neither is passed on.
echo "build: the threaded module (parallel/: nightly, build-std, atomics)"
(cd parallel && env -u RUSTFLAGS -u CARGO_TARGET_DIR cargo build --release)
parallel_wasm=target/parallel/wasm32-unknown-unknown/release/async_rust_lab_parallel.wasm
rm -rf www/pkg-parallel
wasm-bindgen --target web --out-dir www/pkg-parallel "$parallel_wasm"
# npm's wasm-opt with the main module's flags (Cargo.toml): it keeps the shared
# memory, the atomics and wasm-bindgen's thread start-up intact (the e2e tests
# run this build), and drops the name section wasm-bindgen leaves in.
opt_cached www/pkg-parallel/async_rust_lab_parallel_bg.wasm "${wasm_opt_flags[@]}"
# "What Send buys": a future holding an Rc across an .await, spawned on the
# threaded executor, must not compile. Its error is rustc's own, kept for the card.
send_error=www/pkg-parallel/send-error.txt
if (cd parallel && env -u RUSTFLAGS -u CARGO_TARGET_DIR CARGO_TERM_COLOR=never \
      cargo build --release --example rc_across_await) > "$send_error.raw" 2>&1; then
  echo "build: parallel/compile-fail/rc_across_await.rs compiled; it must not (spawn must require Send)" >&2
  exit 1
fi
{
  echo "$ cargo build --example rc_across_await   # $(cd parallel && rustc --version)"
  echo
  grep -v -e '^ *Compiling ' -e '^error: could not compile' "$send_error.raw"
} > "$send_error"
rm -f "$send_error.raw"
grep -q 'future cannot be sent between threads safely' "$send_error" ||
  { echo "build: the Send error changed; read $send_error" >&2; exit 1; }

rm -rf dist
mkdir -p dist
# Everything under www/ is the site; the generated pkg/ brings the wasm, its JS
# glue, the .d.ts and the manifest lab.help() reads; pkg-bench/ is bench.html's.
cp -R www/. dist/
rm -f dist/pkg/.gitignore dist/pkg-bench/.gitignore
# The lab page's two classic <head> scripts, inline and allowed by hash
# (scripts/inline-boot.mjs says why).
node scripts/inline-boot.mjs dist
# The Rust the page shows is the Rust that compiled: the machine views fetch
# these copies to point at the line where each task is suspended (its site,
# which the wasm knows from #[track_caller]).
# Every lesson-side file is copied, api/ too: a run's own `.await`s (the
# search lesson's wait for its service worker) sit there. research/ is not
# run by any lesson, so it stays out.
(cd src && find . -name '*.rs' -not -path './research/*') | while read -r rs; do
  mkdir -p "dist/src/$(dirname "$rs")"
  cp "src/$rs" "dist/src/$rs"
done
# The type-check settings of www/ (scripts/test.sh) are not part of the site.
rm -f dist/tsconfig.json

wasm=dist/pkg/async_rust_lab_bg.wasm
glue=dist/pkg/async_rust_lab.js
printf 'build: dist/ ready: wasm %s bytes (%s gzipped), JS glue %s bytes (%s gzipped)\n' \
  "$(wc -c < "$wasm")" "$(gzip -9c "$wasm" | wc -c)" "$(wc -c < "$glue")" "$(gzip -9c "$glue" | wc -c)"
pwasm=dist/pkg-parallel/async_rust_lab_parallel_bg.wasm
pglue=dist/pkg-parallel/async_rust_lab_parallel.js
bwasm=dist/pkg-bench/async_rust_lab_bg.wasm
printf 'build: bench.html module: wasm %s bytes (%s gzipped)\n' "$(wc -c < "$bwasm")" "$(gzip -9c "$bwasm" | wc -c)"
printf 'build: threaded module: wasm %s bytes (%s gzipped), JS glue %s bytes (%s gzipped)\n' \
  "$(wc -c < "$pwasm")" "$(gzip -9c "$pwasm" | wc -c)" "$(wc -c < "$pglue")" "$(gzip -9c "$pglue" | wc -c)"
