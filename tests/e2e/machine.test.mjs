// "See the machine" end to end: lab.tree(step) and lab.queues(step) on the
// release build, and the machine panel beside each card's timeline.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { openLabPage, screenshotPath, unexpectedProblems } from './harness.mjs';

const { lab, page } = await openLabPage();

/**
 * Runs `call` (a function of `lab`, in the page) and returns its report and,
 * for every step of its record, the tree and the queues.
 * @param {string} call e.g. 'concurrent(600, 300)'
 */
async function runAndReplay(call) {
  return page.evaluate(async (call) => {
    const [name, args] = /^(\w+)\((.*)\)$/.exec(call).slice(1);
    const values = args ? args.split(',').map((a) => JSON.parse(a.trim())) : [];
    await window.lab[name](...values).catch(() => {});
    const report = window.lab.lastRun();
    const steps = [];
    for (let step = 0; step < report.steps; step += 1) {
      steps.push({ tree: window.lab.tree(step), queues: window.lab.queues(step) });
    }
    return { report, steps };
  }, call);
}

/** Every node of a tree, depth first. */
const flat = (nodes) => nodes.flatMap((n) => [n, ...flat(n.children)]);
const named = (tree, name) => flat(tree).filter((n) => n.name === name);

test('concurrent(600, 300): a join over the two tasks, both pending on their timers, then both ready', async () => {
  const { steps } = await runAndReplay('concurrent(600, 300)');
  const end = steps.at(-1).tree;
  const [join] = flat(end).filter((n) => n.kind === 'join');
  assert.ok(join, 'the tree has a join');
  assert.deepEqual(join.children.map((c) => c.name), ['thread one', 'thread two']);
  // The first step at which both tasks have been polled once and are pending.
  const both = steps.find(({ tree }) => ['thread one', 'thread two']
    .every((name) => named(tree, name)[0]?.state === 'pending'));
  assert.ok(both, 'a step where both tasks are pending');
  for (const name of ['thread one', 'thread two']) {
    const [task] = named(both.tree, name);
    const leaf = flat([task]).find((n) => n.id === task.waitsOn);
    assert.equal(leaf?.kind, 'timer', `${name} waits on a timer`);
  }
  const timers = both.queues.timers.filter((t) => t.state === 'armed');
  assert.deepEqual(timers.map((t) => t.owner), ['thread one', 'thread two']);
  // Due 600 and 300 ms after each was armed, which is within the first poll's
  // few milliseconds of the start: a lower bound only, and the order.
  const [one, two] = timers;
  assert.ok(one.dueMs >= 600 && two.dueMs >= 300 && two.dueMs < one.dueMs, JSON.stringify(timers));
  for (const name of ['thread one', 'thread two']) {
    assert.equal(named(end, name)[0].state, 'ready');
  }
});

test('race(600, 300): the loser ends dropped, its timer cleared before it was due', async () => {
  const { steps } = await runAndReplay('race(600, 300)');
  const end = steps.at(-1);
  assert.equal(named(end.tree, 'thread one')[0].state, 'dropped');
  assert.equal(named(end.tree, 'thread two')[0].state, 'ready');
  const cleared = end.queues.timers.find((t) => t.owner === 'thread one');
  assert.equal(cleared.state, 'cleared');
  assert.ok(cleared.atMs < cleared.dueMs, `cleared at ${cleared.atMs}, due at ${cleared.dueMs}`);
  const fired = end.queues.timers.find((t) => t.owner === 'thread two');
  assert.equal(fired.state, 'fired');
});

test('sequential: the second task does not exist until the first is ready', async () => {
  const { steps } = await runAndReplay('sequential(200, 100)');
  const firstWithTwo = steps.findIndex(({ tree }) => named(tree, 'thread two').length > 0);
  assert.ok(firstWithTwo > 0, 'thread two appears');
  // Made the moment the first await returned: thread one is ready by then.
  assert.equal(named(steps[firstWithTwo].tree, 'thread one')[0].state, 'ready');
  // And thread one was pending on its timer, with no thread two, for a while before.
  assert.ok(steps.slice(0, firstWithTwo).some(({ tree }) => named(tree, 'thread one')[0]?.state === 'pending'));
});

test('at every step of every lesson the stack is one chain of polls, each polled by the one below', async () => {
  // One run of each lesson that runs on the main thread, short sleeps.
  const runs = await page.evaluate(async () => {
    const lab = window.lab;
    const calls = {
      sequential: () => lab.sequential(50, 20),
      concurrent: () => lab.concurrent(50, 20),
      race: () => lab.race(50, 20),
      kitchen: () => lab.kitchen('async', { cookMs: 200, callMs: 60 }),
      search: () => lab.searchStats('race'),
      cook: () => lab.cook('soup', { cookMs: 40 }),
      lazy: () => lab.lazy(20),
      handmade: () => lab.handmade(3, 10),
      threads: () => lab.threads(40, 10),
      blocking: () => lab.blocking('chunked', 20000),
    };
    const out = [];
    for (const [name, call] of Object.entries(calls)) {
      await call().catch(() => {});
      const steps = [];
      for (let step = 0; step < window.lab.lastRun().steps; step += 1) {
        steps.push({ tree: lab.tree(step), queues: lab.queues(step) });
      }
      out.push({ name, steps });
    }
    return out;
  });
  for (const { name, steps } of runs) {
    assert.ok(steps.length > 0, `${name} recorded its steps`);
    for (const [i, { tree, queues }] of steps.entries()) {
      const byId = new Map(flat(tree).map((n) => [n.id, n]));
      const parentOf = new Map(flat(tree).flatMap((n) => n.children.map((c) => [c.id, n.id])));
      queues.stack.forEach((entry, depth) => {
        assert.equal(byId.get(entry.id)?.state, 'polling', `${name} step ${i}: ${entry.name} is on the stack, so it is being polled`);
        if (depth > 0) assert.equal(parentOf.get(entry.id), queues.stack[depth - 1].id, `${name} step ${i}: ${entry.name} is polled by the one below it`);
      });
      const polling = flat(tree).filter((n) => n.state === 'polling').length;
      assert.equal(polling, queues.stack.length, `${name} step ${i}: every node being polled is on the one stack`);
    }
  }
});

