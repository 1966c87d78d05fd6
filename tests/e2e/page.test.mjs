// The way around the page and the console on it (issue 20), at a desktop's
// 1440 x 900 and a phone's 375 x 800: the table of contents reaches every
// lesson; a claim's link leaves the Run button of its mode focused, with a way
// back; the on-page console runs a call on `lab` and prints its lines as they
// come, then its result; and input it cannot parse gets one clear message and
// nothing else: no page error, no request, no run started.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { openLab } from './harness.mjs';

const lab = await openLab();
after(() => lab.close());

const VIEWPORTS = [{ width: 1440, height: 900 }, { width: 375, height: 800 }];

/**
 * Runs one input in the page's console and waits for its entry to be done
 * (data-outcome leaves "running"). Resolves to the entry's outcome and the
 * texts it printed after the echo of the input.
 * @param {import('playwright-core').Page} page
 * @param {string} input
 */
async function runInConsole(page, input) {
  const before = await page.locator('#console .console-entry').count();
  await page.locator('#console-input').fill(input);
  await page.locator('#console-form button[type="submit"]').click();
  const entry = page.locator('#console .console-entry').nth(before);
  await page.waitForFunction((index) => {
    const li = /** @type {HTMLElement | undefined} */ (document.querySelectorAll('#console .console-entry')[index]);
    return li && li.dataset.outcome && li.dataset.outcome !== 'running';
  }, before, { timeout: 30_000 });
  return {
    outcome: await entry.getAttribute('data-outcome'),
    printed: await entry.locator('pre').evaluateAll((pres) => pres.map((p) => ({ kind: p.className, text: p.textContent ?? '' }))),
  };
}

