// npm run bench: builds the release site, runs bench.html in headless Chromium
// (every row with its JS baseline, in the same page and run), adds the size and
// start-up rows, prints a table and writes bench/results.json.
// Options: --runs N (default 5), --sleepers N (default 1000000), --no-build.
import { execFileSync } from 'node:child_process';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';
import { launchChromium } from './chromium.mjs';
import { serve } from './serve.mjs';

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i === -1 ? fallback : Number(args[i + 1]);
};
const runs = option('runs', 5);
const sleepers = option('sleepers', 1_000_000);

if (!args.includes('--no-build')) execFileSync('bash', ['scripts/build.sh'], { stdio: 'inherit' });

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

const { server, url } = await serve({ dir: 'dist' });
const browser = await launchChromium();
try {
  // Start-up: navigation start to `lab` ready (the page's 'lab-ready' mark).
  const startup = [];
  for (let i = 0; i < Math.max(runs, 5); i++) {
    const page = await browser.newPage();
    await page.goto(url);
    await page.waitForFunction(() => document.documentElement.dataset.labReady === 'true');
    startup.push(await page.evaluate(() => performance.getEntriesByName('lab-ready')[0].startTime));
    await page.close();
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

  const wasm = await readFile('dist/pkg/async_rust_lab_bg.wasm');
  // The glue is async_rust_lab.js and the JS snippets it imports (pkg/snippets/).
  const snippets = (await readdir('dist/pkg/snippets', { recursive: true }).catch(() => []))
    .filter((f) => f.endsWith('.js')).map((f) => `dist/pkg/snippets/${f}`);
  const glue = await Promise.all(['dist/pkg/async_rust_lab.js', ...snippets].map((f) => readFile(f)));
  const gzipKb = [wasm, ...glue].reduce((sum, bytes) => sum + gzipSync(bytes, { level: 9 }).length, 0) / 1024;
  results.rows.push(
    { id: 'size', title: 'wasm + JS glue of the whole lab, gzipped', unit: 'KB', goal: 'at most 40 KB', variants: [{ variant: 'release build', samples: [gzipKb] }] },
    { id: 'startup', title: 'Navigation to `lab` ready, localhost', unit: 'ms', goal: 'median at most 100 ms', variants: [{ variant: 'index.html', samples: startup }] },
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
}
