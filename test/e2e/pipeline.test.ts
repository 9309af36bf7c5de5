/**
 * The spine end to end: train (static 90% sparse QMIX) → checkpoint → snapshot → ONNX (sparse and
 * dense) → onnxruntime-node → parity with the tfjs agent over 100 seeded episodes.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveConfig } from '../../src/config/index.js';
import { train } from '../../src/marl/training/train.js';
import { readSnapshot } from '../../src/snapshot/io.js';
import { runPaths } from '../../src/run/run-dir.js';
import { exportAgentBytes } from '../../src/onnx/export-agent.js';
import { writeOnnxFile } from '@mast-toolkit/runtime/internal/onnx/read';
import { evaluateOnnxAgent } from '../../src/verify/eval.js';
import { readMetrics } from '../../src/marl/training/metrics.js';

test('train → export → onnxruntime-node: Q within 1e-5 and 100% greedy-action agreement over 100 episodes; sparse file smaller', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mast-e2e-'));
  const config = resolveConfig('demo', {
    steps: 1500,
    schedule: { testInterval: 500, testEpisodes: 8, checkpointInterval: 1000 },
  });
  const summary = await train(config, { outDir: dir });
  assert.equal(summary.completed, true);
  assert.ok(summary.counters.updates > 0, 'the learner updated');

  const snap = readSnapshot(runPaths(dir).snapshot);
  const sparsePath = join(dir, 'agent.onnx');
  const densePath = join(dir, 'agent.dense.onnx');
  writeOnnxFile(sparsePath, exportAgentBytes(snap, { format: 'sparse' }));
  writeOnnxFile(densePath, exportAgentBytes(snap, { format: 'dense' }));
  assert.ok(
    statSync(sparsePath).size < statSync(densePath).size,
    `sparse ${statSync(sparsePath).size} B vs dense ${statSync(densePath).size} B`,
  );

  const report = await evaluateOnnxAgent(sparsePath, { episodes: 100, seed: 11, against: dir });
  assert.equal(report.env, 'recall');
  assert.equal(report.episodes, 100);
  const parity = report.parity!;
  assert.equal(parity.actionAgreement, 1, `agreement ${parity.actionAgreement}`);
  assert.ok(parity.maxAbsQDiff <= 1e-5, `max |ΔQ| ${parity.maxAbsQDiff}`);
  assert.equal(parity.returnDiff, 0);
  assert.ok(parity.decisions >= 100 * 4 * 3, `decisions ${parity.decisions}`);
  assert.ok(report.flops.sparse < report.flops.dense, `FLOPs ${report.flops.sparse} vs ${report.flops.dense}`);
  assert.ok(report.density < 0.5, `density ${report.density}`);
  const lastRow = readMetrics(runPaths(dir).metrics).at(-1)!;
  assert.equal(
    report.trainFlopsRatio,
    lastRow.trainFlopsRatio,
    'the training FLOP ratio travels from the run into the model metadata',
  );
  assert.ok(report.trainFlopsRatio! < 0.15, `training FLOPs ratio ${report.trainFlopsRatio}`);

  // the dense export of the same agent plays identically
  const dense = await evaluateOnnxAgent(densePath, { episodes: 20, seed: 11 });
  const sparse20 = await evaluateOnnxAgent(sparsePath, { episodes: 20, seed: 11 });
  assert.equal(dense.meanReturn, sparse20.meanReturn);
});
