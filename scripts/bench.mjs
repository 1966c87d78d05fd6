// npm run bench: builds the release site, runs bench.html in headless Chromium
// (every row with its JS baseline, in the same page and run), adds the size and
// start-up rows, prints a table and writes bench/results.json.
// Options: --runs N (1 to 50, default 5), --sleepers N (1 to 2000000, default
// 1000000), --no-build, --startup-only, --help. An unknown flag or a bad value
// is an error.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
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
  --startup-only only the size and start-up rows (not bench.html's)
  --help, -h     this text`;

const { values: flags } = parseFlags('bench', {
  runs: { type: 'string' },
  sleepers: { type: 'string' },
  'no-build': { type: 'boolean' },
  'startup-only': { type: 'boolean' },
}, USAGE);
// The same ranges as bench.html's inputs.
const runs = wholeNumberFlag('bench', 'runs', flags.runs, 1, 50, 5, USAGE);
/** How the console line that says `lab` is ready begins (www/main.js prints it). */
const READY_LINE = 'Async Rust Lab is ready';
/** The console line the first-answer pages print when `lab.concurrent(0, 0)` has answered. */
const ANSWER_LINE = 'first answer';
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
 * The start-up rows' floor: the least a page costs from navigation start to
 * its first module script running, in this browser on this machine. An empty
 * page with one module script, served the same way (same server, same headers,
 * cross-origin isolated too); the script marks itself ready as main.js does.
 * Then it makes the first-answer row's call, as a page could at the least:
 * it imports the lab's glue (the same dist/pkg), instantiates the wasm and
 * calls `concurrent(0, 0)` (issue 18).
 */
const FLOOR_HTML = '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>start-up floor</title>' +
  '<script type="module" src="./floor.js"></script></head><body><p>An empty page.</p></body></html>\n';
const FLOOR_JS = `performance.mark('lab-ready');
console.info('${READY_LINE} (floor page)');
const glue = await import('./pkg/async_rust_lab.js');
await glue.default();
await glue.concurrent(0, 0);
performance.mark('first-answer');
console.info('${ANSWER_LINE}');
`;
const floorDir = await mkdtemp(path.join(os.tmpdir(), 'lab-startup-floor-'));
await writeFile(path.join(floorDir, 'index.html'), FLOOR_HTML);
await writeFile(path.join(floorDir, 'floor.js'), FLOOR_JS);
await cp('dist/pkg', path.join(floorDir, 'pkg'), { recursive: true });

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

/**
 * A first visit, in a fresh browser context (an empty cache): navigation start
 * to the first `lab.concurrent(0, 0)` answer, the call made the moment the page
 * marks `lab` ready (an init script, a plain script the browser runs before the
 * page's own, watches for it; the floor page makes the call itself), and the
 * gzipped bytes of what the page fetched before `lab` was ready, file by file
 * from `dir`, the page itself included.
 * @param {string} pageUrl
 * @param {string} dir the folder served at pageUrl
 */
async function firstVisit(pageUrl, dir) {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    await page.addInitScript(() => {
      new MutationObserver((_, observer) => {
        if (document.documentElement.dataset.labReady !== 'true') return;
        observer.disconnect();
        /** @type {any} */ (window).lab.concurrent(0, 0).then(() => {
          performance.mark('first-answer');
          console.info('first answer');
        });
      }).observe(document, { subtree: true, attributes: true, attributeFilter: ['data-lab-ready'] });
    });
    const answered = page.waitForEvent('console', { predicate: (m) => m.text() === ANSWER_LINE, timeout: 30_000 });
    await page.goto(pageUrl, { waitUntil: 'commit' });
    await answered;
    const { answerMs, early } = await page.evaluate(() => {
      const ready = performance.getEntriesByName('lab-ready')[0].startTime;
      return {
        answerMs: performance.getEntriesByName('first-answer')[0].startTime,
        early: performance.getEntriesByType('resource').filter((e) => e.startTime < ready).map((e) => new URL(e.name).pathname),
      };
    });
    const base = new URL(pageUrl).pathname;
    const files = ['index.html', ...early.filter((p) => !p.endsWith('favicon.svg')).map((p) => p.slice(base.length))];
    const sizes = await Promise.all(files.map(async (f) => gzipSync(await readFile(path.join(dir, f)), { level: 9 }).length));
    return { answerMs, kb: sizes.reduce((a, b) => a + b, 0) / 1024, files };
  } finally {
    await context.close();
  }
}

try {
  // Start-up: the floor and the lab, interleaved so a slow moment hits both alike.
  const startup = { floor: [], lab: [] };
  const answer = { floor: [], lab: [] };
  /** @type {{ floor: { kb: number, files: string[] }, lab: { kb: number, files: string[] } }} */
  const fetched = { floor: { kb: 0, files: [] }, lab: { kb: 0, files: [] } };
  for (let i = 0; i < Math.max(runs, 5); i++) {
    startup.floor.push(await startupMs(floor.url));
    startup.lab.push(await startupMs(url));
    for (const [key, pageUrl, dir] of /** @type {const} */ ([['floor', floor.url, floorDir], ['lab', url, 'dist']])) {
      const visit = await firstVisit(pageUrl, dir);
      answer[key].push(visit.answerMs);
      fetched[key] = visit;
    }
  }

  let results = { userAgent: await browser.version(), rows: [] };
  if (!flags['startup-only']) {
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
    results = await page.evaluate(() => window.benchResults);
    if (!results) throw new Error(await page.locator('#bench-status').textContent());
  }

  const lab = await gzippedKb('dist/pkg', 'async_rust_lab');
  // bench.html's own build, with the bench feature (issue 18): not the lab page's.
  const benchModule = await gzippedKb('dist/pkg-bench', 'async_rust_lab');
  // The threaded module (issue 17): not on the first visit, loaded by the first
  // lab.parallel call: its wasm, its glue and the worker script that runs it.
  const threaded = await gzippedKb('dist/pkg-parallel', 'async_rust_lab_parallel')
    + gzipSync(await readFile('dist/parallel-worker.js'), { level: 9 }).length / 1024;
  const sizeFloor = await gzippedKb(FLOOR_PKG, 'size_floor');
  results.rows.push(
    {
      id: 'size', title: 'wasm + JS glue of the whole lab, gzipped, loaded once `lab` is ready', unit: 'KB', goal: 'off the first visit\'s path (see first-visit-bytes)', variants: [
        { variant: 'floor: one async export on the same crates (bench/size-floor)', samples: [sizeFloor] },
        { variant: 'the lab, release build', samples: [lab] },
        { variant: 'bench.html\'s own build (the bench feature)', samples: [benchModule] },
      ],
    },
    {
      id: 'first-visit-bytes', title: 'Fetched until `lab` is ready, first visit, gzipped', unit: 'KB', goal: 'at most 40 KB', variants: [
        { variant: `floor: an empty page with one module script (${fetched.floor.files.join(', ')})`, samples: [fetched.floor.kb] },
        { variant: `index.html (${fetched.lab.files.join(', ')})`, samples: [fetched.lab.kb] },
      ],
    },
    {
      id: 'first-answer', title: 'Navigation to the first `lab.concurrent(0, 0)` answer, called when `lab` is ready, first visit, localhost', unit: 'ms',
      goal: 'at most 1.5x the floor', variants: [
        { variant: 'floor: an empty page with one module script that loads the glue and makes the call', samples: answer.floor },
        { variant: 'index.html', samples: answer.lab },
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
  // Issue 18's two figures, each beside its floor and its goal.
  const ratio = median(answer.lab) / median(answer.floor);
  console.log(`\nfirst visit: ${fmt(fetched.lab.kb)} KB gzipped until lab is ready (floor ${fmt(fetched.floor.kb)} KB; goal at most 40 KB)` +
    `\nfirst answer: ${fmt(median(answer.lab))} ms (floor ${fmt(median(answer.floor))} ms; ${ratio.toFixed(2)}x, goal at most 1.5x)`);
  await mkdir('bench', { recursive: true });
  await writeFile('bench/results.json', JSON.stringify({ date: new Date().toISOString(), runs, ...results }, null, 2));
  console.log('\nwritten: bench/results.json');
} finally {
  await browser.close();
  server.close();
  floor.server.close();
  await rm(floorDir, { recursive: true, force: true });
}
