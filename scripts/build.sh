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
# The glue imports wasm-bindgen's JS snippets (pkg/snippets/<crate>-<hash>/…),
# whose paths change with their content: index.html gets a modulepreload for
# each here, where the paths are known, so they load with the glue instead of
# after it (tests/e2e/startup.test.mjs checks the critical path).
node -e '
  const fs = require("node:fs");
  const path = require("node:path");
  const walk = (dir) => fs.existsSync(dir) ? fs.readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => e.isDirectory() ? walk(path.join(dir, e.name)) : [path.join(dir, e.name)]) : [];
  const links = walk("dist/pkg/snippets").filter((f) => f.endsWith(".js")).sort()
    .map((f) => `  <link rel="modulepreload" href="./${path.relative("dist", f).split(path.sep).join("/")}">`);
  const marker = /^ *<!-- wasm-bindgen-snippets:.*-->$/m;
  const html = fs.readFileSync("dist/index.html", "utf8");
  if (!marker.test(html)) throw new Error("dist/index.html lost its wasm-bindgen-snippets marker");
  fs.writeFileSync("dist/index.html", html.replace(marker, links.join("\n")));
'
# The Rust the page shows is the Rust that compiled: the machine views fetch
# these copies to point at the line where each task is suspended (its site,
# which the wasm knows from #[track_caller]).
mkdir -p dist/src/lessons dist/src/runtime
cp src/lessons/*.rs dist/src/lessons/
cp src/runtime/*.rs dist/src/runtime/
# The type-check settings of www/ (scripts/test.sh) are not part of the site.
rm -f dist/tsconfig.json

wasm=dist/pkg/async_rust_lab_bg.wasm
glue=dist/pkg/async_rust_lab.js
printf 'build: dist/ ready: wasm %s bytes (%s gzipped), JS glue %s bytes (%s gzipped)\n' \
  "$(wc -c < "$wasm")" "$(gzip -9c "$wasm" | wc -c)" "$(wc -c < "$glue")" "$(gzip -9c "$glue" | wc -c)"
