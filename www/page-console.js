// @ts-check
/**
 * The console on the page: a text input that runs one call on `lab`, for
 * whoever has no devtools (a phone). The page's CSP forbids eval and Function,
 * so the input is parsed, not evaluated: `lab.name(arg, …)` or
 * `await lab.name(…)`, with literal arguments only (numbers, strings,
 * true/false/null/undefined, arrays and plain objects of literals). Only a
 * function `lab` itself has can be called; anything else gets one message
 * saying what was expected where, and nothing runs.
 */
import { el, formatMs } from './dom.js';

/** Longer input is refused before it is parsed: no call of the lab needs more. */
export const MAX_INPUT = 2000;
/** Nesting deeper than this is refused: no option object of the lab is nested. */
const MAX_DEPTH = 16;
/** A result printed longer than this is cut, with a note of how much was left out. */
const MAX_OUTPUT = 4000;
/** Entries kept in the log; older ones are removed. */
const MAX_ENTRIES = 40;

/** An input the console cannot run: the message says what was expected at which column. */
export class ConsoleSyntaxError extends Error {
  /**
   * @param {string} expected
   * @param {number} index 0-based position in the input
   * @param {string} text the input
   */
  constructor(expected, index, text) {
    const found = index >= text.length ? 'the end of the input' : JSON.stringify(text.slice(index, index + 12));
    super(`Expected ${expected} at column ${index + 1}, found ${found}.`);
    this.name = 'ConsoleSyntaxError';
  }
}

const IDENT = /[A-Za-z_$][\w$]*/y;
const NUMBER = /-?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?/y;
const SPACE = /\s*/y;
/** @type {Record<string, string>} */
const ESCAPES = { n: '\n', t: '\t', r: '\r', b: '\b', f: '\f', v: '\v', 0: '\0', '\\': '\\', "'": "'", '"': '"' };
/** The bare words that are values; anything else bare is an error. */
const WORDS = new Map(/** @type {[string, unknown][]} */ ([
  ['true', true], ['false', false], ['null', null], ['undefined', undefined], ['NaN', NaN], ['Infinity', Infinity],
]));

/**
 * Parses one call on `lab`. Throws ConsoleSyntaxError for anything else.
 * @param {string} text
 * @returns {{ name: string, args: unknown[] }}
 */
export function parseCall(text) {
  if (text.length > MAX_INPUT) {
    throw new RangeError(`The input is ${text.length} characters long; the console reads calls of at most ${MAX_INPUT}.`);
  }
  let at = 0;
  const space = () => {
    SPACE.lastIndex = at;
    SPACE.exec(text);
    at = SPACE.lastIndex;
  };
  /** @param {RegExp} re */
  const match = (re) => {
    re.lastIndex = at;
    const found = re.exec(text);
    if (found) at = re.lastIndex;
    return found?.[0];
  };
  /** @param {string} token @param {string} [expected] */
  const expect = (token, expected = JSON.stringify(token)) => {
    space();
    if (!text.startsWith(token, at)) throw new ConsoleSyntaxError(expected, at, text);
    at += token.length;
  };

  /** @param {number} depth @returns {unknown} */
  const value = (depth) => {
    space();
    if (depth > MAX_DEPTH) throw new ConsoleSyntaxError(`at most ${MAX_DEPTH} levels of nesting`, at, text);
    const start = at;
    const c = text[at];
    if (c === '"' || c === "'") return string(c);
    if (c === '[') {
      at += 1;
      /** @type {unknown[]} */
      const items = [];
      list(']', () => items.push(value(depth + 1)));
      return items;
    }
    if (c === '{') {
      at += 1;
      /** @type {[string, unknown][]} */
      const entries = [];
      list('}', () => {
        space();
        const q = text[at];
        const key = q === '"' || q === "'" ? string(q) : match(IDENT);
        if (key === undefined) throw new ConsoleSyntaxError('a key (a name or a quoted string)', at, text);
        expect(':');
        entries.push([key, value(depth + 1)]);
      });
      // fromEntries defines own properties: a key "__proto__" is a key, not a prototype.
      return Object.fromEntries(entries);
    }
    const number = match(NUMBER);
    if (number !== undefined) return Number(number);
    if (text.startsWith('-Infinity', at)) {
      at += '-Infinity'.length;
      return -Infinity;
    }
    const word = match(IDENT);
    if (word !== undefined && WORDS.has(word)) return WORDS.get(word);
    at = start;
    throw new ConsoleSyntaxError('a literal (a number, a string, true, false, null, undefined, [ or {)', at, text);
  };

  /** @param {string} quote @returns {string} */
  const string = (quote) => {
    const open = at;
    at += 1;
    let out = '';
    for (;;) {
      const c = text[at];
      if (c === undefined || c === '\n') throw new ConsoleSyntaxError(`the closing ${quote} (of the string opened at column ${open + 1})`, at, text);
      at += 1;
      if (c === quote) return out;
      if (c !== '\\') {
        out += c;
        continue;
      }
      const e = text[at];
      if (e !== undefined && Object.hasOwn(ESCAPES, e)) {
        out += ESCAPES[e];
        at += 1;
      } else if (e === 'u' || e === 'x') {
        const hex = e === 'x' ? /x([0-9a-fA-F]{2})/y : /u(?:\{([0-9a-fA-F]{1,6})\}|([0-9a-fA-F]{4}))/y;
        hex.lastIndex = at;
        const found = hex.exec(text);
        const code = found ? parseInt(found[1] ?? found[2], 16) : NaN;
        if (!(code <= 0x10ffff)) throw new ConsoleSyntaxError(`an escape like ${e === 'x' ? '\\x41' : '\\u0041 or \\u{1F980}'}`, at - 1, text);
        out += String.fromCodePoint(code);
        at = hex.lastIndex;
      } else {
        throw new ConsoleSyntaxError('an escape (\\n \\t \\r \\b \\f \\v \\0 \\\\ \\\' \\" \\xHH \\uHHHH)', at - 1, text);
      }
    }
  };

  /**
   * Items separated by commas up to `close` (a trailing comma allowed).
   * @param {string} close @param {() => void} item
   */
  const list = (close, item) => {
    space();
    while (text[at] !== close) {
      item();
      space();
      if (text[at] === ',') {
        at += 1;
        space();
      } else if (text[at] !== close) {
        throw new ConsoleSyntaxError(`"," or "${close}"`, at, text);
      }
    }
    at += 1;
  };

  space();
  if (match(/await\b/y) !== undefined) space();
  expect('lab', 'a call on lab, like lab.concurrent(600, 300)');
  expect('.');
  space();
  const name = match(IDENT);
  if (name === undefined) throw new ConsoleSyntaxError('the name of a function of lab', at, text);
  expect('(');
  /** @type {unknown[]} */
  const args = [];
  list(')', () => args.push(value(1)));
  space();
  if (text[at] === ';') at += 1;
  space();
  if (at < text.length) throw new ConsoleSyntaxError('the end of the call', at, text);
  return { name, args };
}

