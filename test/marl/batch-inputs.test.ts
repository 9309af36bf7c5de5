/** The packed (feature-major) agent inputs hold exactly the row-major inputs, transposed per step, with zero padding lanes. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { batchAgentInputs, batchAgentInputsPacked } from '../../src/marl/nets/batch-inputs.js';
import { makeBatch } from '../../src/marl/replay/episode.js';
import { fakeEpisode, FAKE_INFO } from './fixtures.js';

test('batchAgentInputsPacked is batchAgentInputs as [T+1, In, lanes] (lane = episode·N + agent), padded lanes zero', () => {
  const batch = makeBatch([fakeEpisode(4, 1), fakeEpisode(2, 2), fakeEpisode(3, 3)], FAKE_INFO); // 3 × 3 rows → 12 lanes
  const layout = { obs: FAKE_INFO.obsShape, lastAction: FAKE_INFO.nActions, agentId: FAKE_INFO.nAgents };
  const width = layout.obs + layout.lastAction + layout.agentId;
  const [steps, rows, lanes] = [batch.maxT + 1, batch.size * FAKE_INFO.nAgents, 12];
  const rowMajor = batchAgentInputs(batch, layout);
  const packed = batchAgentInputsPacked(batch, layout);
  assert.equal(packed.length, steps * width * lanes);
  for (let t = 0; t < steps; t++) {
    for (let f = 0; f < width; f++) {
      for (let r = 0; r < lanes; r++) {
        const want = r < rows ? rowMajor[(t * rows + r) * width + f] : 0;
        assert.equal(packed[(t * width + f) * lanes + r], want, `step ${t}, feature ${f}, lane ${r}`);
      }
    }
  }
});

test('batchAgentInputsPacked overwrites a buffer of the right size completely (no last-action one-hot left from the previous batch)', () => {
  const layout = { obs: FAKE_INFO.obsShape, lastAction: FAKE_INFO.nActions, agentId: FAKE_INFO.nAgents };
  const first = makeBatch([fakeEpisode(4, 1), fakeEpisode(2, 2), fakeEpisode(3, 3)], FAKE_INFO);
  const second = makeBatch([fakeEpisode(4, 5), fakeEpisode(4, 6), fakeEpisode(1, 7)], FAKE_INFO);
  first.actions.forEach((_, i) => (first.actions[i] = (i % 3) + 1)); // other last actions than the second batch's
  const buffer = batchAgentInputsPacked(first, layout);
  const reused = batchAgentInputsPacked(second, layout, buffer);
  assert.equal(reused, buffer);
  assert.deepEqual(reused, batchAgentInputsPacked(second, layout));
  assert.notEqual(
    batchAgentInputsPacked(makeBatch([fakeEpisode(2, 8)], FAKE_INFO), layout, buffer),
    buffer,
    'another shape gets a new array',
  );
});

test('batchAgentInputsPacked over episodes [from, to) packs those episodes’ lanes from lane 0, padded to 4; a bad range is a RangeError', () => {
  const batch = makeBatch([fakeEpisode(4, 1), fakeEpisode(2, 2), fakeEpisode(3, 3)], FAKE_INFO);
  const layout = { obs: FAKE_INFO.obsShape, lastAction: FAKE_INFO.nActions, agentId: FAKE_INFO.nAgents };
  const width = layout.obs + layout.lastAction + layout.agentId;
  const n = FAKE_INFO.nAgents;
  const whole = batchAgentInputsPacked(batch, layout); // 12 lanes
  const tail = batchAgentInputsPacked(batch, layout, undefined, { from: 1, to: 3 }); // 6 rows → 8 lanes
  assert.equal(tail.length, (batch.maxT + 1) * width * 8);
  for (let t = 0; t <= batch.maxT; t++)
    for (let f = 0; f < width; f++)
      for (let lane = 0; lane < 8; lane++) {
        const want = lane < 2 * n ? whole[(t * width + f) * 12 + n + lane] : 0; // episode 1's first lane is n
        assert.equal(tail[(t * width + f) * 8 + lane], want, `step ${t}, feature ${f}, lane ${lane}`);
      }
  for (const episodes of [
    { from: 2, to: 2 },
    { from: 0, to: 4 },
    { from: -1, to: 1 },
  ])
    assert.throws(() => batchAgentInputsPacked(batch, layout, undefined, episodes), RangeError);
});
