// Accessibility and layout, as a learner meets them: an axe-core audit (WCAG 2.x
// A and AA rules, contrast included) in the light and the dark theme, at rest
// and after every card has run; the keyboard alone reaches and works every
// control, with a visible focus ring; reduced motion stops the animations; the
// page fits a 375 px phone. Screenshots at 375 and 1440 px (see screenshotPath).
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { openLab, screenshotPath, unexpectedProblems } from './harness.mjs';
import { runEveryCard } from './cards.mjs';

const lab = await openLab();
after(() => lab.close());

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/**
 * A page for the audit. `addScriptTag({ content })` adds an inline <script>,
 * which the page's Content-Security-Policy (script-src 'self', no
 * 'unsafe-inline') blocks: without `bypassCSP` axe never loads. So the audit
 * gets its own context with the CSP bypassed, and only the audit: every other
 * test, and the CSP checks of security.test.mjs, run with the policy in force.
 * @param {'light' | 'dark'} colorScheme
 * @param {number} [width]
 */
async function auditPage(colorScheme, width = 1280) {
  const page = await lab.newPage({ viewport: { width, height: 900 }, context: { bypassCSP: true, colorScheme } });
  await page.addScriptTag({ content: axeSource });
  return page;
}

/**
 * The axe violations of the page, one line each with the elements involved.
 * @param {import('playwright-core').Page} page
 */
async function violations(page) {
  const found = await page.evaluate(async () => {
    const axe = /** @type {any} */ (window).axe;
    const result = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] } });
    return result.violations.map((/** @type {any} */ v) =>
      `${v.id} (${v.impact}): ${v.help} at ${v.nodes.slice(0, 4).map((/** @type {any} */ n) => `${n.target.join(' ')} ${n.failureSummary?.split('\n')[1] ?? ''}`).join(' | ')}`);
  });
  return found;
}

/**
 * Switches the page's colour scheme and checks that the switch took: the
 * theme is CSS alone (prefers-color-scheme), so it follows at once.
 * @param {import('playwright-core').Page} page @param {'light' | 'dark'} colorScheme
 */
async function useTheme(page, colorScheme) {
  await page.emulateMedia({ colorScheme });
  // Some colours fade to the new theme (CSS transitions): wait for those to end,
  // or axe would measure a colour halfway between the two themes.
  await page.evaluate(() => Promise.allSettled(document.getAnimations()
    .filter((a) => a instanceof CSSTransition).map((a) => a.finished)));
  // The emulation took: the dark theme really is dark (or contrast was checked twice in light).
  const background = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  assert.equal(background, colorScheme === 'dark' ? 'rgb(21, 19, 15)' : 'rgb(251, 250, 248)');
}

// Both themes on one page, each audited at rest and after every card has run:
// running every card is most of the audit's time, so it is done once, between.
test('axe finds no violations in the light and the dark theme, at rest and after every card has run', async () => {
  const page = await auditPage('light');
  await useTheme(page, 'light');
  assert.deepEqual(await violations(page), [], 'light, at rest');
  await useTheme(page, 'dark');
  assert.deepEqual(await violations(page), [], 'dark, at rest');
  await runEveryCard(page);
  assert.deepEqual(await violations(page), [], 'dark, after every card has run');
  await useTheme(page, 'light');
  assert.deepEqual(await violations(page), [], 'light, after every card has run');
  await page.close();
});