/**
 * Any value as text for the log, like the devtools would show it: strings
 * quoted, cycles and depth cut, getters that throw caught. Never throws.
 * @param {unknown} value
 * @returns {string}
 */
export function show(value) {
  const seen = new WeakSet();
  /** @param {unknown} v @param {string} indent @param {number} depth @returns {string} */
  const render = (v, indent, depth) => {
    switch (typeof v) {
      case 'string': return JSON.stringify(v);
      case 'number': return Object.is(v, -0) ? '-0' : String(v);
      case 'bigint': return `${v}n`;
      case 'function': return `[function ${v.name || '(anonymous)'}]`;
      case 'symbol': return v.toString();
      case 'undefined': return 'undefined';
      case 'boolean': return String(v);
      default: break;
    }
    if (v === null) return 'null';
    const object = /** @type {object} */ (v);
    if (object instanceof Error) return `${object.name}: ${object.message}`;
    if (seen.has(object)) return '[circular]';
    if (depth > 6) return Array.isArray(object) ? '[…]' : '{…}';
    seen.add(object);
    const inner = `${indent}  `;
    /** @type {string[]} */
    let parts;
    const isArray = Array.isArray(object);
    try {
      parts = isArray
        ? object.slice(0, 100).map((item) => render(item, inner, depth + 1))
        : Object.keys(object).slice(0, 100).map((key) => {
          let item;
          try {
            item = render(/** @type {Record<string, unknown>} */ (object)[key], inner, depth + 1);
          } catch (error) {
            item = `[threw ${error instanceof Error ? error.name : 'a value'}]`;
          }
          return `${/^[A-Za-z_$][\w$]*$/.test(key) ? key : JSON.stringify(key)}: ${item}`;
        });
      const total = isArray ? object.length : Object.keys(object).length;
      if (total > 100) parts.push(`… ${total - 100} more`);
    } finally {
      seen.delete(object);
    }
    const [open, close] = isArray ? ['[', ']'] : ['{ ', ' }'];
    if (parts.length === 0) return isArray ? '[]' : '{}';
    const flat = `${open}${parts.join(', ')}${close}`;
    if (flat.length <= 72 && !flat.includes('\n')) return flat;
    // An array's short single-line items (numbers, say) share rows; anything else has a row of its own.
    /** @type {string[]} */
    const rows = [];
    for (const part of parts) {
      const row = rows.length ? rows[rows.length - 1] : undefined;
      if (isArray && row !== undefined && part.length <= 24 && !part.includes('\n') && !row.includes('\n') && row.length + part.length < 70) {
        rows[rows.length - 1] = `${row}, ${part}`;
      } else {
        rows.push(part);
      }
    }
    return `${open.trim()}\n${inner}${rows.join(`,\n${inner}`)}\n${indent}${close.trim()}`;
  };
  let text;
  try {
    text = render(value, '', 0);
  } catch (error) {
    text = `[a value that cannot be shown: ${error instanceof Error ? error.message : 'it threw'}]`;
  }
  return text.length > MAX_OUTPUT ? `${text.slice(0, MAX_OUTPUT)}… (${text.length - MAX_OUTPUT} more characters)` : text;
}

