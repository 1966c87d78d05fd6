// Timelines you can read (issue 20), measured on every drawn trace after a
// run (each card's run view, the parallel card's two executors, the compose
// card's JS side), at 1440 px and 375 px, in the light and the dark theme:
// lanes at least 40 px high across the card's width, a legend, axis labels
// that do not overlap, waiting bars and marks at 3:1 or more against their
// lane (from the colours in use), tap targets of 24 x 24 px at least, none cut
// off at the drawing's edge, a caption of its own. Then the lazy card's
// never-polled future, the step axis, the parallel card's "yield" run (short
// polls close together: targets that never overlap), and a tap that captions
// its mark.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { openLab, unexpectedProblems } from './harness.mjs';
import { CARD_DONE } from './cards.mjs';

const lab = await openLab();
after(() => lab.close());

/**
 * Runs each card that draws a trace (the run view's lanes, or the parallel
 * card's) from its first button, one at a time; resolves to their ids.
 * @param {import('playwright-core').Page} page
 */
async function runTraceCards(page) {
  const ids = await page.locator('main section.card:has([data-role="lanes"], [data-role="parallel-lanes"])').evaluateAll((cards) => cards.map((c) => c.id));
  for (const id of ids) {
    const card = page.locator(`#${id}`);
    await card.locator('button').first().click();
    await card.locator(CARD_DONE[id] ?? '[data-role="timeline"]:not([hidden])').first().waitFor({ state: 'attached', timeout: 30_000 });
    await page.waitForFunction((cardId) => !document.getElementById(cardId)?.hasAttribute('aria-busy'), id, { timeout: 30_000 });
  }
  return ids;
}

/**
 * Everything the test measures, on every drawn trace, in the page.
 * @param {import('playwright-core').Page} page
 */
