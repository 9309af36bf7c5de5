import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ExplorationRecord } from '../../src/sparse/exploration.js';

test('the exploration record keeps every position ever active, per tensor and over all', () => {
  const record = new ExplorationRecord();
  assert.equal(record.fraction(), 0, 'nothing observed yet');
  const first = Uint8Array.from([1, 0, 0, 1]);
  record.observe('agent/fc1.weight', first);
  record.observe('mixer/hyperW1.weight', Uint8Array.from([1, 1]));
  first[1] = 1; // the record holds a copy, not the caller's mask
  assert.deepEqual(record.perLayer(), { 'agent/fc1.weight': 0.5, 'mixer/hyperW1.weight': 1 });
  record.observe('agent/fc1.weight', Uint8Array.from([0, 0, 1, 1])); // 0 dropped, 2 grown
  assert.deepEqual(record.perLayer(), { 'agent/fc1.weight': 0.75, 'mixer/hyperW1.weight': 1 });
  assert.equal(record.fraction(), (3 + 2) / 6, 'weighted by tensor size');
  record.observe('agent/fc1.weight', Uint8Array.from([1, 0, 1, 0])); // back to explored positions
  assert.equal(record.fraction(), 5 / 6);
  assert.throws(
    () => record.observe('agent/fc1.weight', new Uint8Array(5)),
    /'agent\/fc1\.weight' has 4 entries but the mask observed has 5/,
  );
});

test('the exploration record round-trips through arrays, as a checkpoint stores it', () => {
  const record = new ExplorationRecord();
  record.observe('a', Uint8Array.from([1, 0, 1]));
  record.observe('a', Uint8Array.from([0, 1, 0]));
  record.observe('b', Uint8Array.from([0, 0]));
  const arrays = record.toArrays();
  const copy = ExplorationRecord.fromArrays(arrays);
  arrays.a![0] = 0; // the arrays are copies too
  assert.deepEqual(copy.perLayer(), record.perLayer());
  assert.equal(copy.fraction(), 3 / 5);
});
