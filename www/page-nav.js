// @ts-check
/**
 * The way around the page: a table of contents of the lesson cards, each with
 * the verdicts of the claims that link to it, and claim links that go to the
 * very button they name. Both are read from the page at mount time (cards are
 * `section.card` with an h2; claims are `li.claim`), so a new card or claim
 * needs no edit here.
 */
import { el } from './dom.js';

/** How long a button reached from a claim stays highlighted. */
const HIGHLIGHT_MS = 4000;

/**
 * Builds the table of contents and puts it before `main`: a `<details>`, so a
 * phone can fold it away; the stylesheet makes it sticky (a bar, or a side
 * column on a wide screen, where it starts open).
 * @param {Document} doc
 */
export function mountToc(doc) {
  const main = /** @type {HTMLElement} */ (doc.querySelector('main'));
  const cards = /** @type {HTMLElement[]} */ ([...main.querySelectorAll('section.card')]).filter((card) => card.id && card.querySelector('h2'));
  const claims = [...doc.querySelectorAll('li.claim')];
  const list = el('ol', { class: 'toc-list' });
  for (const card of cards) {
    const chips = claims
      .filter((claim) => claim.querySelector(`a[data-role="claim-link"][href="#${CSS.escape(card.id)}"]`))
      .map((claim) => claim.querySelector('[data-verdict]'))
      .filter((verdict) => verdict instanceof HTMLElement)
      .map((verdict) => el('span', { class: 'verdict toc-verdict', text: verdict.textContent ?? '', attrs: { 'data-verdict': verdict.dataset.verdict ?? '' } }));
    const item = el('li', {}, el('a', { text: card.querySelector('h2')?.textContent?.trim() ?? card.id, attrs: { href: `#${card.id}` } }));
    if (chips.length) item.append(el('span', { class: 'visually-hidden', text: ' The article\'s claims it tests: ' }), el('span', { class: 'toc-verdicts' }, ...chips));
    list.append(item);
  }
  const consoleSection = doc.getElementById('console');
  if (consoleSection) list.append(el('li', { class: 'toc-console' }, el('a', { text: 'The console: call lab yourself', attrs: { href: '#console' } })));
  const details = el('details', {}, el('summary', { text: `Lessons (${cards.length})` }), list);
  const nav = el('nav', { class: 'toc', attrs: { 'aria-label': 'Lessons', id: 'toc' } }, details);
  const wide = globalThis.matchMedia('(min-width: 90rem)');
  /** @type {HTMLDetailsElement} */ (details).open = wide.matches;
  // On a bar, an open list covers the page: a chosen lesson folds it away.
  list.addEventListener('click', (event) => {
    if (event.target instanceof HTMLAnchorElement && !wide.matches) /** @type {HTMLDetailsElement} */ (details).open = false;
  });
  main.before(nav);
  return nav;
}

/**
 * The button a claim's link names: in the card its href points at, the button
 * whose `value`, or else whose text, is the link's `data-mode`; the card's
 * first button when the link names none.
 * @param {Document} doc
 * @param {HTMLAnchorElement} link
 * @returns {HTMLButtonElement | undefined}
 */
export function claimTarget(doc, link) {
  const card = doc.getElementById(decodeURIComponent(link.hash.slice(1)));
  if (!card) return undefined;
  const buttons = /** @type {HTMLButtonElement[]} */ ([...card.querySelectorAll('button')]);
  const mode = link.dataset.mode;
  if (mode === undefined) return buttons[0];
  return buttons.find((b) => b.value === mode) ?? buttons.find((b) => b.textContent?.trim() === mode);
}

/**
 * Makes every claim's link (`a[data-role="claim-link"]`) go to its button:
 * scrolled into view, focused, highlighted for a few seconds, with a "Back to
 * the claim" link beside it that returns focus to the claim's link.
 * @param {Document} doc
 */
export function mountClaimLinks(doc) {
  const reduced = globalThis.matchMedia('(prefers-reduced-motion: reduce)');
  /** @type {HTMLElement | undefined} */
  let back;
  let timer = 0;
  doc.addEventListener('click', (event) => {
    const link = event.target instanceof Element ? event.target.closest('a[data-role="claim-link"]') : null;
    if (!(link instanceof HTMLAnchorElement)) return;
    const button = claimTarget(doc, link);
    if (!button) return; // the link's own jump to its card is all there is
    event.preventDefault();
    // The address names the card, as the link's own jump would, without its scroll.
    if (location.hash !== link.hash) history.pushState(null, '', link.hash);
    doc.querySelectorAll('.claim-target').forEach((b) => b.classList.remove('claim-target'));
    back?.remove();
    clearTimeout(timer);
    button.scrollIntoView({ block: 'center', behavior: reduced.matches ? 'auto' : 'smooth' });
    button.focus({ preventScroll: true });
    button.classList.add('claim-target');
    timer = window.setTimeout(() => button.classList.remove('claim-target'), HIGHLIGHT_MS);
    back = el('a', { class: 'back-to-claim', text: 'Back to the claim', attrs: { href: '#claims' } });
    back.addEventListener('click', (backEvent) => {
      backEvent.preventDefault();
      link.scrollIntoView({ block: 'center', behavior: reduced.matches ? 'auto' : 'smooth' });
      link.focus({ preventScroll: true });
      back?.remove();
      back = undefined;
    });
    (button.closest('.buttons') ?? button).after(back);
  });
}
