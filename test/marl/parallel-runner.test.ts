/**
 * pymarl's parallel-runner schedule (`runner: 'parallel'`): one learner update per lockstep round of
 * `envWorkers` episodes, with environment steps, targets, topology updates, tests and checkpoints on
 * their usual counters; deterministic for a seed and a worker count, and a resumed run replays the
 * uninterrupted one exactly.
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initBackend } from '../../src/marl/backend.js';
import { resolveConfig } from '../../src/config/index.js';
import { train } from '../../src/marl/training/train.js';
import { readMetrics } from '../../src/marl/training/metrics.js';
import { runPaths } from '../../src/run/run-dir.js';

before(async () => {
  await initBackend('cpu');
});

const base = resolveConfig('demo', {
  envWorkers: 3,
  runner: 'parallel',
  steps: 400,
  batchSize: 8,
  targetUpdateInterval: 6,
  schedule: { testInterval: 100, testEpisodes: 2, checkpointInterval: 100_000 },
});

const tmp = (name: string): string => mkdtempSync(join(tmpdir(), `mast-parallel-${name}-`));
const rows = (dir: string) => readMetrics(runPaths(dir).metrics).map(({ elapsedSec: _t, ...rest }) => rest);

test('one update follows each round of envWorkers episodes once the buffer can sample', async () => {
  const seen: Array<{ tEnv: number; episodes: number; loss: number | null }> = [];
  const run = await train(base, {
    outDir: tmp('count'),
    backend: 'cpu',
    onEpisode: ({ tEnv, episodes, loss }) => seen.push({ tEnv, episodes, loss }),
  });
  const { episodes, updates, tEnv, lastTargetUpdateEpisode } = run.counters;
  assert.equal(episodes % 3, 0, 'whole rounds only');
  assert.equal(seen.length, episodes, 'onEpisode once per episode');
  // Round r stores episodes 3r−2 … 3r; a batch of 8 can be sampled from round 3 on.
  const rounds = episodes / 3;
  assert.equal(updates, rounds - 2);
  // t_env advances by the round's summed lengths: each report's tEnv is the running sum.
  assert.equal(seen.at(-1)?.tEnv, tEnv);
  assert.ok(seen.every((s, k) => s.episodes === k + 1));
  // every episode of a round reports that round's single update
  for (let r = 0; r < rounds; r++) {
    const losses = seen.slice(3 * r, 3 * r + 3).map((s) => s.loss);
    assert.equal(new Set(losses).size, 1, `round ${r + 1}`);
    assert.equal(losses[0] === null, r < 2, `round ${r + 1} has an update: ${r >= 2}`);
  }
  // targets sync every 6 episodes = every 2 rounds, at round ends
  assert.equal(lastTargetUpdateEpisode % 3, 0);
  assert.ok(episodes - lastTargetUpdateEpisode < 6);

  const perEpisode = await train({ ...base, runner: 'episode' }, { outDir: tmp('episode'), backend: 'cpu' });
  assert.equal(perEpisode.counters.updates, perEpisode.counters.episodes - 7, 'runner episode: one per episode');
});

test('the same seed and worker count give the same run; another runner or count another one', async () => {
  const a = tmp('a');
  const b = tmp('b');
  await train(base, { outDir: a, backend: 'cpu' });
  await train(base, { outDir: b, backend: 'cpu' });
  assert.ok(rows(a).length >= 4);
  assert.deepEqual(rows(b), rows(a));
  const episode = tmp('ep');
  await train({ ...base, runner: 'episode' }, { outDir: episode, backend: 'cpu' });
  assert.notDeepEqual(rows(episode), rows(a), 'one update per episode is another run');
  const four = tmp('four');
  await train({ ...base, envWorkers: 4 }, { outDir: four, backend: 'cpu' });
  assert.notDeepEqual(rows(four), rows(a), 'rounds of four are another run');
});

test('a parallel-runner MAST run, stopped mid-run and resumed, reproduces the uninterrupted one', async () => {
  const config = resolveConfig('demo', {
    envWorkers: 3,
    runner: 'parallel',
    steps: 500,
    batchSize: 8,
    targetUpdateInterval: 6,
    sparsity: { mode: 'mast', density: 0.2 },
    topology: { interval: 3 },
    schedule: { testInterval: 100, testEpisodes: 2, checkpointInterval: 100_000 },
  });
  const whole = tmp('whole');
  const split = tmp('split');
  const full = await train(config, { outDir: whole, backend: 'cpu' });
  assert.ok(full.counters.topologyUpdates > 0, 'the topology moved');
  // topology updates every 3 learner updates until T_end = 0.8 · steps
  assert.ok(full.counters.topologyUpdates <= Math.floor(full.counters.updates / 3));
  const stopped = await train(config, { outDir: split, stopAtStep: 230, backend: 'cpu' });
  assert.equal(stopped.completed, false);
  assert.equal(stopped.counters.episodes % 3, 0, 'stopped between rounds');
  const resumed = await train(config, { outDir: split, resume: true, backend: 'cpu' });
  assert.deepEqual(rows(split), rows(whole));
  assert.deepEqual(resumed.counters, full.counters);
});

test('gradual pruning under the parallel runner: steps every few updates, the final density once T_p is passed', async () => {
  const config = resolveConfig('demo', {
    envWorkers: 3,
    runner: 'parallel',
    steps: 400,
    batchSize: 8,
    sparsity: { mode: 'static', density: 0.2 },
    pruning: { schedule: 'gradual', interval: 2, endFraction: 0.5 },
    schedule: { testInterval: 50, testEpisodes: 2, checkpointInterval: 100_000 },
  });
  const dir = tmp('gradual');
  await train(config, { outDir: dir, backend: 'cpu' });
  const metrics = readMetrics(runPaths(dir).metrics);
  const density = metrics.map((r) => r.globalDensity);
  assert.equal(density[0], 1, 'dense at first');
  assert.ok(
    density.every((d, i) => i === 0 || d <= density[i - 1]!),
    'never rising',
  );
  assert.ok(
    density.some((d) => d < 1 && d > 0.2 + 1e-3),
    `an intermediate density: ${density}`,
  );
  for (const r of metrics.filter((m) => m.tEnv >= 250))
    assert.ok(Math.abs(r.globalDensity - 0.2) < 1e-3, `at ${r.tEnv}: ${r.globalDensity}`);
});
