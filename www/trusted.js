// @ts-check
/**
 * The lab's one Trusted Types policy, "lab". The site's Content-Security-Policy
 * says `require-trusted-types-for 'script'; trusted-types lab`: a script URL
 * reaches a sink (`new Worker(..)`, `navigator.serviceWorker.register(..)`)
 * only as a TrustedScriptURL made here, and this policy makes one only for the
 * lab's own two scripts, next to the page on its own origin.
 *
 * Two copies of this module run in a page: this one, imported by the page's
 * modules, and the one wasm-bindgen copies into pkg/snippets/ for the Rust side
 * (src/runtime/worker.rs starts the lesson's workers). A name may be given to
 * one policy only, so both copies share the policy through a registered symbol.
 * That shares nothing beyond what the policy itself allows: the two script
 * URLs below. Made on first use, so a worker or a page that starts no worker
 * makes none.
 */

/** The scripts the lab starts, by file name: they sit next to index.html (parallel-worker.js: the threaded module's workers). */
const SCRIPTS = ['worker.js', 'sources-sw.js', 'parallel-worker.js'];
const SHARED = Symbol.for('async-rust-lab.trusted-types-policy');

/**
 * The Trusted Types API where the browser has it (Chromium); `undefined`
 * elsewhere, where script URLs are plain strings and no policy is needed.
 * @typedef {{ createScriptURL(url: string): unknown }} Policy
 * @typedef {{ createPolicy(name: string, rules: { createScriptURL(url: string): string }): Policy }} PolicyFactory
 * @returns {Policy | undefined}
 */
function policy() {
  const shared = /** @type {Record<symbol, Policy | undefined>} */ (/** @type {unknown} */ (globalThis));
  const factory = /** @type {{ trustedTypes?: PolicyFactory }} */ (/** @type {unknown} */ (globalThis)).trustedTypes;
  if (!factory) return undefined;
  shared[SHARED] ??= factory.createPolicy('lab', {
    createScriptURL(url) {
      // Resolved as the sinks resolve it: against the page (or, in a worker,
      // the worker's script), which sits beside the lab's scripts.
      const here = globalThis.location.href;
      if (!SCRIPTS.some((file) => new URL(`./${file}`, here).href === new URL(url, here).href)) {
        throw new TypeError(`the lab's Trusted Types policy allows only its own ${SCRIPTS.join(' and ')}, not ${url}`);
      }
      return url;
    },
  });
  return shared[SHARED];
}

/**
 * `url` as a TrustedScriptURL for a Worker or a service worker (a plain string
 * where the browser has no Trusted Types). Throws a TypeError for any URL but
 * the lab's own worker.js, sources-sw.js and parallel-worker.js.
 * @param {string} url relative to the page, or absolute
 * @returns {string} typed as the string the DOM's declarations take for a script URL
 */
export function scriptUrl(url) {
  const rules = policy();
  return /** @type {string} */ (rules ? rules.createScriptURL(url) : url);
}
