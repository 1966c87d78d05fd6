// node scripts/inline-boot.mjs [DIR]: writes the two classic scripts of the
// lab page's <head>, pkg/lab-manifest.js and boot.js, into DIR/index.html
// (default dist/), and allows exactly those two inline scripts, by their
// SHA-256, in the Content-Security-Policy of the page's meta tag and of
// DIR/_headers (issue 18).
//
// Why: both are parser-blocking, so the body waited for their round trip
// before it was parsed, and `lab` waited for it before it existed. Inline,
// `lab` is ready as the <head> is parsed (a median 110 ms to 55 ms on
// localhost here, docs/benchmarks.md), and on a slow network the page saves a
// round trip before its first paint. The source stays two files in www/, which
// tsc checks and the tests read; only the built page carries them inline.
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseFlags } from './flags.mjs';

const USAGE = 'Usage: node scripts/inline-boot.mjs [DIR] (default dist)';
const { positionals } = parseFlags('inline-boot', {}, USAGE, { positionals: 1 });
const dir = positionals[0] ?? 'dist';

const SCRIPTS = ['pkg/lab-manifest.js', 'boot.js'];
const pagePath = path.join(dir, 'index.html');
let page = readFileSync(pagePath, 'utf8');
const hashes = [];
for (const src of SCRIPTS) {
  const tag = `<script src="./${src}"></script>`;
  if (!page.includes(tag)) throw new Error(`inline-boot: ${pagePath} has no ${tag}`);
  const code = readFileSync(path.join(dir, src), 'utf8');
  // "</script" inside the code would end the element early.
  if (/<\/script/i.test(code)) throw new Error(`inline-boot: ${src} contains "</script"; it cannot be inlined as is`);
  hashes.push(`'sha256-${createHash('sha256').update(code).digest('base64')}'`);
  page = page.replace(tag, () => `<script>${code}</script>`);
}
// Its preload is moot once boot.js is in the page.
page = page.replace(/\s*<link rel="preload" href="\.\/boot\.js" as="script">/, '');

/** Adds the hashes to the policy's script-src, after its own sources. @param {string} policy */
function withHashes(policy) {
  const next = policy.replace(/script-src ([^;]*)/, (_, sources) => `script-src ${sources} ${hashes.join(' ')}`);
  if (next === policy) throw new Error(`inline-boot: no script-src in the policy: ${policy}`);
  return next;
}
const meta = /(<meta http-equiv="Content-Security-Policy" content=")([^"]+)(">)/;
if (!meta.test(page)) throw new Error(`inline-boot: ${pagePath} has no Content-Security-Policy meta tag`);
page = page.replace(meta, (_, open, policy, close) => `${open}${withHashes(policy)}${close}`);
writeFileSync(pagePath, page);

const headersPath = path.join(dir, '_headers');
const headers = readFileSync(headersPath, 'utf8');
const policyLine = /^(\s+Content-Security-Policy: )(.+)$/m;
if (!policyLine.test(headers)) throw new Error(`inline-boot: ${headersPath} has no Content-Security-Policy line`);
writeFileSync(headersPath, headers.replace(policyLine, (_, key, policy) => `${key}${withHashes(policy)}`));
console.log(`build: ${SCRIPTS.join(' and ')} inline in ${pagePath}, allowed by hash in its policy and ${headersPath}`);
