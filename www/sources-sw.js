// @ts-nocheck (a service worker's globals, not the page's)
/**
 * The search lesson's sources, served by this service worker so that they work
 * on any static host: a request for `sources/<name>.json?delay=<ms>&status=<n>`
 * is held back `delay` ms for real (fetch sees the response arrive late), then
 * answered with the dataset in data/, or with `status` (404) instead. Every
 * other request passes through untouched.
 *
 * If the page aborts a request, `event.request.signal` aborts too, and the
 * worker stops waiting: a race's losers cost nothing here either.
 */

const DATASET = 'data/covid-2021-01-01.json';
/** The longest delay served: the lab's own limit, so a typo cannot hang a request. */
const MAX_DELAY_MS = 60_000;

self.addEventListener('install', () => {
  // Take over at once, not on the page's next load: the lesson's first fetch
  // must already go through this worker.
  self.skipWaiting();
});

self.addEventListener('activate', (event) => {
  event.waitUntil(self.clients.claim());
});

self.addEventListener('fetch', (event) => {
  const url = new URL(event.request.url);
  const scope = new URL(self.registration.scope);
  const match = url.pathname.startsWith(scope.pathname)
    && /^sources\/([a-z-]+)\.json$/.exec(url.pathname.slice(scope.pathname.length));
  if (!match) return;
  event.respondWith(serve(match[1], url.searchParams, event.request.signal, scope));
});

/**
 * @param {string} name
 * @param {URLSearchParams} params
 * @param {AbortSignal} signal
 * @param {URL} scope
 */
async function serve(name, params, signal, scope) {
  const delay = Math.min(MAX_DELAY_MS, Math.max(0, Number(params.get('delay')) || 0));
  const status = Number(params.get('status') ?? 200);
  const aborted = await wait(delay, signal);
  const headers = { 'content-type': 'application/json', 'cache-control': 'no-store', 'x-source': name };
  // Nobody reads this answer any more; an empty one ends the request quietly.
  if (aborted) return new Response(null, { status: 204, headers });
  if (status < 200 || status > 299) {
    const statusText = status === 404 ? 'Not Found' : 'Unavailable';
    return new Response(JSON.stringify({ error: `${name} is gone`, status }), { status, statusText, headers });
  }
  try {
    const data = await fetch(new URL(DATASET, scope), { signal });
    return new Response(await data.text(), { status: data.status, headers });
  } catch {
    return new Response(null, { status: 204, headers });
  }
}

/**
 * Waits `ms`, or less if `signal` aborts first. Resolves to whether it aborted.
 * @param {number} ms
 * @param {AbortSignal} signal
 */
function wait(ms, signal) {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve(true);
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve(false);
    }, ms);
    function onAbort() {
      clearTimeout(timer);
      resolve(true);
    }
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
