/**
 * Episodes played together in lockstep (`envWorkers`): with one environment they are exactly
 * runEpisode's; several greedy episodes are each what it plays alone; and Python environments, whose
 * steps are all started before any is awaited, give the same episodes as their in-process twins.
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { initBackend } from '../../src/marl/backend.js';
import { AgentController } from '../../src/marl/acting/controller.js';
import { runEpisode } from '../../src/marl/acting/runner.js';
import { runEpisodesTogether } from '../../src/marl/acting/lockstep-runner.js';
import { makeEnv } from '../../src/envs/registry.js';
import { Rng } from '../../src/util/rng.js';
import { makeTestLearner } from './fixtures.js';
import { ToyEnv } from '../envs/toy-env.js';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveConfig } from '../../src/config/index.js';
import { train } from '../../src/marl/training/train.js';
import { readMetrics } from '../../src/marl/training/metrics.js';
import { runPaths } from '../../src/run/run-dir.js';

before(async () => {
  await initBackend('cpu');
});

/** A controller over the toy environment's sizes (3 agents, obs 5, 4 actions; fixtures' FAKE_INFO). */
function controllers(n: number): AgentController[] {
  const { learner } = makeTestLearner();
  return Array.from({ length: n }, () => new AgentController(learner.agent, 3));
}

test('one environment in lockstep draws and records exactly what runEpisode does', () => {
  const [c] = controllers(1);
  for (const epsilon of [0, 0.3, 1]) {
    const a = new Rng(9);
    const b = new Rng(9);
    for (let e = 0; e < 5; e++) {
      const alone = runEpisode(new ToyEnv(), c as AgentController, 100 + e, epsilon, a);
      const [together] = runEpisodesTogether([new ToyEnv()], [c as AgentController], [100 + e], epsilon, b);
      assert.deepEqual(together, alone, `ε ${epsilon}, episode ${e}`);
    }
    assert.equal(a.next(), b.next(), 'the same number of exploration draws');
  }
});

test('greedy episodes played together are each the episode played alone, whatever their lengths', () => {
  const cs = controllers(4);
  const seeds = [3, 17, 29, 41];
  const limits = [4, 12, 7, 9]; // so the episodes end at different steps
  const together = runEpisodesTogether(
    seeds.map((_, k) => new ToyEnv(3, 6, limits[k])),
    cs,
    seeds,
    0,
    new Rng(1),
  );
  assert.equal(new Set(together.map((r) => r.episode.length)).size, 4, 'episodes of different lengths');
  seeds.forEach((seed, k) =>
    assert.deepEqual(
      together[k],
      runEpisode(new ToyEnv(3, 6, limits[k]), cs[0] as AgentController, seed, 0, new Rng(1)),
      `seed ${seed}`,
    ),
  );
});

test("Python environments in lockstep (steps started together) give their twins' episodes", () => {
  const cs = controllers(3);
  const bridged = [0, 1, 2].map(() => makeEnv('python:test/fixtures/envs/toy_env.py:ToyEnv'));
  try {
    assert.equal(typeof bridged[0]?.startStep, 'function');
    for (let round = 0; round < 3; round++) {
      const seeds = [round * 10 + 1, round * 10 + 2, round * 10 + 3];
      const viaBridge = runEpisodesTogether(bridged, cs, seeds, 0.5, new Rng(round));
      const inProcess = runEpisodesTogether(
        seeds.map(() => new ToyEnv()),
        cs,
        seeds,
        0.5,
        new Rng(round),
      );
      assert.deepEqual(viaBridge, inProcess, `round ${round}`);
    }
  } finally {
    for (const env of bridged) env.close?.();
  }
});

test('a run with envWorkers 3, stopped and resumed, reproduces the uninterrupted one exactly', async () => {
  const config = resolveConfig('demo', {
    envWorkers: 3,
    steps: 400,
    batchSize: 8,
    targetUpdateInterval: 20,
    schedule: { testInterval: 100, testEpisodes: 2, checkpointInterval: 100_000 },
  });
  const whole = mkdtempSync(join(tmpdir(), 'mast-lockstep-whole-'));
  const split = mkdtempSync(join(tmpdir(), 'mast-lockstep-split-'));
  const single = mkdtempSync(join(tmpdir(), 'mast-lockstep-single-'));
  await train(config, { outDir: whole, backend: 'cpu' });
  const stopped = await train(config, { outDir: split, stopAtStep: 150, backend: 'cpu' });
  assert.equal(stopped.completed, false);
  assert.equal(stopped.counters.episodes % 3, 0, 'stopped between rounds');
  await train(config, { outDir: split, resume: true, backend: 'cpu' });
  const rows = (dir: string) => readMetrics(runPaths(dir).metrics).map(({ elapsedSec: _t, ...rest }) => rest);
  assert.ok(rows(whole).length >= 4);
  assert.deepEqual(rows(split), rows(whole));
  await train({ ...config, envWorkers: 1 }, { outDir: single, backend: 'cpu' });
  assert.notDeepEqual(rows(single), rows(whole), 'playing three at a time is another run');
});