for (const viewport of VIEWPORTS) {
  const at = `at ${viewport.width} x ${viewport.height}`;

  test(`${at}: the first screen has a Run button, and after one click its timelines, without scrolling`, async () => {
    const page = await lab.newPage({ viewport });
    /** Whether `selector`'s first match is on screen, whole, with the page unscrolled. @param {string} selector */
    const inView = (selector) => page.evaluate((s) => {
      const node = document.querySelector(s);
      if (!node) return false;
      const r = node.getBoundingClientRect();
      return scrollY === 0 && r.width > 0 && r.height > 0 && r.top >= 0 && r.bottom <= innerHeight;
    }, selector);
    const run = page.locator('#hero').getByRole('button', { name: 'Run both ways' });
    assert.ok(await inView('#hero [data-action="hero-run"]'), 'the Run button is below the fold');
    // Where the trace will be, before anything runs: the page runs nothing on its own.
    assert.ok(await inView('#hero [data-role="hero-lanes"]'), 'the trace\'s place is below the fold');
    assert.equal(await page.evaluate(() => window.lab.lastRun()), undefined);
    // A promise of what the page is, and the article's credit with a link to the verdicts.
    assert.match(await page.locator('.site-header .tagline').textContent() ?? '', /async Rust.*WebAssembly.*this page/i);
    assert.equal(await page.locator('.site-header .credit a[href="#claims"]').count(), 1);
    await run.click();
    await page.waitForFunction(() => document.getElementById('hero')?.dataset.ran === 'true', null, { timeout: 30_000 });
    // Clicking scrolled nothing; the first trace (in turn) is whole in the first viewport.
    assert.ok(await inView('#hero figure[data-way="sequential"] svg.trace'), 'the timeline is not in the first viewport');
    const [inTurn, together] = await page.locator('#hero figure.hero-trace').evaluateAll((figures) => figures.map((f) => ({
      lanes: [...f.querySelectorAll('text.lane-name')].map((t) => t.textContent),
      width: Number(f.querySelector('svg.trace')?.getAttribute('width')),
    })));
    assert.deepEqual(inTurn.lanes, ['the thread', 'thread one', 'thread two']);
    assert.deepEqual(together.lanes, ['the thread', 'thread one', 'thread two']);
    // The two real runs, read back from the lab: in turn adds the sleeps up, joined takes the longer.
    assert.equal(await page.evaluate(() => window.lab.lastRun()?.mode), 'concurrent');
    assert.match(await page.locator('#hero [data-role="hero-result"]').textContent() ?? '',
      /^In turn: \d+ ms; thread two began only once thread one had ended\. Together: \d+ ms; both sleeps were under way at once, on the one thread\.$/);
    // The claims follow, as a table of verdicts whose rows link to their experiments.
    const order = await page.evaluate(() => [...document.querySelectorAll('main > section')].map((s) => s.id).slice(0, 3));
    assert.deepEqual(order.slice(0, 2), ['hero', 'claims']);
    assert.deepEqual(lab.problems, []);
    await page.close();
  });

  test(`${at}: the table of contents links every lesson, with the verdicts of its claims`, async () => {
    const page = await lab.newPage({ viewport });
    const cards = await page.locator('main section.card').evaluateAll((all) => all.map((c) => c.id));
    const nav = page.getByRole('navigation', { name: 'Lessons' });
    const linked = await nav.locator('a[href^="#"]').evaluateAll((links) => links.map((a) => a.getAttribute('href')?.slice(1)));
    assert.deepEqual(cards.filter((id) => !linked.includes(id)), [], 'cards the table of contents does not reach');
    // Each card's chips are the verdicts of the claims whose link names it.
    const expected = await page.evaluate(() => Object.fromEntries([...document.querySelectorAll('main section.card')].map((card) => [card.id,
      [...document.querySelectorAll('li.claim')].filter((li) => li.querySelector(`a[data-role="claim-link"][href="#${card.id}"]`))
        .map((li) => li.querySelector('[data-verdict]')?.getAttribute('data-verdict'))])));
    const chips = await nav.locator('li').evaluateAll((items) => Object.fromEntries(items.map((li) => [li.querySelector('a')?.getAttribute('href')?.slice(1),
      [...li.querySelectorAll('.toc-verdict')].map((chip) => chip.getAttribute('data-verdict'))])));
    for (const id of cards) assert.deepEqual(chips[id], expected[id], `#${id}'s chips`);
    assert.ok(expected.sequence.length > 0, 'the first card has claims');
    // Opened if folded (the phone), each link takes the reader to its card.
    if (!(await nav.locator('details').evaluate((d) => /** @type {HTMLDetailsElement} */ (d).open))) await nav.locator('summary').click();
    const last = cards.at(-1);
    await nav.locator(`a[href="#${last}"]`).click();
    await page.waitForFunction((id) => location.hash === `#${id}`, last);
    await page.locator(`#${last} h2`).waitFor();
    const top = await page.locator(`#${last}`).evaluate((card) => card.getBoundingClientRect().top);
    assert.ok(top >= 0 && top < viewport.height, `#${last} is not in view after its link (top ${top})`);
    assert.deepEqual(lab.problems, []);
    await page.close();
  });

  test(`${at}: a claim's link focuses the Run button of the mode it names, and leads back`, async () => {
    const page = await lab.newPage({ viewport, context: { reducedMotion: 'reduce' } });
    const links = await page.locator('a[data-role="claim-link"]').evaluateAll((all) => all.map((a) => ({
      claim: a.closest('li.claim')?.getAttribute('data-claim'), card: a.getAttribute('href')?.slice(1), mode: a.getAttribute('data-mode'),
    })));
    assert.ok(links.length >= 10);
    for (const { claim, card, mode } of links) {
      assert.ok(mode, `the claim ${claim}'s link names no mode`);
      const link = page.locator(`li.claim[data-claim="${claim}"] a[data-role="claim-link"]`);
      await link.click();
      const focused = await page.evaluate(() => {
        const e = document.activeElement;
        return e instanceof HTMLButtonElement ? {
          card: e.closest('section.card')?.id, value: e.value, text: e.textContent?.trim(),
          highlighted: e.classList.contains('claim-target'),
          inView: e.getBoundingClientRect().top >= 0 && e.getBoundingClientRect().bottom <= innerHeight,
        } : { tag: e?.tagName };
      });
      assert.equal(focused.card, card, `${claim}: ${JSON.stringify(focused)}`);
      assert.ok(focused.value === mode || focused.text === mode, `${claim}: focused ${JSON.stringify(focused)}, the link names ${mode}`);
      assert.ok(focused.highlighted && focused.inView, `${claim}: ${JSON.stringify(focused)}`);
      // The way back returns focus to the claim's link.
      await page.locator(`#${card} .back-to-claim`).click();
      assert.equal(await page.evaluate(() => document.activeElement?.closest('li.claim')?.getAttribute('data-claim')), claim);
      assert.equal(await page.locator('.back-to-claim').count(), 0);
    }
    // Nothing ran: a claim's link only points at its experiment.
    assert.equal(await page.evaluate(() => window.lab.lastRun()), undefined);
    assert.deepEqual(lab.problems, []);
    await page.close();
  });

  test(`${at}: the console runs lab.concurrent(600, 300), printing its lines and its result`, async () => {
    const page = await lab.newPage({ viewport });
    await page.locator('#console-input').scrollIntoViewIfNeeded();
    const { outcome, printed } = await runInConsole(page, 'await lab.concurrent(600, 300)');
    assert.equal(outcome, 'result', JSON.stringify(printed));
    const lines = printed.filter((p) => p.kind === 'console-line').map((p) => p.text);
    assert.equal(lines.length, 2, JSON.stringify(printed));
    assert.match(lines[0], /thread two\s+\(on thread main\)$/);
    assert.match(lines[1], /thread one\s+\(on thread main\)$/);
    const result = printed.at(-1);
    assert.equal(result?.kind, 'console-result');
    assert.deepEqual(JSON.parse(result?.text ?? ''), ['thread two', 'thread one']);
    // The console's log fits the phone: nothing scrolls sideways.
    assert.ok(await page.evaluate(() => document.documentElement.scrollWidth) <= viewport.width);
    // An example chip fills the input; ArrowUp recalls the call run before.
    await page.locator('#console button[data-example]', { hasText: 'lab.help()' }).click();
    assert.equal(await page.locator('#console-input').inputValue(), 'lab.help()');
    await page.locator('#console-input').fill('');
    await page.locator('#console-input').press('ArrowUp');
    assert.equal(await page.locator('#console-input').inputValue(), 'await lab.concurrent(600, 300)');
    await page.locator('#console-input').press('ArrowDown');
    assert.equal(await page.locator('#console-input').inputValue(), '');
    // A rejection from the lab is shown as the error it is.
    const bad = await runInConsole(page, 'lab.concurrent(-1)');
    assert.equal(bad.outcome, 'error');
    assert.match(bad.printed.at(-1)?.text ?? '', /^RangeError: |^TypeError: /);
    assert.deepEqual(lab.problems, []);
    await page.close();
  });

  test(`${at}: input the console cannot run gets one clear message and nothing else`, async () => {
    const page = await lab.newPage({ viewport });
    await page.evaluate(() => {
      const w = /** @type {any} */ (window);
      w.runStarts = 0;
      addEventListener('lab:run-start', () => { w.runStarts += 1; });
    });
    /** @type {string[]} */
    const problemsHere = [];
    page.on('dialog', (dialog) => { problemsHere.push(`dialog: ${dialog.message()}`); dialog.dismiss(); });
    const requestsBefore = await page.evaluate(() => performance.getEntriesByType('resource').length);
    page.on('request', (request) => problemsHere.push(`request: ${request.url()}`));
    const hostile = {
      'lab.nope()': /^lab has no function "nope"/,
      'lab.constructor()': /^lab has no function "constructor"/,
      'lab.__proto__()': /^lab has no function "__proto__"/,
      'alert(1)': /^Expected a call on lab, like lab\.concurrent\(600, 300\) at column 1, found "alert\(1\)"\.$/,
      'lab.concurrent(600': /^Expected "," or "\)" at column 19, found the end of the input\.$/,
      'lab.concurrent(x)': /^Expected a literal .* at column 16, found "x\)"\.$/,
      '<img src=x onerror=alert(1)>': /^Expected a call on lab.* at column 1, found "<img src=x o"\.$/,
      'lab.concurrent(600, 300); alert(1)': /^Expected the end of the call at column 27/,
      "lab.concurrent('abc)": /^Expected the closing ' \(of the string opened at column 16\) at column 21, found the end of the input\.$/,
      [`lab.concurrent("${'a'.repeat(100_000)}")`]: /^The input is 100018 characters long; the console reads calls of at most 2000\.$/,
    };
    for (const [input, message] of Object.entries(hostile)) {
      const { outcome, printed } = await runInConsole(page, input);
      assert.equal(outcome, 'refused', input.slice(0, 40));
      assert.equal(printed.length, 1, `${input.slice(0, 40)}: ${JSON.stringify(printed)}`);
      assert.equal(printed[0].kind, 'console-error');
      assert.match(printed[0].text, message);
    }
    // The echo of the input is text, not markup: no image was made from it.
    assert.equal(await page.locator('#console img').count(), 0);
    assert.equal(await page.evaluate(() => /** @type {any} */ (window).runStarts), 0, 'a run started');
    assert.equal(await page.evaluate(() => window.lab.lastRun()), undefined);
    assert.equal(await page.evaluate(() => performance.getEntriesByType('resource').length), requestsBefore);
    assert.deepEqual(problemsHere, []);
    assert.deepEqual(lab.problems, []);
    await page.close();
  });
}

