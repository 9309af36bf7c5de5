/** Every environment family goes through the learner, export and evaluation (with parity). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveConfig } from '../../src/config/index.js';
import { train } from '../../src/marl/training/train.js';
import { existsSync } from 'node:fs';
import { readOnnxFile } from '@mast-toolkit/runtime/internal/onnx/read';
import { runCli } from '../cli/harness.js';
import { evaluateOnnxAgent } from '../../src/verify/eval.js';

for (const env of ['smaclite/3m', 'lbf/8x8-2p-2f-coop', 'mpe/spread-3']) {
  test(`${env}: a short MAST run trains, exports and evaluates in ONNX Runtime with exact parity`, async () => {
    const dir = mkdtempSync(join(tmpdir(), `mast-${env.replace('/', '-')}-`));
    const config = resolveConfig('default', {
      env,
      steps: 600,
      batchSize: 4,
      agent: { hidden: 16 },
      mixer: { embed: 8, hypernetEmbed: 16 },
      sparsity: { mode: 'mast', density: 0.2 },
      topology: { interval: 2 },
      schedule: { testInterval: 200, testEpisodes: 2, checkpointInterval: 100_000 },
    });
    const summary = await train(config, { outDir: dir });
    assert.equal(summary.completed, true);
    assert.ok(summary.counters.updates > 0 && summary.counters.topologyUpdates > 0);
    const winRate = summary.last!.testWinRate;
    assert.ok(
      env.startsWith('smaclite/') ? winRate !== null && winRate >= 0 && winRate <= 1 : winRate === null,
      `win rate ${winRate}: only combat reports wins`,
    );
    const model = join(dir, 'agent.onnx');
    const exported = await runCli(['export', dir, '-o', model, '--with-mixer']);
    assert.equal(exported.error, null, String(exported.error));
    assert.ok(existsSync(join(dir, 'agent.mixer.onnx')), 'the mixer is exported next to the agent');
    assert.equal(readOnnxFile(join(dir, 'agent.mixer.onnx')).model.graph.output[0]!.name, 'q_tot');
    const report = await evaluateOnnxAgent(model, { episodes: 3, seed: 1, against: dir });
    assert.equal(report.env, env);
    assert.equal(report.parity!.actionAgreement, 1);
    assert.ok(report.parity!.maxAbsQDiff <= 1e-4, `max |ΔQ| ${report.parity!.maxAbsQDiff}`);
    assert.ok(report.flops.ratio < 0.5, `FLOPs ratio ${report.flops.ratio}`);
  });
}
