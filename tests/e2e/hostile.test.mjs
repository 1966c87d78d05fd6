// Hostile input: every export lab.help() lists, called with hostile values in
// every argument position (and one past the last), in the release build in
// Chromium. Each call must succeed, or throw or reject with a TypeError or
// RangeError naming the parameter; never trap, never leave an unhandled
// rejection; and afterwards every lesson still gives its normal result.
//
// Nothing here lists the exports: they come from lab.help(), their parameters
// from its signatures, and the fields of options objects from the .d.ts that
// wasm-bindgen writes, read by the .d.ts's one parser, www/api-docs.js. A new export is fuzzed the day it is added.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { openLabPage, unexpectedProblems } from './harness.mjs';
import { declaredTypes, parameterSpecs } from '../../www/api-docs.js';

const { lab, page } = await openLabPage();
// The .d.ts's one parser (www/api-docs.js) reads its types, as the build reads its docs.
const types = declaredTypes(await readFile(new URL('../../dist/pkg/async_rust_lab.d.ts', import.meta.url), 'utf8'));

/** Every export, its parameters and what each takes, from the lines `lab.help()` prints. */
function parseHelp(lines) {
  return lines.map((line) => {
    const [, name] = /^lab\.(\w+)\(/.exec(line);
    return { name, params: parameterSpecs(line, types) };
  });
}

const helpLines = await page.evaluate(() => window.lab.help());
// The one export documented to panic on purpose traps by design; the page's
// recovery from it is tested in panic.test.mjs. Every other export is fuzzed.
const onPurpose = (line) => line.includes('  Experiment: panics on purpose.');
const specs = parseHelp(helpLines.filter((line) => !onPurpose(line)));

/**
 * Runs in the page. Hostile values cannot be sent over the wire, so they are
 * made and used there; only a summary comes back.
 */
async function fuzzInPage(specs) {
  const lab = window.lab;
  const unhandled = [];
  addEventListener('unhandledrejection', (event) => unhandled.push(String(event.reason)));
  let runStarts = 0;
  addEventListener('lab:run-start', () => { runStarts += 1; });
  const delay = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

  // Our own traps throw this, so it is told apart from an error the lab makes.
  class HostileError extends Error {}
  HostileError.prototype.name = 'HostileError';
  const boom = () => { throw new HostileError('a hostile trap threw'); };
  const trapNames = ['get', 'set', 'has', 'deleteProperty', 'ownKeys', 'getOwnPropertyDescriptor', 'defineProperty',
    'getPrototypeOf', 'setPrototypeOf', 'isExtensible', 'preventExtensions', 'apply', 'construct'];
  const trapAll = new Proxy(function target() {}, Object.fromEntries(trapNames.map((t) => [t, boom])));
  const revocable = Proxy.revocable({}, {});
  revocable.revoke();
  const never = new Promise(() => {});
  // Every field name any options object has, plus `then`, each a throwing getter.
  const fieldNames = new Set(['then', ...specs.flatMap((s) => s.params.flatMap((p) => (p.fields ?? []).map((f) => f.name)))]);
  const throwingGetters = Object.defineProperties({}, Object.fromEntries([...fieldNames].map((n) => [n, { get: boom, enumerable: true }])));

  // A getter that calls back into the module while Rust is reading the
  // options: every export that takes nothing, and a short lesson. A RefCell
  // borrowed across the read would panic here.
  const reenter = () => {
    for (const spec of specs) if (spec.params.length === 0) lab[spec.name]();
    lab.sequential(0, 0);
    return undefined;
  };

  const hostile = [
    ['undefined', undefined], ['null', null], ['NaN', NaN], ['Infinity', Infinity], ['-Infinity', -Infinity],
    ['-1', -1], ['-0', -0], ['2**53', 2 ** 53], ['1e308', 1e308], ['0.5', 0.5], ['""', ''],
    ['a 1,000,000-character string', 'x'.repeat(1_000_000)], ['{}', {}], ['[]', []], ['a function', () => 1],
    ['a Symbol', Symbol('hostile')], ['a BigInt', 10n],
    ['valueOf/toString throw', { valueOf: boom, toString: boom, [Symbol.toPrimitive]: boom }],
    ['getters throw', throwingGetters], ['a Proxy whose every trap throws', trapAll], ['a revoked Proxy', revocable.proxy],
    ['a never-settling Promise', never],
    // Beyond the list: where `as u32` would wrap, coercions, odd objects.
    ['2**32', 2 ** 32], ['2**31', 2 ** 31], ['-(2**31)', -(2 ** 31)], ['true', true], ['"0"', '0'],
    ['new Number(1)', new Number(1)], ['Object.create(null)', Object.create(null)], ['a Date', new Date(0)],
  ];

  /** Calls `fn(...args)` and says how it ended within 200 ms, keeping the Promise of the rest. */
  async function attempt(fn, args) {
    const before = runStarts;
    let result;
    try {
      result = fn(...args);
    } catch (error) {
      return { how: 'threw', error, started: false };
    }
    const settled = Promise.resolve(result).then((value) => ({ how: 'ok', value }), (error) => ({ how: 'rejected', error }));
    // Arguments are checked before a run starts; a call whose run has started
    // by the next task accepted them, and need not hold the fuzz up.
    const early = await Promise.race([settled, delay(0).then(() => ({ how: 'pending' }))]);
    if (early.how !== 'pending' || runStarts !== before) return { ...early, settled, started: runStarts !== before };
    const outcome = await Promise.race([settled, delay(200).then(() => ({ how: 'pending' }))]);
    return { ...outcome, settled, started: runStarts !== before };
  }

  /** How native `await value` ends: what an export taking `unknown` must mirror. */
  async function nativeAwait(value) {
    const settled = new Promise((resolve) => resolve(value)).then((v) => ({ how: 'ok', value: v }), (error) => ({ how: 'rejected', error }));
    // Every hostile value but the never-settling Promise settles in microtasks,
    // all of which run before the next task: no clock needed.
    return Promise.race([settled, delay(0).then(() => ({ how: 'pending' }))]);
  }

  const describe = (e) => {
    try { return `${e?.name}: ${e?.message}`; } catch { return 'an unprintable error'; }
  };
  const failures = [];
  const later = [];
  const startedBy = new Set();
  let calls = 0;
  let traps = 0;
  // A trap inside an async export happens in a task of wasm-bindgen-futures'
  // queue, not in the call: its Promise never settles and the RuntimeError
  // reaches the page as an uncaught error. Count those too.
  addEventListener('error', (event) => {
    if (event.error instanceof WebAssembly.RuntimeError) {
      traps += 1;
      failures.push(`uncaught wasm trap: ${event.error.message}`);
    }
  });

  /**
   * Judges one outcome. `names`: the parameter names its error may name
   * (`options.cookMs` for a field); `unknownParam`: set when the export takes
   * `unknown` there, so it must settle as `await value` would.
   */
  async function judge(spec, label, outcome, names, args, unknownParam) {
    const where = `lab.${spec.name} ${label}`;
    if (outcome.how === 'pending') {
      later.push({ spec, label, outcome, names, args, unknownParam });
      return;
    }
    if (outcome.how === 'ok') {
      if (unknownParam) {
        const native = await nativeAwait(args[unknownParam.index]);
        if (native.how !== 'ok' || !Object.is(native.value, outcome.value)) failures.push(`${where}: resolved where await value gives ${native.how}`);
      }
      return;
    }
    const { error } = outcome;
    if (error instanceof WebAssembly.RuntimeError || error?.name === 'RuntimeError') {
      traps += 1;
      failures.push(`${where}: wasm trap ${describe(error)}`);
      return;
    }
    // A SyntaxError naming the parameter is an argument error too: the text
    // of lab.compose and lab.composeCode is a small language, parsed in Rust.
    const isArgError = error instanceof TypeError || error instanceof RangeError || error instanceof SyntaxError;
    const message = isArgError ? String(error.message) : '';
    const namesAny = (list) => list.some((n) => new RegExp(`(^|[^\\w.])${n.replace('.', '\\.')}([^\\w]|$)`).test(message));
    // A hostile value in another position (the options of awaitPromise) gets
    // the usual argument error, naming that position.
    if (unknownParam && isArgError && namesAny(names.filter((n) => n !== spec.params[unknownParam.index]?.name))) return;
    if (unknownParam) {
      const native = await nativeAwait(args[unknownParam.index]);
      const same = native.how === 'rejected' && (native.error === error
        || (native.error?.constructor === error?.constructor && native.error?.message === error?.message));
      if (!same) failures.push(`${where}: ${describe(error)}, where await value gives ${native.how} ${describe(native.error)}`);
      return;
    }
    // The arguments were accepted and the lesson itself failed (a burned dish, a timeout): that is its result.
    if (outcome.started && !isArgError) return;
    const named = namesAny(names);
    if (!isArgError || !named) failures.push(`${where}: ${describe(error)} (must be a TypeError or RangeError naming ${names.join(' or ')})`);
  }

  /**
   * A cheap valid value for each parameter, so that the other positions cost
   * little: the first choice of a string union, a resolved Promise, and for a
   * number the lowest value its RangeError names ("from 2 to 20000000"). This
   * is what keeps the fuzz fast and the page responsive: `blocking` at its
   * defaults counts primes on the main thread for a second or more, and
   * `workerJob` would loop for minutes at its largest values. None of the hostile values is a valid
   * large number, so the only long calls left are those where `undefined`
   * picks a default; they are accepted only if they later end well.
   */
  async function fillersOf(spec) {
    const fillers = [];
    const fn = lab[spec.name];
    const lowest = async (args) => {
      const { error } = await attempt(fn, args);
      const found = /from (-?\d+) to \d+/.exec(error?.message ?? '');
      return found ? Number(found[1]) : undefined;
    };
    for (const [i, param] of spec.params.entries()) {
      let filler;
      if (param.literals.length) filler = param.literals[0];
      else if (param.promise) filler = Promise.resolve(1);
      else if (param.fields) {
        filler = {};
        for (const field of param.fields) {
          if (field.literals.length) filler[field.name] = field.literals[0];
          else if (/number/.test(field.type)) {
            const low = await lowest([...fillers, { ...filler, [field.name]: -1 }]);
            if (low !== undefined) filler[field.name] = low;
          }
        }
      } else if (/number/.test(param.type)) {
        filler = await lowest([...fillers, -1]);
      }
      fillers[i] = filler;
    }
    return fillers;
  }

  const paramNames = (spec) => spec.params.flatMap((p) => [p.name, ...(p.fields ?? []).map((f) => `${p.name}.${f.name}`)]);

  // The judge itself must catch what it is here to catch: a plain Error, a
  // RangeError naming no parameter, and a wasm trap.
  const control = { name: 'control', params: [{ name: 'n' }] };
  for (const error of [new Error('n is bad'), new RangeError('out of range'), new WebAssembly.RuntimeError('unreachable')]) {
    await judge(control, 'control', await attempt(() => { throw error; }, []), ['n'], [], null);
  }
  const caught = failures.splice(0).length;
  traps = 0;

  for (const spec of specs) {
    const fn = lab[spec.name];
    const fillers = await fillersOf(spec);
    const arity = spec.params.length;
    const unknownAt = spec.params.findIndex((p) => p.unknown);
    const unknownParam = unknownAt === -1 ? null : { index: unknownAt };
    const call = async (label, args, names, unknown = null) => {
      calls += 1;
      const outcome = await attempt(fn, args);
      // A getter that calls back into lab starts runs of its own.
      if (outcome.started && !label.includes('calls back into lab')) startedBy.add(spec.name);
      await judge(spec, label, outcome, names, args, unknown);
    };
    // Each value in each position, cheap valid values elsewhere; one past the
    // last position the value must be ignored.
    for (let position = 0; position <= arity; position += 1) {
      const param = spec.params[position];
      for (const [valueName, value] of hostile) {
        const args = [...fillers.slice(0, position), value, ...fillers.slice(position + 1)];
        const names = param ? [param.name] : paramNames(spec);
        await call(`(${param?.name ?? 'extra argument'} = ${valueName})`, args, names, param?.unknown ? { index: position } : null);
      }
    }
    // Each value in each field of an options object (with every choice of a
    // sibling field that picks a kind, since a kind may ignore the field).
    for (const [position, param] of spec.params.entries()) {
      for (const field of param.fields ?? []) {
        const kinds = param.fields.filter((f) => f !== field && f.literals.length > 1);
        const bases = kinds.length ? kinds.flatMap((k) => k.literals.map((l) => ({ ...fillers[position], [k.name]: l }))) : [fillers[position]];
        for (const base of bases) {
          const getters = { 'a getter that throws': boom, 'a getter that calls back into lab': reenter };
          const cases = [...hostile, ...Object.keys(getters).map((g) => [g, undefined])];
          for (const [valueName, value] of cases) {
            const object = getters[valueName]
              ? Object.defineProperty({ ...base }, field.name, { get: getters[valueName], enumerable: true })
              : { ...base, [field.name]: value };
            const args = fillers.map((f, i) => (i === position ? object : f));
            await call(`(${param.name}.${field.name} = ${valueName}, ${JSON.stringify(base)})`, args, [`${param.name}.${field.name}`]);
          }
        }
      }
    }
    // The same value in every position at once.
    for (const [valueName, value] of hostile) {
      await call(`(every argument = ${valueName})`, Array(arity + 1).fill(value), paramNames(spec), unknownParam);
    }
  }

  // Calls left running: their run started, or they were still pending at
  // 200 ms (a lesson at its defaults, lab.parallel loading its module,
  // awaitMany's batches). A started run accepted its arguments; awaiting the
  // never-settling Promise is what awaitPromise must do. Every other call has
  // nothing to wait for but its own work, and is waited for: the fuzz goes on
  // the moment the last of them settles. Only a hang meets the 15 s limit.
  const awaitsNever = (entry) => entry.args.some((a, i) => a === never && (entry.spec.params[i]?.promise || entry.spec.params[i]?.unknown));
  for (const entry of later) entry.outcome.settled.then((final) => { entry.final = final; });
  const owed = later.filter((entry) => !entry.outcome.started && !awaitsNever(entry));
  await Promise.race([Promise.all(owed.map((entry) => entry.outcome.settled)), delay(15_000)]);
  // The settled Promises' reactions have all run by the next task.
  await delay(0);
  let stillRunning = 0;
  for (const entry of later) {
    if (!entry.final) {
      if (owed.includes(entry)) failures.push(`lab.${entry.spec.name} ${entry.label}: still pending after 15 s, and no run started`);
      stillRunning += 1;
      continue;
    }
    await judge(entry.spec, entry.label, { ...entry.final, started: entry.outcome.started }, entry.names, entry.args, entry.unknownParam);
  }
  // An unhandled rejection is reported in a task queued after the microtasks
  // that left it unhandled: the next task sees every one.
  await delay(0);
  return { caught, calls, traps, failures, unhandled, finishedLater: later.length, stillRunning, startedBy: [...startedBy].sort() };
}

const result = await page.evaluate(fuzzInPage, specs);
console.log(`hostile: ${result.calls} calls, ${result.traps} wasm traps, ${result.finishedLater} left to finish after their run started or 200 ms (${result.stillRunning} of them still running at the end: awaiting a never-settling Promise, or a long valid run), ${result.failures.length} failures`);

test('lab.help() lists the exports with signatures this test can read', () => {
  assert.ok(specs.length >= 20, `only ${specs.length} exports`);
  assert.equal(helpLines.filter(onPurpose).length, 1, 'exactly one export may panic on purpose');
  const kitchen = specs.find((s) => s.name === 'kitchen');
  assert.deepEqual(kitchen.params.map((p) => p.name), ['mode', 'options']);
  assert.deepEqual(kitchen.params[1].fields.map((f) => f.name), ['cookMs', 'callMs', 'signal']);
  assert.deepEqual(specs.find((s) => s.name === 'workerJob').params[0].fields[0].literals, ['ping', 'sleep', 'primes', 'block_on', 'block_on_timer']);
});


test('the fuzz catches a plain Error, a RangeError naming no parameter and a wasm trap', () => {
  assert.equal(result.caught, 3);
});

test('at least 2,000 hostile calls, every one a success or a TypeError/RangeError naming its parameter', () => {
  assert.ok(result.calls >= 2000, `only ${result.calls} calls`);
  assert.equal(result.traps, 0);
  assert.deepEqual(result.failures, []);
});

test('no unhandled rejection and no page error during the fuzz', () => {
  assert.deepEqual(result.unhandled, []);
  // The search lesson's 404 and aborted losers are what it teaches.
  assert.deepEqual(unexpectedProblems(lab.problems), []);
});

/** Each lesson at its defaults, and what a learner sees it give. */
const normal = {
  sequential: (r) => assert.deepEqual(r, ['thread one', 'thread two']),
  concurrent: (r) => assert.deepEqual(r, ['thread two', 'thread one']),
  race: (r) => assert.equal(r, 'thread two'),
  threads: (r) => assert.deepEqual(r, ['thread two', 'thread one']),
  kitchen: (r) => { assert.equal(r.mode, 'async'); assert.ok(r.lines.length > 3); },
  cook: (r) => assert.equal(r, 'toast is ready'),
  lazy: (r) => assert.ok(r.includes('B: body runs') && !r.includes('A: body runs'), JSON.stringify(r)),
  handmade: (r) => assert.equal(r, 4),
  awaitOrder: (r) => assert.equal(r, undefined),
  searchStats: (r) => assert.equal(r.source, 'quick'),
  blocking: (r) => assert.equal(r.primes, 216_816),
  threadCost: (r) => { assert.equal(r.threads.count, 4); assert.equal(r.tasks.count, 10_000); },
  blockOn: (r) => { assert.equal(r.value, 42); assert.equal(r.deadlocked, false); },
  // The default composition is the article's threads example: two spawned sleeps, joined.
  compose: (r) => { assert.deepEqual(r.rust.lines, ['thread two', 'thread one']); assert.deepEqual(r.rust.value, ['thread one', 'thread two']); },
  // Not a Promise: a handle whose tasks wait for a learner's poll(). Read in the page (below).
  stepper: (r) => { assert.equal(r.mode, 'concurrent'); assert.equal(r.done, false); assert.deepEqual(r.ready, ['thread one', 'thread two']); },
  // 100,000 sleeping futures on the timer queue: one JS timer at a time.
  sleepers: (r) => { assert.equal(r.n, 100_000); assert.equal(r.timer, 'queue'); assert.equal(r.rust.timersAtOnce, 1); },
};

test('every export that runs a lesson has its normal result listed here', () => {
  assert.deepEqual(result.startedBy.filter((name) => !(name in normal)), []);
});

test('afterwards every lesson still gives its normal result at its defaults', async () => {
  for (const [name, check] of Object.entries(normal)) {
    const outcome = await page.evaluate(async (n) => {
      try {
        const value = await window.lab[n]();
        // A stepper is a handle, not a value: what it says, then freed.
        if (value && typeof value.poll === 'function') {
          const seen = { mode: value.mode, done: value.done, ready: value.ready };
          value.free();
          return { value: seen };
        }
        return { value };
      } catch (e) {
        return { error: `${e.name}: ${e.message}` };
      }
    }, name);
    assert.equal(outcome.error, undefined, `lab.${name}() rejected`);
    check(outcome.value);
  }
});

test('listeners of the lab\'s events that call back into lab, mid-run, break nothing', async () => {
  // lab:run-start and lab:line are dispatched from inside a poll, lab:run-end
  // as a run ends: a RefCell held across them would panic on re-entry.
  const outcome = await page.evaluate(async () => {
    const lab = window.lab;
    let nested = 0;
    const reenter = () => {
      lab.lastRun();
      lab.trace();
      lab.traceSummary();
      lab.memoryUsage();
      lab.workerJob({ kind: 'ping' });
      // A few whole lessons started from inside another's events, not an endless chain.
      if (nested < 20) {
        nested += 1;
        lab.sequential(0, 0).catch(() => {});
      }
    };
    const events = ['lab:run-start', 'lab:line', 'lab:run-end'];
    for (const e of events) addEventListener(e, reenter);
    const runs = {
      sequential: () => lab.sequential(0, 0),
      race: () => lab.race(1, 0),
      cook: () => lab.cook('toast', { cookMs: 0 }),
      handmade: () => lab.handmade(1, 0),
      kitchen: () => lab.kitchen('async', { cookMs: 0, callMs: 0 }),
      searchStats: () => lab.searchStats('race', { slowMs: 0 }),
      threads: () => lab.threads(0, 0),
      blocking: () => lab.blocking('chunked', 1000),
    };
    const results = {};
    for (const [name, run] of Object.entries(runs)) {
      results[name] = await run().then(() => 'ok', (e) => `${e.name}: ${e.message}`);
    }
    for (const e of events) removeEventListener(e, reenter);
    return { results, nested, after: await lab.sequential(0, 0) };
  });
  assert.deepEqual(Object.values(outcome.results), Array(8).fill('ok'), JSON.stringify(outcome.results));
  assert.equal(outcome.nested, 20);
  assert.deepEqual(outcome.after, ['thread one', 'thread two']);
  assert.deepEqual(unexpectedProblems(lab.problems), []);
});
