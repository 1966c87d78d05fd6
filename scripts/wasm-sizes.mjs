// node scripts/wasm-sizes.mjs FILE.wasm [N]: the N largest functions (default
// 20) of a wasm module that keeps its name section, by the bytes of their
// bodies, and the size of each section. docs/benchmarks.md lists the lab's top
// 20 from it (issue 18); scripts/build.sh strips the names, so run it on a
// build made with them (docs/benchmarks.md says how).
import { readFileSync } from 'node:fs';
import { parseFlags, wholeNumberFlag } from './flags.mjs';

const USAGE = 'Usage: node scripts/wasm-sizes.mjs FILE.wasm [N]   the N largest functions (1 to 1000, default 20)';
const { positionals: [file, countArg] } = parseFlags('wasm-sizes', {}, USAGE, { positionals: 2 });
if (!file) {
  console.error(`wasm-sizes: which .wasm?\n${USAGE}`);
  process.exit(2);
}
const count = wholeNumberFlag('wasm-sizes', 'N', countArg, 1, 1000, 20, USAGE);
const bytes = readFileSync(file);
let at = 8;
const leb = () => {
  let result = 0;
  let shift = 0;
  let byte;
  do {
    byte = bytes[at++];
    result += (byte & 127) * 2 ** shift;
    shift += 7;
  } while (byte & 128);
  return result;
};
const SECTIONS = ['custom', 'type', 'import', 'function', 'table', 'memory', 'global', 'export', 'start', 'element', 'code', 'data', 'data count'];
/** @type {number[]} body sizes, by index among the defined functions */
const bodies = [];
/** @type {Map<number, string>} names, by function index (imports first) */
const names = new Map();
let imported = 0;
for (; at < bytes.length;) {
  const id = bytes[at++];
  const size = leb();
  const end = at + size;
  let label = SECTIONS[id] ?? String(id);
  if (id === 2) {
    for (let n = leb(); n > 0; n--) {
      for (const _ of [0, 1]) { const length = leb(); at += length; } // module and field names
      const kind = bytes[at++];
      if (kind === 0) { leb(); imported++; } else if (kind === 1) { at++; const flags = leb(); leb(); if (flags & 1) leb(); } else if (kind === 2) { const flags = leb(); leb(); if (flags & 1) leb(); } else if (kind === 3) { at += 2; } else { leb(); }
    }
  } else if (id === 10) {
    for (let n = leb(); n > 0; n--) { const body = leb(); bodies.push(body); at += body; }
  } else if (id === 0) {
    const nameLength = leb();
    const name = bytes.subarray(at, at + nameLength).toString();
    at += nameLength;
    label = `custom "${name}"`;
    if (name === 'name') {
      while (at < end) {
        const sub = bytes[at++];
        const subSize = leb();
        const subEnd = at + subSize;
        if (sub === 1) {
          for (let n = leb(); n > 0; n--) { const index = leb(); const length = leb(); names.set(index, bytes.subarray(at, at + length).toString()); at += length; }
        }
        at = subEnd;
      }
    }
  }
  console.log(`section ${label}: ${size} bytes`);
  at = end;
}
const top = bodies.map((size, i) => ({ size, name: names.get(i + imported) ?? `func ${i + imported}` }))
  .sort((a, b) => b.size - a.size).slice(0, count);
const total = bodies.reduce((a, b) => a + b, 0);
console.log(`\n${bodies.length} functions, ${total} bytes of code; the ${top.length} largest:\n`);
console.log('| bytes | share | function |\n|---:|---:|---|');
// Rust's symbol hashes (::h0123…) and crate disambiguators ([0123…]) only make the names longer.
const readable = (/** @type {string} */ name) => name.replace(/::h[0-9a-f]{16}$/, '').replace(/\[[0-9a-f]{16}\]/g, '');
for (const { size, name } of top) console.log(`| ${size} | ${(size / total * 100).toFixed(1)}% | \`${readable(name).replace(/\|/g, '\\|')}\` |`);
