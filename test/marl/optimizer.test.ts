import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../src/marl/backend.js';
import { ParamStore } from '../../src/marl/params.js';
import { Optimizer } from '../../src/marl/optimizer.js';
import { DEFAULT_CONFIG } from '../../src/config/index.js';

before(async () => {
  await initBackend('wasm');
});

function store(): ParamStore {
  const s = new ParamStore();
  s.add('w', [2, 2], new Float32Array([1, 2, 3, 4]), true);
  return s;
}

test('Adam first step moves each weight by lr·sign(g) (bias-corrected m̂/√v̂ = g/|g|)', () => {
  // t = 1: m = (1−β1)g, v = (1−β2)g², m̂ = g, v̂ = g², step = lr·g/(|g| + ε) ≈ lr·sign(g)
  const s = store();
  const opt = new Optimizer({ ...DEFAULT_CONFIG.optimizer, name: 'adam', lr: 0.1, eps: 1e-8 }, { p: s });
  const g = tf.tensor2d([[0.5, -2], [3, -0.25]]);
  opt.apply({ 'p/w': g });
  const w = Array.from(s.get('w').dataSync());
  [0.9, 2.1, 2.9, 4.1].forEach((want, i) => assert.ok(Math.abs((w[i] as number) - want) < 1e-5, `w[${i}] = ${w[i]}, want ${want}`));
  g.dispose();
  opt.dispose();
  s.dispose();
});

test('RMSprop first step: s = (1−α)g², w −= lr·g/(√s + ε)', () => {
  // α = 0.99: √s = 0.1·|g|, so the step is lr·g/(0.1|g|) = 10·lr·sign(g) = 0.01·sign(g) for lr = 1e-3
  const s = store();
  const opt = new Optimizer({ ...DEFAULT_CONFIG.optimizer, name: 'rmsprop', lr: 1e-3, alpha: 0.99, eps: 1e-10 }, { p: s });
  const g = tf.tensor2d([[1, -1], [4, -4]]);
  opt.apply({ 'p/w': g });
  const w = Array.from(s.get('w').dataSync());
  [0.99, 2.01, 2.99, 4.01].forEach((want, i) => assert.ok(Math.abs((w[i] as number) - want) < 1e-5, `w[${i}] = ${w[i]}`));
  g.dispose();
  opt.dispose();
  s.dispose();
});

test('gradients are clipped by global norm and the norm before clipping is returned', () => {
  const s = store();
  const opt = new Optimizer({ ...DEFAULT_CONFIG.optimizer, name: 'rmsprop', gradClip: 1 }, { p: s });
  const g = tf.tensor2d([[3, 4], [0, 0]]); // norm 5
  const norm = opt.apply({ 'p/w': g });
  assert.ok(Math.abs(norm - 5) < 1e-5);
  g.dispose();
  opt.dispose();
  s.dispose();
});

test('masked weights stay exactly zero through optimizer steps; resetMoments zeroes chosen moments', () => {
  const s = store();
  s.setMask('w', new Uint8Array([1, 0, 0, 1]));
  assert.deepEqual(Array.from(s.get('w').dataSync()), [1, 0, 0, 4]);
  const opt = new Optimizer({ ...DEFAULT_CONFIG.optimizer, name: 'adam', lr: 0.1 }, { p: s });
  for (let i = 0; i < 3; i++) {
    const g = tf.tensor2d([[1, 1], [1, 1]]); // unmasked gradient on purpose
    opt.apply({ 'p/w': g });
    g.dispose();
  }
  const w = s.get('w').dataSync();
  assert.ok(w[1] === 0 && w[2] === 0, `pruned weights are ${w[1]}, ${w[2]}`); // ±0 both count as zero
  assert.notEqual(w[0], 1);
  opt.resetMoments('p/w', new Uint8Array([1, 0, 0, 0]));
  const m = opt.getState().moments['p/w/m']!;
  assert.equal(m[0], 0);
  assert.notEqual(m[3], 0);
  opt.dispose();
  s.dispose();
});

test('optimizer state round-trips', () => {
  const s = store();
  const opt = new Optimizer({ ...DEFAULT_CONFIG.optimizer, name: 'adam' }, { p: s });
  const g = tf.tensor2d([[1, 2], [3, 4]]);
  opt.apply({ 'p/w': g });
  const state = opt.getState();
  const opt2 = new Optimizer({ ...DEFAULT_CONFIG.optimizer, name: 'adam' }, { p: s });
  opt2.setState(state, 'test');
  assert.deepEqual(opt2.getState(), state);
  assert.throws(() => opt2.setState({ step: 1, moments: {} }, 'ckpt'), /ckpt: optimizer moment 'p\/w\/m' is missing/);
  g.dispose();
  opt.dispose();
  opt2.dispose();
  s.dispose();
});
