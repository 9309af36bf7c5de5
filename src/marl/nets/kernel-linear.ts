/**
 * Linear layers on the WebAssembly CSR kernels (`src/kernels/sparse-linear.ts`) as one
 * differentiable tfjs op each. The learner makes one {@link KernelLinearLayers} per mixer-side
 * network (the mixer and the central critic, online and target) when `compute` is `kernels` and
 * hands it to the network, which passes it to `layers.linear()`; a network built without one runs
 * its layers in tfjs. There is no density threshold: the kernels are used at every density (their
 * measured speed against tfjs-wasm's matMul is in docs/benchmarks.md).
 */
import * as tf from '@tensorflow/tfjs';
import { SparseLinearKernel } from '../../kernels/sparse-linear.js';
import type { ParamStore } from './params.js';

/**
 * The kernel linear layers of one network: a kernel per layer, made on first use (each keeps the
 * forward pass's buffers for its backward pass, so a network's layers never share one).
 */
export class KernelLinearLayers {
  /**
   * Whether the layers run on the kernels; false runs them in tfjs. The kernels differentiate at
   * stored positions only, so an update that wants RigL's dense gradient sets this false.
   */
  active = true;
  private readonly kernels = new Map<string, SparseLinearKernel>();

  /** The kernel for layer `prefix` of `store`, made on first use. */
  private kernelFor(store: ParamStore, prefix: string): SparseLinearKernel {
    let kernel = this.kernels.get(prefix);
    if (!kernel) {
      const [nIn, nOut] = store.shape(`${prefix}.weight`) as [number, number];
      kernel = new SparseLinearKernel(nIn, nOut);
      this.kernels.set(prefix, kernel);
    }
    return kernel;
  }

  /**
   * y = x·W + b for x `[R, nIn]` → `[R, nOut]` with layer `prefix` of `store` on the kernels (masked
   * positions skipped), or null when not {@link active} (the caller then uses tfjs).
   */
  apply(store: ParamStore, prefix: string, x: tf.Tensor2D): tf.Tensor2D | null {
    if (!this.active) return null;
    const kernel = this.kernelFor(store, prefix);
    const mask = store.mask(`${prefix}.weight`);
    const rows = x.shape[0];
    const op = tf.customGrad(((input: tf.Tensor, w: tf.Tensor, b: tf.Tensor) => {
      const y = kernel.forward(input.dataSync() as Float32Array, rows, w.dataSync() as Float32Array, mask, b.dataSync() as Float32Array);
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
}
