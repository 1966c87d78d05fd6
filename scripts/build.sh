#!/usr/bin/env bash
# The release build: the crate through wasm-pack (optimized by npm's wasm-opt),
# then www/ copied into dist/, a static folder that works from any sub-path.
set -euo pipefail
cd "$(dirname "$0")/.."

[ "${LAB_SKIP_SETUP:-}" = 1 ] || bash scripts/setup.sh

# npm's binaryen first on PATH, ahead of any other wasm-opt (see scripts/setup.sh).
export PATH="$PWD/node_modules/.bin:${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"

echo "build: wasm-pack build --release --target web"
wasm-pack build --release --target web --out-dir www/pkg --no-pack

rm -rf dist
mkdir -p dist
# Everything under www/ is the site; the generated pkg/ brings the wasm, its JS
# glue and the .d.ts that lab.help() reads.
cp -R www/. dist/
rm -f dist/pkg/.gitignore
# The type-check settings of www/ (scripts/test.sh) are not part of the site.
rm -f dist/tsconfig.json

wasm=dist/pkg/async_rust_lab_bg.wasm
glue=dist/pkg/async_rust_lab.js
printf 'build: dist/ ready: wasm %s bytes (%s gzipped), JS glue %s bytes (%s gzipped)\n' \
  "$(wc -c < "$wasm")" "$(gzip -9c "$wasm" | wc -c)" "$(wc -c < "$glue")" "$(gzip -9c "$glue" | wc -c)"
