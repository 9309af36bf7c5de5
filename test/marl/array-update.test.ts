/**
 * The tfjs-free update (`compute: arrays`; QMIX, VDN, OW-/CW-QMIX, RES-QMIX) against today's paths on the same
 * weights and batch: every parameter's (masked) gradient against tf.variableGrads' of the tfjs
 * path, loss and statistics, RigL's dense gradients, weights over several updates against
 * `compute: kernels`, pruned weights, determinism and a stopped-and-resumed learner.
 *
 * Tolerance: the array path sums the mixing products, softmaxes and the loss in another order (and
 * partly in f64), so results differ by float32 rounding: every gradient element within
 * 1e-4·(1 + max |g|) of the reference, statistics within 1e-5 relative.
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { initBackend } from '../../src/marl/backend.js';
import type { QLearner } from '../../src/marl/learner/learner.js';
import type { TrainConfig, DeepPartial } from '../../src/config/index.js';
import { NumericError } from '@mast-toolkit/runtime/internal/util/errors';
import { resolveConfig } from '../../src/config/index.js';
import { makeTestLearner, randomActionBatch } from './fixtures.js';

before(async () => {
  await initBackend('wasm');
});

/** The gradients a learner hands its optimizer in its next update (after masking), as plain arrays. */
function captureGradients(learner: QLearner): () => Record<string, Float32Array> {
  const captured: Record<string, Float32Array> = {};
  const opt = learner.optimizer;
  const [apply, applyArrays] = [opt.apply.bind(opt), opt.applyArrays.bind(opt)];
  opt.apply = (grads) => {
    for (const [k, g] of Object.entries(grads)) captured[k] = (g.dataSync() as Float32Array).slice();
    return apply(grads);
  };
  opt.applyArrays = (grads) => {
    for (const [k, g] of Object.entries(grads)) captured[k] = g.slice();
    return applyArrays(grads);
  };
  return () => captured;
}

function maxAbs(a: Float32Array): number {
  let m = 0;
  for (const v of a) m = Math.max(m, Math.abs(v));
  return m;
}

function assertClose(got: Float32Array, want: Float32Array, what: string): void {
  assert.equal(got.length, want.length, `${what}: length`);
  const tol = 1e-4 * (1 + maxAbs(want));
  let worst = 0;
  for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(got[i]! - want[i]!));
  assert.ok(worst <= tol, `${what}: differs by ${worst} (tolerance ${tol}, max |g| ${maxAbs(want)})`);
}

function assertStatsClose(got: Record<string, unknown>, want: Record<string, unknown>, what: string): void {
  for (const key of ['loss', 'tdErrorAbs', 'qTaken', 'targetMean', 'gradNorm']) {
    const [g, w] = [got[key] as number, want[key] as number];
    assert.ok(Math.abs(g - w) <= 1e-5 * (1 + Math.abs(w)), `${what}: ${key} ${g} vs ${w}`);
  }
  assert.equal(got.returns, want.returns, `${what}: returns`);
}

const VARIANTS: Array<[string, DeepPartial<TrainConfig>]> = [
  ['max', { doubleQ: false }],
  ['double Q', { doubleQ: true }],
  ['Soft Mellowmax', { targets: { operator: 'soft-mellowmax' } }],
];
const RETURNS: Array<[string, DeepPartial<TrainConfig>]> = [
  ['one-step', { targets: { returns: 'one-step' } }],
  ['TD(λ) with cut traces', { targets: { returns: 'td-lambda', lambda: 0.8, cutTraces: true, switchFraction: 0 } }],
];
const DENSITIES: Array<[string, DeepPartial<TrainConfig>]> = [
  ['dense', {}],
  ['density 0.1', { sparsity: { mode: 'static', density: 0.1 } }],
];

/** Deep merge of a few override objects (two levels are enough here). */
function merge(...parts: DeepPartial<TrainConfig>[]): DeepPartial<TrainConfig> {
  const out: Record<string, unknown> = {};
  for (const p of parts)
    for (const [k, v] of Object.entries(p))
      out[k] =
        typeof v === 'object' && v !== null ? { ...((out[k] as object | undefined) ?? {}), ...(v as object) } : v;
  return out as DeepPartial<TrainConfig>;
}

const LEARNER_NAMES = ['qmix', 'vdn', 'ow-qmix', 'cw-qmix', 'res-qmix'] as const;

test('the array update hands the optimizer the tfjs path’s gradients, loss and statistics (QMIX, VDN, OW, CW, RES; max, double Q, Soft Mellowmax; one-step, TD(λ); dense, 0.1)', () => {
  for (const alg of LEARNER_NAMES)
    for (const [op, opConfig] of VARIANTS)
      for (const [ret, retConfig] of RETURNS)
        for (const [dens, densConfig] of DENSITIES) {
          const what = `${alg}, ${op}, ${ret}, ${dens}`;
          const overrides = merge({ alg, standardiseRewards: true }, opConfig, retConfig, densConfig);
          const reference = makeTestLearner(merge(overrides, { compute: 'tfjs' })).learner;
          const arrays = makeTestLearner(merge(overrides, { compute: 'arrays' })).learner;
          const [want, got] = [captureGradients(reference), captureGradients(arrays)];
          const batch = randomActionBatch(5);
          const wantStats = reference.train(batch, { tEnv: 0 }).stats;
          const gotStats = arrays.train(batch, { tEnv: 0 }).stats;
          assertStatsClose({ ...gotStats }, { ...wantStats }, what);
          assert.deepEqual(Object.keys(got()).sort(), Object.keys(want()).sort(), `${what}: the same parameters`);
          for (const [key, g] of Object.entries(want())) assertClose(got()[key]!, g, `${what}: ${key}`);
          reference.dispose();
          arrays.dispose();
        }
});

