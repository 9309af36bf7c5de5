/**
 * Under `compute: arrays` a stopped and resumed run continues exactly as an uninterrupted one, and
 * the same seed gives the same run, with MAST's moving parts on (topology updates whose grow score is
 * the array update's dense gradient, summed over several updates; the hybrid TD(λ) switch; Soft
 * Mellowmax; standardised rewards).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveConfig } from '../../src/config/index.js';
import { train } from '../../src/marl/training/train.js';
import { readMetrics } from '../../src/marl/training/metrics.js';
import { runPaths } from '../../src/run/run-dir.js';

const config = resolveConfig('demo', {
  compute: 'arrays',
  sparsity: { mode: 'mast' },
  standardiseRewards: true,
  topology: { interval: 10, gradientUpdates: 6 },
  steps: 800,
  batchSize: 8,
  targetUpdateInterval: 20,
  schedule: { testInterval: 200, testEpisodes: 4, checkpointInterval: 100_000 },
});

const withoutTime = (rows: ReturnType<typeof readMetrics>) => rows.map(({ elapsedSec: _t, ...rest }) => rest);

test("compute 'arrays': stopped and resumed, a MAST run reproduces the uninterrupted one exactly; the same seed twice gives the same run", async () => {
  const dirs = ['whole', 'again', 'split'].map((name) => mkdtempSync(join(tmpdir(), `mast-arrays-${name}-`)));
  const [whole, again, split] = dirs as [string, string, string];
  await train(config, { outDir: whole });
  await train(config, { outDir: again });
  const stopped = await train(config, { outDir: split, stopAtStep: 300 });
  assert.equal(stopped.completed, false);
  assert.equal((await train(config, { outDir: split, resume: true })).completed, true);
  const a = withoutTime(readMetrics(runPaths(whole).metrics));
  assert.ok(
    a.some((r) => r.topologySwaps > 0 && r.tEnv > 400),
    'the topology evolves after the split point',
  );
  assert.deepEqual(withoutTime(readMetrics(runPaths(again).metrics)), a, 'same seed, same run');
  assert.deepEqual(withoutTime(readMetrics(runPaths(split).metrics)), a, 'stopped and resumed = uninterrupted');
  for (const file of ['agent.snapshot', 'mixer.snapshot'])
    assert.deepEqual(readFileSync(join(split, file)), readFileSync(join(whole, file)), `${file}: the same weights`);
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
