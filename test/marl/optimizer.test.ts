import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../src/marl/backend.js';
import { ParamStore } from '../../src/marl/nets/params.js';
import { Optimizer } from '../../src/marl/learner/optimizer.js';
import { DEFAULT_CONFIG } from '../../src/config/index.js';
import type { OptimizerConfig } from '../../src/config/types.js';
import { Rng } from '../../src/util/rng.js';

before(async () => {
  await initBackend('wasm');
});

function store(): ParamStore {
  const s = new ParamStore();
  s.add('w', [2, 2], new Float32Array([1, 2, 3, 4]), true);
  return s;
}

for (const kernels of [false, true]) {
  const path = kernels ? 'kernel optimizer' : 'tfjs optimizer';

  test(`${path}: Adam first step moves each weight by lr·sign(g) (bias-corrected m̂/√v̂ = g/|g|)`, () => {
    // t = 1: m = (1−β1)g, v = (1−β2)g², m̂ = g, v̂ = g², step = lr·g/(|g| + ε) ≈ lr·sign(g)
    const s = store();
    const opt = new Optimizer({ ...DEFAULT_CONFIG.optimizer, name: 'adam', lr: 0.1, eps: 1e-8 }, { p: s }, { kernels });
    const g = tf.tensor2d([
      [0.5, -2],
      [3, -0.25],
    ]);
    opt.apply({ 'p/w': g });
    const w = Array.from(s.get('w').dataSync());
    [0.9, 2.1, 2.9, 4.1].forEach((want, i) =>
      assert.ok(Math.abs((w[i] as number) - want) < 1e-5, `w[${i}] = ${w[i]}, want ${want}`),
    );
    g.dispose();
    opt.dispose();
    s.dispose();
  });

  test(`${path}: RMSprop first step: s = (1−α)g², w −= lr·g/(√s + ε)`, () => {
    // α = 0.99: √s = 0.1·|g|, so the step is lr·g/(0.1|g|) = 10·lr·sign(g) = 0.01·sign(g) for lr = 1e-3
    const s = store();
    const opt = new Optimizer(
      { ...DEFAULT_CONFIG.optimizer, name: 'rmsprop', lr: 1e-3, alpha: 0.99, eps: 1e-10 },
      { p: s },
      { kernels },
    );
    const g = tf.tensor2d([
      [1, -1],
      [4, -4],
    ]);
    opt.apply({ 'p/w': g });
    const w = Array.from(s.get('w').dataSync());
    [0.99, 2.01, 2.99, 4.01].forEach((want, i) =>
      assert.ok(Math.abs((w[i] as number) - want) < 1e-5, `w[${i}] = ${w[i]}`),
    );
    g.dispose();
    opt.dispose();
    s.dispose();
  });

  test(`${path}: gradients are clipped by global norm and the norm before clipping is returned`, () => {
    const s = store();
    const opt = new Optimizer({ ...DEFAULT_CONFIG.optimizer, name: 'rmsprop', gradClip: 1 }, { p: s }, { kernels });
    const g = tf.tensor2d([
      [3, 4],
      [0, 0],
    ]); // norm 5
    const norm = opt.apply({ 'p/w': g });
    assert.ok(Math.abs(norm - 5) < 1e-5);
    g.dispose();
    opt.dispose();
    s.dispose();
  });

  test(`${path}: masked weights stay exactly zero through optimizer steps; resetMoments zeroes chosen moments`, () => {
    const s = store();
    s.setMask('w', new Uint8Array([1, 0, 0, 1]));
    assert.deepEqual(Array.from(s.get('w').dataSync()), [1, 0, 0, 4]);
    const opt = new Optimizer({ ...DEFAULT_CONFIG.optimizer, name: 'adam', lr: 0.1 }, { p: s }, { kernels });
    for (let i = 0; i < 3; i++) {
      const g = tf.tensor2d([
        [1, 1],
        [1, 1],
      ]); // unmasked gradient on purpose
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

  test(`${path}: optimizer state round-trips`, () => {
    const s = store();
    const opt = new Optimizer({ ...DEFAULT_CONFIG.optimizer, name: 'adam' }, { p: s }, { kernels });
    const g = tf.tensor2d([
      [1, 2],
      [3, 4],
    ]);
    opt.apply({ 'p/w': g });
    const state = opt.getState();
    const opt2 = new Optimizer({ ...DEFAULT_CONFIG.optimizer, name: 'adam' }, { p: s }, { kernels });
    opt2.setState(state, 'test');
    assert.deepEqual(opt2.getState(), state);
    assert.throws(() => opt2.setState({ step: 1, moments: {} }, 'ckpt'), /ckpt: optimizer moment 'p\/w\/m' is missing/);
    g.dispose();
    opt.dispose();
    opt2.dispose();
    s.dispose();
  });
}

/** Two stores with the same weights (one masked matrix, one dense vector) and the same mask. */
function twin(rng: Rng): ParamStore {
  const s = new ParamStore();
  const r = new Rng(rng.int(1 << 30));
  s.add(
    'w',
    [6, 7],
    Float32Array.from({ length: 42 }, () => r.uniform(-1, 1)),
    true,
  );
  s.add(
    'b',
    [5],
    Float32Array.from({ length: 5 }, () => r.uniform(-1, 1)),
    false,
  );
  s.setMask(
    'w',
    Uint8Array.from({ length: 42 }, (_, i) => (i % 3 === 0 ? 0 : 1)),
  );
  return s;
}

for (const name of ['adam', 'rmsprop'] as const) {
  test(`${name}: the kernel optimizer gives the tfjs optimizer's weights and moments bit for bit (clipping, masks, moment resets, skipped tensors, weights assigned from outside, state round trip)`, () => {
    const config: OptimizerConfig = { ...DEFAULT_CONFIG.optimizer, name, lr: 3e-3, gradClip: 5 };
    const seed = new Rng(11);
    const stores = [twin(new Rng(4)), twin(new Rng(4))];
    const [ref, fused] = [
      new Optimizer(config, { p: stores[0]! }),
      new Optimizer(config, { p: stores[1]! }, { kernels: true }),
    ];
    const rng = new Rng(12);
    const same = (a: ArrayLike<number>, b: ArrayLike<number>, what: string) => {
      for (let i = 0; i < a.length; i++) assert.ok(Object.is(a[i], b[i]), `${what}[${i}]: ${a[i]} vs ${b[i]}`);
    };
    for (let step = 1; step <= 40; step++) {
      const big = step % 4 === 0 ? 30 : 1; // every fourth step is clipped
      const gw = Float32Array.from({ length: 42 }, () => rng.uniform(-big, big));
      const gb = Float32Array.from({ length: 5 }, () => rng.uniform(-big, big));
      const norms = [ref, fused].map((opt) => {
        const grads: Record<string, tf.Tensor> = { 'p/w': tf.tensor(gw, [6, 7]) };
        if (step % 7 !== 0) grads['p/b'] = tf.tensor(gb, [5]); // sometimes a tensor has no gradient
        const norm = opt.apply(grads);
        Object.values(grads).forEach((g) => g.dispose());
        return norm;
      });
      assert.equal(norms[0], norms[1]);
      if (step === 20) {
        const positions = Uint8Array.from({ length: 42 }, () => (seed.next() < 0.3 ? 1 : 0));
        ref.resetMoments('p/w', positions);
        fused.resetMoments('p/w', positions);
      }
      if (step === 25) {
        const mask = Uint8Array.from({ length: 42 }, (_, i) => (i % 4 === 0 ? 0 : 1)); // a new topology
        stores.forEach((s) => s.setMask('w', mask));
      }
      if (step === 30) {
        // weights assigned from outside (a restore, a copy): the next step starts from them
        const w = Float32Array.from({ length: 42 }, (_, i) => (i % 4 === 0 ? 0 : seed.uniform(-2, 2)));
        stores.forEach((s) => s.get('w').assign(tf.tensor(w, [6, 7])));
      }
      for (const p of ['w', 'b'])
        same(
          stores[0]!.get(p).dataSync() as Float32Array,
          stores[1]!.get(p).dataSync() as Float32Array,
          `step ${step} ${p}`,
        );
      const [a, b] = [ref.getState(), fused.getState()];
      assert.deepEqual(Object.keys(b.moments).sort(), Object.keys(a.moments).sort());
      for (const k of Object.keys(a.moments)) same(a.moments[k]!, b.moments[k]!, `step ${step} moment ${k}`);
    }
    const restored = new Optimizer(config, { p: stores[1]! }, { kernels: true });
    restored.setState(ref.getState(), 'test');
    assert.deepEqual(restored.getState(), ref.getState(), "a tfjs optimizer's state loads into the kernel one");
    [ref, fused, restored].forEach((o) => o.dispose());
    stores.forEach((s) => s.dispose());
  });
}

test('the kernel optimizer reads a variable back out of tfjs only when something other than its own step assigned it', () => {
  const s = store();
  const opt = new Optimizer({ ...DEFAULT_CONFIG.optimizer, name: 'adam', lr: 0.1 }, { p: s }, { kernels: true });
  let reads = 0;
  const counting = (): void => {
    const w = s.get('w');
    const dataSync = w.dataSync.bind(w);
    w.dataSync = (() => {
      reads += 1;
      return dataSync();
    }) as typeof w.dataSync;
  };
  counting();
  const step = (): void => {
    const g = tf.tensor2d([
      [0.5, -2],
      [3, -0.25],
    ]);
    opt.apply({ 'p/w': g });
    g.dispose();
  };
  step();
  assert.equal(reads, 1, 'the first step reads the weights');
  step();
  step();
  assert.equal(reads, 1, 'later steps start from the weights they assigned');
  s.get('w').assign(
    tf.tensor2d([
      [1, 1],
      [1, 1],
    ]),
  );
  step();
  assert.equal(reads, 2, 'weights assigned from outside are read');
  // t = 1 again for these weights' moments is not the point: the step starts from 1s, Adam moves each by < lr
  for (const v of s.get('w').dataSync()) assert.ok(Math.abs(v - 1) < 0.1, `${v} moved from 1 by less than lr`);
  opt.dispose();
  s.dispose();
});