test('RigL’s dense gradients of the array update match the tfjs path’s, pruned positions included', () => {
  for (const alg of LEARNER_NAMES) {
    const overrides = merge({ alg, sparsity: { mode: 'static', density: 0.1 } });
    const reference = makeTestLearner(merge(overrides, { compute: 'kernels' })).learner;
    const arrays = makeTestLearner(merge(overrides, { compute: 'arrays' })).learner;
    const batch = randomActionBatch(8);
    for (let update = 0; update < 2; update++) {
      const want = reference.train(batch, { tEnv: 0, denseGrads: true }).denseGrads!;
      const got = arrays.train(batch, { tEnv: 0, denseGrads: true }).denseGrads!;
      assert.deepEqual(Object.keys(got).sort(), Object.keys(want).sort(), `${alg}: every maskable weight`);
      let prunedNonzero = 0; // the reference differentiates at pruned positions too
      for (const [key, g] of Object.entries(want)) {
        const store = arrays.stores()[key.slice(0, key.indexOf('/'))]!;
        const mask = store.mask(key.slice(key.indexOf('/') + 1));
        prunedNonzero += mask ? mask.filter((m, i) => m === 0 && g[i] !== 0).length : 0;
        assertClose(got[key]!, g, `${alg} update ${update}: dense ${key}`);
      }
      assert.ok(prunedNonzero > 0, `${alg}: dense gradients at pruned positions are compared`);
    }
    reference.dispose();
    arrays.dispose();
  }
});

test('several array updates keep the weights close to the kernels path’s, and pruned weights exactly 0 (QMIX, CW, RES)', () => {
  for (const alg of ['qmix', 'cw-qmix', 'res-qmix'] as const) severalUpdates(alg);
});

function severalUpdates(alg: 'qmix' | 'cw-qmix' | 'res-qmix'): void {
  const overrides = merge({ alg, sparsity: { mode: 'static', density: 0.1 }, targets: { operator: 'soft-mellowmax' } });
  const reference = makeTestLearner(merge(overrides, { compute: 'kernels' })).learner;
  const arrays = makeTestLearner(merge(overrides, { compute: 'arrays' })).learner;
  for (let update = 0; update < 8; update++) {
    const batch = randomActionBatch(20 + update);
    reference.train(batch, { tEnv: 0 });
    arrays.train(batch, { tEnv: 0 });
    if (update === 4) [reference, arrays].forEach((l) => l.updateTargets());
  }
  for (const [prefix, store] of Object.entries(arrays.stores())) {
    const other = reference.stores()[prefix]!;
    for (const name of store.names()) {
      const [got, want] = [store.get(name).dataSync() as Float32Array, other.get(name).dataSync() as Float32Array];
      assertClose(got, want, `${alg}: ${prefix}/${name} after 8 updates`);
      const mask = store.mask(name);
      if (mask)
        mask.forEach((m, i) => m === 0 && assert.ok(got[i] === 0, `${prefix}/${name}[${i}] = ${got[i]} is pruned`));
    }
  }
  reference.dispose();
  arrays.dispose();
}

test('the array update is deterministic, and a learner restored from a checkpoint continues as the uninterrupted one', () => {
  const overrides = merge({ compute: 'arrays', sparsity: { mode: 'static', density: 0.3 } });
  const run = (learner: QLearner, from: number, to: number): number[] => {
    const losses: number[] = [];
    for (let u = from; u < to; u++) losses.push(learner.train(randomActionBatch(40 + u), { tEnv: 0 }).stats.loss);
    return losses;
  };
  const a = makeTestLearner(overrides).learner;
  const b = makeTestLearner(overrides).learner;
  const whole = run(a, 0, 6);
  assert.deepEqual(run(b, 0, 6), whole, 'same seed, same losses');
  // stop after 3 updates: save weights, masks and optimizer state into a fresh learner, which continues
  const c = makeTestLearner(overrides).learner;
  const first = run(c, 0, 3);
  const resumed = makeTestLearner(overrides).learner;
  for (const [key, store] of Object.entries(resumed.stores())) store.loadArrays(c.stores()[key]!.toArrays(), key);
  for (const [key, store] of Object.entries(resumed.targetStores()))
    store.loadArrays(c.targetStores()[key]!.toArrays(), key);
  resumed.optimizer.setState(c.optimizer.getState(), 'test');
  assert.deepEqual([...first, ...run(resumed, 3, 6)], whole, 'stopped and resumed = uninterrupted');
  for (const l of [a, b, c, resumed]) l.dispose();
});

test("every learner takes compute 'arrays' and defaults to it", () => {
  for (const alg of LEARNER_NAMES) {
    assert.equal(resolveConfig('default', { alg, compute: 'arrays' }).compute, 'arrays');
    assert.equal(resolveConfig('default', { alg }).compute, 'arrays');
    assert.equal(resolveConfig('default', { alg, compute: 'kernels' }).compute, 'kernels');
  }
});

test('a non-finite loss in the array update is a NumericError, and the weights are left as they were', () => {
  const { learner } = makeTestLearner({ compute: 'arrays' });
  const bad = randomActionBatch(3);
  bad.reward[0] = Number.NaN;
  const before = learner.agent.params.get('fc1.weight').dataSync().slice();
  assert.throws(
    () => learner.train(bad, { tEnv: 0 }),
    (e: unknown) => e instanceof NumericError && /loss became NaN/.test(e.message),
  );
  assert.deepEqual(learner.agent.params.get('fc1.weight').dataSync(), before);
  learner.dispose();
});
