// Command-line flags for the scripts, read by node's own util.parseArgs: an
// unknown flag, a missing value or a value out of range stops the script with a
// message and its usage, instead of silently becoming a default or NaN.
import { parseArgs } from 'node:util';

/**
 * Parses `process.argv` with `options` (util.parseArgs' own, strict). On a bad
 * flag prints `script: <what is wrong>` and `usage`, and exits with 2; with
 * --help (or -h) prints `usage` and exits with 0.
 * @param {string} script the script's name, for messages
 * @param {import('node:util').ParseArgsConfig['options']} options
 * @param {string} usage
 * @param {{ positionals?: number }} [limits] how many positional arguments it takes (default 0)
 * @returns {{ values: Record<string, string | boolean | undefined>, positionals: string[] }}
 */
export function parseFlags(script, options, usage, { positionals = 0 } = {}) {
  let parsed;
  try {
    parsed = parseArgs({ options: { ...options, help: { type: 'boolean', short: 'h' } }, allowPositionals: positionals > 0 });
  } catch (error) {
    fail(script, /** @type {Error} */ (error).message, usage);
  }
  if (parsed.positionals.length > positionals) {
    fail(script, `unexpected argument '${parsed.positionals[positionals]}'`, usage);
  }
  if (parsed.values.help) {
    console.log(usage);
    process.exit(0);
  }
  return parsed;
}

/**
 * A flag's value as a whole number from `min` to `max`; `fallback` when the flag
 * was not given. Anything else (a fraction, a word, an empty string) stops the
 * script with a message naming the flag and its range.
 * @param {string} script
 * @param {string} name the flag, without its dashes
 * @param {string | boolean | undefined} value as parseFlags returned it
 * @param {number} min
 * @param {number} max
 * @param {number} fallback
 * @param {string} usage
 */
export function wholeNumberFlag(script, name, value, min, max, fallback, usage) {
  if (value === undefined) return fallback;
  const n = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : NaN;
  if (!(n >= min && n <= max)) {
    fail(script, `--${name} must be a whole number from ${min} to ${max} (got '${value}')`, usage);
  }
  return n;
}

/**
 * @param {string} script
 * @param {string} message
 * @param {string} usage
 * @returns {never}
 */
function fail(script, message, usage) {
  console.error(`${script}: ${message}\n${usage}`);
  process.exit(2);
}