test('while thread one sleeps, the page highlights its sleep(...).await in the source that compiled', async () => {
  const built = await readFile(new URL('../../dist/src/lessons/sequence.rs', import.meta.url), 'utf8');
  const source = await readFile(new URL('../../src/lessons/sequence.rs', import.meta.url), 'utf8');
  assert.equal(built, source, 'the page\'s copy of the source is the file that compiled');
  // The line rustc recorded for thread one's sleep (#[track_caller]), from the tree.
  const { steps } = await runAndReplay('concurrent(600, 300)');
  const pending = steps.map(({ tree }) => named(tree, 'thread one')[0]).find((n) => n?.state === 'pending' && n.at);
  assert.ok(pending, 'thread one is pending somewhere');
  const lines = source.split('\n');
  assert.match(lines[pending.at.line - 1], /sleep\(sleep_ms\)\.await/, `line ${pending.at.line} of the compiled file`);
  assert.equal(pending.at.file, 'src/lessons/sequence.rs');

  // On the card: run concurrent, step the replay until thread one is suspended.
  const card = page.locator('#sequence');
  await card.getByRole('button', { name: 'Run concurrent (join)' }).click();
  await page.waitForFunction(() => {
    const card = document.getElementById('sequence');
    return card && !card.hasAttribute('aria-busy') && card.querySelector('[data-role="machine"][data-step]');
  }, null, { timeout: 20_000 });
  for (let i = 0; i < 40; i += 1) {
    const highlighted = card.locator('[data-role="await-source"] .await-here[data-suspended*="thread one"]');
    if (await highlighted.count()) {
      assert.equal(await highlighted.getAttribute('data-line'), String(pending.at.line));
      assert.match(await highlighted.textContent(), /sleep\(sleep_ms\)\.await/);
      await card.screenshot({ path: await screenshotPath('machine.png') });
      // lab.tree() in the console carries the line's text once the page has the source.
      const text = await page.evaluate(() => {
        const find = (nodes) => nodes.flatMap((n) => [n, ...find(n.children)]);
        return find(window.lab.tree()).find((n) => n.kind === 'timer' && n.at)?.at.text;
      });
      assert.match(text ?? '', /sleep\(sleep_ms\)\.await/);
      assert.deepEqual(unexpectedProblems(lab.problems), []);
      return;
    }
    const step = await card.locator('[data-role="machine"]').getAttribute('data-step');
    await card.getByRole('button', { name: 'Next event' }).click();
    await page.waitForFunction((before) => document.querySelector('#sequence [data-role="machine"]')?.dataset.step !== before, step);
  }
  assert.fail('the replay never showed thread one suspended at its sleep');
});

test('the search race\'s losing fetches end dropped, their requests aborted', async () => {
  // The browser itself reports a dropped request as failed (aborted).
  const aborted = page.waitForEvent('requestfailed', { predicate: (r) => /\/sources\//.test(r.url()), timeout: 30_000 });
  const { report, steps } = await runAndReplay('searchStats("race")');
  assert.ok(report.lines.length > 0);
  const end = steps.at(-1).tree;
  const fetches = flat(end).filter((n) => n.kind === 'fetch');
  assert.ok(fetches.length >= 2, `the race made ${fetches.length} fetches`);
  const states = fetches.map((f) => f.state);
  assert.equal(states.filter((s) => s === 'ready').length >= 1, true, states.join());
  assert.ok(states.includes('dropped'), `a loser is dropped: ${states.join()}`);
  assert.match((await aborted).failure()?.errorText ?? '', /ERR_ABORTED/);
});

test('tree and queues reject a step or run that does not exist, naming it, and keep working', async () => {
  // A finished run of its own, so that the error has kept runs to list.
  await page.evaluate(() => window.lab.concurrent(0, 0));
  const errors = await page.evaluate(() => {
    const tryIt = (f) => { try { f(); return 'no error'; } catch (e) { return `${e.name}: ${e.message}`; } };
    return [
      tryIt(() => window.lab.tree(-1)),
      tryIt(() => window.lab.tree(1e9)),
      tryIt(() => window.lab.tree('2')),
      tryIt(() => window.lab.queues(0, 999999)),
    ];
  });
  assert.match(errors[0], /^RangeError: step/);
  assert.match(errors[1], /^RangeError: step/);
  assert.match(errors[2], /^TypeError: step/);
  assert.match(errors[3], /^RangeError: runId must be the id of one of the last 8 runs, which are kept: \d+(, \d+)* \(got 999999\)/);
  const roots = await page.evaluate(() => window.lab.tree().length);
  assert.equal(roots, 1);
});
