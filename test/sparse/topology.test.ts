import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  updateMask,
  magnitudeScore,
  dropFractionAt,
  isGrowGradientUpdate,
  isTopologyUpdate,
} from '../../src/sparse/topology.js';
import { countActive, randomMask } from '../../src/sparse/mask.js';
import { Rng } from '../../src/util/rng.js';

const f32 = (xs: number[]): Float32Array => Float32Array.from(xs);

test('updateMask drops the active entries of lowest drop score and grows the inactive ones of highest grow score', () => {
  const mask = Uint8Array.from([1, 1, 1, 0, 0, 0]);
  const weights = f32([0.5, -0.1, 2, 0, 0, 0]); // |w|: index 1 is the weakest active weight
  const grads = f32([9, 9, 9, 0.3, -4, 1]); // |g|: index 4 is the strongest inactive position
  const u = updateMask(mask, magnitudeScore(weights), magnitudeScore(grads), 1);
  assert.deepEqual(Array.from(u.mask), [1, 0, 1, 0, 1, 0]);
  assert.deepEqual(Array.from(u.dropped), [0, 1, 0, 0, 0, 0]);
  assert.deepEqual(Array.from(u.grown), [0, 0, 0, 0, 1, 0]);
  assert.equal(u.swapped, 1);
  assert.deepEqual(Array.from(mask), [1, 1, 1, 0, 0, 0], 'the input mask is not modified');
});

test('updateMask keeps the active count, never regrows a just-dropped entry, and caps the count', () => {
  const rng = new Rng(3);
  for (const [size, active, count] of [
    [200, 20, 7],
    [50, 45, 30],
    [10, 1, 5],
    [8, 8, 2],
  ] as const) {
    const mask = randomMask(size, active, rng);
    const drop = Float32Array.from({ length: size }, () => rng.next());
    const grow = Float32Array.from({ length: size }, () => rng.next());
    const u = updateMask(mask, drop, grow, count);
    assert.equal(countActive(u.mask), active, `size ${size}: active count unchanged`);
    assert.equal(u.swapped, Math.min(count, active, size - active));
    for (let i = 0; i < size; i++) {
      assert.ok(!(u.grown[i] && u.dropped[i]), `entry ${i} both dropped and grown`);
      if (u.grown[i]) assert.equal(mask[i], 0, 'grown entries were inactive before');
      if (u.dropped[i]) assert.equal(mask[i], 1, 'dropped entries were active before');
    }
  }
});

test('updateMask with count 0 changes nothing; bad arguments are RangeErrors', () => {
  const mask = Uint8Array.from([1, 0, 1, 0]);
  const s = f32([1, 2, 3, 4]);
  const u = updateMask(mask, s, s, 0);
  assert.deepEqual(Array.from(u.mask), Array.from(mask));
  assert.equal(u.swapped, 0);
  assert.throws(
    () => updateMask(mask, f32([1]), s, 1),
    (e: unknown) => e instanceof RangeError && /scores have 1/.test(e.message),
  );
  assert.throws(() => updateMask(mask, s, s, 1.5), /non-negative integer/);
});

test('the drop fraction follows ζ/2·(1 + cos(π·t/T_end)) and is 0 from T_end on', () => {
  assert.equal(dropFractionAt(0, 0.5, 1000), 0.5);
  assert.ok(Math.abs(dropFractionAt(500, 0.5, 1000) - 0.25) < 1e-12); // cos(π/2) = 0
  assert.ok(Math.abs(dropFractionAt(250, 0.5, 1000) - 0.25 * (1 + Math.SQRT1_2)) < 1e-12); // cos(π/4) = √½
  assert.equal(dropFractionAt(1000, 0.5, 1000), 0);
  assert.equal(dropFractionAt(5000, 0.5, 1000), 0);
});

test('topology updates fall every ΔT learner updates, only before T_end', () => {
  const fired = Array.from({ length: 1000 }, (_, k) => k + 1).filter((u) => isTopologyUpdate(u, 200, u * 10, 8000));
  assert.deepEqual(fired, [200, 400, 600]); // update 800 is at t = 8000 = T_end
  assert.equal(isTopologyUpdate(0, 200, 0, 8000), false);
});

test('the grow gradient is taken on K updates spread evenly over each interval, the last at the mask update', () => {
  const updates = Array.from({ length: 600 }, (_, k) => k + 1);
  const taken = (count: number): number[] => updates.filter((u) => isGrowGradientUpdate(u, 200, count));
  assert.deepEqual(taken(1), [200, 400, 600], 'K = 1: only the update of the mask change (RigL)');
  assert.deepEqual(taken(4), [50, 100, 150, 200, 250, 300, 350, 400, 450, 500, 550, 600]);
  assert.deepEqual(
    taken(3).slice(0, 3),
    [68, 134, 200],
    'ΔT not a multiple of K: stride ⌊ΔT/K⌋ = 66, exactly K per interval',
  );
  assert.equal(taken(3).length, 9);
  assert.equal(taken(200).length, 600, 'K = ΔT: every update');
  assert.equal(isGrowGradientUpdate(0, 200, 200), false, 'no update 0');
});
