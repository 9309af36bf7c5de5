import { test } from 'node:test';
import assert from 'node:assert/strict';
import { median } from '../../src/util/stats.js';

test('median: the middle value, the mean of the two middle ones, NaN for none; the input is left unsorted', () => {
  const xs = [5, 1, 3];
  assert.equal(median(xs), 3);
  assert.deepEqual(xs, [5, 1, 3]);
  assert.equal(median([4, 1, 3, 2]), 2.5);
  assert.equal(median([7]), 7);
  assert.ok(Number.isNaN(median([])));
});
