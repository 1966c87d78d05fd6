// Shared by the e2e tests that need every card to have run (the sub-path
// deployment, the accessibility audit): clicks each card's first button, as a
// learner would, and waits for the card to show that run's result.

/**
 * What each card shows once its first button's run is over. A card missing
 * here fails the test: a new card must say how its result looks.
 * @type {Record<string, string>}
 */
export const CARD_DONE = {
  sequence: '[data-role="timeline"]:not([hidden])',
  promises: '[data-role="timeline"]:not([hidden])',
  lazy: '[data-role="timeline"]:not([hidden])',
  handmade: '[data-role="timeline"]:not([hidden])',
  'await-order': '[data-role="order-log"] li',
  kitchen: '[data-role="timeline"]:not([hidden])',
  search: '[data-role="timeline"]:not([hidden])',
  threads: '[data-role="timeline"]:not([hidden])',
  blocking: 'table:not([hidden]) tbody tr',
  parallel: '[data-role="parallel-lanes"] svg',
  compose: '[data-role="differences-box"]:not([hidden])',
  // Start makes an executor whose ready queue holds both tasks, unpolled.
  stepper: '[data-role="ready"] li',
  sleepers: '[data-role="sleepers-table"]:not([hidden])',
};

/**
 * Runs every card of the page once, from its first button, one card at a time.
 * Resolves to the ids of the cards run, in page order.
 * @param {import('playwright-core').Page} page
 */
export async function runEveryCard(page) {
  const ids = await page.locator('main section.card').evaluateAll((cards) => cards.map((card) => card.id));
  for (const id of ids) {
    const done = CARD_DONE[id];
    if (!done) throw new Error(`tests/e2e/cards.mjs does not know how the card #${id} shows a result`);
    const card = page.locator(`#${id}`);
    await card.locator('button').first().click();
    await card.locator(done).first().waitFor({ state: 'attached', timeout: 30_000 });
    await page.waitForFunction((cardId) => !document.getElementById(cardId)?.hasAttribute('aria-busy'), id, { timeout: 30_000 });
    const error = card.locator('[role="alert"]:not([hidden])');
    if (await error.count()) throw new Error(`#${id}: ${await error.first().textContent()}`);
  }
  return ids;
}
