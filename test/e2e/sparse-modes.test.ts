/** Sparsity modes through the whole training loop: topology schedule, `tiny` widths, `mast compress`. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveConfig } from '../../src/config/index.js';
import { train, type RunSummaryFile } from '../../src/marl/train.js';
import { readMetrics } from '../../src/marl/metrics.js';
import { readSnapshot } from '../../src/snapshot/io.js';
import { runPaths } from '../../src/marl/run-dir.js';
import { compressConfig } from '../../src/marl/compress.js';
import { CheckpointError, ConfigError } from '../../src/util/errors.js';
import { runCli } from '../cli/harness.js';

const tmp = (tag: string): string => mkdtempSync(join(tmpdir(), `mast-${tag}-`));

// The matrix game: one-step episodes, so update k (1-based) happens at tEnv = 31 + k with batch 32.
const matrix = (overrides: Parameters<typeof resolveConfig>[1]) =>
  resolveConfig('matrix', { steps: 300, schedule: { testInterval: 100, checkpointInterval: 100_000 } }, overrides);

test('masks change only on schedule: every ΔT updates before T_end, keeping each tensor’s active count', async () => {
  const dir = tmp('rigl');
  const config = matrix({ sparsity: { mode: 'rigl', density: 0.3 }, topology: { interval: 50 }, schedule: { testInterval: 50 } });
  const summary = await train(config, { outDir: dir });
  // updates 50, 100, 150, 200 fall at tEnv 81 … 231 < T_end = 0.8·300 = 240; update 250 (tEnv 281) is past it
  assert.equal(summary.counters.topologyUpdates, 4);
  const rows = readMetrics(runPaths(dir).metrics);
  assert.equal(rows.reduce((a, r) => a + r.topologyUpdates, 0), 4);
  assert.ok(rows.some((r) => r.topologySwaps > 0));
  assert.equal(rows.at(-1)!.tEnv, 300);
  assert.equal(rows.at(-1)!.topologySwaps, 0, 'nothing moves after T_end (the row covers t = 250…300)');
  const file = JSON.parse(readFileSync(runPaths(dir).summary, 'utf8')) as RunSummaryFile;
  assert.ok(Math.abs(file.density - 0.3) < 1e-3, `density ${file.density}`);
  for (const row of rows) assert.ok(Math.abs(row.globalDensity - file.density) < 1e-9, 'the global density never drifts');
  const last = rows.at(-1)!;
  assert.ok(last.trainFlopsRatio > 0.25 && last.trainFlopsRatio < 0.4, `train FLOPs ratio ${last.trainFlopsRatio}`);
  assert.ok(last.inferenceFlopsRatio > 0.2 && last.inferenceFlopsRatio < 0.4, `inference FLOPs ratio ${last.inferenceFlopsRatio}`);
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
  assert.throws(() => compressConfig(src, { density: 1, steps: 10 }), (e: unknown) => e instanceof ConfigError && /not below the source run's density 1/.test(e.message));
  assert.throws(() => compressConfig(join(src, 'nope'), { density: 0.1, steps: 10 }), CheckpointError);
  const config = compressConfig(src, { density: 0.3, steps: 200 });
  assert.equal(config.sparsity.mode, 'mast');
  assert.equal(config.targets.returns, 'td-lambda');
  assert.equal(config.epsilon.start, config.epsilon.finish);

  const out = join(tmp('compressed'), 'run');
  const run = await runCli(['compress', src, '--out', out, '--density', '0.3', '--steps', '200', '--json']);
  assert.equal(run.error, null, String(run.error));
  const report = JSON.parse(run.out) as { source: { return: number }; pruned: { tEnv: number }; recovered: { tEnv: number }; density: number };
  assert.equal(report.pruned.tEnv, 0);
  assert.equal(report.recovered.tEnv, 200);
  assert.ok(Number.isFinite(report.source.return));
  const rows = readMetrics(runPaths(out).metrics);
  assert.ok(Math.abs(rows[0]!.globalDensity - 0.3) < 1e-3, `density ${rows[0]!.globalDensity}`);
});

test('MAST runs with every learner; WQMIX’s central critic is pruned with the rest', async () => {
  for (const alg of ['vdn', 'ow-qmix', 'cw-qmix', 'res-qmix'] as const) {
    const dir = tmp(alg);
    await train(matrix({ alg, steps: 120, sparsity: { mode: 'mast', density: 0.2 }, topology: { interval: 20 }, wqmix: { centralEmbed: 32 } }), { outDir: dir });
    const last = readMetrics(runPaths(dir).metrics).at(-1)!;
    assert.ok(Number.isFinite(last.loss!) && Number.isFinite(last.testReturn), `${alg}: finite loss and return`);
    const criticLayers = Object.keys(last.layerDensity).filter((k) => k.startsWith('critic/'));
    assert.equal(criticLayers.length > 0, alg.endsWith('-qmix') && alg !== 'res-qmix', `${alg}: critic layers ${criticLayers}`);
    assert.ok(Math.abs(last.globalDensity - 0.2) < 1e-3, `${alg}: density ${last.globalDensity}`);
    assert.ok(readMetrics(runPaths(dir).metrics).reduce((a, r) => a + r.topologyUpdates, 0) > 0, `${alg}: topology evolved`);
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
  const report = JSON.parse(run.out) as { source: unknown; pruned: { tEnv: number }; recovered: { tEnv: number } };
  assert.equal(report.source, null, 'an imported agent has no training history');
  assert.equal(report.recovered.tEnv, 200);
  const snap = readSnapshot(runPaths(out).snapshot);
  assert.equal(snap.architecture.hidden, 16, 'the imported width is kept');
  assert.ok(snap.tensors['gru.weightHh'].mask, 'the compressed agent is masked');
});
