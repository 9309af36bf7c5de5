import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Replay } from '../../src/marl/replay/replay.js';
import { Rng } from '../../src/util/rng.js';
import { FAKE_INFO, fakeEpisode } from './fixtures.js';

/** Episodes tagged by their first reward so a batch's origin can be read back. */
function tagged(i: number) {
  const e = fakeEpisode(2, i);
  e.reward[0] = i;
  return e;
}

test('the dual buffer draws round(ρ·B) episodes from the most recent ones and the rest from the large buffer', () => {
  const replay = new Replay(100, { capacity: 4, fraction: 0.5 }, FAKE_INFO);
  for (let i = 0; i < 40; i++) replay.insert(tagged(i));
  assert.equal(replay.main.size, 40);
  assert.equal(replay.recent?.size, 4);
  assert.equal(replay.recentShare(8), 4);
  const rng = new Rng(2);
  for (let k = 0; k < 20; k++) {
    const batch = replay.sample(8, rng);
    const tags = Array.from({ length: 8 }, (_, b) => batch.reward[b * batch.maxT]!);
    assert.deepEqual(
      tags.slice(4).sort((a, b) => a - b),
      [36, 37, 38, 39],
      'the last four come from the recent FIFO',
    );
  }
});

test('ρ = 0 is the single pymarl buffer; a young recent FIFO gives what it holds', () => {
  const single = new Replay(10, { capacity: 4, fraction: 0 }, FAKE_INFO);
  assert.equal(single.recent, null);
  assert.equal(single.recentShare(8), 0);
  const young = new Replay(10, { capacity: 4, fraction: 1 }, FAKE_INFO);
  for (let i = 0; i < 3; i++) young.insert(tagged(i));
  assert.equal(young.recentShare(3), 3);
  assert.equal(young.sample(3, new Rng(1)).size, 3);
});

test('both buffers survive a round trip through arrays', () => {
  const a = new Replay(10, { capacity: 3, fraction: 0.5 }, FAKE_INFO);
  for (let i = 0; i < 6; i++) a.insert(tagged(i));
  const saved = a.toArrays();
  const b = new Replay(10, { capacity: 3, fraction: 0.5 }, FAKE_INFO);
  b.loadArrays(saved.meta, saved.arrays, 'test');
  assert.deepEqual(b.sample(4, new Rng(9)), a.sample(4, new Rng(9)));
});