test('the keyboard alone reaches every control, each with a visible focus ring, and runs a lesson', async () => {
  const page = await lab.newPage();
  const FOCUSABLE = 'a[href], button, input, select, textarea, summary, [tabindex]';
  /** Every enabled, visible control of the page (its index among FOCUSABLE): what Tab must reach. */
  const controls = await page.evaluate((selector) => [...document.querySelectorAll(selector)]
    .map((e, index) => ({ e, index }))
    .filter(({ e }) => !(/** @type {HTMLButtonElement} */ (e)).disabled && e.getAttribute('tabindex') !== '-1' && e.getClientRects().length > 0)
    .map(({ index }) => index), FOCUSABLE);
  /** @type {number[]} */
  const reached = [];
  /** @type {string[]} */
  const noRing = [];
  for (let i = 0; i < controls.length + 5; i += 1) {
    await page.keyboard.press('Tab');
    const focused = await page.evaluate((selector) => {
      const e = document.activeElement;
      if (!e || e === document.body) return null;
      const style = getComputedStyle(e);
      return {
        index: [...document.querySelectorAll(selector)].indexOf(e),
        html: e.outerHTML.slice(0, 120),
        ring: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2,
      };
    }, FOCUSABLE);
    if (!focused) continue;
    if (reached.includes(focused.index)) break;
    reached.push(focused.index);
    if (!focused.ring) noRing.push(focused.html);
  }
  const missed = controls.filter((c) => !reached.includes(c));
  const describe = (/** @type {number[]} */ indexes) => page.evaluate(([selector, list]) =>
    list.map((i) => document.querySelectorAll(/** @type {string} */ (selector))[/** @type {number} */ (i)].outerHTML.slice(0, 120)), /** @type {const} */ ([FOCUSABLE, indexes]));
  assert.deepEqual(await describe(missed), [], 'controls Tab never reached');
  assert.deepEqual(noRing, [], 'focused with no visible focus ring');

  // Enter on a focused Run button runs the lesson, as a click does.
  await page.locator('#sequence button[value="race"]').focus();
  await page.keyboard.press('Enter');
  await page.locator('#sequence [data-role="timeline"]:not([hidden])').waitFor();
  assert.deepEqual(await page.locator('#sequence [data-role="lines"] .text').allTextContents(), ['thread two']);
  // The trace's marks take focus too, and the replay's buttons work from the keyboard.
  const next = page.locator('#sequence .trace-controls button[aria-label="Next event"]');
  await next.focus();
  await page.keyboard.press('Enter');
  assert.match(await page.locator('#sequence .trace-position').textContent() ?? '', /^event 2 of \d+$/);
  await page.close();
});

/**
 * Runs the sequence card's race and presses Play on its replay; resolves to the
 * replay's position just after.
 * @param {import('playwright-core').Page} page
 */
async function pressPlay(page) {
  await page.locator('#sequence button[value="race"]').click();
  await page.locator('#sequence [data-role="timeline"]:not([hidden])').waitFor();
  await page.locator('#sequence .trace-controls button[aria-label="Play the replay"]').click();
  return page.locator('#sequence .trace-position').textContent();
}

test('with reduced motion, the replay jumps to the end and the blocking card\'s ball stays still', async () => {
  const moving = await lab.newPage();
  // Without the preference the replay steps, one event after the other from the start.
  const stepping = await pressPlay(moving);
  assert.match(stepping ?? '', /^event [12] of \d+$/);
  await moving.close();

  const page = await lab.newPage({ context: { reducedMotion: 'reduce' } });
  const position = await pressPlay(page);
  const [, last, total] = /^event (\d+) of (\d+)$/.exec(position ?? '') ?? [];
  assert.ok(last && last === total, `the replay did not jump to the end: ${position}`);
  assert.equal(await page.locator('#sequence .trace-controls button[aria-label="Play the replay"]').count(), 1, 'it is not playing');

  // The ball is moved once per frame unless motion is reduced; the counter still counts.
  await page.waitForFunction(() => /frames drawn: [1-9]/.test(document.querySelector('#blocking [data-role="frame-counter"]')?.textContent ?? ''));
  const ball = await page.evaluate(() => /** @type {HTMLElement} */ (document.querySelector('#blocking [data-role="ball"]')).style.left);
  assert.equal(ball, '', 'the ball moved');
  await page.close();
});

for (const width of [375, 1440]) {
  test(`at ${width} px wide the page fits its width and passes axe; screenshot page-${width}.png`, async () => {
    // The narrow layout has its own risks: code panes that scroll sideways must take focus.
    const page = await auditPage('light', width);
    assert.deepEqual(await violations(page), []);
    // After a run, so the screenshot shows a lesson's result and timeline too.
    await page.locator('#sequence button[value="concurrent"]').click();
    await page.locator('#sequence [data-role="timeline"]:not([hidden])').waitFor();
    const scrollWidth = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(scrollWidth <= width, `the page is ${scrollWidth} px wide in a ${width} px viewport: it scrolls sideways`);
    // The screenshot is the first screen after its one click: the two traces, in turn and joined.
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.locator('#hero [data-action="hero-run"]').click();
    await page.waitForFunction(() => document.getElementById('hero')?.dataset.ran === 'true', null, { timeout: 30_000 });
    assert.deepEqual(await violations(page), [], 'after the first screen\'s run');
    await page.screenshot({ path: await screenshotPath(`page-${width}.png`) });
    await page.close();
  });
}

test('no errors in the session but the search lesson\'s own 404s and aborts', () => {
  assert.deepEqual(unexpectedProblems(lab.problems), []);
});
