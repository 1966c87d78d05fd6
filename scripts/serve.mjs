// Serves a folder of the static site on localhost with serve-handler (the static
// server behind npm's `serve`). Usage: node scripts/serve.mjs [dir] [--port N] [--base /sub/path/]
// With --base the site is served only under that sub-path, as a host serving
// it from e.g. https://example.org/async-rust-lab/ would: anything outside it is a 404.
// Also imported by the e2e tests, which serve the release build the same way.
import http from 'node:http';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import handler from 'serve-handler';
import { parseFlags, wholeNumberFlag } from './flags.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/**
 * The headers of a _headers file (the file static hosts read), so the local
 * server and a deployed site send the same policy: the `/*` block's `Key: Value` lines.
 * @param {string} file
 */
function readHeaders(file) {
  const lines = readFileSync(file, 'utf8').split('\n');
  const start = lines.findIndex((line) => line.trim() === '/*');
  const pairs = [];
  for (const line of lines.slice(start + 1)) {
    if (!/^\s+\S/.test(line)) break;
    const colon = line.indexOf(':');
    pairs.push({ key: line.slice(0, colon).trim(), value: line.slice(colon + 1).trim() });
  }
  return pairs;
}

/** The headers that make a page cross-origin isolated (SharedArrayBuffer, Atomics.wait). */
const ISOLATION = ['Cross-Origin-Opener-Policy', 'Cross-Origin-Embedder-Policy'];

/**
 * Every response: the site's headers, and `no-cache`, so that a rebuilt wasm is
 * always the one loaded (the browser asks the server each time) but, unlike
 * `no-store`, a response may be kept: with `no-store` Chromium drops each one from
 * its memory cache as soon as it has loaded, main-thread work on the page's
 * start-up that no static host, which sends cacheable responses, causes.
 * Not `isolated`: without COOP and COEP, as a host that ignores _headers would
 * serve it (the threads lesson's fallback).
 * @param {string} publicDir the folder served
 * @param {boolean} isolated
 */
function headersFor(publicDir, isolated) {
  // The served folder's own _headers: the build adds the hashes of the lab
  // page's inline scripts to dist/_headers' policy (scripts/inline-boot.mjs).
  // A folder without one (the bench's floor page) gets www/_headers'.
  const file = [path.join(publicDir, '_headers'), path.join(root, 'www', '_headers')].find((f) => existsSync(f));
  const site = readHeaders(/** @type {string} */ (file)).filter(({ key }) => isolated || !ISOLATION.includes(key));
  return [{ source: '**/*', headers: [{ key: 'Cache-Control', value: 'no-cache' }, ...site] }];
}

/**
 * The sub-path normalized to `/name/` form ('/' when there is none): with a
 * slash at both ends, so that it is both a prefix test and the base of the URL.
 * @param {string} base
 */
export function normalizeBase(base) {
  const trimmed = base.split('/').filter(Boolean).join('/');
  return trimmed ? `/${trimmed}/` : '/';
}

/**
 * Starts a server for `dir` on `port` (0: any free port) and resolves to its URL,
 * which ends with `base` (`/` by default; `/async-rust-lab/` serves the site
 * under that sub-path and nothing outside it). `isolated: false` leaves out the
 * COOP and COEP headers.
 * @param {{ dir?: string, port?: number, host?: string, base?: string, isolated?: boolean }} [options]
 */
export async function serve({ dir = 'dist', port = 0, host = '127.0.0.1', base = '/', isolated = true } = {}) {
  const publicDir = path.resolve(root, dir);
  const headers = headersFor(publicDir, isolated);
  const prefix = normalizeBase(base);
  const server = http.createServer((request, response) => {
    const target = request.url ?? '/';
    if (prefix !== '/') {
      // The sub-path without its slash: redirect, as static hosts do, so that the
      // page's relative URLs resolve inside the sub-path and not next to it.
      if (target === prefix.slice(0, -1) || target.startsWith(`${prefix.slice(0, -1)}?`)) {
        response.writeHead(301, { Location: prefix + target.slice(prefix.length - 1) }).end();
        return;
      }
      if (!target.startsWith(prefix)) {
        response.writeHead(404, { 'Content-Type': 'text/plain' }).end(`Not found: the site is served under ${prefix}\n`);
        return;
      }
      request.url = target.slice(prefix.length - 1);
    }
    // cleanUrls only for directories: `/` serves index.html, while `bench.html?x`
    // is served as is (a clean-URL redirect would drop its query string).
    handler(request, response, { public: publicDir, headers, directoryListing: false, cleanUrls: ['/', '**/'] });
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve(undefined));
  });
  const address = server.address();
  const actualPort = typeof address === 'object' && address ? address.port : port;
  return { server, url: `http://${host === '127.0.0.1' ? 'localhost' : host}:${actualPort}${prefix}` };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const usage = `Usage: node scripts/serve.mjs [dir] [--port N] [--base /sub/path/]
  dir            the folder to serve (default dist)
  --port N       0 to 65535, 0 for any free port (default $PORT, else 8080)
  --base PATH    serve the site only under this sub-path (default /)`;
  const { values, positionals } = parseFlags('serve', {
    port: { type: 'string' },
    base: { type: 'string' },
  }, usage, { positionals: 1 });
  const port = wholeNumberFlag('serve', 'port', values.port ?? process.env.PORT, 0, 65_535, 8080, usage);
  const base = typeof values.base === 'string' ? values.base : '/';
  const dir = positionals[0] ?? 'dist';
  try {
    const { url } = await serve({ dir, port, base });
    console.log(`Async Rust Lab is served from ${dir}/ at ${url}  (Ctrl+C stops it)`);
  } catch (error) {
    const code = /** @type {{ code?: string }} */ (error).code;
    console.error(code === 'EADDRINUSE' ? `Port ${port} is in use; try: npm run serve -- --port 8081` : error);
    process.exit(1);
  }
}
