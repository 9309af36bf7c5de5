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