/**
 * Runs one parsed call of a function `lab` has as its own property. Prints
 * the lines of every run the call starts as they come, then the result.
 * @param {Record<string, unknown>} lab
 * @param {{ name: string, args: unknown[] }} call
 * @param {(line: { text: string, atMs: number, thread: string }) => void} onLine
 */
async function runCall(lab, { name, args }, onLine) {
  const fn = /** @type {Function} */ (lab[name]);
  /** @type {Set<number>} */
  const runs = new Set();
  /** @param {Event} event */
  const onStart = (event) => { runs.add(/** @type {CustomEvent} */ (event).detail?.id); };
  /** @param {Event} event */
  const onPrinted = (event) => {
    const detail = /** @type {CustomEvent} */ (event).detail;
    if (runs.has(detail?.id)) onLine(detail.line);
  };
  globalThis.addEventListener('lab:run-start', onStart);
  globalThis.addEventListener('lab:line', onPrinted);
  try {
    return await fn.apply(lab, args);
  } finally {
    globalThis.removeEventListener('lab:run-start', onStart);
    globalThis.removeEventListener('lab:line', onPrinted);
  }
}

/**
 * Mounts the console in `section` (#console in index.html): its form, its
 * example chips and its log.
 * @param {HTMLElement} section
 * @param {import('./lab.js').Lab} lab
 */
export function mountConsole(section, lab) {
  const form = /** @type {HTMLFormElement} */ (section.querySelector('form'));
  const input = /** @type {HTMLInputElement} */ (form.querySelector('input'));
  const log = /** @type {HTMLOListElement} */ (section.querySelector('ol[data-role="console-log"]'));
  /** @type {string[]} */
  const history = [];
  let back = 0;
  let pending = 0;

  for (const chip of section.querySelectorAll('button[data-example]')) {
    chip.addEventListener('click', () => {
      input.value = chip.textContent ?? '';
      input.focus();
    });
  }

  input.addEventListener('keydown', (event) => {
    if (event.key !== 'ArrowUp' && event.key !== 'ArrowDown') return;
    if (history.length === 0) return;
    event.preventDefault();
    back = Math.max(0, Math.min(history.length, back + (event.key === 'ArrowUp' ? 1 : -1)));
    input.value = back === 0 ? '' : history[history.length - back];
  });

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const text = input.value;
    if (text.trim() === '') return;
    if (history.at(-1) !== text) history.push(text);
    back = 0;
    input.value = '';
    const echo = text.length > 200 ? `${text.slice(0, 200)}… (${text.length} characters)` : text;
    const entry = el('li', { class: 'console-entry' }, el('code', { class: 'console-input', text: `› ${echo}` }));
    log.append(entry);
    while (log.children.length > MAX_ENTRIES) log.firstElementChild?.remove();
    /** @param {string} kind @param {string} message */
    const say = (kind, message) => {
      entry.append(el('pre', { class: `console-${kind}`, text: message }));
      entry.scrollIntoView({ block: 'nearest' });
    };
    let call;
    try {
      call = parseCall(text);
    } catch (error) {
      entry.dataset.outcome = 'refused';
      say('error', error instanceof Error ? error.message : String(error));
      return;
    }
    const known = /** @type {Record<string, unknown>} */ (/** @type {unknown} */ (lab));
    if (!Object.hasOwn(known, call.name) || typeof known[call.name] !== 'function') {
      entry.dataset.outcome = 'refused';
      say('error', `lab has no function "${call.name}": lab.help() lists the ones it has.`);
      return;
    }
    pending += 1;
    section.setAttribute('aria-busy', 'true');
    entry.dataset.outcome = 'running';
    try {
      const result = await runCall(known, call, (line) => {
        say('line', `+${formatMs(line.atMs)}  ${line.text}  (on thread ${line.thread})`);
      });
      entry.dataset.outcome = 'result';
      say('result', show(result));
    } catch (error) {
      entry.dataset.outcome = 'error';
      say('error', show(error));
    } finally {
      pending -= 1;
      if (pending === 0) section.removeAttribute('aria-busy');
    }
  });
}
