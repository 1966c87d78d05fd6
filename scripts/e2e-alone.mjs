// node scripts/e2e-alone.mjs [FILE...]: runs every e2e test on its own, as
// `--test-name-pattern` with its exact name would, and fails if any test passes
// only after the tests before it in its file (issue 16). Slow (a browser and a
// page per test), so npm test does not run it; run it after changing a test
// file. Needs the release build in dist/ (npm run build).
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { parseFlags } from './flags.mjs';

const USAGE = 'Usage: node scripts/e2e-alone.mjs [tests/e2e/X.test.mjs ...] (default: every e2e file)';
const { positionals } = parseFlags('e2e-alone', {}, USAGE, { positionals: Infinity });
const files = positionals.length
  ? positionals
  : readdirSync('tests/e2e').filter((f) => f.endsWith('.test.mjs')).sort().map((f) => `tests/e2e/${f}`);

/** Runs node --test on `file` with a name pattern; its TAP output and exit code. */
function nodeTest(file, pattern) {
  const result = spawnSync(process.execPath, ['--test', '--test-reporter=tap', `--test-name-pattern=${pattern}`, file], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  return { out: `${result.stdout}${result.stderr}`, status: result.status };
}

const escape = (text) => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
const failures = [];
let ran = 0;
for (const file of files) {
  // A pattern no name matches: every test is listed as skipped, by name.
  const listing = nodeTest(file, '^(?!)$');
  const names = [...listing.out.matchAll(/^ok \d+ - (.*) # SKIP test name does not match pattern$/gm)].map(([, n]) => n);
  if (names.length === 0) {
    failures.push(`${file}: no tests listed (exit ${listing.status})`);
    continue;
  }
  for (const name of names) {
    const { out, status } = nodeTest(file, `^${escape(name)}$`);
    const passed = Number(/^# pass (\d+)$/m.exec(out)?.[1] ?? 0);
    ran += 1;
    const ok = status === 0 && passed === 1;
    console.log(`${ok ? 'ok  ' : 'FAIL'} ${file}: ${name}`);
    if (!ok) failures.push(`${file}: ${name} (exit ${status}, ${passed} passed)\n${out.split('\n').filter((l) => /not ok|error|Error/.test(l)).slice(0, 8).join('\n')}`);
  }
}
console.log(`\ne2e-alone: ${ran} tests, each run on its own; ${failures.length} failed`);
for (const failure of failures) console.error(`  ${failure}`);
process.exit(failures.length ? 1 : 0);