const measure = (page) => page.evaluate(() => {
  /** @param {string} colour an rgb() or rgba() from getComputedStyle */
  const rgb = (colour) => (colour.match(/[\d.]+/g) ?? []).map(Number);
  /** @param {number[]} c */
  const luminance = ([r, g, b]) => {
    const lin = (/** @type {number} */ v) => { const s = v / 255; return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
  };
  /** The colour a shape shows over `under`: its paint, composited by its opacity. @param {number[]} paint @param {number} alpha @param {number[]} under */
  const over = (paint, alpha, under) => paint.slice(0, 3).map((v, i) => v * alpha + under[i] * (1 - alpha));
  /** @param {number[]} a @param {number[]} b */
  const contrast = (a, b) => { const [x, y] = [luminance(a), luminance(b)].sort((p, q) => q - p); return (x + 0.05) / (y + 0.05); };
  /** @param {Element} node @param {'fill' | 'stroke'} what */
  const paintOf = (node, what) => {
    const style = getComputedStyle(node);
    const paint = rgb(style[what]);
    const alpha = (paint[3] ?? 1) * Number(style.opacity) * Number(what === 'fill' ? style.fillOpacity : style.strokeOpacity)
      * Number(getComputedStyle(/** @type {Element} */ (node.parentElement)).opacity);
    return { paint, alpha };
  };
  const figures = [...document.querySelectorAll('main section.card figure.timeline:not([hidden])')].filter((f) => f.querySelector('svg.trace'));
  return figures.map((figure) => {
    const card = /** @type {Element} */ (figure.closest('section.card'));
    const cardBox = card.getBoundingClientRect();
    const padding = parseFloat(getComputedStyle(card).paddingLeft) + parseFloat(getComputedStyle(card).paddingRight);
    const drawings = [...figure.querySelectorAll('svg.trace')];
    const laneBg = /** @type {SVGElement} */ (figure.querySelector('svg.trace .lane-bg'));
    const lanePaint = rgb(getComputedStyle(laneBg).fill);
    const lanes = [...figure.querySelectorAll('svg.trace .lane-bg')].map((r) => r.getBoundingClientRect().height);
    // Each axis on its own: a figure may draw one per drawing.
    const axes = [...figure.querySelectorAll('.axis')].map((axis) => {
      const ticks = [...axis.querySelectorAll('.tick')].map((t) => t.getBoundingClientRect());
      const box = axis.getBoundingClientRect();
      return {
        ticks: ticks.length,
        overlaps: ticks.flatMap((a, i) => ticks.slice(i + 1).filter((b) => a.left < b.right && b.left < a.right).map((b) => `${a.left}-${a.right} / ${b.left}-${b.right}`)),
        outside: ticks.filter((t) => t.left < box.left - 0.5 || t.right > box.right + 0.5).length,
      };
    });
    /** @type {{ what: string, ratio: number }[]} */
    const ratios = [];
    const check = (/** @type {string} */ selector, /** @type {'fill' | 'stroke'} */ what) => {
      for (const node of figure.querySelectorAll(`svg.trace ${selector}`)) {
        const { paint, alpha } = paintOf(node, what);
        ratios.push({ what: `${selector} ${what}`, ratio: contrast(over(paint, alpha, lanePaint), lanePaint) });
      }
    };
    check('.idle', 'fill');
    check('rect.poll', 'fill');
    check('.created', 'fill');
    check('.wake', 'stroke');
    check('.drop line', 'stroke');
    check('.unpolled', 'stroke');
    check('.js-alive', 'fill');
    check('.js-callback', 'fill');
    check('.js-armed', 'fill');
    check('.js-fired', 'fill');
    check('.js-settled', 'fill');
    check('.js-cleared line', 'stroke');
    // The task's number on a parallel poll is text: 4.5:1 against its poll.
    const numbers = [...figure.querySelectorAll('svg.trace .poll-task')].map((text) => {
      // Its own poll, drawn just before it (a shared target holds several polls).
      const before = text.previousElementSibling;
      const poll = /** @type {Element} */ (before?.matches('rect.poll') ? before : text.parentElement?.querySelector('rect.poll'));
      return contrast(rgb(getComputedStyle(text).fill), rgb(getComputedStyle(poll).fill));
    });
    const targets = [...figure.querySelectorAll('svg.trace [data-event], button, select')].map((node) => {
      const r = node.getBoundingClientRect();
      return { width: r.width, height: r.height, label: node.getAttribute('aria-label') ?? node.textContent ?? '' };
    });
    const clipped = drawings.flatMap((drawing) => {
      const box = drawing.getBoundingClientRect();
      return [...drawing.querySelectorAll('[data-event]')].map((node) => node.getBoundingClientRect())
        .filter((r) => r.left < box.left - 0.5 || r.right > box.right + 0.5 || r.top < box.top - 0.5 || r.bottom > box.bottom + 0.5);
    }).length;
    return {
      id: `${card.id} ${figure.getAttribute('data-role')}`, lanes, axes, ratios, numbers, targets, clipped,
      widthShare: Math.min(...drawings.map((d) => d.getBoundingClientRect().width)) / (cardBox.width - padding),
      caption: figure.querySelector('figcaption')?.textContent ?? '',
      legend: [...figure.querySelectorAll('.trace-legend li')].map((li) => li.textContent),
    };
  });
});

/**
 * Asserts every measured rule on every drawn trace.
 * @param {Awaited<ReturnType<typeof measure>>} cards
 * @param {string} at
 */
function assertReadable(cards, at) {
  assert.ok(cards.length >= 9, `${at}: only ${cards.length} traces drawn`);
  // The two drawn by views of their own are measured too.
  for (const id of ['parallel parallel-figure', 'compose js-timeline']) assert.ok(cards.some((c) => c.id === id), `${at}: ${id} not measured`);
  for (const card of cards) {
    const where = `${at}, #${card.id}`;
    assert.ok(card.lanes.length >= 2 && card.lanes.every((h) => h >= 40), `${where}: lane heights ${card.lanes}`);
    assert.ok(card.widthShare > 0.97, `${where}: the drawing takes ${card.widthShare} of the card's width`);
    assert.ok(card.axes.length >= 1 && card.axes.every((a) => a.ticks >= 2), `${where}: ticks ${JSON.stringify(card.axes)}`);
    assert.deepEqual(card.axes.flatMap((a) => a.overlaps), [], `${where}: overlapping axis labels`);
    assert.equal(card.axes.reduce((sum, a) => sum + a.outside, 0), 0, `${where}: axis labels outside the axis`);
    const low = card.ratios.filter((r) => r.ratio < 3);
    assert.deepEqual(low, [], `${where}: marks under 3:1 against their lane`);
    assert.deepEqual(card.numbers.filter((r) => r < 4.5), [], `${where}: task numbers under 4.5:1 against their poll`);
    const small = card.targets.filter((t) => Math.round(t.width) < 24 || Math.round(t.height) < 24);
    assert.deepEqual(small, [], `${where}: tap targets under 24 x 24 px`);
    assert.ok(card.targets.length >= 2, `${where}: ${card.targets.length} marks to tap`);
    assert.equal(card.clipped, 0, `${where}: marks cut off at the drawing's edge`);
    assert.ok(card.legend.length >= 2, `${where}: legend ${card.legend}`);
  }
  // Waiting bars were measured (a card whose tasks never wait has none).
  assert.ok(cards.filter((c) => c.ratios.some((r) => r.what.startsWith('.idle'))).length >= 5, `${at}: too few cards with waiting bars`);
  // The lowest ratio of each kind of mark, for the record (docs/benchmarks.md does not need it; the report does).
  if (process.env.LAB_PRINT_CONTRAST) {
    const lowest = {};
    for (const card of cards) for (const r of card.ratios) lowest[r.what] = Math.min(lowest[r.what] ?? Infinity, r.ratio);
    console.log(at, JSON.stringify(Object.fromEntries(Object.entries(lowest).map(([k, v]) => [k, v.toFixed(2)]))),
      'numbers', Math.min(...cards.flatMap((c) => c.numbers)).toFixed(2));
  }
  // Each figure's caption says what its picture shows: no two alike.
  const captions = cards.map((c) => c.caption);
  assert.equal(new Set(captions).size, captions.length, captions.join('\n'));
}

test('every drawn trace is readable at 1440 and 375 px, in the light and the dark theme', async () => {
  const page = await lab.newPage({ viewport: { width: 1440, height: 900 }, context: { colorScheme: 'light' } });
  const ids = await runTraceCards(page);
  assert.ok(ids.includes('lazy') && ids.includes('sequence'), ids.join());
  for (const [width, height] of [[1440, 900], [375, 800]]) {
    await page.setViewportSize({ width, height });
    // Redrawn at the new width: every drawing is as wide as its lanes element.
    await page.waitForFunction(() => [...document.querySelectorAll('figure.timeline:not([hidden]) :is([data-role="lanes"], [data-role="parallel-lanes"], [data-role="js-lanes"])')]
      .every((lanes) => [...lanes.querySelectorAll('svg.trace')].every((drawing) => Math.abs(Number(drawing.getAttribute('width')) - Math.max(lanes.clientWidth, 300)) < 1)));
    for (const colorScheme of /** @type {const} */ (['light', 'dark'])) {
      await page.emulateMedia({ colorScheme });
      assertReadable(await measure(page), `${width} px, ${colorScheme}`);
    }
  }
  // On the phone, lane names sit above their lanes, not beside them.
  const beside = await page.locator('#sequence svg.trace text.lane-name').evaluateAll((names) => names.filter((n) => n.getAttribute('text-anchor') === 'end').length);
  assert.equal(beside, 0);
  assert.deepEqual(unexpectedProblems(lab.problems), []);
  await page.close();
});

test('the lazy card draws a lane for future A, never polled, and says so', async () => {
  const page = await lab.newPage({ viewport: { width: 1440, height: 900 } });
  await page.locator('#lazy').getByRole('button', { name: 'Run both sides' }).click();
  await page.locator('#lazy [data-role="timeline"]:not([hidden]) svg.trace').waitFor();
  const names = await page.locator('#lazy svg.trace text.lane-name').allTextContents();
  assert.deepEqual(names, ['the thread', 'future A', 'future B']);
  const a = await page.evaluate(() => window.lab.traceSummary().find((t) => t.name === 'future A'));
  assert.equal(a?.polls, 0);
  assert.equal(a?.outcome, 'dropped');
  assert.equal(await page.locator('#lazy svg.trace .unpolled').count(), 1);
  assert.equal(await page.locator('#lazy svg.trace .lane-note').textContent(), 'never polled');
  assert.match(await page.locator('#lazy .trace-summary').textContent() ?? '', /future A: never polled/);
  assert.match(await page.locator('#lazy figure[data-role="timeline"] figcaption').textContent() ?? '', /Never polled, so its body never ran: future A\./);
  assert.ok((await page.locator('#lazy .trace-legend').textContent())?.includes('created, never polled'));
  assert.deepEqual(unexpectedProblems(lab.problems), []);
  await page.close();
});

test('on the step axis the replay cursor moves at every step, and a tap on a mark captions it', async () => {
  const page = await lab.newPage({ viewport: { width: 375, height: 800 }, context: { hasTouch: true, isMobile: true } });
  await page.evaluate(() => window.lab.concurrent(60, 20));
  const card = page.locator('#sequence');
  await card.locator('[data-role="timeline"]:not([hidden]) svg.trace').waitFor();
  await card.getByRole('button', { name: 'Steps' }).click();
  assert.equal(await card.getByRole('button', { name: 'Steps' }).getAttribute('aria-pressed'), 'true');
  const events = await page.evaluate(() => window.lab.trace().length);
  const cursor = card.locator('svg.trace .trace-cursor');
  const xs = [Number(await cursor.getAttribute('x1'))];
  for (let i = 1; i < events; i += 1) {
    await card.getByRole('button', { name: 'Next event' }).click();
    xs.push(Number(await cursor.getAttribute('x1')));
  }
  assert.ok(xs.every((x, i) => i === 0 || x > xs[i - 1]), `the cursor stood still: ${xs}`);
  // The axis counts steps: its ticks name events, and still do not overlap.
  assert.match(await card.locator('.axis .tick').first().textContent() ?? '', /^#1$/);
  // A tap on the drop... here on the first wake: the caption tells what it is.
  const wake = card.locator('svg.trace .mark:has(circle.wake)').first();
  await wake.tap();
  assert.match(await card.locator('.trace-caption').textContent() ?? '', /woken, because its timer fired/);
  assert.deepEqual(unexpectedProblems(lab.problems), []);
  await page.close();
});

test('the race\'s drop mark is whole at the right edge', async () => {
  const page = await lab.newPage({ viewport: { width: 375, height: 800 } });
  await page.evaluate(() => window.lab.race(300, 20));
  const card = page.locator('#sequence');
  await card.locator('[data-role="timeline"]:not([hidden]) svg.trace .drop').waitFor();
  const { drop, drawing } = await card.evaluate((c) => ({
    drop: c.querySelector('svg.trace .drop')?.getBoundingClientRect().toJSON(),
    drawing: c.querySelector('svg.trace')?.getBoundingClientRect().toJSON(),
  }));
  assert.ok(drop.right <= drawing.right && drop.width >= 24, JSON.stringify({ drop, drawing }));
  assert.deepEqual(unexpectedProblems(lab.problems), []);
  await page.close();
});

test('the parallel card\'s "yield" run: every poll in a tap target of 24 px or more, and no two targets overlap', async () => {
  const page = await lab.newPage({ viewport: { width: 1440, height: 900 } });
  const card = page.locator('#parallel');
  await card.getByRole('button', { name: 'Run yield', exact: true }).click();
  await page.waitForFunction(() => document.querySelector('#parallel')?.dataset.runs === '1' && !document.querySelector('#parallel')?.hasAttribute('aria-busy'), null, { timeout: 60_000 });
  for (const [width, height] of [[1440, 900], [375, 800]]) {
    await page.setViewportSize({ width, height });
    await page.waitForFunction(() => [...document.querySelectorAll('#parallel svg.trace')]
      .every((drawing) => Math.abs(Number(drawing.getAttribute('width')) - Math.max(/** @type {HTMLElement} */ (drawing.closest('[data-role="parallel-lanes"]')).clientWidth, 300)) < 1));
    const drawings = await card.locator('svg.trace').evaluateAll((svgs) => svgs.map((drawing) => {
      const targets = [...drawing.querySelectorAll('[data-event]')].map((mark) => ({
        box: mark.getBoundingClientRect().toJSON(),
        polls: mark.querySelectorAll('rect.poll').length,
        label: mark.getAttribute('aria-label') ?? '',
      }));
      const overlaps = targets.flatMap((a, i) => targets.slice(i + 1)
        .filter((b) => a.box.left < b.box.right - 0.5 && b.box.left < a.box.right - 0.5 && a.box.top < b.box.bottom - 0.5 && b.box.top < a.box.bottom - 0.5)
        .map((b) => `${a.label} / ${b.label}`));
      return { targets, overlaps, polls: drawing.querySelectorAll('rect.poll').length };
    }));
    const at = `${width} px`;
    assert.ok(drawings.length >= 1, at);
    for (const drawing of drawings) {
      assert.deepEqual(drawing.overlaps, [], `${at}: overlapping tap targets`);
      const small = drawing.targets.filter((t) => Math.round(t.box.width) < 24 || Math.round(t.box.height) < 24);
      assert.deepEqual(small, [], `${at}: tap targets under 24 x 24 px`);
      // Every poll is in one target, and a shared target names each of its polls.
      assert.equal(drawing.targets.reduce((sum, t) => sum + t.polls, 0), drawing.polls, at);
      for (const target of drawing.targets) assert.equal(target.label.match(/task \d+ polled from/g)?.length, target.polls, target.label);
    }
    // 3 tasks of 6 slices each (the card's default), a poll per slice at least.
    assert.ok(drawings.every((d) => d.polls >= 18), `${at}: polls ${drawings.map((d) => d.polls)}`);
  }
  assert.deepEqual(unexpectedProblems(lab.problems), []);
  await page.close();
});

test('the parallel card and the compose card\'s JS side caption the mark tapped', async () => {
  const page = await lab.newPage({ viewport: { width: 375, height: 800 }, context: { hasTouch: true, isMobile: true } });
  await page.evaluate(() => window.lab.parallel('yield', { workers: 2, tasks: 3, slices: 2 }));
  const parallel = page.locator('#parallel');
  await parallel.locator('[data-role="parallel-lanes"] svg.trace [data-event]').first().waitFor();
  // In the middle of the screen, clear of the table of contents' bar.
  const poll = parallel.locator('svg.trace [data-event]').first();
  await poll.evaluate((node) => node.scrollIntoView({ block: 'center' }));
  await poll.tap();
  // Polls closer than a tap target share it, which reads them all.
  assert.match(await parallel.locator('.trace-caption').textContent() ?? '', /^worker \d: task \d polled from \d+ ms to \d+ ms, Pending \(it yielded\)(; task \d polled from \d+ ms to \d+ ms, (Pending \(it yielded\)|Ready \(finished\)))*$/);
  assert.match(await parallel.locator('[data-role="parallel-caption"]').textContent() ?? '', /^One lane per thread, one mark per poll/);
  await page.evaluate(() => window.lab.compose('select(sleep(200, "slow"), sleep(20, "quick"))', { js: true }));
  const compose = page.locator('#compose');
  await compose.locator('[data-role="js-lanes"] svg.trace [data-event]').first().waitFor();
  const fired = compose.locator('[data-role="js-lanes"] svg.trace .mark:has(.js-fired)').first();
  await fired.evaluate((node) => node.scrollIntoView({ block: 'center' }));
  await fired.tap();
  // Marks closer than a tap target are one target, which reads them all.
  assert.match(await compose.locator('[data-role="js-lanes"] .trace-caption').textContent() ?? '', /^(slow|quick): (.+; )?its timer fired at \d+ ms(; .+)?$/);
  assert.deepEqual(unexpectedProblems(lab.problems), []);
  await page.close();
});
