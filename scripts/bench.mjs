// npm run bench: builds the release site, runs bench.html in headless Chromium
// (every row with its JS baseline, in the same page and run), adds the size and
// start-up rows, prints a table and writes bench/results.json.
// Options: --runs N (1 to 50, default 5), --sleepers N (1 to 2000000, default
// 1000000), --no-build, --help. An unknown flag or a bad value is an error.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { launchChromium } from './chromium.mjs';
import { parseFlags, wholeNumberFlag } from './flags.mjs';
import { serve } from './serve.mjs';

const USAGE = `Usage: npm run bench -- [--runs N] [--sleepers N] [--no-build]
  --runs N       repetitions of each row, 1 to 50 (default 5)
  --sleepers N   sleeping futures in the timer row, 1 to 2000000 (default 1000000)
  --no-build     use the dist/ already built
  --help, -h     this text`;

const { values: flags } = parseFlags('bench', {
  runs: { type: 'string' },
  sleepers: { type: 'string' },
  'no-build': { type: 'boolean' },
}, USAGE);
// The same ranges as bench.html's inputs.
const runs = wholeNumberFlag('bench', 'runs', flags.runs, 1, 50, 5, USAGE);
/** How the console line that says `lab` is ready begins (www/main.js prints it). */
const READY_LINE = 'Async Rust Lab is ready';
const sleepers = wholeNumberFlag('bench', 'sleepers', flags.sleepers, 1, 2_000_000, 1_000_000, USAGE);

/** The size row's floor (bench/size-floor): its own crate, target dir and output. */
const FLOOR_CRATE = path.resolve('bench/size-floor');
const FLOOR_TARGET = path.resolve('target/size-floor');
const FLOOR_PKG = path.join(FLOOR_TARGET, 'pkg');
const build = !flags['no-build'];
if (build) execFileSync('bash', ['scripts/build.sh'], { stdio: 'inherit' });
// Built here, before the long run, and with --no-build too if it never was:
// the size row reads it only at the end.
if (build || !existsSync(FLOOR_PKG)) {
  console.error('bench: the size floor, bench/size-floor, with the same profile and wasm-opt');
  execFileSync('wasm-pack', ['build', '--release', '--target', 'web', '--no-pack', '--out-dir', FLOOR_PKG, FLOOR_CRATE], {
    stdio: 'inherit',
    // npm's wasm-opt first, as scripts/build.sh does; a target dir of its own, so
    // that the lab's build cache is not thrown over for another crate's.
    env: { ...process.env, PATH: `${path.resolve('node_modules/.bin')}:${process.env.PATH}`, CARGO_TARGET_DIR: FLOOR_TARGET },
  });
}

/**
 * KB, gzipped at level 9, of a wasm-bindgen package in `dir`: the .wasm, the JS
 * glue and the JS snippets the glue imports (snippets/), each file on its own
 * as a server sends it.
 * @param {string} dir
 * @param {string} stem the crate's name, as wasm-bindgen names the files
 */
