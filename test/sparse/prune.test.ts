import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gradualDensityAt, pruneMask } from '../../src/sparse/prune.js';
import { countActive, randomMask } from '../../src/sparse/mask.js';
import { Rng } from '../../src/util/rng.js';

test('gradualDensityAt: dense at 0, D from T_p on, the cubic in between, never rising', () => {
  assert.equal(gradualDensityAt(0, 0.1, 1000), 1);
  assert.equal(gradualDensityAt(1000, 0.1, 1000), 0.1);
  assert.equal(gradualDensityAt(5000, 0.1, 1000), 0.1);
  assert.ok(Math.abs(gradualDensityAt(500, 0.1, 1000) - (0.1 + 0.9 / 8)) < 1e-12, 'half way: (1 − ½)³ of the way left');
  assert.ok(Math.abs(gradualDensityAt(250, 0.2, 1000) - (0.2 + 0.8 * 0.75 ** 3)) < 1e-12);
  let previous = 1;
  for (let t = 0; t <= 1200; t += 50) {
    const d = gradualDensityAt(t, 0.05, 1000);
    assert.ok(d <= previous && d >= 0.05, `t = ${t}: ${d}`);
    previous = d;
  }
  assert.throws(() => gradualDensityAt(0, 0, 10), /need 0 < final density ≤ start density ≤ 1/);
  assert.equal(gradualDensityAt(0, 0.05, 100, 0.1), 0.1, 'from a sparse start');
  assert.ok(Math.abs(gradualDensityAt(50, 0.05, 100, 0.1) - (0.05 + 0.05 / 8)) < 1e-12);
});

test('pruneMask keeps the largest |w| among the active entries, drops the rest, and never revives a pruned entry', () => {
  const mask = Uint8Array.from([1, 1, 0, 1, 1, 1]);
  const weights = Float32Array.from([0.3, -2, 9, 0.1, -0.5, 0.3]); // index 2 is large but pruned already
  const { mask: next, dropped } = pruneMask(mask, weights, 3);
  assert.deepEqual(Array.from(next), [1, 1, 0, 0, 1, 0], '|−2|, |−0.5|, then the first of the two 0.3s');
  assert.deepEqual(Array.from(dropped), [0, 0, 0, 1, 0, 1]);
  assert.deepEqual(Array.from(mask), [1, 1, 0, 1, 1, 1], 'the input mask is not modified');
  assert.throws(() => pruneMask(mask, weights, 6), /active must be an integer in \[0, 5\]/);

  const rng = new Rng(5);
  const big = randomMask(500, 300, rng);
  const w = Float32Array.from({ length: 500 }, () => rng.uniform(-1, 1));
  const p = pruneMask(big, w, 120);
  assert.equal(countActive(p.mask), 120);
  assert.equal(countActive(p.dropped), 180);
  let smallestKept = Infinity;
  let largestDropped = 0;
  for (let i = 0; i < 500; i++) {
    assert.ok(p.mask[i]! <= big[i]!, 'only active entries stay active');
    if (p.mask[i]) smallestKept = Math.min(smallestKept, Math.abs(w[i]!));
    if (p.dropped[i]) largestDropped = Math.max(largestDropped, Math.abs(w[i]!));
  }
  assert.ok(smallestKept >= largestDropped, `kept ≥ dropped: ${smallestKept} vs ${largestDropped}`);
});
