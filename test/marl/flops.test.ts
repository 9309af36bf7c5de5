import { test } from 'node:test';
import assert from 'node:assert/strict';
import { addInferenceFlops, addUpdateFlops, emptyFlopTotals, flopRatios } from '../../src/marl/training/flop-meter.js';

test('training and inference FLOPs, worked by hand', () => {
  // agent 100 weights (10 active), mixer 50 (5 active); a batch of 6 agent rows and 2 mixer rows
  const w = { agentActive: 10, mixerActive: 5, agentDense: 100, mixerDense: 50 };
  const t = emptyFlopTotals();
  addUpdateFlops(t, w, 6, 2, false);
  // f_S = 2·(6·10 + 2·5) = 140, f_D = 2·(6·100 + 2·50) = 1400: update 4·140 = 560, dense 4·1400 = 5600
  assert.deepEqual([t.train, t.trainDense], [560, 5600]);
  addUpdateFlops(t, w, 6, 2, true);
  // a RigL grow step: 3·140 + 1400 = 1820
  assert.deepEqual([t.train, t.trainDense], [560 + 1820, 11200]);
  assert.ok(Math.abs(flopRatios(t).train - 2380 / 11200) < 1e-12);
  addInferenceFlops(t, w, 7); // 7 decisions: 2·7·10 vs 2·7·100
  assert.deepEqual([t.inference, t.inferenceDense], [140, 1400]);
  assert.equal(flopRatios(t).inference, 0.1);
  assert.deepEqual(flopRatios(emptyFlopTotals()), { train: 1, inference: 1 });
});

test('RES counts its extra target-mixer passes on both sides', () => {
  const w = { agentActive: 10, mixerActive: 5, agentDense: 100, mixerDense: 50 };
  const t = emptyFlopTotals();
  addUpdateFlops(t, w, 6, 2, false, 4);
  // agent 4·(2·6·10) = 480, mixer (3 + 4)·(2·2·5) = 140; dense 4·1200 + 7·200 = 6200
  assert.deepEqual([t.train, t.trainDense], [620, 6200]);
});
