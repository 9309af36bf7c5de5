/** Sparsity modes through the whole training loop: topology schedule, `tiny` widths, `mast compress`. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveConfig, type TrainConfig } from '../../src/config/index.js';
import { train, type RunSummaryFile } from '../../src/marl/training/train.js';
import { readMetrics, type MetricsRow } from '../../src/marl/training/metrics.js';
import { readSnapshot } from '../../src/snapshot/io.js';
import { runPaths } from '../../src/run/run-dir.js';
import { compressConfig } from '../../src/marl/compress/compress.js';
import { gradualDensityAt } from '../../src/sparse/prune.js';
import { readTensorFile, writeTensorFile } from '../../src/util/tensor-file.js';
import { CheckpointError, ConfigError } from '@mast-toolkit/runtime/internal/util/errors';
import { runCli } from '../cli/harness.js';

const tmp = (tag: string): string => mkdtempSync(join(tmpdir(), `mast-${tag}-`));

// The matrix game: one-step episodes, so update k (1-based) happens at tEnv = 31 + k with batch 32.
const matrix = (overrides: Parameters<typeof resolveConfig>[1]) =>
  resolveConfig('matrix', { steps: 300, schedule: { testInterval: 100, checkpointInterval: 100_000 } }, overrides);

test('masks change only on schedule: every ΔT updates before T_end, keeping each tensor’s active count', async () => {
  const dir = tmp('rigl');
  const config = matrix({
    sparsity: { mode: 'rigl', density: 0.3 },
    topology: { interval: 50 },
    schedule: { testInterval: 50 },
  });
  const summary = await train(config, { outDir: dir });
  // updates 50, 100, 150, 200 fall at tEnv 81 … 231 < T_end = 0.8·300 = 240; update 250 (tEnv 281) is past it
  assert.equal(summary.counters.topologyUpdates, 4);
  const rows = readMetrics(runPaths(dir).metrics);
  assert.equal(
    rows.reduce((a, r) => a + r.topologyUpdates, 0),
    4,
  );
  assert.ok(rows.some((r) => r.topologySwaps > 0));
  assert.equal(rows.at(-1)!.tEnv, 300);
  assert.equal(rows.at(-1)!.topologySwaps, 0, 'nothing moves after T_end (the row covers t = 250…300)');
  const file = JSON.parse(readFileSync(runPaths(dir).summary, 'utf8')) as RunSummaryFile;
  assert.ok(Math.abs(file.density - 0.3) < 1e-3, `density ${file.density}`);
  for (const row of rows)
    assert.ok(Math.abs(row.globalDensity - file.density) < 1e-9, 'the global density never drifts');
  const last = rows.at(-1)!;
  assert.ok(last.trainFlopsRatio > 0.25 && last.trainFlopsRatio < 0.4, `train FLOPs ratio ${last.trainFlopsRatio}`);
  assert.ok(
    last.inferenceFlopsRatio > 0.2 && last.inferenceFlopsRatio < 0.4,
    `inference FLOPs ratio ${last.inferenceFlopsRatio}`,
  );
});

test('the exploration rate: the density for a fixed mask, 1 when dense, and for a dynamic mode rising with each topology update by at most the connections moved', async () => {
  const rates: Record<string, MetricsRow[]> = {};
  const sizes: Record<string, number> = {};
  for (const mode of ['dense', 'static', 'set', 'rigl'] as const) {
    const dir = tmp(`explore-${mode}`);
    await train(
      matrix({
        sparsity: { mode, density: mode === 'dense' ? 1 : 0.3 },
        topology: { interval: 50 },
        schedule: { testInterval: 50 },
      }),
      { outDir: dir },
    );
    rates[mode] = readMetrics(runPaths(dir).metrics);
    const file = JSON.parse(readFileSync(runPaths(dir).summary, 'utf8')) as RunSummaryFile;
    sizes[mode] = file.layers.reduce((n, l) => n + l.size, 0);
  }
  for (const row of rates.dense!) assert.equal(row.exploredFraction, 1);
  for (const row of rates.static!) {
    assert.equal(row.exploredFraction, row.globalDensity, 'a fixed mask explores only itself');
    for (const [name, d] of Object.entries(row.layerDensity)) assert.equal(row.layerExplored![name], d, name);
  }
  for (const mode of ['set', 'rigl'] as const) {
    const rows = rates[mode]!;
    let moved = 0;
    for (const [i, row] of rows.entries()) {
      moved += row.topologySwaps;
      const explored = row.exploredFraction!;
      assert.ok(i === 0 || explored >= rows[i - 1]!.exploredFraction!, `${mode}: never falls`);
      assert.ok(
        explored <= row.globalDensity + moved / sizes[mode]! + 1e-12,
        `${mode} at ${row.tEnv}: at most what was grown`,
      );
      assert.equal(
        explored > row.globalDensity + 1e-9,
        moved > 0,
        `${mode} at ${row.tEnv}: above the density once connections moved`,
      );
      for (const [name, d] of Object.entries(row.layerDensity))
        assert.ok(row.layerExplored![name]! >= d, `${mode}: ${name}`);
    }
  }
});

test('a checkpoint from before the exploration record resumes, counting exploration again from its masks', async () => {
  const config = matrix({
    sparsity: { mode: 'set', density: 0.3 },
    topology: { interval: 50 },
    schedule: { testInterval: 50, checkpointInterval: 50 },
  });
  const dir = tmp('explore-old');
  await train(config, { outDir: dir, stopAtStep: 150 });
  const { meta, arrays } = readTensorFile(runPaths(dir).checkpoint);
  const old = Object.fromEntries(Object.entries(arrays).filter(([k]) => !k.startsWith('explored/')));
  assert.ok(Object.keys(old).length < Object.keys(arrays).length, 'the checkpoint held the record');
  writeTensorFile(runPaths(dir).checkpoint, meta, old);
  await train(config, { outDir: dir, resume: true });
  const rows = readMetrics(runPaths(dir).metrics);
  const before = rows.find((r) => r.tEnv === 150)!;
  const after = rows.find((r) => r.tEnv === 200)!;
  assert.ok(before.exploredFraction! > before.globalDensity, 'explored before the stop');
  assert.ok(
    after.exploredFraction! >= after.globalDensity && after.exploredFraction! <= 1,
    `after: ${after.exploredFraction}`,
  );
});

test('gradual pruning: dense at first, the cubic schedule every ΔT updates, the final density from T_p on; a stop mid-way resumes to the same run', async () => {
  // pruning steps every 20 updates fall at tEnv 51, 71, 91, 111, 131; the first at or past T_p = 150 is at tEnv 150
  const config = matrix({
    sparsity: { mode: 'static', density: 0.3 },
    pruning: { schedule: 'gradual', interval: 20, endFraction: 0.5 },
    schedule: { testInterval: 50, checkpointInterval: 50 },
  });
  const dir = tmp('gradual');
  await train(config, { outDir: dir });
  const rows = readMetrics(runPaths(dir).metrics);
  assert.deepEqual(
    rows.map((r) => r.tEnv),
    [0, 50, 100, 150, 200, 250, 300],
  );
  const density = rows.map((r) => r.globalDensity);
  assert.deepEqual(density.slice(0, 2), [1, 1], 'dense until the first pruning step');
  assert.ok(Math.abs(density[2]! - gradualDensityAt(91, 0.3, 150)) < 2e-3, `at 100: ${density[2]} (pruned at 91)`);
  for (const d of density.slice(3)) assert.ok(Math.abs(d - 0.3) < 1e-3, `from T_p on: ${d}`);
  assert.ok(
    density.every((d, i) => i === 0 || d <= density[i - 1]!),
    'never rising',
  );
  const snap = readSnapshot(runPaths(dir).snapshot);
  for (const t of Object.values(snap.tensors))
    if (t.mask) t.mask.forEach((m, i) => assert.ok(m === 1 || t.values[i] === 0, 'pruned weights are zero'));
  const oneshot = tmp('oneshot');
  await train(matrix({ sparsity: { mode: 'static', density: 0.3 }, schedule: { testInterval: 50 } }), {
    outDir: oneshot,
  });
  const flops = (d: string) => readMetrics(runPaths(d).metrics).at(-1)!.trainFlopsRatio;
  assert.ok(
    flops(dir) > flops(oneshot) + 0.05 && flops(dir) < 1,
    `the dense start costs FLOPs: ${flops(dir)} vs ${flops(oneshot)}`,
  );

  const split = tmp('gradual-resume');
  await train(config, { outDir: split, stopAtStep: 100 });
  await train(config, { outDir: split, resume: true });
  const withoutTime = (d: string) => readMetrics(runPaths(d).metrics).map(({ elapsedSec: _t, ...rest }) => rest);
  assert.deepEqual(withoutTime(split), withoutTime(dir), 'stopped at 100 (mid-pruning) and resumed: the same run');
  assert.throws(
    () => resolveConfig('matrix', { pruning: { schedule: 'gradual' } }),
    (e: unknown) => e instanceof ConfigError && /'gradual' but sparsity\.mode is 'dense'/.test(e.message),
  );
});

test('tiny trains a dense network shrunk to the weight budget', async () => {
  const dir = tmp('tiny');
  await train(matrix({ steps: 100, sparsity: { mode: 'tiny', density: 0.25 } }), { outDir: dir });
  const snap = readSnapshot(runPaths(dir).snapshot);
  assert.ok(snap.architecture.hidden < 64, `hidden ${snap.architecture.hidden}`);
  for (const t of Object.values(snap.tensors)) assert.equal(t.mask, undefined, 'no masks');
  const last = readMetrics(runPaths(dir).metrics).at(-1)!;
  assert.equal(last.globalDensity, 1);
  assert.ok(last.inferenceFlopsRatio < 0.5, `inference FLOPs vs the full-width network: ${last.inferenceFlopsRatio}`);
});

test('mast compress prunes a dense run by magnitude and recovers it; bad sources are clear errors', async () => {
  const src = tmp('dense');
  await train(matrix({}), { outDir: src });
  assert.throws(
    () => compressConfig(src, { density: 1, steps: 10 }),
    (e: unknown) => e instanceof ConfigError && /not below the source run's density 1/.test(e.message),
  );
  assert.throws(() => compressConfig(join(src, 'nope'), { density: 0.1, steps: 10 }), CheckpointError);
  const config = compressConfig(src, { density: 0.3, steps: 200 });
  assert.equal(config.sparsity.mode, 'mast');
  assert.deepEqual(
    [config.pruning.schedule, config.pruning.endFraction, config.pruning.startDensity],
    ['gradual', 0.5, 1],
  );
  assert.deepEqual(
    [config.targets.operator, config.targets.returns, config.recentBuffer.fraction],
    ['soft-mellowmax', 'td-lambda', 0.5],
    "MAST's targets and dual buffer",
  );
  assert.equal(config.epsilon.start, config.epsilon.finish);
  const sourceTargets = compressConfig(src, { density: 0.3, steps: 200, targets: 'source' });
  assert.deepEqual(sourceTargets.targets, resolveConfig('matrix').targets, "the source's targets");
  assert.equal(sourceTargets.recentBuffer.fraction, 0, "the source's single buffer");

  type Report = { source: { return: number }; pruned: { tEnv: number }; recovered: { tEnv: number }; density: number };
  const dir = tmp('compressed');
  const run = await runCli([
    'compress',
    src,
    '--out',
    join(dir, 'gradual'),
    '--density',
    '0.3',
    '--steps',
    '200',
    '--json',
  ]);
  assert.equal(run.error, null, String(run.error));
  const report = JSON.parse(run.out) as Report;
  assert.equal(report.recovered.tEnv, 200);
  assert.ok(Number.isFinite(report.source.return));
  const rows = readMetrics(runPaths(join(dir, 'gradual')).metrics);
  assert.equal(rows[0]!.globalDensity, 1, 'gradual: the source network, unpruned, at step 0');
  const first = rows.find((r) => Math.abs(r.globalDensity - 0.3) < 1e-3)!;
  assert.ok(first.tEnv >= 100, `the final density from T_p = 100 on (first row: ${first.tEnv})`);
  assert.equal(report.pruned.tEnv, first.tEnv, 'the report\'s "pruned" is the first test at the final density');
  const meta = (d: string) =>
    readTensorFile(runPaths(d).checkpoint).meta as {
      optimizerStep: number;
      counters: { updates: number; episodes: number };
      buffer: { main: { lengths: number[] } };
    };
  const [before, after] = [meta(src), meta(join(dir, 'gradual'))];
  assert.equal(
    after.optimizerStep,
    before.optimizerStep + after.counters.updates,
    "the source's optimizer state goes on",
  );
  assert.equal(
    after.buffer.main.lengths.length,
    before.buffer.main.lengths.length + after.counters.episodes,
    "the source's replay goes on",
  );

  const toTheEnd = await runCli([
    'compress',
    src,
    '--out',
    join(dir, 'to-the-end'),
    '--density',
    '0.3',
    '--steps',
    '200',
    '--prune-end',
    '1',
    '--json',
  ]);
  assert.equal(toTheEnd.error, null, String(toTheEnd.error));
  assert.equal(
    (JSON.parse(toTheEnd.out) as Report).pruned.tEnv,
    200,
    '--prune-end 1: the density is reached at the last step',
  );
  assert.ok(
    readMetrics(runPaths(join(dir, 'to-the-end')).metrics)
      .slice(0, -1)
      .every((r) => r.globalDensity > 0.3 + 1e-3),
    'and not before',
  );

  const oneshot = await runCli([
    'compress',
    src,
    '--out',
    join(dir, 'oneshot'),
    '--density',
    '0.3',
    '--steps',
    '200',
    '--prune',
    'oneshot',
    '--json',
  ]);
  assert.equal(oneshot.error, null, String(oneshot.error));
  assert.equal((JSON.parse(oneshot.out) as Report).pruned.tEnv, 0);
  const oneshotRows = readMetrics(runPaths(join(dir, 'oneshot')).metrics);
  assert.ok(
    Math.abs(oneshotRows[0]!.globalDensity - 0.3) < 1e-3,
    `one-shot: pruned at step 0 (${oneshotRows[0]!.globalDensity})`,
  );

  // --config overrides the compression's config (here its step size and test interval)
  const overrides = join(dir, 'overrides.json');
  writeFileSync(overrides, JSON.stringify({ optimizer: { lr: 1e-4 }, schedule: { testInterval: 50 } }));
  assert.equal(
    (
      await runCli([
        'compress',
        src,
        '--out',
        join(dir, 'with-config'),
        '--density',
        '0.3',
        '--steps',
        '200',
        '--config',
        overrides,
      ])
    ).error,
    null,
  );
  const withConfig = JSON.parse(readFileSync(runPaths(join(dir, 'with-config')).config, 'utf8')) as TrainConfig;
  assert.deepEqual(
    [withConfig.optimizer.lr, withConfig.sparsity.mode, withConfig.sparsity.density],
    [1e-4, 'mast', 0.3],
    'the override on top of the compression',
  );
  assert.deepEqual(
    readMetrics(runPaths(join(dir, 'with-config')).metrics).map((r) => r.tEnv),
    [0, 50, 100, 150, 200],
  );
  writeFileSync(overrides, JSON.stringify({ optimizer: { learningRate: 1e-4 } }));
  const unknown = await runCli([
    'compress',
    src,
    '--out',
    join(dir, 'bad-config'),
    '--density',
    '0.3',
    '--steps',
    '200',
    '--config',
    overrides,
  ]);
  assert.ok(
    unknown.error instanceof ConfigError && /optimizer\.learningRate/.test(unknown.error.message),
    String(unknown.error),
  );
  assert.ok(!existsSync(join(dir, 'bad-config')), 'nothing written for a refused config');

  // a sparse source is pruned further from its own masks, not from a revived dense network
  const sparseSrc = tmp('sparse-src');
  await train(matrix({ sparsity: { mode: 'static', density: 0.5 } }), { outDir: sparseSrc });
  assert.equal(
    (await runCli(['compress', sparseSrc, '--out', join(dir, 'from-sparse'), '--density', '0.2', '--steps', '200']))
      .error,
    null,
  );
  const fromSparse = readMetrics(runPaths(join(dir, 'from-sparse')).metrics).map((r) => r.globalDensity);
  assert.ok(
    Math.abs(fromSparse[0]! - 0.5) < 1e-3 && Math.abs(fromSparse.at(-1)! - 0.2) < 1e-3,
    `0.5 → 0.2: ${fromSparse}`,
  );
});

test("MAST with topology.grow random is SET with MAST's targets and dual buffer, to the bit, and skips the dense gradients", async () => {
  const common = { topology: { interval: 50 }, schedule: { testInterval: 50 } } as const;
  const runs: Record<string, Omit<MetricsRow, 'elapsedSec'>[]> = {};
  for (const [name, overrides] of Object.entries({
    mastRandom: {
      ...common,
      sparsity: { mode: 'mast', density: 0.3 },
      topology: { ...common.topology, grow: 'random' },
    },
    setMastTargets: {
      ...common,
      sparsity: { mode: 'set', density: 0.3 },
      targets: { operator: 'soft-mellowmax', returns: 'td-lambda' },
      recentBuffer: { fraction: 0.5 },
    },
    mast: { ...common, sparsity: { mode: 'mast', density: 0.3 } },
  } as const)) {
    const dir = tmp(name);
    await train(matrix(overrides), { outDir: dir });
    runs[name] = readMetrics(runPaths(dir).metrics).map(({ elapsedSec: _, ...row }) => row);
  }
  assert.ok(runs.mastRandom!.reduce((a, r) => a + r.topologySwaps, 0) > 0, 'connections moved');
  assert.deepEqual(runs.mastRandom, runs.setMastTargets);
  const [random, gradient] = [runs.mastRandom!.at(-1)!.trainFlopsRatio, runs.mast!.at(-1)!.trainFlopsRatio];
  assert.ok(random < gradient, `no dense-gradient steps: ${random} < ${gradient}`);
});

test('topology.gradientUpdates: K dense-gradient updates per interval, counted in the training FLOPs, change what grows but not how much', async () => {
  const flops: Record<number, number> = {};
  const masks: Record<number, Uint8Array> = {};
  for (const k of [1, 10, 50]) {
    const dir = tmp(`grad-k${k}`);
    const summary = await train(
      matrix({ sparsity: { mode: 'rigl', density: 0.3 }, topology: { interval: 50, gradientUpdates: k } }),
      { outDir: dir },
    );
    assert.equal(summary.counters.topologyUpdates, 4);
    flops[k] = summary.counters.flops.train;
    const tensors = Object.values(readSnapshot(runPaths(dir).snapshot).tensors);
    masks[k] = Uint8Array.from(tensors.flatMap((t) => (t.mask ? Array.from(t.mask) : []))); // every masked agent tensor
  }
  // Updates k = 1 … 208 fall before T_end (tEnv = 31 + k < 240); every matrix-game batch costs the
  // same, so each extra dense-gradient update adds the same FLOPs. Dense-gradient updates: K = 1 at
  // 50, 100, 150, 200 (4); K = 10 every 5th (41); K = 50 all 208.
  const ratio = (flops[50]! - flops[1]!) / (flops[10]! - flops[1]!);
  assert.ok(Math.abs(ratio - (208 - 4) / (41 - 4)) < 1e-9, `extra FLOPs K = 50 vs K = 10: ${ratio}`);
  assert.notDeepEqual(masks[50], masks[1], 'a different grow score grows other connections');
  const active = (m: Uint8Array): number => m.reduce((a, b) => a + b, 0);
  assert.equal(active(masks[50]!), active(masks[1]!));
});

test('MAST runs with every learner; WQMIX’s central critic is pruned with the rest', async () => {
  for (const alg of ['vdn', 'ow-qmix', 'cw-qmix', 'res-qmix'] as const) {
    const dir = tmp(alg);
    await train(
      matrix({
        alg,
        steps: 120,
        sparsity: { mode: 'mast', density: 0.2 },
        topology: { interval: 20 },
        wqmix: { centralEmbed: 32 },
      }),
      { outDir: dir },
    );
    const last = readMetrics(runPaths(dir).metrics).at(-1)!;
    assert.ok(Number.isFinite(last.loss!) && Number.isFinite(last.testReturn), `${alg}: finite loss and return`);
    const criticLayers = Object.keys(last.layerDensity).filter((k) => k.startsWith('critic/'));
    assert.equal(
      criticLayers.length > 0,
      alg.endsWith('-qmix') && alg !== 'res-qmix',
      `${alg}: critic layers ${criticLayers}`,
    );
    assert.ok(Math.abs(last.globalDensity - 0.2) < 1e-3, `${alg}: density ${last.globalDensity}`);
    assert.ok(
      readMetrics(runPaths(dir).metrics).reduce((a, r) => a + r.topologyUpdates, 0) > 0,
      `${alg}: topology evolved`,
    );
  }
});

test('an agent imported from PyTorch can be compressed: magnitude-pruned, with a fresh mixer, then recovered', async () => {
  const { fileURLToPath } = await import('node:url');
  const fixture = fileURLToPath(new URL('../../../test/fixtures/pymarl-agent-gru-cell.onnx', import.meta.url));
  const dir = tmp('imported');
  const imported = join(dir, 'imported');
  assert.equal((await runCli(['import', fixture, '--out', imported, '--env', 'recall'])).error, null);
  const out = join(dir, 'compressed');
  const run = await runCli(['compress', imported, '--out', out, '--density', '0.3', '--steps', '200', '--json']);
  assert.equal(run.error, null, String(run.error));
  const report = JSON.parse(run.out) as {
    source: { tEnv: number } | null;
    pruned: { tEnv: number };
    recovered: { tEnv: number };
  };
  // an imported agent has no training history: its return before pruning is the compression's step-0 test
  assert.equal(report.source?.tEnv, 0, 'the source is measured at step 0, before any pruning');
  assert.equal(report.recovered.tEnv, 200);
  const snap = readSnapshot(runPaths(out).snapshot);
  assert.equal(snap.architecture.hidden, 16, 'the imported width is kept');
  assert.ok(snap.tensors['gru.weightHh'].mask, 'the compressed agent is masked');
});