test('at 375 px, code panes that scroll sideways fade at the edge with more, and can be scrolled from the keyboard', async () => {
  const page = await lab.newPage({ viewport: { width: 375, height: 800 } });
  /** Every code pane that is shown: whether it overflows, its cue, its tab stop and its name. */
  const panes = () => page.locator('main pre').evaluateAll((nodes) => nodes.filter((n) => n.getClientRects().length).map((n) => ({
    label: n.getAttribute('aria-label') ?? '',
    overflows: n.scrollWidth > n.clientWidth,
    cue: n.getAttribute('data-overflow'),
    mask: getComputedStyle(n).maskImage,
    focusable: n.tabIndex === 0,
  })));
  await page.waitForFunction(() => document.querySelector('#sequence pre.code')?.hasAttribute('data-overflow'));
  const shown = await panes();
  const wide = shown.filter((p) => p.overflows);
  assert.ok(wide.length >= 5, `only ${wide.length} panes overflow at 375 px`);
  for (const pane of wide) {
    assert.equal(pane.cue, 'right', `${pane.label}: ${pane.cue}`);
    assert.notEqual(pane.mask, 'none', pane.label);
    assert.ok(pane.focusable && pane.label, `${pane.label}: not a named tab stop`);
  }
  for (const pane of shown.filter((p) => !p.overflows)) assert.equal(pane.cue, null, `${pane.label} fits but has a cue`);
  // The keyboard scrolls a pane: the cue follows, to "left" at its end.
  const pane = page.locator('#sequence pre.code').first();
  await pane.focus();
  assert.equal(await pane.evaluate((n) => getComputedStyle(n).maskImage), 'none', 'focused, the pane shows whole, focus ring and all');
  await page.keyboard.press('End');
  for (let i = 0; i < 40 && (await pane.getAttribute('data-overflow')) !== 'left'; i += 1) await page.keyboard.press('ArrowRight');
  await page.waitForFunction(() => document.querySelector('#sequence pre.code')?.getAttribute('data-overflow') === 'left');
  // Wider again, the lines fit and the cue goes.
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.waitForFunction(() => !document.querySelector('#sequence pre.code')?.hasAttribute('data-overflow'));
  await page.close();
});

