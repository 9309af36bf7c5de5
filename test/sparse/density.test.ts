import { test } from 'node:test';
import assert from 'node:assert/strict';
import { allocateDensities } from '../../src/sparse/density.js';
import { UnknownNameError } from '@mast-toolkit/runtime/internal/util/errors';

const total = (plan: ReturnType<typeof allocateDensities>) => Object.values(plan).reduce((a, l) => a + l.active, 0);

test('ERK, hand-worked: layers [10,10] and [100,100] at density 0.1', () => {
  // scales: (10+10)/100 = 0.2 and (100+100)/10000 = 0.02; sizes 100 and 10000; budget 0.1·10100 = 1010.
  // ε = 1010 / (0.2·100 + 0.02·10000) = 1010 / 220 = 4.5909 → densities 0.918 and 0.0918:
  // active 91.8 → 91 (+1 by largest remainder = 92) and 918.2 → 918; 92 + 918 = 1010.
  const plan = allocateDensities(
    [
      { name: 'small', shape: [10, 10] },
      { name: 'big', shape: [100, 100] },
    ],
    0.1,
    'erk',
  );
  assert.equal(plan.small!.active, 92);
  assert.equal(plan.big!.active, 918);
  assert.equal(total(plan), 1010);
});

test('ERK caps layers at density 1 and re-solves ε so the total is still exact', () => {
  // a tiny layer whose ERK density would exceed 1 becomes dense; the rest share what is left
  const layers = [
    { name: 'tiny', shape: [4, 1] },
    { name: 'mid', shape: [64, 64] },
    { name: 'big', shape: [64, 192] },
  ];
  const plan = allocateDensities(layers, 0.3, 'erk');
  assert.equal(plan.tiny!.density, 1);
  assert.equal(total(plan), Math.round(0.3 * (4 + 4096 + 12288)));
  assert.ok(plan.mid!.density > plan.big!.density, 'smaller fan gets higher density');
});

test('uniform gives every layer the global density up to rounding, with an exact total', () => {
  const layers = [
    { name: 'a', shape: [33, 7] },
    { name: 'b', shape: [64, 64] },
    { name: 'c', shape: [5] },
  ];
  const plan = allocateDensities(layers, 0.05, 'uniform');
  for (const l of Object.values(plan)) assert.ok(Math.abs(l.density - 0.05) < 1 / l.size + 0.2, `density ${l.density}`);
  assert.equal(total(plan), Math.round(0.05 * (231 + 4096 + 5)));
  assert.ok(Object.values(plan).every((l) => l.active >= 1));
});

test('density 1 keeps everything', () => {
  const plan = allocateDensities(
    [
      { name: 'a', shape: [3, 3] },
      { name: 'b', shape: [8, 2] },
    ],
    1,
    'erk',
  );
  assert.deepEqual(
    Object.values(plan).map((l) => l.density),
    [1, 1],
  );
});

test('bad arguments name the problem', () => {
  assert.throws(
    () => allocateDensities([{ name: 'a', shape: [2, 2] }], 0, 'erk'),
    (e: unknown) => e instanceof RangeError && /density must be in \(0, 1\], got 0/.test(e.message),
  );
  assert.throws(() => allocateDensities([{ name: 'a', shape: [2, 2] }], 1.5, 'erk'), RangeError);
  assert.throws(() => allocateDensities([], 0.5, 'erk'), /no layers/);
  assert.throws(() => allocateDensities([{ name: 'a', shape: [2, 0] }], 0.5, 'erk'), /layer 'a' has shape \[2,0\]/);
  assert.throws(() => allocateDensities([{ name: 'a', shape: [2, 2] }], 0.5, 'gaussian'), UnknownNameError);
});
