import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RewardScale } from '../../src/marl/learner/reward-scale.js';

test('reward standardisation: running mean and variance over filled steps equal the pooled statistics; padding stays 0', () => {
  const scale = new RewardScale();
  // batch 1: filled rewards 0, 0, 1, 3 (one padded step holding garbage)
  const first = scale.standardise(Float32Array.of(0, 0, 1, 3, 99), [1, 1, 1, 1, 0]);
  // batch 2: filled rewards 2, 2
  const second = scale.standardise(Float32Array.of(2, 2, 7), [1, 1, 0]);
  // pooled over the six filled rewards 0, 0, 1, 3, 2, 2: mean 8/6, population variance Σ(r − 4/3)² / 6 = (22/3) / 6 = 11/9
  // (the initial pseudo-count of 1e-4 shifts this by ~1e-5)
  const { mean, variance } = scale.getState();
  assert.ok(Math.abs(mean - 4 / 3) < 1e-4 && Math.abs(variance - 11 / 9) < 1e-4, `mean ${mean}, variance ${variance}`);
  const std = Math.sqrt(variance);
  assert.ok(Math.abs((second[0] as number) - (2 - mean) / std) < 1e-6);
  assert.equal(second[2], 0);
  assert.equal(first[4], 0);
  // after batch 1 alone: mean 1, variance 1.5, so reward 3 → (3 − 1)/√1.5
  assert.ok(Math.abs((first[3] as number) - 2 / Math.sqrt(1.5)) < 1e-3, `${first[3]}`);
  const restored = new RewardScale();
  restored.setState(scale.getState());
  assert.deepEqual(restored.getState(), scale.getState());
});
