/**
 * A stopped and resumed run continues exactly as an uninterrupted one (same seed ⇒ same run), with
 * every moving part of MAST on (topology updates with a grow gradient summed over several updates,
 * the dual buffer and the hybrid TD(λ) switch), the
 * running reward statistics of `standardiseRewards`, the kernels (`compute: kernels`, the default,
 * and `compute: arrays`, whose grow score is the array update's dense gradient) and the metrics
 * window of a run stopped between two test phases; `summary.json` records each session.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveConfig } from '../../src/config/index.js';
import { train, type RunSummaryFile } from '../../src/marl/training/train.js';
import type { SessionRecord } from '../../src/marl/training/train-record.js';
import { machineInfo } from '../../src/util/machine.js';
import { defaultKernelVariant } from '@mast-toolkit/runtime/internal/kernels/kernels';
import { readMetrics } from '../../src/marl/training/metrics.js';
import { readSnapshot } from '../../src/snapshot/io.js';
import { runPaths } from '../../src/run/run-dir.js';
import { readCheckpoint } from '../../src/marl/training/checkpoint.js';
import { writeRunPictures } from '../../src/verify/run-report.js';
import { RNN_AGENT_TENSORS } from '@mast-toolkit/runtime/internal/snapshot/types';

const base = resolveConfig('demo', {
  sparsity: { mode: 'mast' },
  standardiseRewards: true,
  topology: { interval: 10, gradientUpdates: 6 },
  steps: 800,
  batchSize: 8,
  targetUpdateInterval: 20,
  schedule: { testInterval: 200, testEpisodes: 4, checkpointInterval: 100_000 },
});

const withoutTime = (rows: ReturnType<typeof readMetrics>) => rows.map(({ elapsedSec: _t, ...rest }) => rest);

for (const compute of ['kernels', 'arrays'] as const)
  test(`compute '${compute}': stopped between two test phases and resumed, a run reproduces the uninterrupted one exactly; the same seed twice gives the same run`, async () => {
    const config = { ...base, compute };
    const whole = mkdtempSync(join(tmpdir(), `mast-whole-${compute}-`));
    const again = mkdtempSync(join(tmpdir(), `mast-again-${compute}-`));
    const split = mkdtempSync(join(tmpdir(), `mast-split-${compute}-`));
    await train(config, { outDir: whole });
    await train(config, { outDir: again });
    const stopped = await train(config, { outDir: split, stopAtStep: 300 }); // mid-way through the row at 400
    assert.equal(stopped.completed, false);
    assert.ok(stopped.counters.tEnv >= 300 && stopped.counters.tEnv < 400);
    const pending = readCheckpoint(runPaths(split).checkpoint).growGradients;
    assert.ok(
      pending !== null && Object.keys(pending).length > 0,
      `stopped inside a grow-gradient window (update ${stopped.counters.updates}), whose sum the resumed run must carry on from`,
    );
    const resumed = await train(config, { outDir: split, resume: true });
    assert.equal(resumed.completed, true);

    const a = withoutTime(readMetrics(runPaths(whole).metrics));
    assert.ok(a.length >= 4, `${a.length} metric rows`);
    assert.ok(
      a.some((r) => r.topologySwaps > 0 && r.tEnv > 400),
      'the topology evolves after the split point',
    );
    const atSplit = a.find((r) => r.tEnv === 200)!;
    assert.ok(
      atSplit.exploredFraction! > atSplit.globalDensity,
      'connections explored before the stop, which the resumed run must carry on from',
    );
    assert.deepEqual(withoutTime(readMetrics(runPaths(again).metrics)), a, 'same seed, same metrics');
    assert.deepEqual(withoutTime(readMetrics(runPaths(split).metrics)), a, 'resumed run, same metrics');
    assert.equal(a[0]!.trainReturn, null, 'no training episode before the first row');
    assert.ok(
      a.slice(1).every((r) => typeof r.trainReturn === 'number'),
      'every later row averages its episodes',
    );

    // summary.json keeps where and how long each session trained
    const sessions = (path: string): SessionRecord[] =>
      (JSON.parse(readFileSync(runPaths(path).summary, 'utf8')) as RunSummaryFile).sessions!;
    assert.deepEqual(
      sessions(split).map((s) => [s.fromTEnv, s.toTEnv]),
      [
        [0, stopped.counters.tEnv],
        [stopped.counters.tEnv, resumed.counters.tEnv],
      ],
    );
    assert.deepEqual(
      sessions(whole).map((s) => [s.fromTEnv, s.toTEnv]),
      [[0, resumed.counters.tEnv]],
    );
    const [first] = sessions(split);
    assert.deepEqual(
      [first!.cpu, first!.node, first!.kernels, first!.backend],
      [machineInfo().cpu, process.version, defaultKernelVariant(), 'wasm'],
    );
    assert.ok(first!.elapsedSec > 0 && !Number.isNaN(Date.parse(first!.startedAt)));

    const sa = readSnapshot(runPaths(whole).snapshot);
    const sb = readSnapshot(runPaths(split).snapshot);
    for (const name of RNN_AGENT_TENSORS) assert.deepEqual(sb.tensors[name].values, sa.tensors[name].values, name);
  });

test('a different seed gives a different run', async () => {
  const a = mkdtempSync(join(tmpdir(), 'mast-seed-a-'));
  const b = mkdtempSync(join(tmpdir(), 'mast-seed-b-'));
  const short = { ...base, steps: 200 };
  await train(short, { outDir: a });
  await train({ ...short, seed: short.seed + 1 }, { outDir: b });
  const wa = readSnapshot(runPaths(a).snapshot).tensors['fc1.weight'].values;
  const wb = readSnapshot(runPaths(b).snapshot).tensors['fc1.weight'].values;
  assert.notDeepEqual(wa, wb);
});

test("resumed at its last checkpoint, a run's final row averages the episodes played before the stop, and the curve draws them", async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mast-final-'));
  const returns: number[] = [];
  const stopped = await train(base, { outDir: dir, stopAtStep: 300, onEpisode: (e) => returns.push(e.return) }); // between two test phases
  const at = stopped.counters.tEnv;
  await train({ ...base, steps: at }, { outDir: dir, resume: true });
  const rows = readMetrics(runPaths(dir).metrics);
  const sincePrevious = returns.slice(rows.at(-2)!.episodes);
  assert.equal(rows.at(-1)!.tEnv, at);
  assert.equal(rows.at(-1)!.episodes - rows.at(-2)!.episodes, sincePrevious.length);
  assert.ok(sincePrevious.length > 0);
  assert.ok(
    Math.abs(rows.at(-1)!.trainReturn! - sincePrevious.reduce((a, b) => a + b, 0) / sincePrevious.length) < 1e-12,
  );
  writeRunPictures(dir);
  const lines = [...readFileSync(runPaths(dir).curves, 'utf8').matchAll(/<polyline points="([^"]*)"/g)].map(
    (m) => m[1]!.trim().split(' ').length,
  );
  assert.deepEqual(
    lines,
    [rows.length, rows.length - 1, rows.length],
    'test return at every row; train return at every row but the untrained one; the win rate beside them (recall is won or lost)',
  );
  const sparsity = readFileSync(runPaths(dir).sparsity, 'utf8');
  const bars = [...sparsity.matchAll(/<title>([^<]+): ([0-9.]+)<\/title>/g)].map((m) => ({
    label: m[1]!,
    value: Number(m[2]),
  }));
  const last = rows.at(-1)!;
  const layers = Object.keys(last.layerDensity);
  assert.equal(bars.length, 2 * layers.length, 'two bars per weight matrix: density and explored');
  for (const name of layers) {
    assert.ok(
      bars.some((b) => b.label === `${name}, density` && Math.abs(b.value - last.layerDensity[name]!) < 1e-3),
      `${name}: density bar`,
    );
    assert.ok(
      bars.some(
        (b) => b.label.startsWith(`${name}, ever active`) && Math.abs(b.value - last.layerExplored![name]!) < 1e-3,
      ),
      `${name}: explored bar`,
    );
  }
});
