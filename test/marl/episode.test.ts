import { test } from 'node:test';
import assert from 'node:assert/strict';
import { endAtTimeLimit, makeBatch } from '../../src/marl/replay/episode.js';
import { oneStepTargets } from '../../src/marl/learner/returns.js';
import { resolveConfig } from '../../src/config/index.js';
import { ConfigError } from '@mast-toolkit/runtime/internal/util/errors';
import { FAKE_INFO, fakeEpisode } from './fixtures.js';

/** An episode the time limit cut: the same random data, no transition terminal. */
function cutEpisode(length: number, seed: number): ReturnType<typeof fakeEpisode> {
  const e = fakeEpisode(length, seed);
  return { ...e, terminated: new Uint8Array(length) };
}

test('endAtTimeLimit marks the last transition of a cut episode terminal and leaves the episode it was given alone', () => {
  const cut = cutEpisode(4, 1);
  const ended = endAtTimeLimit(cut);
  assert.deepEqual([...ended.terminated], [0, 0, 0, 1]);
  assert.deepEqual([...cut.terminated], [0, 0, 0, 0]);
  assert.equal(ended.reward, cut.reward); // everything else is shared, not copied
});

test('endAtTimeLimit returns an episode the environment ended unchanged', () => {
  const done = fakeEpisode(3, 2);
  assert.equal(endAtTimeLimit(done), done);
});

test('with the time limit terminal, the last one-step target is the reward alone', () => {
  const cut = cutEpisode(4, 3);
  const inputs = (e: typeof cut): Parameters<typeof oneStepTargets>[0] => {
    const b = makeBatch([e], FAKE_INFO);
    return {
      batch: 1,
      steps: b.maxT,
      reward: b.reward,
      terminated: b.terminated,
      filled: b.filled,
      bootstrap: Float32Array.from([5, 6, 7, 8]),
    };
  };
  const bootstrapped = oneStepTargets(inputs(cut), 0.5);
  const ended = oneStepTargets(inputs(endAtTimeLimit(cut)), 0.5);
  const r = cut.reward[3] as number;
  assert.ok(Math.abs((bootstrapped[3] as number) - (r + 0.5 * 8)) < 1e-6);
  assert.ok(Math.abs((ended[3] as number) - r) < 1e-6);
  assert.deepEqual([...ended.slice(0, 3)], [...bootstrapped.slice(0, 3)]); // earlier steps still bootstrap
});

test('terminalOnTimeLimit is off by default and must be a boolean', () => {
  assert.equal(resolveConfig().terminalOnTimeLimit, false);
  assert.equal(resolveConfig('default', { terminalOnTimeLimit: true }).terminalOnTimeLimit, true);
  assert.throws(() => resolveConfig('default', { terminalOnTimeLimit: 'yes' as unknown as boolean }), ConfigError);
});
