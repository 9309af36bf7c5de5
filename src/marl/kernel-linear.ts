/**
 * Linear layers on the WebAssembly CSR kernels (`src/kernels/sparse-linear.ts`) as one
 * differentiable tfjs op each, for the parameter stores the learner enables (the mixer and the
 * central critic when `compute` is `kernels`). There is no density threshold: for the mixer's
 * shapes (1,920 rows of a batch) the kernels' forward + backward measured 1.4–1.7× faster than
 * tfjs-wasm's matMul at density 1 and 2–6× at densities 0.7–0.1 (docs/benchmarks.md). Each layer's
 * weights stay in kernel memory between calls and are read again only when they or the mask changed.
 */
import * as tf from '@tensorflow/tfjs';
import { SparseLinearKernel } from '../kernels/sparse-linear.js';
import type { ParamStore } from './params.js';

/** A layer's kernel and what its weights were loaded from: the tensors' data and the mask, by identity. */
interface LayerKernel {
  kernel: SparseLinearKernel;
  loaded: { w: object; b: object; mask: Uint8Array | null } | null;
}

const enabled = new WeakMap<ParamStore, { active: boolean; kernels: Map<string, LayerKernel> }>();

/**
 * Let `store`'s linear layers run on the kernels, or pause that with `active` false: the kernels
 * differentiate at stored positions only, so an update that wants RigL's dense gradient runs the
 * layers in tfjs.
 */
export function enableKernelLinear(store: ParamStore, active = true): void {
  const entry = enabled.get(store);
  if (entry) entry.active = active;
  else enabled.set(store, { active, kernels: new Map() });
}

/** The kernel for layer `prefix` of `store`, or null when it should run in tfjs. */
function kernelFor(store: ParamStore, prefix: string): LayerKernel | null {
  const entry = enabled.get(store);
  const name = `${prefix}.weight`;
  if (!entry?.active) return null;
  const kernels = entry.kernels;
  let layer = kernels.get(prefix);
  if (!layer) {
    const [nIn, nOut] = store.shape(name) as [number, number];
    layer = { kernel: new SparseLinearKernel(nIn, nOut), loaded: null };
    kernels.set(prefix, layer);
  }
  return layer;
}

/**
 * Bring `layer`'s weights in kernel memory up to date with `w`, `b` and `mask`: nothing to do when
 * neither tensor was assigned since (tfjs gives an assigned variable new data; the target mixer's
 * change only at target syncs), the stored values only under the same mask, else the compressed
 * rows anew (a topology update).
 */
function sync(layer: LayerKernel, w: tf.Tensor, b: tf.Tensor, mask: Uint8Array | null): void {
  const last = layer.loaded;
  if (last && last.mask === mask && last.w === w.dataId && last.b === b.dataId) return;
  const [values, bias] = [w.dataSync() as Float32Array, b.dataSync() as Float32Array];
  if (last && last.mask === mask) layer.kernel.loadValues(values, bias);
  else layer.kernel.load(values, mask, bias);
  layer.loaded = { w: w.dataId as object, b: b.dataId as object, mask };
}

/**
 * y = x·W + b for x `[R, nIn]` on the kernels (masked positions skipped), or null when `store` is
 * not enabled (the caller then uses tfjs).
 */
export function kernelLinear(store: ParamStore, prefix: string, x: tf.Tensor2D): tf.Tensor2D | null {
  const layer = kernelFor(store, prefix);
  if (!layer) return null;
  const kernel = layer.kernel;
  const mask = store.mask(`${prefix}.weight`);
  const rows = x.shape[0];
  const op = tf.customGrad(((input: tf.Tensor, w: tf.Tensor, b: tf.Tensor) => {
    sync(layer, w, b, mask);
    const y = kernel.forwardLoaded(input.dataSync() as Float32Array, rows);
    return {
      value: tf.tensor2d(y, [rows, kernel.outputs]),
      gradFunc: (dy: tf.Tensor) => {
        const g = kernel.backward(dy.dataSync() as Float32Array);
        return [tf.tensor2d(g.dx, [rows, kernel.inputs]), tf.tensor2d(g.dw, [kernel.inputs, kernel.outputs]), tf.tensor1d(g.db)];
      },
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]);
  return op(x, store.get(`${prefix}.weight`), store.get(`${prefix}.bias`)) as tf.Tensor2D;
}
