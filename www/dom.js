// @ts-check
/** Small DOM helpers. Text always goes in as text (textContent), never as markup. */

/**
 * Creates an element with a class, text and attributes.
 * @param {string} tag
 * @param {{ class?: string, text?: string, attrs?: Record<string, string> }} [options]
 * @param {...Node} children
 * @returns {HTMLElement}
 */
export function el(tag, options = {}, ...children) {
  const node = document.createElement(tag);
  if (options.class) node.className = options.class;
  if (options.text !== undefined) node.textContent = options.text;
  for (const [name, value] of Object.entries(options.attrs ?? {})) node.setAttribute(name, value);
  node.append(...children);
  return node;
}

/**
 * Prose with `backticked` names, as nodes: text, and a <code> element for each
 * backticked part. Still only text: no markup is parsed.
 * @param {string} prose
 * @returns {Node[]}
 */
export function proseWithCode(prose) {
  return prose.split('`').map((part, i) => (i % 2 ? el('code', { text: part }) : document.createTextNode(part)));
}

/**
 * The element inside `root` marked `data-role="<role>"`; throws if the page lacks it.
 * @param {ParentNode} root
 * @param {string} role
 * @returns {HTMLElement}
 */
export function role(root, role) {
  const node = root.querySelector(`[data-role="${role}"]`);
  if (!(node instanceof HTMLElement)) throw new Error(`the page has no [data-role="${role}"]`);
  return node;
}

/**
 * Milliseconds for people: whole numbers below ten seconds, one decimal above.
 * @param {number} ms
 */
export function formatMs(ms) {
  return ms < 10_000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

/**
 * A number input's value for the API: empty means "use the default"
 * (undefined); anything else goes through as a number for Rust to check.
 * @param {HTMLInputElement} input
 */
export function readNumber(input) {
  return input.value.trim() === '' ? undefined : input.valueAsNumber;
}

/**
 * The mode a form's submit button asks for (its `value`), if it is one of
 * `modes`; `fallback` when no button submitted it. Typed as the union of
 * `modes`, so the call it feeds is checked against the API's mode strings.
 * @template {string} M
 * @param {Event} event a form's submit event
 * @param {readonly M[]} modes
 * @param {M} fallback
 * @returns {M | undefined}
 */
export function submittedMode(event, modes, fallback) {
  const button = /** @type {SubmitEvent} */ (event).submitter;
  const value = button instanceof HTMLButtonElement ? button.value : fallback;
  return modes.find((mode) => mode === value);
}
