/** Invariants of topology evolution on a real learner (rigl's `sparse_optimizers_test.py`, in spirit). */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../src/marl/backend.js';
import { addGradients, evolveTopology, growRule } from '../../src/marl/masks/topology.js';
import type { QLearner } from '../../src/marl/learner/learner.js';
import { countActive } from '../../src/sparse/mask.js';
import { Rng } from '../../src/util/rng.js';
import { makeTestLearner, fakeBatch } from './fixtures.js';

before(async () => {
  await initBackend('wasm');
});

/** Every masked tensor of the online networks: key `store/param` → mask and weights. */
function masked(learner: QLearner): Map<string, { mask: Uint8Array; weights: Float32Array }> {
  const out = new Map<string, { mask: Uint8Array; weights: Float32Array }>();
  for (const [prefix, store] of Object.entries(learner.stores())) {
    for (const p of store.maskableNames())
      out.set(`${prefix}/${p}`, { mask: store.mask(p)!, weights: store.get(p).dataSync() as Float32Array });
  }
  return out;
}

test('each mode has its grow rule, which topology.grow can swap for the other', () => {
  assert.equal(growRule('static'), null);
  assert.equal(growRule('dense'), null);
  assert.equal(growRule('set'), 'random');
  assert.equal(growRule('mast'), 'gradient');
  assert.equal(growRule('mast', 'mode'), 'gradient');
  assert.equal(growRule('mast', 'random'), 'random');
  assert.equal(growRule('set', 'gradient'), 'gradient');
  assert.equal(growRule('static', 'random'), null, 'a mode without topology updates has no rule to swap');
});

test("addGradients sums dense gradients tensor by tensor without touching the first batch's arrays", () => {
  const first = { 'agent/fc1.weight': Float32Array.from([1, -2, 0.5]) };
  const sum = addGradients(null, first);
  assert.notEqual(sum['agent/fc1.weight'], first['agent/fc1.weight'], "a copy, not the learner's array");
  addGradients(sum, { 'agent/fc1.weight': Float32Array.from([0.5, 2, -1]) });
  assert.deepEqual(Array.from(sum['agent/fc1.weight']!), [1.5, 0, -0.5]);
  assert.deepEqual(Array.from(first['agent/fc1.weight']), [1, -2, 0.5]);
  assert.throws(
    () => addGradients(sum, { 'agent/fc1.weight': new Float32Array(2) }),
    /has 2 entries but the sum has 3/,
  );
  assert.throws(() => addGradients(sum, { 'agent/fc2.weight': new Float32Array(3) }), /'agent\/fc2.weight'/);
});

