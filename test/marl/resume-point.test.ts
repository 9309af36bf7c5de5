/**
 * Resuming a run with another config than its own is refused, and the error names what differs, so
 * a user (or a study whose file was edited) sees which option to put back instead of guessing.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveConfig } from '../../src/config/index.js';
import { train } from '../../src/marl/training/train.js';
import { resumePoint } from '../../src/marl/training/train-setup.js';
import { runPaths } from '../../src/run/run-dir.js';
import { ConfigError } from '@mast-toolkit/runtime/internal/util/errors';

test('resuming with another config names each differing key, with both values where they are short', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mast-resume-point-'));
  try {
    const config = resolveConfig('matrix', { steps: 200 });
    await train(config, { outDir: dir });
    const paths = runPaths(dir);
    assert.ok(resumePoint({ ...config, steps: 400 }, true, paths), 'a longer budget resumes');
    const edited = { ...config, gamma: 0.9, sparsity: { ...config.sparsity, density: 0.5 } };
    assert.throws(
      () => resumePoint(edited, true, paths),
      (e: unknown) =>
        e instanceof ConfigError &&
        e.message.includes(`was trained with in gamma (saved ${config.gamma}, given 0.9), sparsity (only steps`) &&
        /start a new run in another directory/.test(e.hint ?? ''),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
