// @ts-check
/**
 * Code panes that scroll sideways say so: a pane whose lines are wider than
 * it is (scrollWidth > clientWidth, as on a phone) gets `data-overflow` with
 * "right" while more lies to its right and "left" once scrolled, and
 * style.css fades that edge. Every such pane can be scrolled from the keyboard
 * (it is focusable) and is named, for a screen reader and for axe's
 * scrollable-region rule. Panes made later (the machine views' source, the
 * compose card's code) are found as they appear.
 */

/** The panes this watches: code blocks, wherever they are made. */
const PANES = 'pre';

/**
 * Sets `pane`'s data-overflow from where it is scrolled, or removes it when
 * its lines fit.
 * @param {HTMLElement} pane
 */
export function markOverflow(pane) {
  const hidden = pane.scrollWidth - pane.clientWidth;
  if (hidden <= 1) {
    pane.removeAttribute('data-overflow');
    return;
  }
  const edges = [];
  if (pane.scrollLeft > 1) edges.push('left');
  if (pane.scrollLeft < hidden - 1) edges.push('right');
  pane.dataset.overflow = edges.join(' ');
  // A pane hidden from assistive technology (a decorative caret line) stays
  // out of the tab order: focusable and aria-hidden would contradict.
  if (pane.closest('[aria-hidden="true"]')) return;
  // Scrollable, so reachable: Tab focuses it, the arrow keys scroll it.
  if (!pane.hasAttribute('tabindex')) pane.tabIndex = 0;
  if (!pane.hasAttribute('aria-label') && !pane.hasAttribute('aria-labelledby')) pane.setAttribute('aria-label', 'Code, wider than the screen: scroll it sideways');
}

/**
 * Watches every code pane under `root`, now and as they are added.
 * @param {ParentNode & Node} root
 */
export function watchSideScroll(root) {
  /** @type {WeakSet<HTMLElement>} */
  const known = new WeakSet();
  /** @type {Set<HTMLElement>} */
  const due = new Set();
  let frame = 0;
  const later = (/** @type {HTMLElement} */ pane) => {
    due.add(pane);
    frame ||= requestAnimationFrame(() => {
      frame = 0;
      for (const p of due) markOverflow(p);
      due.clear();
    });
  };
  const sizes = new ResizeObserver((entries) => {
    for (const entry of entries) later(/** @type {HTMLElement} */ (entry.target));
  });
  const watch = (/** @type {HTMLElement} */ pane) => {
    if (known.has(pane)) return later(pane);
    known.add(pane);
    sizes.observe(pane);
    pane.addEventListener('scroll', () => later(pane), { passive: true });
    later(pane);
  };
  for (const pane of root.querySelectorAll(PANES)) watch(/** @type {HTMLElement} */ (pane));
  // New panes, and new text in old ones (a pane's lines can grow wider
  // without its box changing size).
  new MutationObserver((mutations) => {
    for (const { target, addedNodes } of mutations) {
      const inside = target instanceof Element ? target.closest(PANES) : null;
      if (inside instanceof HTMLElement) watch(inside);
      for (const node of addedNodes) {
        if (!(node instanceof Element)) continue;
        if (node.matches(PANES)) watch(/** @type {HTMLElement} */ (node));
        for (const pane of node.querySelectorAll(PANES)) watch(/** @type {HTMLElement} */ (pane));
      }
    }
  }).observe(root, { childList: true, subtree: true });
}
