/**
 * The distillation's learning-rate schedule: constant throughout, or constant while pruning and a
 * cosine decay to 5% after; bad names refused by the function, by distillAgent and by the CLI.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { COSINE_LR_FLOOR, distillLearningRate } from '../../src/marl/compress/lr-schedule.js';
import { runCli } from '../cli/harness.js';

test('lr schedule: constant keeps the rate; cosine keeps it while pruning, then decays on a cosine to 5% by the last update', () => {
  const lr = 1e-3;
  for (const update of [1, 50, 51, 75, 100]) assert.equal(distillLearningRate('constant', update, 100, 50, lr), lr);
  assert.equal(distillLearningRate('cosine', 1, 100, 50, lr), lr);
  assert.equal(distillLearningRate('cosine', 50, 100, 50, lr), lr); // pruning ends here
  // half-way through the recovery: cos(π/2) = 0, so lr·(f + (1 − f)/2) = 1e-3·(0.05 + 0.475) = 5.25e-4
  assert.ok(Math.abs(distillLearningRate('cosine', 75, 100, 50, lr) - 5.25e-4) < 1e-12);
  // the last update: cos π = −1, so lr·f
  assert.ok(Math.abs(distillLearningRate('cosine', 100, 100, 50, lr) - lr * COSINE_LR_FLOOR) < 1e-15);
  let previous = lr;
  for (let update = 51; update <= 100; update++) {
    const now = distillLearningRate('cosine', update, 100, 50, lr);
    assert.ok(now < previous, `decreasing at update ${update}`);
    previous = now;
  }
  // pruning to the last update leaves nothing to decay over
  assert.equal(distillLearningRate('cosine', 100, 100, 100, lr), lr);
  assert.throws(
    () => distillLearningRate('linear' as 'cosine', 1, 100, 50, lr),
    (e: unknown) => e instanceof RangeError && /must be one of constant, cosine, got linear/.test((e as Error).message),
  );
});

test('mast compress --lr-schedule: an unknown schedule is a usage error naming the choices', async () => {
  const run = await runCli([
    'compress',
    'nowhere',
    '--data',
    'nothing.mast',
    '--density',
    '0.1',
    '--out',
    'x',
    '--lr-schedule',
    'linear',
  ]);
  assert.match(String((run.error as Error)?.message), /expected one of constant, cosine, got 'linear'/);
});
