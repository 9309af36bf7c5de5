/** MPE simple_spread: physics, reward and observation worked by hand. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SpreadEnv } from '../../src/envs/mpe-spread.js';
import { makeEnv } from '../../src/envs/registry.js';

const close = (a: number, b: number, tol = 1e-9): void => assert.ok(Math.abs(a - b) < tol, `${a} ≠ ${b}`);

test('a push integrates with damping: v ← 0.75·v + 5·0.1, p ← p + 0.1·v', () => {
  const env = new SpreadEnv('mpe/spread-1', 1);
  env.setLayout([[0, 0]], [[0.5, 0]]);
  env.step([2]); // +x: v = 0.5, p = 0.05
  close(env.snapshot().velocities[0]![0], 0.5);
  close(env.snapshot().agents[0]![0], 0.05);
  env.step([2]); // v = 0.375 + 0.5 = 0.875, p = 0.05 + 0.0875
  close(env.snapshot().agents[0]![0], 0.1375);
  env.step([0]); // coasting: v = 0.65625, p = 0.203125
  close(env.snapshot().agents[0]![0], 0.203125);
  close(env.snapshot().agents[0]![1], 0);
});

test('reward: −N·(Σ nearest distances) − N − 2·(colliding pairs), as EPyMARL sums MPE’s per-agent rewards', () => {
  const env = new SpreadEnv('mpe/spread-3', 3);
  env.setLayout(
    [
      [0, 0],
      [1, 0],
      [0, 1],
    ],
    [
      [0, 0],
      [1, 0],
      [0, 1],
    ],
  );
  close(env.teamReward(), -3); // every landmark covered, no collisions: only the self-count
  env.setLayout(
    [
      [0, 0],
      [0.2, 0],
      [0, 1],
    ],
    [
      [0, 0],
      [1, 0],
      [0, 1],
    ],
  );
  // landmark (1,0) is 0.8 from the nearest agent; one colliding pair
  close(env.coverage(), 0.8);
  assert.equal(env.collisionPairs(), 1);
  close(env.teamReward(), -3 * 0.8 - 3 - 2);
});

test('contact: agents 0.2 apart (radii 0.15) are pushed apart by 100·k·softplus(0.1/k) ≈ 10', () => {
  const env = new SpreadEnv('mpe/spread-2', 2);
  env.setLayout(
    [
      [0, 0],
      [0.2, 0],
    ],
    [
      [-1, -1],
      [1, 1],
    ],
  );
  env.step([0, 0]);
  const [a, b] = env.snapshot().velocities as [[number, number], [number, number]];
  close(a[0], -1.0, 1e-6); // force −10 along x, times dt
  close(b[0], 1.0, 1e-6);
  close(env.snapshot().agents[1]![0] - env.snapshot().agents[0]![0], 0.4, 1e-6);
});

test('observation: velocity, position, landmarks and other agents relative to self, silent comm zeros; 25-step episodes', () => {
  const env = makeEnv('mpe/spread-3') as SpreadEnv;
  assert.equal(env.getEnvInfo().obsShape, 18);
  env.setLayout(
    [
      [0.1, 0.2],
      [0.5, -0.5],
      [-0.3, 0.4],
    ],
    [
      [1, 1],
      [0, 0],
      [-1, 0.5],
    ],
  );
  const o = Array.from(env.getObs()[0]!).map((x) => Math.round(x * 1e6) / 1e6);
  assert.deepEqual(o, [0, 0, 0.1, 0.2, 0.9, 0.8, -0.1, -0.2, -1.1, 0.3, 0.4, -0.7, -0.4, 0.2, 0, 0, 0, 0]);
  env.reset(4);
  let r = env.step([0, 0, 0]);
  for (let t = 1; t < 25; t++) r = env.step([1, 2, 3]);
  assert.equal(r.truncated, true);
  assert.equal(r.terminated, false);
});
