import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../src/marl/backend.js';
import { initMasks, layerDensities, globalDensity } from '../../src/marl/masks/masks.js';
import { Rng } from '../../src/util/rng.js';
import { NumericError } from '@mast-toolkit/runtime/internal/util/errors';
import { resolveConfig } from '../../src/config/index.js';
import { weightCounts, networkWidths } from '../../src/marl/training/setup.js';
import { FAKE_INFO, makeTestLearner, fakeBatch } from './fixtures.js';

before(async () => {
  await initBackend('wasm');
});

const makeLearner = makeTestLearner;

/** An update at the start of a run. */
const AT0 = { tEnv: 0 };

const batch = fakeBatch;

test('static masks: global density is hit, pruned weights stay exactly zero through updates, targets carry the masks', () => {
  const { learner } = makeLearner({ sparsity: { mode: 'static', density: 0.1 } });
  const layers = layerDensities(learner.stores());
  assert.ok(Math.abs(globalDensity(layers) - 0.1) < 1e-3, `density ${globalDensity(layers)}`);
  for (let i = 0; i < 5; i++) learner.train(batch(), AT0);
  learner.updateTargets();
  for (const [prefix, store] of Object.entries({ ...learner.stores(), targetAgent: learner.targetAgent.params })) {
    for (const name of store.maskableNames()) {
      const mask = store.mask(name)!;
      assert.ok(mask, `${prefix}/${name} has a mask`);
      const w = store.get(name).dataSync();
      let changedActive = 0;
      for (let k = 0; k < w.length; k++) {
        if (mask[k] === 0) assert.ok(w[k] === 0, `${prefix}/${name}[${k}] = ${w[k]} is pruned but nonzero`);
        else if (w[k] !== 0) changedActive++;
      }
      assert.ok(changedActive > 0, `${prefix}/${name} keeps nonzero active weights`);
    }
  }
  learner.dispose();
});

test('dense mode: no masks anywhere', () => {
  const { learner } = makeLearner();
  for (const store of Object.values(learner.stores()))
    for (const n of store.maskableNames()) assert.equal(store.mask(n), null);
  assert.equal(globalDensity(layerDensities(learner.stores())), 1);
  learner.dispose();
});

test('a train step and a target sync leak no tensors', () => {
  const { learner } = makeLearner({ sparsity: { mode: 'static', density: 0.2 } });
  learner.train(batch(), AT0); // warm-up allocates nothing persistent, but compiles kernels
  const before = tf.memory().numTensors;
  for (let i = 0; i < 3; i++) learner.train(batch(), AT0);
  learner.updateTargets();
  assert.equal(tf.memory().numTensors, before);
  learner.dispose();
});

test('repeated updates on one batch drive the TD loss down', () => {
  const { learner } = makeLearner({ optimizer: { lr: 3e-3 }, gamma: 0 });
  const b = batch();
  const first = learner.train(b, AT0).stats.loss;
  let last = first;
  for (let i = 0; i < 60; i++) last = learner.train(b, AT0).stats.loss;
  assert.ok(last < first * 0.2, `loss ${first} → ${last}`);
  learner.dispose();
});

test('updates are deterministic: two learners from the same seed give identical losses', () => {
  const a = makeLearner({ sparsity: { mode: 'static', density: 0.3 } }).learner;
  const b = makeLearner({ sparsity: { mode: 'static', density: 0.3 } }).learner;
  for (let i = 0; i < 3; i++) assert.equal(a.train(batch(), AT0).stats.loss, b.train(batch(), AT0).stats.loss);
  a.dispose();
  b.dispose();
});

test('cutTraces changes λ-return targets on exploratory replay and nothing under one-step targets', () => {
  const first = (targets: Record<string, unknown>): { loss: number; targetMean: number } => {
    const { learner } = makeLearner({ targets: { switchFraction: 0, ...targets } });
    const { loss, targetMean } = learner.train(batch(), AT0).stats;
    learner.dispose();
    return { loss, targetMean };
  };
  const peng = first({ returns: 'td-lambda', lambda: 0.9 });
  const watkins = first({ returns: 'td-lambda', lambda: 0.9, cutTraces: true });
  assert.notEqual(watkins.targetMean, peng.targetMean, 'the random actions of the fake batch are cut');
  assert.deepEqual(first({ returns: 'one-step', cutTraces: true }), first({ returns: 'one-step' }));
});

