import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fastSigmoid, fastTanh } from '../../src/runtime/activations.js';

test('table sigmoid and tanh stay within 3e-7 of Math on [−30, 30], saturate beyond, keep NaN', () => {
  let worstS = 0;
  let worstT = 0;
  for (let x = -30; x <= 30; x += 0.0007) {
    worstS = Math.max(worstS, Math.abs(fastSigmoid(x) - 1 / (1 + Math.exp(-x))));
    worstT = Math.max(worstT, Math.abs(fastTanh(x) - Math.tanh(x)));
  }
  assert.ok(worstS < 1e-7, `sigmoid error ${worstS}`);
  assert.ok(worstT < 3e-7, `tanh error ${worstT}`);
  assert.equal(fastSigmoid(1e9), 1);
  assert.equal(fastSigmoid(-1e9), 0);
  assert.equal(fastSigmoid(0), 0.5);
  assert.ok(Number.isNaN(fastSigmoid(Number.NaN)));
});
