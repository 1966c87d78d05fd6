// @ts-check
/**
 * Reads the console API's documentation from the .d.ts that wasm-bindgen
 * generates from the crate's doc comments. That file is the one list of exports
 * and what they do. This is its one parser: scripts/lab-manifest.mjs runs it at
 * build time and writes pkg/lab-manifest.js, which lab.help() prints and the
 * tests read, so the page never fetches nor parses the .d.ts itself.
 */

/**
 * @typedef {{ name: string, signature: string, summary: string }} ExportDoc
 * @typedef {ExportDoc & { lesson: boolean }} ManifestEntry
 *   `lesson`: it runs something to watch (it returns a Promise, or a handle
 *   such as a Stepper), rather than reading what a run left (trace, tree…)
 * @typedef {{ exports: ManifestEntry[], snippets: string[] }} Manifest
 *   `exports`: every function of the lab's module, sorted by name;
 *   `snippets`: the JS snippets the glue imports, relative to pkg/
 */

/**
 * Parses `export function name(args): Ret;` declarations and the doc comment
 * above each one.
 * @param {string} dts the text of pkg/async_rust_lab.d.ts
 * @returns {Map<string, ExportDoc>}
 */
export function parseExportDocs(dts) {
  /** @type {Map<string, ExportDoc>} */
  const docs = new Map();
  const declaration = /\/\*\*((?:(?!\*\/)[\s\S])*)\*\/\s*export function (\w+)(\(.*\)(?::\s*[^;]+)?);/g;
  for (const [, comment, name, signature] of dts.matchAll(declaration)) {
    docs.set(name, { name, signature, summary: firstSentence(comment) });
  }
  return docs;
}

/**
 * The name of every function the .d.ts declares, documented or not (the
 * default export, wasm-bindgen's init, has no name of its own here).
 * @param {string} dts
 */
export function declaredFunctions(dts) {
  return [...dts.matchAll(/^export function (\w+)\(/gm)].map(([, name]) => name);
}

/**
 * The classes the .d.ts declares (handles an export returns, such as Stepper).
 * @param {string} dts
 */
export function declaredClasses(dts) {
  return new Set([...dts.matchAll(/^export class (\w+)/gm)].map(([, name]) => name));
}

/**
 * The first sentence of a doc comment's prose (before any @tag).
 * @param {string} comment the text between slash-star-star and star-slash
 */
function firstSentence(comment) {
  const prose = comment
    .split('\n')
    .map((line) => line.replace(/^\s*\*\s?/, '').trim())
    .filter((line) => !line.startsWith('@'))
    .join(' ')
    .replace(/\s+/g, ' ')
    .trim();
  const end = prose.search(/\.(\s|$)/);
  return end === -1 ? prose : prose.slice(0, end + 1);
}