test('on a phone the claims stay a compact list of verdicts: no taller than on a desktop, each row whole, "Why" folded beside its link', async () => {
  /** The claims list's height, and each row's parts, at `viewport`. @param {{ width: number, height: number }} viewport */
  const measureClaims = async (viewport) => {
    const page = await lab.newPage({ viewport });
    const seen = await page.locator('#claims').evaluate((section) => ({
      list: section.querySelector('ol.claim-list')?.getBoundingClientRect().height ?? 0,
      rows: [...section.querySelectorAll('ol.claim-list > li.claim')].map((li) => {
        const box = (/** @type {string} */ s) => li.querySelector(s)?.getBoundingClientRect().toJSON();
        return { key: li.getAttribute('data-claim'), verdict: box('.verdict'), text: box('.claim-text'), link: box('a.claim-go'), why: box('.claim-why summary') };
      }),
    }));
    await page.close();
    return seen;
  };
  const desktop = await measureClaims({ width: 1440, height: 900 });
  const phone = await measureClaims({ width: 375, height: 800 });
  assert.equal(phone.rows.length, 14);
  // Still a list of its 14 rows (an ol of li), and about a desktop's height: it was 2,444 px at 375 px.
  assert.ok(phone.list <= desktop.list * 1.1, `${phone.list} px at 375 px, ${desktop.list} px at 1440 px`);
  for (const row of phone.rows) {
    const { verdict, text, link, why } = row;
    assert.ok(verdict && text && link && why, `${row.key}: a part is missing`);
    // The verdict and the claim on its first line, the link under the claim, "Why" under the verdict, beside the link.
    assert.ok(verdict.right <= text.left && Math.abs(verdict.top - text.top) < 6, `${row.key}: ${JSON.stringify({ verdict, text })}`);
    assert.ok(link.top >= text.bottom - 1 && why.right <= link.left && why.top >= verdict.bottom - 1, `${row.key}: ${JSON.stringify({ link, why })}`);
    assert.ok(why.height >= 24 && why.width >= 24, `${row.key}: "Why" is a ${why.width} x ${why.height} px target`);
    assert.ok(link.right <= 375 && text.right <= 375, `${row.key}: wider than the phone`);
  }
  assert.deepEqual(lab.problems, []);
});
