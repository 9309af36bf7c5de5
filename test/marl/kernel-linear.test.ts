/**
 * The mixer's kernel linear layers keep their weights in kernel memory between calls; they must still
 * follow every change of the parameter store: new values (optimizer steps, target syncs) and new
 * masks (topology updates).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../src/marl/backend.js';
import { ParamStore } from '../../src/marl/params.js';
import { enableKernelLinear, kernelLinear } from '../../src/marl/kernel-linear.js';
import { addLinear } from '../../src/marl/layers.js';
import { Rng } from '../../src/util/rng.js';

test('a kernel linear layer follows new weights, a new bias, a new mask and a cleared mask (outputs and every gradient as a fresh layer’s)', async () => {
  await initBackend('wasm');
  const rng = new Rng(41);
  const store = new ParamStore();
  addLinear(store, 'l', 7, 5, rng);
  const x = tf.tensor2d(Float32Array.from({ length: 9 * 7 }, () => rng.uniform(-1, 1)), [9, 7]);
  const run = (s: ParamStore): Float32Array[] =>
    tf.tidy(() => {
      const vars = [s.get('l.weight'), s.get('l.bias')];
      const { value, grads } = tf.variableGrads(() => tf.sum(tf.square(kernelLinear(s, 'l', x) as tf.Tensor2D)) as tf.Scalar, vars);
      return [value.dataSync() as Float32Array, ...vars.map((v) => grads[v.name]!.dataSync() as Float32Array)];
    });
  const fresh = (): ParamStore => {
    const copy = new ParamStore();
    addLinear(copy, 'l', 7, 5, new Rng(1));
    copy.copyFrom(store);
    enableKernelLinear(copy);
    return copy;
  };
  enableKernelLinear(store);
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
    assert.deepEqual(run(store), run(other), `after changing ${what}`);
    other.dispose();
  }
  x.dispose();
  store.dispose();
});
