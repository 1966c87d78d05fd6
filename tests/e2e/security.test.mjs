// The security policy: one Content-Security-Policy, sent as a header (from
// www/_headers) and repeated as a meta tag in every page; no markup built from
// strings and no inline code anywhere in the site's sources.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, readdir } from 'node:fs/promises';
import { openLabPage } from './harness.mjs';

const { lab, page } = await openLabPage();
const pages = (await readdir('www')).filter((f) => f.endsWith('.html'));
const scripts = (await readdir('www')).filter((f) => f.endsWith('.js'));

test('every response carries the strict policy, and the page is cross-origin isolated', async () => {
  const response = await page.request.get(lab.url);
  const policy = response.headers()['content-security-policy'];
  assert.match(policy, /default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'/);
  assert.match(policy, /object-src 'none'; base-uri 'none'; frame-ancestors 'none'/);
  assert.equal(await page.evaluate(() => crossOriginIsolated), true);
});

test('each page repeats the header policy in a meta tag, for hosts that send no headers', async () => {
  const header = (await page.request.get(lab.url)).headers()['content-security-policy'];
  // frame-ancestors is ignored in a meta tag, so the tag carries the rest.
  const expected = header.replace(/; frame-ancestors 'none'$/, '');
  assert.ok(pages.length >= 2);
  for (const file of pages) {
    const html = await readFile(`www/${file}`, 'utf8');
    const meta = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)?.[1];
    assert.equal(meta, expected, file);
  }
});

test('no markup from strings and no inline code in the site', async () => {
  for (const file of scripts) {
    const source = await readFile(`www/${file}`, 'utf8');
    assert.doesNotMatch(source, /\.innerHTML\b|\.outerHTML\s*=|insertAdjacentHTML|document\.write/, file);
  }
  for (const file of pages) {
    const html = await readFile(`www/${file}`, 'utf8');
    assert.doesNotMatch(html, /<script(?![^>]*\bsrc=)[^>]*>/, `${file} has an inline script`);
    assert.doesNotMatch(html, /<[a-z][^>]*\son[a-z]+\s*=/i, `${file} has an inline event handler`);
    assert.doesNotMatch(html, /<[a-z][^>]*\sstyle\s*=/i, `${file} has an inline style attribute`);
  }
});

test('no policy violations and no request to another host', () => {
  assert.deepEqual(lab.problems, []);
});