test('a non-finite loss is a NumericError, not silent corruption', () => {
  const { learner } = makeLearner();
  const bad = batch();
  bad.reward[0] = Number.NaN;
  assert.throws(
    () => learner.train(bad, AT0),
    (e: unknown) => e instanceof NumericError && /loss became NaN/.test(e.message),
  );
  learner.dispose();
});

test('weightCounts matches the built networks, and tiny widths meet the weight budget', () => {
  for (const alg of ['qmix', 'vdn', 'cw-qmix'] as const) {
    const { learner, config } = makeLearner({ alg, wqmix: { centralEmbed: 12 } });
    const layers = layerDensities(learner.stores());
    const built = (agent: boolean): number =>
      layers.filter((l) => l.name.startsWith('agent/') === agent).reduce((a, l) => a + l.size, 0);
    assert.deepEqual(
      weightCounts(FAKE_INFO, alg, { agent: config.agent, mixer: config.mixer }, 12),
      { agent: built(true), mixer: built(false) },
      alg,
    );
    learner.dispose();
  }
  const full = resolveConfig('default', {});
  const tiny = resolveConfig('default', { sparsity: { mode: 'tiny', density: 0.1 } });
  const total = (c: ReturnType<typeof weightCounts>): number => c.agent + c.mixer;
  const widths = networkWidths(tiny, FAKE_INFO);
  const ratio =
    total(weightCounts(FAKE_INFO, 'qmix', widths)) /
    total(weightCounts(FAKE_INFO, 'qmix', { agent: full.agent, mixer: full.mixer }));
  assert.ok(Math.abs(ratio - 0.1) < 0.01, `tiny keeps ${ratio} of the weights`);
  assert.ok(widths.agent.hidden < full.agent.hidden && widths.mixer.embed < full.mixer.embed);
  assert.deepEqual(
    networkWidths(full, FAKE_INFO),
    { agent: full.agent, mixer: full.mixer },
    'other modes keep the configured widths',
  );
});

test('magnitude masks keep each layer’s largest trained weights, unscaled', () => {
  const { learner } = makeLearner();
  const before = learner.agent.params.get('fc1.weight').dataSync().slice();
  initMasks(
    learner.stores(),
    resolveConfig('default', { sparsity: { mode: 'mast', density: 0.2 } }).sparsity,
    new Rng(1),
    'magnitude',
  );
  const mask = learner.agent.params.mask('fc1.weight')!;
  const after = learner.agent.params.get('fc1.weight').dataSync();
  const kept = Array.from(before)
    .filter((_, i) => mask[i])
    .map(Math.abs);
  const dropped = Array.from(before)
    .filter((_, i) => !mask[i])
    .map(Math.abs);
  assert.ok(kept.length > 0 && dropped.length > 0);
  assert.ok(Math.min(...kept) >= Math.max(...dropped), 'every kept |w| ≥ every pruned |w|');
  before.forEach((w, i) =>
    assert.ok(mask[i] ? after[i] === w : after[i] === 0, `fc1.weight[${i}]: kept weights unchanged, pruned ones zero`),
  );
  learner.dispose();
});

test('WQMIX (OW, CW) and RES learners fit a fixed batch; the central critic is masked and synced like the mixer', () => {
  for (const alg of ['ow-qmix', 'cw-qmix', 'res-qmix'] as const) {
    const { learner } = makeLearner({
      alg,
      optimizer: { lr: 3e-3 },
      gamma: 0,
      wqmix: { centralEmbed: 16 },
      sparsity: { mode: 'static', density: 0.5 },
    });
    const stores = learner.stores();
    assert.equal('critic' in stores, alg !== 'res-qmix', `${alg}: central critic present only for WQMIX`);
    if (learner.critic)
      for (const p of learner.critic.params.maskableNames())
        assert.ok(learner.critic.params.mask(p), `critic ${p} is masked`);
    const b = batch();
    const first = learner.train(b, AT0).stats.loss;
    let last = first;
    for (let i = 0; i < 60; i++) last = learner.train(b, AT0).stats.loss;
    assert.ok(Number.isFinite(last) && last < first * 0.5, `${alg}: loss ${first} → ${last}`);
    learner.updateTargets();
    if (learner.critic && learner.targetCritic) {
      for (const p of learner.critic.params.names())
        assert.deepEqual(
          learner.targetCritic.params.get(p).dataSync(),
          learner.critic.params.get(p).dataSync(),
          `target critic ${p} synced`,
        );
    }
    learner.dispose();
  }
});
