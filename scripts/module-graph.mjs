// node scripts/module-graph.mjs [--print]: the crate's module graph, file by
// file, from its `use` paths and the `crate::` / `super::` paths in its code.
// Unit tests are left out. Fails (exit 1) on an import cycle between files, or on a dependency that
// crosses the layers the other way:
//
//   api -> lessons -> runtime        research -> runtime
//
// rustc accepts cycles between modules; the lab keeps none, so that each file
// can be read after the files it uses (issue 16). npm test runs this.
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { parseFlags } from './flags.mjs';

const USAGE = 'Usage: node scripts/module-graph.mjs [--print]';
const { values: { print } } = parseFlags('module-graph', { print: { type: 'boolean', default: false } }, USAGE);

const SRC = new URL('../src/', import.meta.url);
/** Which top-level modules each one may use (besides itself). */
const LAYERS = new Map([
  ['api', ['lessons', 'runtime', 'research']],
  ['lessons', ['runtime']],
  ['research', ['runtime']],
  ['runtime', []],
]);

const files = (await readdir(SRC, { recursive: true })).filter((f) => f.endsWith('.rs')).map((f) => f.split(path.sep).join('/'));
/** A file's module path: `runtime/task.rs` -> `runtime::task`, `runtime/mod.rs` -> `runtime`. */
const moduleOf = (file) => file.replace(/(\/mod)?\.rs$/, '').replace(/^lib$/, '').split('/').filter(Boolean).join('::');
const modules = new Map(files.map((file) => [moduleOf(file), file]));

/** The longest prefix of `segments` that is a module with a file of its own. */
function resolve(segments) {
  for (let n = segments.length; n > 0; n -= 1) {
    const name = segments.slice(0, n).join('::');
    if (modules.has(name)) return name;
  }
  return null;
}

/** `a::{b, c::{d, e}}` -> [`a::b`, `a::c::d`, `a::c::e`]. */
function expand(tree) {
  const open = tree.indexOf('{');
  if (open === -1) return [tree.trim()];
  const prefix = tree.slice(0, open);
  const inner = tree.slice(open + 1, tree.lastIndexOf('}'));
  const parts = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < inner.length; i += 1) {
    if (inner[i] === '{') depth += 1;
    else if (inner[i] === '}') depth -= 1;
    else if (inner[i] === ',' && depth === 0) {
      parts.push(inner.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(inner.slice(start));
  return parts.map((p) => p.trim()).filter(Boolean).flatMap((p) => expand(prefix + p));
}

/** @type {Map<string, Set<string>>} module -> the modules it uses */
const edges = new Map();
for (const [self, file] of modules) {
  const source = (await readFile(new URL(file, SRC), 'utf8'))
    .split('\n')
    .map((line) => line.replace(/\/\/.*$/, ''))
    .join('\n');
  // Unit tests (`#[cfg(test)] mod tests`, last in a file by convention) are
  // not part of the module's design: a test may build what it tests with.
  const tests = source.search(/#\[cfg\(test\)\]\s*mod \w+\s*\{/);
  const text = tests === -1 ? source : source.slice(0, tests);
  const uses = new Set();
  const here = self.split('::').filter(Boolean);
  // A file's own inline modules (`mod tests { use super::*; }`) come last; in
  // them `super` is the file itself.
  const inline = text.search(/^\s*(pub(\(\w+\))?\s+)?mod \w+\s*\{/m);
  const add = (pathText, offset) => {
    const nested = inline !== -1 && offset > inline;
    for (const full of expand(pathText.replace(/\s+/g, ' '))) {
      const segments = full.split('::').map((s) => s.trim()).filter(Boolean);
      let base;
      if (segments[0] === 'crate') base = [];
      // A file's module is `here` (a mod.rs is its folder's module), so `super`
      // is its parent, except inside the file's own inline modules.
      else if (segments[0] === 'super') base = nested ? here : here.slice(0, -1);
      else if (segments[0] === 'self') base = here;
      else continue;
      let rest = segments.slice(1);
      while (rest[0] === 'super') {
        base = base.slice(0, -1);
        rest = rest.slice(1);
      }
      const target = resolve([...base, ...rest]);
      if (target !== null && target !== self) uses.add(target);
    }
  };
  for (const match of text.matchAll(/\buse\s+((?:crate|super|self)::[^;]+);/g)) add(match[1], match.index);
  // Paths written in the code itself: `crate::runtime::trace::note_waiting(...)`.
  for (const match of text.matchAll(/(?<![\w:])((?:crate|super)(?:::\w+)+)/g)) add(match[1], match.index);
  edges.set(self, uses);
}

// Cycles: the strongly connected components of more than one module (Tarjan).
let index = 0;
const stack = [];
const on = new Set();
const idx = new Map();
const low = new Map();
const cycles = [];
function connect(v) {
  idx.set(v, index);
  low.set(v, index);
  index += 1;
  stack.push(v);
  on.add(v);
  for (const w of edges.get(v) ?? []) {
    if (!idx.has(w)) {
      connect(w);
      low.set(v, Math.min(low.get(v), low.get(w)));
    } else if (on.has(w)) low.set(v, Math.min(low.get(v), idx.get(w)));
  }
  if (low.get(v) === idx.get(v)) {
    const component = [];
    let w;
    do {
      w = stack.pop();
      on.delete(w);
      component.push(w);
    } while (w !== v);
    if (component.length > 1) cycles.push(component.sort());
  }
}
for (const v of edges.keys()) if (!idx.has(v)) connect(v);

const crossings = [];
for (const [from, targets] of edges) {
  const top = from.split('::')[0];
  for (const to of targets) {
    const toTop = to.split('::')[0];
    if (!top || toTop === top || !toTop) continue;
    if (!(LAYERS.get(top) ?? []).includes(toTop)) crossings.push(`${from} -> ${to}`);
  }
}

if (print) {
  for (const [from, targets] of [...edges].sort()) console.log(`${from || 'lib'} -> ${[...targets].sort().join(', ') || '(nothing)'}`);
}
const count = [...edges.values()].reduce((sum, t) => sum + t.size, 0);
console.log(`module-graph: ${modules.size} files, ${count} uses between them; ${cycles.length} cycles, ${crossings.length} uses against the layers`);
for (const cycle of cycles) console.error(`  cycle: ${cycle.join(' <-> ')}`);
for (const crossing of crossings) console.error(`  against the layers (${[...LAYERS].map(([k, v]) => `${k} -> ${v.join('/') || 'itself'}`).join('; ')}): ${crossing}`);
process.exit(cycles.length || crossings.length ? 1 : 0);