async function gzippedKb(dir, stem) {
  const snippets = (await readdir(path.join(dir, 'snippets'), { recursive: true }).catch(() => []))
    .filter((f) => f.endsWith('.js')).map((f) => path.join(dir, 'snippets', f));
  const files = [path.join(dir, `${stem}_bg.wasm`), path.join(dir, `${stem}.js`), ...snippets];
  const bytes = await Promise.all(files.map((f) => readFile(f)));
  return bytes.reduce((sum, b) => sum + gzipSync(b, { level: 9 }).length, 0) / 1024;
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/**
 * The start-up row's floor: the least a page costs from navigation start to
 * its first module script running, in this browser on this machine. An empty
 * page with one module script, served the same way (same server, same headers,
 * cross-origin isolated too); the script marks itself ready as main.js does.
 */
const FLOOR_HTML = '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>start-up floor</title>' +
  '<script type="module" src="./floor.js"></script></head><body><p>An empty page.</p></body></html>\n';
const FLOOR_JS = `performance.mark('lab-ready');\nconsole.info('${READY_LINE} (floor page)');\n`;
const floorDir = await mkdtemp(path.join(os.tmpdir(), 'lab-startup-floor-'));
await writeFile(path.join(floorDir, 'index.html'), FLOOR_HTML);
await writeFile(path.join(floorDir, 'floor.js'), FLOOR_JS);

const { server, url } = await serve({ dir: 'dist' });
const floor = await serve({ dir: floorDir });
const browser = await launchChromium();

/**
 * Navigation start to the page's 'lab-ready' mark, in a fresh tab. Nothing is
 * run in the page until it is ready: the bench hears of it from the console
 * line main.js prints. Waiting with Playwright's waitForFunction instead would
 * inject Playwright's own script (about 10 ms to parse, 20 ms to run on this
 * machine) into the page's main thread in the middle of its start-up.
 * @param {string} pageUrl
 */
async function startupMs(pageUrl) {
  const page = await browser.newPage();
  try {
    const ready = page.waitForEvent('console', { predicate: (m) => m.text().startsWith(READY_LINE), timeout: 30_000 });
    await page.goto(pageUrl, { waitUntil: 'commit' });
    await ready;
    return await page.evaluate(() => performance.getEntriesByName('lab-ready')[0].startTime);
  } finally {
    await page.close();
  }
}

try {
  // Start-up: the floor and the lab, interleaved so a slow moment hits both alike.
  const startup = { floor: [], lab: [] };
  for (let i = 0; i < Math.max(runs, 5); i++) {
    startup.floor.push(await startupMs(floor.url));
    startup.lab.push(await startupMs(url));
  }

  const page = await browser.newPage();
  page.on('pageerror', (e) => console.error('page error:', e.message));
  await page.goto(`${url}bench.html`);
  await page.fill('input[name="runs"]', String(runs));
  await page.fill('input[name="sleepers"]', String(sleepers));
  let last = '';
  const ticker = setInterval(async () => {
    const text = await page.locator('#bench-status').textContent().catch(() => '');
    if (text && text !== last) process.stderr.write(`\r\x1b[K${(last = text).slice(0, 110)}`);
  }, 500);
  await page.click('#bench-run');
  await page.waitForFunction(() => document.documentElement.dataset.benchDone, null, { timeout: 60 * 60_000 });
  clearInterval(ticker);
  process.stderr.write('\n');
  const results = await page.evaluate(() => window.benchResults);
  if (!results) throw new Error(await page.locator('#bench-status').textContent());

  const lab = await gzippedKb('dist/pkg', 'async_rust_lab');
  // The threaded module (issue 17): not on the first visit, loaded by the first
  // lab.parallel call: its wasm, its glue and the worker script that runs it.
  const threaded = await gzippedKb('dist/pkg-parallel', 'async_rust_lab_parallel')
    + gzipSync(await readFile('dist/parallel-worker.js'), { level: 9 }).length / 1024;
  const sizeFloor = await gzippedKb(FLOOR_PKG, 'size_floor');
  results.rows.push(
    {
      id: 'size', title: 'wasm + JS glue of the whole lab, gzipped', unit: 'KB', goal: 'at most 40 KB', variants: [
        { variant: 'floor: one async export on the same crates (bench/size-floor)', samples: [sizeFloor] },
        { variant: 'the lab, release build', samples: [lab] },
      ],
    },
    {
      id: 'size-parallel', title: 'wasm + JS glue + worker script of the threaded module (parallel/), gzipped, loaded on first use', unit: 'KB',
      goal: 'not on the first visit', variants: [
        { variant: 'the threaded module, release build', samples: [threaded] },
      ],
    },
    {
      id: 'startup', title: 'Navigation to `lab` ready, localhost', unit: 'ms', goal: 'median at most 100 ms', variants: [
        { variant: 'floor: an empty page with one module script', samples: startup.floor },
        { variant: 'index.html', samples: startup.lab },
      ],
    },
  );

  const fmt = (n) => (n >= 100 ? n.toFixed(0) : n >= 10 ? n.toFixed(1) : n.toFixed(2));
  const lines = [`Async Rust Lab benchmarks, ${new Date().toISOString().slice(0, 10)}, ${runs} runs each`, `Browser: ${results.userAgent}`, ''];
  lines.push('| benchmark | variant | median | min | max | ratio to first | goal |', '|---|---|---|---|---|---|---|');
  for (const row of results.rows) {
    const base = median(row.variants[0].samples);
    for (const v of row.variants) {
      const m = median(v.samples);
      const extra = v.extra ? Object.entries(v.extra).map(([k, x]) => `, ${k} ${fmt(x)}`).join('') : '';
      lines.push(`| ${row.title} | ${v.variant}${extra} | ${fmt(m)} ${row.unit} | ${fmt(Math.min(...v.samples))} | ${fmt(Math.max(...v.samples))} | ${fmt(m / base)}x | ${row.goal} |`);
    }
  }
  console.log(lines.join('\n'));
  await mkdir('bench', { recursive: true });
  await writeFile('bench/results.json', JSON.stringify({ date: new Date().toISOString(), runs, ...results }, null, 2));
  console.log('\nwritten: bench/results.json');
} finally {
  await browser.close();
  server.close();
  floor.server.close();
  await rm(floorDir, { recursive: true, force: true });
}