test('a gradient-grow update keeps nnz per tensor, grows at zero with reset moments, and masks stay exact through training and target sync', () => {
  const { learner } = makeTestLearner({ sparsity: { mode: 'rigl', density: 0.2 } });
  for (let i = 0; i < 3; i++) learner.train(fakeBatch(), { tEnv: 0 }); // non-zero Adam moments everywhere active
  const before = masked(learner);
  const { denseGrads } = learner.train(fakeBatch(), { tEnv: 0, denseGrads: true });
  assert.ok(denseGrads);
  // the dense gradient reaches pruned positions: that is what RigL grows by
  const fc1 = before.get('agent/fc1.weight')!;
  const g = denseGrads['agent/fc1.weight']!;
  assert.ok(
    g.some((v, i) => fc1.mask[i] === 0 && v !== 0),
    'dense gradient is nonzero somewhere off the mask',
  );

  const report = evolveTopology(learner.stores(), learner.optimizer, 'gradient', 0.3, denseGrads, new Rng(1));
  assert.ok(report.swapped > 0);
  const after = masked(learner);
  const moments = learner.optimizer.getState().moments;
  for (const [key, { mask, weights }] of after) {
    const old = before.get(key)!;
    assert.equal(countActive(mask), countActive(old.mask), `${key}: nnz unchanged`);
    const active = countActive(old.mask);
    assert.equal(
      report.perLayer[key],
      Math.min(Math.round(0.3 * active), mask.length - active),
      `${key}: moved round(ζ·active)`,
    );
    for (let i = 0; i < mask.length; i++) {
      if (mask[i] === 1 && old.mask[i] === 0) {
        assert.ok(weights[i] === 0, `${key}[${i}] grown at zero`);
        assert.ok(moments[`${key}/m`]![i] === 0, `${key}[${i}] first moment reset`);
        assert.ok(moments[`${key}/v`]![i] === 0, `${key}[${i}] second moment reset`);
      }
      if (mask[i] === 0) assert.ok(weights[i] === 0, `${key}[${i}] pruned weight is zero`);
    }
  }
  for (let i = 0; i < 3; i++) learner.train(fakeBatch(), { tEnv: 0 });
  learner.updateTargets();
  const targets = { agent: learner.targetAgent.params, mixer: learner.targetMixer.params };
  for (const [key, { mask, weights }] of masked(learner)) {
    const [prefix, param] = [key.slice(0, key.indexOf('/')), key.slice(key.indexOf('/') + 1)];
    const target = targets[prefix as 'agent' | 'mixer'];
    assert.deepEqual(target.mask(param), mask, `${key}: the target network carries the new mask`);
    const tw = target.get(param).dataSync();
    for (let i = 0; i < mask.length; i++)
      if (mask[i] === 0)
        assert.equal(weights[i] === 0 && tw[i] === 0, true, `${key}[${i}] zero after training and in the target`);
  }
  learner.dispose();
});

test('ζ = 0 changes nothing', () => {
  const { learner } = makeTestLearner({ sparsity: { mode: 'rigl', density: 0.2 } });
  const { denseGrads } = learner.train(fakeBatch(), { tEnv: 0, denseGrads: true });
  const before = masked(learner);
  const state = learner.optimizer.getState();
  const report = evolveTopology(learner.stores(), learner.optimizer, 'gradient', 0, denseGrads, new Rng(1));
  assert.equal(report.swapped, 0);
  assert.deepEqual(masked(learner), before);
  assert.deepEqual(learner.optimizer.getState(), state);
  learner.dispose();
});

test('SET grows at random positions, reproducibly for a seed', () => {
  const run = (seed: number): Map<string, { mask: Uint8Array; weights: Float32Array }> => {
    const { learner } = makeTestLearner({ sparsity: { mode: 'set', density: 0.2 } });
    learner.train(fakeBatch(), { tEnv: 0 });
    evolveTopology(learner.stores(), learner.optimizer, 'random', 0.5, null, new Rng(seed));
    const m = masked(learner);
    learner.dispose();
    return m;
  };
  const a = run(7);
  assert.deepEqual(run(7), a);
  assert.notDeepEqual(run(8), a);
  assert.throws(() => {
    const { learner } = makeTestLearner({ sparsity: { mode: 'rigl', density: 0.2 } });
    try {
      evolveTopology(learner.stores(), learner.optimizer, 'gradient', 0.5, null, new Rng(1));
    } finally {
      learner.dispose();
    }
  }, /no dense gradient/);
});

test('a train step with dense gradients and a mask update leak no tensors', () => {
  const { learner } = makeTestLearner({ sparsity: { mode: 'mast', density: 0.2 } });
  learner.train(fakeBatch(), { tEnv: 10_000, denseGrads: true }); // warm-up: kernels, and the TD(λ) path
  const start = tf.memory().numTensors;
  for (let i = 0; i < 2; i++) {
    const { denseGrads } = learner.train(fakeBatch(), { tEnv: 10_000, denseGrads: true });
    evolveTopology(learner.stores(), learner.optimizer, 'gradient', 0.4, denseGrads, new Rng(i));
  }
  learner.updateTargets();
  assert.equal(tf.memory().numTensors, start);
  learner.dispose();
});
