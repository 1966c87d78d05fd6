#!/usr/bin/env bash
# Installs what the lab needs, and only what is missing. Safe to run again: with
# everything in place it only checks, in a few seconds, and says what it checked.
#
# Only package registries are reachable on the lab's machines (crates.io, npm,
# Debian's apt), so every tool comes from one of those; nothing downloads itself.
set -euo pipefail
cd "$(dirname "$0")/.."

ok()   { printf '  ok       %s\n' "$*"; }
doing(){ printf '  install  %s\n' "$*"; }
have() { command -v "$1" >/dev/null 2>&1; }

# Root on CI and the lab machines; sudo elsewhere, if there is one.
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; elif have sudo; then sudo "$@"; else "$@"; fi; }

echo "setup: checking the toolchain"

export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
if ! have cargo || ! have rustup; then
  echo "setup: cargo and rustup are missing; install Rust with rustup first (https://rustup.rs)" >&2
  exit 1
fi

# 1. The wasm32 target and the components `npm test` runs.
if rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  ok "rust target wasm32-unknown-unknown"
else
  doing "rust target wasm32-unknown-unknown"; rustup target add wasm32-unknown-unknown
fi
for component in rustfmt clippy; do
  if rustup component list --installed | grep -q "^$component"; then
    ok "rustup component $component"
  else
    doing "rustup component $component"; rustup component add "$component"
  fi
done

# 1b. The threaded module (parallel/, issue 17) needs a pinned nightly with std's
#     source: wasm threads rebuild std with atomics (build-std), which stable
#     cannot. The date is the one in parallel/rust-toolchain.toml.
PARALLEL_NIGHTLY=$(sed -n 's/^channel = "\(.*\)"$/\1/p' parallel/rust-toolchain.toml)
if rustup run "$PARALLEL_NIGHTLY" rustc --version >/dev/null 2>&1 &&
   rustup component list --installed --toolchain "$PARALLEL_NIGHTLY" | grep -q '^rust-src'; then
  ok "$PARALLEL_NIGHTLY with rust-src (the threaded module)"
else
  doing "$PARALLEL_NIGHTLY with rust-src and clippy, rustfmt (rustup, for the threaded module)"
  rustup toolchain install "$PARALLEL_NIGHTLY" --profile minimal --component rust-src,clippy,rustfmt
fi

# 2. wasm-pack. From crates.io: the npm package of the same name downloads a
#    binary from GitHub, which these machines cannot reach.
WASM_PACK_VERSION=0.15.1
if have wasm-pack; then
  ok "$(wasm-pack --version)"
else
  doing "wasm-pack $WASM_PACK_VERSION (cargo install, about 2 minutes)"
  cargo install wasm-pack --version "$WASM_PACK_VERSION"
fi

# 3. The wasm-bindgen CLI, exactly the crate's version in Cargo.lock: wasm-pack
#    uses the one on PATH only when the versions match to the letter. No --locked:
#    one of its locked dependency versions is not served by the registry.
bindgen_version=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/[^0-9.]/, ""); print; exit }' Cargo.lock)
if [ -z "$bindgen_version" ]; then
  echo "setup: no wasm-bindgen in Cargo.lock" >&2
  exit 1
fi
if have wasm-bindgen && [ "$(wasm-bindgen --version)" = "wasm-bindgen $bindgen_version" ]; then
  ok "wasm-bindgen CLI $bindgen_version (matches Cargo.lock)"
else
  doing "wasm-bindgen-cli $bindgen_version (cargo install, about 3 minutes)"
  cargo install wasm-bindgen-cli --version "$bindgen_version" --force
fi

# 4. Chromium and its driver, from Debian: wasm-pack test drives Chrome through
#    chromedriver, and the e2e tests drive /usr/bin/chromium through Playwright.
if [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ]; then
  ok "$(/usr/bin/chromedriver --version | cut -d' ' -f1-2) and Chromium"
else
  doing "chromium and chromium-driver (apt)"
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq chromium chromium-driver
fi

# 5. npm packages: `npm ci` when node_modules is missing or older than the lock.
if [ -f node_modules/.package-lock.json ] && [ ! package-lock.json -nt node_modules/.package-lock.json ]; then
  ok "npm packages (node_modules matches package-lock.json)"
else
  doing "npm packages (npm ci)"
  npm ci --no-audit --no-fund
fi

# 6. A wasm-opt that does not break wasm-bindgen's output: npm's binaryen. Debian's
#    binaryen 108 mangles the externref table and the page fails at start-up.
wasm_opt=node_modules/.bin/wasm-opt
if [ -x "$wasm_opt" ] && "$wasm_opt" --version | grep -Eq 'version (1[2-9][0-9]|[2-9][0-9]{2})'; then
  ok "$("$wasm_opt" --version) (npm binaryen)"
else
  echo "setup: $wasm_opt is missing or older than 120; run npm ci" >&2
  exit 1
fi

echo "setup: done"
