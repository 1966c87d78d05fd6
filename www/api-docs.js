// @ts-check
/**
 * Reads the console API's documentation from the .d.ts that wasm-bindgen
 * generates from the crate's doc comments. That file is the one list of exports
 * and what they do. This is its one parser: scripts/lab-manifest.mjs runs it at
 * build time and writes pkg/lab-manifest.js, which lab.help() prints and the
 * tests read, so the page never fetches nor parses the .d.ts itself. The
 * hostile-input test reads each parameter's type through it too.
 */

/**
 * @typedef {{ name: string, signature: string, summary: string }} ExportDoc
 * @typedef {ExportDoc & { lesson: boolean }} ManifestEntry
 *   `lesson`: it runs something to watch (it returns a Promise, or a handle
 *   such as a Stepper), rather than reading what a run left (trace, tree…)
 * @typedef {{ exports: ManifestEntry[], snippets: string[] }} Manifest
 *   `exports`: every function of the lab's module, sorted by name;
 *   `snippets`: the JS snippets the glue imports, relative to pkg/
 * @typedef {{ aliases: Map<string, string>, interfaces: Map<string, string> }} DeclaredTypes
 *   the .d.ts's `export type` aliases and `export interface` bodies, by name
 * @typedef {{ name: string, type: string, literals: string[] }} FieldSpec
 * @typedef {{ name: string, optional: boolean, type: string, literals: string[],
 *   fields: FieldSpec[] | null, promise: boolean, unknown: boolean }} ParamSpec
 *   one parameter of an export: its string literals if it is a choice, its
 *   fields if it is an options object, whether it takes a Promise or anything
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

/**
 * The named types of the .d.ts: aliases (`export type Mode = "a" | "b";`) and
 * interfaces (their bodies, doc comments removed).
 * @param {string} dts
 * @returns {DeclaredTypes}
 */
export function declaredTypes(dts) {
  const aliases = new Map([...dts.matchAll(/export type (\w+) = ([^;]+);/g)].map(([, name, type]) => [name, type]));
  const interfaces = new Map(
    [...dts.matchAll(/export interface (\w+) \{([\s\S]*?)\n\}/g)]
      .map(([, name, body]) => [name, body.replace(/\/\*\*[\s\S]*?\*\//g, '')]),
  );
  return { aliases, interfaces };
}

/**
 * The parameters of a signature such as `concurrent(oneMs?: number, ...)` or a
 * help line `lab.kitchen(mode: KitchenMode, options?: {...})  summary`, each
 * with what it takes, its named types resolved through `types`.
 * @param {string} signature
 * @param {DeclaredTypes} types
 * @returns {ParamSpec[]}
 */
export function parameterSpecs(signature, types) {
  return splitTopLevel(parenthesized(signature, signature.indexOf('(')), ',').map((param) => {
    const [, name, optional, type] = /^(\w+)(\??):\s*([\s\S]+)$/.exec(param) ?? [];
    if (name === undefined) throw new Error(`a parameter without a type in ${signature}`);
    // The .d.ts gives the whole type where a help line's may be cut short.
    const top = splitTopLevel(type, '|')[0];
    return {
      name,
      optional: optional === '?',
      type,
      literals: /\{|^unknown$/.test(type) ? [] : literalsOf(type, types),
      fields: fieldsOf(top, types),
      promise: /^Promise</.test(type),
      unknown: type === 'unknown',
    };
  });
}

/**
 * Splits `text` at the top-level occurrences of `separator` (outside (), {},
 * [], <> and quotes).
 * @param {string} text
 * @param {string} separator
 */
function splitTopLevel(text, separator) {
  const parts = [];
  let depth = 0;
  let quoted = false;
  let start = 0;
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i];
    if (c === '"') quoted = !quoted;
    else if (quoted) continue;
    else if ('({[<'.includes(c)) depth += 1;
    else if (')}]>'.includes(c) && text[i - 1] !== '=') depth -= 1;
    else if (c === separator && depth === 0) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts.map((p) => p.trim()).filter(Boolean);
}

/**
 * The text between the parenthesis at `open` and its match.
 * @param {string} text
 * @param {number} open
 */
function parenthesized(text, open) {
  let depth = 0;
  for (let i = open; i < text.length; i += 1) {
    if (text[i] === '(') depth += 1;
    if (text[i] === ')' && (depth -= 1) === 0) return text.slice(open + 1, i);
  }
  throw new Error(`unbalanced parentheses in ${text}`);
}

/**
 * Each field of an object type written inline or as a named interface, or
 * null if `type` is not one.
 * @param {string} type
 * @param {DeclaredTypes} types
 * @returns {FieldSpec[] | null}
 */
function fieldsOf(type, types) {
  const inline = /^\{(.*)\}$/s.exec(type.trim())?.[1] ?? types.interfaces.get(type.trim());
  if (inline === undefined) return null;
  return splitTopLevel(inline, ';').flatMap((field) => {
    const [, name, fieldType] = /^(\w+)\??:\s*([\s\S]+)$/.exec(field.trim()) ?? [];
    return name === undefined ? [] : [{ name, type: fieldType, literals: literalsOf(fieldType, types) }];
  });
}

/**
 * The string literals of a union type such as `"sync" | "async" | null`,
 * through one alias.
 * @param {string} type
 * @param {DeclaredTypes} types
 */
function literalsOf(type, types) {
  const resolved = splitTopLevel(type, '|').map((t) => types.aliases.get(t) ?? t).join(' | ');
  return [...resolved.matchAll(/"([^"]*)"/g)].map(([, literal]) => literal);
}
