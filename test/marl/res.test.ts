import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../src/marl/backend.js';
import { resSoftmaxValue } from '../../src/marl/learner/res.js';
import { VdnMixer } from '../../src/marl/mixers/vdn.js';

before(async () => {
  await initBackend('wasm');
});

function value(qs: number[][], avail: number[][], beta: number): number {
  return tf.tidy(() => {
    const q = tf.tensor4d(qs.flat(), [1, 1, 2, 2]);
    const greedy = tf.max(q, 3) as tf.Tensor3D; // [1, 1, 2]
    const v = resSoftmaxValue(
      new VdnMixer(),
      greedy,
      q,
      tf.tensor4d(avail.flat(), [1, 1, 2, 2]),
      tf.zeros([1, 1, 1]) as tf.Tensor3D,
      beta,
    );
    return v.dataSync()[0] as number;
  });
}

test('RES softmax over per-agent joint-action variants, worked by hand with a VDN (sum) mixer', () => {
  // agent 0 values [1, 0], agent 1 values [2, −1]; greedy joint value 1 + 2 = 3.
  // variants: agent 0 tries a0 → 1+2 = 3, a1 → 0+2 = 2; agent 1 tries a0 → 3, a1 → 1−1 = 0.
  // β = 1: V = (3e³ + 2e² + 3e³ + 0·e⁰) / (2e³ + e² + e⁰)
  const e = Math.exp;
  const want = (6 * e(3) + 2 * e(2)) / (2 * e(3) + e(2) + 1);
  assert.ok(
    Math.abs(
      value(
        [
          [1, 0],
          [2, -1],
        ],
        [
          [1, 1],
          [1, 1],
        ],
        1,
      ) - want,
    ) < 1e-5,
  );
  // agent 1's second action unavailable: that variant drops out
  const without = (6 * e(3) + 2 * e(2)) / (2 * e(3) + e(2));
  assert.ok(
    Math.abs(
      value(
        [
          [1, 0],
          [2, -1],
        ],
        [
          [1, 1],
          [1, 0],
        ],
        1,
      ) - without,
    ) < 1e-5,
  );
  // small β approaches the max joint value (3), never above it
  const sharp = value(
    [
      [1, 0],
      [2, -1],
    ],
    [
      [1, 1],
      [1, 1],
    ],
    0.05,
  );
  assert.ok(sharp <= 3 + 1e-6 && sharp > 2.99, `${sharp}`);
});
