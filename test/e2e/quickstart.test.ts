/**
 * The `quickstart` preset is what `mast demo` trains: a newcomer's first run must end with an agent
 * that wins. This trains the preset as shipped (its seed, its budget) and plays the exported sparse
 * agent greedily on the demo's own evaluation episodes (32, seeded with the run's seed).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveConfig } from '../../src/config/index.js';
import { train } from '../../src/marl/training/train.js';
import { exportRun } from '../../src/onnx/export-run.js';
import { evaluateOnnxAgent } from '../../src/verify/eval.js';

test("quickstart preset (mast demo): MAST at density 0.1 wins smaclite/3m's greedy evaluation at the preset's seed", async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mast-quickstart-'));
  try {
    const config = resolveConfig('quickstart');
    assert.equal(config.env, 'smaclite/3m');
    const summary = await train(config, { outDir: dir });
    assert.equal(summary.completed, true);
    const path = join(dir, 'agent.onnx');
    exportRun(dir, path, 'sparse');
    const report = await evaluateOnnxAgent(path, { episodes: 32, seed: config.seed, engine: 'sparse' });
    // 3m's greedy episodes from one seed barely differ: an agent that wins wins them all (return 20)
    assert.ok(
      (report.winRate ?? 0) >= 0.9,
      `win rate ${report.winRate} (return ${report.meanReturn.toFixed(2)}) after ${config.steps} steps, seed ${config.seed}`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
