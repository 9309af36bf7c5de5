import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../src/marl/backend.js';
import { softMellowmax } from '../../src/marl/learner/operators.js';

before(async () => {
  await initBackend('wasm');
});

/** Float64 reference: (1/ω)·log Σ_a softmax(αQ)_a·exp(ωQ_a) over the available actions. */
function reference(q: number[], avail: number[], omega: number, alpha: number): number {
  const on = q.filter((_, i) => avail[i]);
  const z = on.reduce((s, v) => s + Math.exp(alpha * v), 0);
  return Math.log(on.reduce((s, v) => s + (Math.exp(alpha * v) / z) * Math.exp(omega * v), 0)) / omega;
}

function sm(q: number[][], avail: number[][], omega: number, alpha: number): number[] {
  return tf.tidy(() => Array.from(softMellowmax(tf.tensor2d(q), tf.tensor2d(avail), omega, alpha).dataSync()));
}

test('Soft Mellowmax matches hand-worked values', () => {
  // Q = [1, 2], ω = α = 1: softmax = [0.268941, 0.731059]; 0.268941·e + 0.731059·e² = 0.731059 + 5.401847 = 6.132906;
  // log 6.132906 = 1.813666
  const [v] = sm([[1, 2]], [[1, 1]], 1, 1);
  assert.ok(Math.abs(v! - 1.813666) < 1e-5, `${v}`);
  // Q = [0, 0, 3] with the 3 unavailable: the operator sees only [0, 0] and returns 0 for any ω, α
  const [w] = sm([[0, 0, 3]], [[1, 1, 0]], 10, 10);
  assert.ok(Math.abs(w!) < 1e-6, `${w}`);
});

test('Soft Mellowmax agrees with a float64 reference on random rows, including large ω', () => {
  const q = [
    [0.3, -1.2, 0.9, 0.1],
    [5, 4.5, -2, 4.9],
    [-0.5, -0.5, -0.5, -0.5],
  ];
  const avail = [
    [1, 1, 1, 0],
    [1, 1, 1, 1],
    [0, 1, 0, 1],
  ];
  for (const [omega, alpha] of [
    [5, 5],
    [10, 10],
    [10, 1],
    [50, 10],
  ] as const) {
    const got = sm(q, avail, omega, alpha);
    q.forEach((row, i) =>
      assert.ok(
        Math.abs(got[i]! - reference(row, avail[i]!, omega, alpha)) < 1e-4,
        `ω ${omega} α ${alpha} row ${i}: ${got[i]}`,
      ),
    );
  }
});

test('limits: ω → ∞ gives the max over available actions; α = 0 gives mellowmax; it never exceeds the max', () => {
  const q = [
    [0.3, -1.2, 0.9, 2.5],
    [1, 2, 3, 4],
  ];
  const avail = [
    [1, 1, 1, 0],
    [1, 1, 1, 1],
  ];
  const big = sm(q, avail, 1e4, 1e4);
  assert.ok(Math.abs(big[0]! - 0.9) < 1e-3 && Math.abs(big[1]! - 4) < 1e-3, `${big}`);
  // mellowmax: (1/ω)·log(mean exp(ωQ)); for [1, 2, 3, 4] and ω = 1: log((e + e² + e³ + e⁴)/4) = 3.053895
  const mm = sm([[1, 2, 3, 4]], [[1, 1, 1, 1]], 1, 0);
  assert.ok(Math.abs(mm[0]! - 3.053895) < 1e-5, `${mm}`);
  for (const v of sm(q, avail, 10, 10)) assert.ok(Number.isFinite(v));
  const mid = sm(q, avail, 10, 10);
  assert.ok(mid[0]! <= 0.9 + 1e-6 && mid[1]! <= 4 + 1e-6);
});
