import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomMask, magnitudeMask, applyMask, countActive, maskDensity } from '../../src/sparse/mask.js';
import { Rng } from '../../src/util/rng.js';

test('randomMask keeps exactly the requested count, deterministically for a seed', () => {
  const a = randomMask(1000, 37, new Rng(5));
  assert.equal(countActive(a), 37);
  assert.deepEqual(randomMask(1000, 37, new Rng(5)), a);
  assert.notDeepEqual(randomMask(1000, 37, new Rng(6)), a);
  assert.equal(maskDensity(a), 0.037);
});

test('magnitudeMask keeps the largest |w|, ties to the lower index', () => {
  const m = magnitudeMask(new Float32Array([0.1, -5, 2, -2, 0]), 2);
  assert.deepEqual(Array.from(m), [0, 1, 1, 0, 0]);
});

test('applyMask zeroes pruned entries in place; mismatched lengths throw', () => {
  const w = new Float32Array([1, 2, 3]);
  applyMask(w, new Uint8Array([1, 0, 1]));
  assert.deepEqual(Array.from(w), [1, 0, 3]);
  assert.throws(() => applyMask(w, new Uint8Array(2)), /3 values but 2 mask entries/);
  assert.throws(() => randomMask(10, 11, new Rng(1)), /active must be an integer in \[0, 10\], got 11/);
});
