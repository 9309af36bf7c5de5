/**
 * The tfjs-free update (`compute: arrays`) learns what the default path learns: the demo preset's
 * static 90%-sparse QMIX on `recall` reaches the win rate `learning.test.ts` requires of it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveConfig } from '../../src/config/index.js';
import { train } from '../../src/marl/training/train.js';

test("recall: static 90%-sparse QMIX trained with compute 'arrays' learns (greedy win rate ≥ 90%)", async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mast-learn-arrays-'));
  const config = resolveConfig('demo', {
    steps: 6000,
    compute: 'arrays',
    schedule: { testInterval: 1000, testEpisodes: 32 },
  });
  assert.equal(config.sparsity.density, 0.1);
  const summary = await train(config, { outDir: dir });
  assert.ok(Math.abs(summary.last!.globalDensity - 0.1) < 1e-3, `density ${summary.last!.globalDensity}`);
  assert.ok((summary.last!.testWinRate ?? 0) >= 0.9, `win rate ${summary.last!.testWinRate} (chance is 1/27)`);
  rmSync(dir, { recursive: true, force: true });
});
