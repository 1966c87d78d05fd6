// The security policy: one Content-Security-Policy, sent as a header (from
// _headers) and repeated as a meta tag in every page; no markup built from
// strings and no inline code anywhere in the site's sources, and script URLs
// only through the one Trusted Types policy. The one exception the build
// makes: the lab page's two classic <head> scripts, inlined into
// dist/index.html (scripts/inline-boot.mjs) and allowed by their hashes alone.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFile, readdir } from 'node:fs/promises';
import { openLabPage } from './harness.mjs';

const { lab, page } = await openLabPage();
const pages = (await readdir('www')).filter((f) => f.endsWith('.html'));
const scripts = (await readdir('www')).filter((f) => f.endsWith('.js'));

test('every response carries the strict policy, and the page is cross-origin isolated', async () => {
  const response = await page.request.get(lab.url);
  const policy = response.headers()['content-security-policy'];
  assert.match(policy, /default-src 'self'; script-src 'self' 'wasm-unsafe-eval'( 'sha256-[A-Za-z0-9+/]+=*')*; style-src 'self'/);
  assert.match(policy, /object-src 'none'; base-uri 'none'; require-trusted-types-for 'script'; trusted-types lab; frame-ancestors 'none'/);
  assert.equal(await page.evaluate(() => crossOriginIsolated), true);
});

/** The `'sha256-…'` sources of a policy. @param {string} policy */
const hashesOf = (policy) => policy.match(/'sha256-[^']+'/g) ?? [];
/** The hashes of a page's inline scripts, as a policy lists them. @param {string} html */
const inlineHashes = (html) => [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)]
  .map(([, code]) => `'sha256-${createHash('sha256').update(code).digest('base64')}'`);

test('each page repeats the header policy in a meta tag, for hosts that send no headers', async () => {
  const header = (await page.request.get(lab.url)).headers()['content-security-policy'];
  // frame-ancestors is ignored in a meta tag, so the tag carries the rest.
  const expected = header.replace(/; frame-ancestors 'none'$/, '');
  assert.ok(pages.length >= 2);
  for (const file of pages) {
    const html = await readFile(`dist/${file}`, 'utf8');
    const meta = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)?.[1] ?? '';
    // The same policy, but for the hashes: a page allows its own inline scripts only.
    const withoutHashes = (/** @type {string} */ policy) => policy.replace(/ 'sha256-[^']+'/g, '');
    assert.equal(withoutHashes(meta), withoutHashes(expected), file);
    assert.deepEqual(hashesOf(meta), inlineHashes(html), file);
  }
});

test('the built lab page inlines its two <head> scripts, each allowed by its hash and nothing else inline', async () => {
  const html = await readFile('dist/index.html', 'utf8');
  const header = (await page.request.get(lab.url)).headers()['content-security-policy'];
  assert.equal(inlineHashes(html).length, 2);
  assert.deepEqual(hashesOf(header), inlineHashes(html));
  // The inlined code is the source's, byte for byte: the hash pins it.
  for (const src of ['pkg/lab-manifest.js', 'boot.js']) {
    assert.ok(html.includes(`<script>${await readFile(`dist/${src}`, 'utf8')}</script>`), src);
  }
  assert.doesNotMatch(html, /unsafe-inline/);
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

test('a script URL reaches a sink only through the lab\'s Trusted Types policy, which takes only the lab\'s scripts', async () => {
  const seen = lab.problems.length;
  const outcome = await page.evaluate(async () => {
    const { scriptUrl } = await import(new URL('./trusted.js', document.baseURI).href);
    const attempt = (/** @type {() => unknown} */ make) => {
      try {
        const made = make();
        // A TrustedScriptURL is all the sink needs; the threads tests start real workers with one.
        return made instanceof Worker || globalThis.trustedTypes.isScriptURL(made) ? 'made' : typeof made;
      } catch (error) {
        return error instanceof Error ? error.name : String(error);
      }
    };
    // The refusal is reported as a violation event, a task later: waited for, so
    // its report is in before this test takes it off the list of problems.
    const reported = new Promise((resolve) => document.addEventListener('securitypolicyviolation', resolve, { once: true }));
    const plainString = attempt(() => new Worker('./worker.js', { type: 'module' }));
    if (plainString !== 'made') await reported;
    return {
      plainString,
      throughPolicy: attempt(() => scriptUrl('./worker.js')),
      otherScript: attempt(() => scriptUrl('./main.js')),
      otherHost: attempt(() => scriptUrl('https://example.org/worker.js')),
    };
  });
  assert.deepEqual(outcome, { plainString: 'TypeError', throughPolicy: 'made', otherScript: 'TypeError', otherHost: 'TypeError' });
  // The plain string was refused as a violation of require-trusted-types-for, reported
  // like any other; that one was meant, so it is taken off the list the last test reads.
  const caused = lab.problems.splice(seen);
  assert.ok(caused.length >= 1 && caused.every((p) => /CSP violation: require-trusted-types-for|TrustedScriptURL/.test(p)), caused.join('\n'));
});

test('no policy violations and no request to another host', () => {
  assert.deepEqual(lab.problems, []);
});
