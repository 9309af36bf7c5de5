import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../src/marl/backend.js';
import { QLearner } from '../../src/marl/learner.js';
import { initMasks, layerDensities, globalDensity } from '../../src/marl/masks.js';
import { agentArchitecture } from '../../src/marl/setup.js';
import { makeBatch } from '../../src/marl/episode.js';
import { resolveConfig, type TrainConfig } from '../../src/config/index.js';
import { Rng } from '../../src/util/rng.js';
import { NumericError } from '../../src/util/errors.js';
import { FAKE_INFO, fakeEpisode } from './fixtures.js';

before(async () => {
  await initBackend('wasm');
});

function makeLearner(overrides: Parameters<typeof resolveConfig>[1] = {}): { learner: QLearner; config: TrainConfig } {
  const config = resolveConfig('default', { agent: { hidden: 16 }, mixer: { embed: 8, hypernetEmbed: 16 }, batchSize: 4 }, overrides);
  const rng = new Rng(config.seed);
  const learner = new QLearner(config, agentArchitecture(FAKE_INFO, config.agent), { nAgents: FAKE_INFO.nAgents, stateShape: FAKE_INFO.stateShape }, rng);
  initMasks(learner.stores(), config.sparsity, rng);
  learner.updateTargets();
  return { learner, config };
}

const batch = () => makeBatch([fakeEpisode(4, 1), fakeEpisode(2, 2), fakeEpisode(3, 3), fakeEpisode(1, 4)], FAKE_INFO);

test('static masks: global density is hit, pruned weights stay exactly zero through updates, targets carry the masks', () => {
  const { learner } = makeLearner({ sparsity: { mode: 'static', density: 0.1 } });
  const layers = layerDensities(learner.stores());
  assert.ok(Math.abs(globalDensity(layers) - 0.1) < 1e-3, `density ${globalDensity(layers)}`);
  for (let i = 0; i < 5; i++) learner.train(batch());
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
  for (const store of Object.values(learner.stores())) for (const n of store.maskableNames()) assert.equal(store.mask(n), null);
  assert.equal(globalDensity(layerDensities(learner.stores())), 1);
  learner.dispose();
});

test('a train step and a target sync leak no tensors', () => {
  const { learner } = makeLearner({ sparsity: { mode: 'static', density: 0.2 } });
  learner.train(batch()); // warm-up allocates nothing persistent, but compiles kernels
  const before = tf.memory().numTensors;
  for (let i = 0; i < 3; i++) learner.train(batch());
  learner.updateTargets();
  assert.equal(tf.memory().numTensors, before);
  learner.dispose();
});

test('repeated updates on one batch drive the TD loss down', () => {
  const { learner } = makeLearner({ optimizer: { lr: 3e-3 }, gamma: 0 });
  const b = batch();
  const first = learner.train(b).loss;
  let last = first;
  for (let i = 0; i < 60; i++) last = learner.train(b).loss;
  assert.ok(last < first * 0.2, `loss ${first} → ${last}`);
  learner.dispose();
});

test('updates are deterministic: two learners from the same seed give identical losses', () => {
  const a = makeLearner({ sparsity: { mode: 'static', density: 0.3 } }).learner;
  const b = makeLearner({ sparsity: { mode: 'static', density: 0.3 } }).learner;
  for (let i = 0; i < 3; i++) assert.equal(a.train(batch()).loss, b.train(batch()).loss);
  a.dispose();
  b.dispose();
});

test('a non-finite loss is a NumericError, not silent corruption', () => {
  const { learner } = makeLearner();
  const bad = batch();
  bad.reward[0] = Number.NaN;
  assert.throws(() => learner.train(bad), (e: unknown) => e instanceof NumericError && /loss became NaN/.test(e.message));
  learner.dispose();
});
