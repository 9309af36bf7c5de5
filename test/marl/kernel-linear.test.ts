/**
 * The mixer-side linear layers on the kernels: handed to a network explicitly, equal to tfjs, and tfjs
 * itself when paused; they keep their weights in kernel memory between calls and must still follow
 * every change of the parameter store: new values (optimizer steps, target syncs) and new masks.
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../src/marl/backend.js';
import { createMixer, type Mixer } from '../../src/marl/mixers/index.js';
import { CentralCritic } from '../../src/marl/mixers/central.js';
import { KernelLinearLayers } from '../../src/marl/nets/kernel-linear.js';
import { ParamStore } from '../../src/marl/nets/params.js';
import { addLinear } from '../../src/marl/nets/layers.js';
import { randomMask } from '../../src/sparse/mask.js';
import { Rng } from '../../src/util/rng.js';

before(async () => {
  await initBackend('wasm');
});

const [B, T, N, S] = [3, 4, 3, 6];

/** Q_tot `[B, T]` and the gradient of ΣQ_tot with respect to every weight, as plain arrays. */
function forwardAndGrads(
  mixer: Mixer,
  qs: tf.Tensor3D,
  states: tf.Tensor3D,
): { qTot: Float32Array; grads: Record<string, Float32Array> } {
  const names = mixer.params.names();
  const { value, grads } = tf.variableGrads(
    () => tf.sum(mixer.mix(qs, states)) as tf.Scalar,
    names.map((n) => mixer.params.get(n)),
  );
  const qTot = mixer.mix(qs, states).dataSync() as Float32Array;
  const out = Object.fromEntries(names.map((n) => [n, grads[mixer.params.get(n).name]!.dataSync() as Float32Array]));
  tf.dispose([value, ...Object.values(grads)]);
  return { qTot, grads: out };
}

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  return Math.max(0, ...Array.from(a, (v, i) => Math.abs(v - b[i]!)));
}

/** The same masked network twice (one seed), one with kernel layers, one without. */
function pair(build: (rng: Rng, kernels: KernelLinearLayers | null) => Mixer): {
  viaTfjs: Mixer;
  viaKernels: Mixer;
  layers: KernelLinearLayers;
} {
  const layers = new KernelLinearLayers();
  const [viaTfjs, viaKernels] = [build(new Rng(3), null), build(new Rng(3), layers)];
  for (const name of viaTfjs.params.maskableNames()) {
    const mask = randomMask(
      viaTfjs.params.get(name).size,
      Math.ceil(0.4 * viaTfjs.params.get(name).size),
      new Rng(name.length),
    );
    viaTfjs.params.setMask(name, mask);
    viaKernels.params.setMask(name, mask);
  }
  return { viaTfjs, viaKernels, layers };
}

const builders = {
  qmix: (rng: Rng, kernels: KernelLinearLayers | null) =>
    createMixer('qmix', { nAgents: N, stateShape: S }, { embed: 8, hypernetEmbed: 16 }, rng, kernels),
  critic: (rng: Rng, kernels: KernelLinearLayers | null) =>
    new CentralCritic({ nAgents: N, stateShape: S }, 8, rng, kernels),
};

test('a mixer and a central critic given kernel layers compute what tfjs computes; paused, they run tfjs itself (bit-identical)', () => {
  const rng = new Rng(7);
  const qs = tf.tensor3d(
    Float32Array.from({ length: B * T * N }, () => rng.next() * 2 - 1),
    [B, T, N],
  ); // [B, T, N]
  const states = tf.tensor3d(
    Float32Array.from({ length: B * T * S }, () => rng.next() * 2 - 1),
    [B, T, S],
  ); // [B, T, S]
  for (const [what, build] of Object.entries(builders)) {
    const { viaTfjs, viaKernels, layers } = pair(build);
    const want = forwardAndGrads(viaTfjs, qs, states);
    const got = forwardAndGrads(viaKernels, qs, states);
    assert.ok(maxAbsDiff(want.qTot, got.qTot) < 1e-5, `${what}: Q_tot differs by ${maxAbsDiff(want.qTot, got.qTot)}`);
    for (const [name, g] of Object.entries(want.grads)) {
      const mask = viaTfjs.params.mask(name);
      const stored = mask ? g.map((v, i) => (mask[i] ? v : 0)) : g; // the kernels differentiate at stored positions only
      const kernelGrad = mask ? got.grads[name]!.map((v, i) => (mask[i] ? v : 0)) : got.grads[name]!;
      assert.ok(
        maxAbsDiff(stored, kernelGrad) < 1e-4,
        `${what} ${name}: gradient differs by ${maxAbsDiff(stored, kernelGrad)}`,
      );
    }
    layers.active = false;
    const paused = forwardAndGrads(viaKernels, qs, states);
    assert.deepEqual(paused.qTot, want.qTot, `${what}: paused kernel layers run tfjs`);
    for (const [name, g] of Object.entries(want.grads))
      assert.deepEqual(paused.grads[name], g, `${what} ${name}: paused, the dense gradient`);
    viaTfjs.params.dispose();
    viaKernels.params.dispose();
  }
  tf.dispose([qs, states]);
});

test('a kernel linear layer follows new weights, a new bias, a new mask and a cleared mask (outputs and every gradient as a fresh layer’s)', async () => {
  const rng = new Rng(41);
  const store = new ParamStore();
  addLinear(store, 'l', 7, 5, rng);
  const x = tf.tensor2d(
    Float32Array.from({ length: 9 * 7 }, () => rng.uniform(-1, 1)),
    [9, 7],
  );
  const run = (s: ParamStore, layers: KernelLinearLayers): Float32Array[] =>
    tf.tidy(() => {
      const vars = [s.get('l.weight'), s.get('l.bias')];
      const { value, grads } = tf.variableGrads(
        () => tf.sum(tf.square(layers.apply(s, 'l', x) as tf.Tensor2D)) as tf.Scalar,
        vars,
      );
      return [value.dataSync() as Float32Array, ...vars.map((v) => grads[v.name]!.dataSync() as Float32Array)];
    });
  const fresh = (): ParamStore => {
    const copy = new ParamStore();
    addLinear(copy, 'l', 7, 5, new Rng(1));
    copy.copyFrom(store);
    return copy;
  };
  const layers = new KernelLinearLayers();
  const mask = Uint8Array.from({ length: 35 }, () => (rng.next() < 0.4 ? 1 : 0));
  const changes: Array<[string, () => void]> = [
    ['nothing', () => {}],
    ['the weights', () => store.scale('l.weight', 0.5)],
    ['the bias', () => store.scale('l.bias', 2)],
    ['the mask', () => store.setMask('l.weight', mask)],
    ['the weights under that mask', () => store.scale('l.weight', 3)],
    ['the mask cleared', () => store.setMask('l.weight', null)],
  ];
  for (const [what, change] of changes) {
    change();
    const other = fresh();
    assert.deepEqual(run(store, layers), run(other, new KernelLinearLayers()), `after changing ${what}`);
    other.dispose();
  }
  x.dispose();
  store.dispose();
});
