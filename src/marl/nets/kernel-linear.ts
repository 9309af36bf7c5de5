/**
 * Linear layers on the WebAssembly CSR kernels (`src/kernels/sparse-linear.ts`) as one
 * differentiable tfjs op each. The learner makes one {@link KernelLinearLayers} per mixer-side
 * network (the mixer and the central critic, online and target) when `compute` is `kernels` and
 * hands it to the network, which passes it to `layers.linear()`; a network built without one runs
 * its layers in tfjs. There is no density threshold: the kernels are used at every density (their
 * measured speed against tfjs-wasm's matMul is in docs/benchmarks.md). Each layer's weights stay in
 * kernel memory between calls and are read again only when they or the mask changed.
 */
import * as tf from '@tensorflow/tfjs';
import { SparseLinearKernel } from '../../kernels/sparse-linear.js';
import type { ParamStore } from './params.js';
import { residentRefresh, type ResidentKey } from './resident-weights.js';

/** A layer's kernel and what its weights were loaded from: the tensors' data and the mask, by identity. */
interface LayerKernel {
  kernel: SparseLinearKernel;
  loaded: ResidentKey | null;
}

/**
 * Bring `layer`'s weights in kernel memory up to date with `w`, `b` and `mask`: nothing to do when
 * neither tensor was assigned since (tfjs gives an assigned variable new data; the target mixer's
 * change only at target syncs), the stored values only under the same mask, else the compressed
 * rows anew (a topology update).
 */
function sync(layer: LayerKernel, w: tf.Tensor, b: tf.Tensor, mask: Uint8Array | null): void {
  const now = { layout: [mask], data: [w.dataId, b.dataId] };
  const refresh = residentRefresh(layer.loaded, now);
  if (refresh === 'none') return;
  const [values, bias] = [w.dataSync() as Float32Array, b.dataSync() as Float32Array];
  if (refresh === 'values') layer.kernel.loadValues(values, bias);
  else layer.kernel.load(values, mask, bias);
  layer.loaded = now;
}

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
  private readonly kernels = new Map<string, LayerKernel>();

  /** The kernel for layer `prefix` of `store`, made on first use. */
  private kernelFor(store: ParamStore, prefix: string): LayerKernel {
    let layer = this.kernels.get(prefix);
    if (!layer) {
      const [nIn, nOut] = store.shape(`${prefix}.weight`) as [number, number];
      layer = { kernel: new SparseLinearKernel(nIn, nOut), loaded: null };
      this.kernels.set(prefix, layer);
    }
    return layer;
  }

  /**
   * y = x·W + b for x `[R, nIn]` → `[R, nOut]` with layer `prefix` of `store` on the kernels (masked
   * positions skipped), or null when not {@link active} (the caller then uses tfjs).
   */
  apply(store: ParamStore, prefix: string, x: tf.Tensor2D): tf.Tensor2D | null {
    if (!this.active) return null;
    const layer = this.kernelFor(store, prefix);
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
          return [
            tf.tensor2d(g.dx, [rows, kernel.inputs]),
            tf.tensor2d(g.dw, [kernel.inputs, kernel.outputs]),
            tf.tensor1d(g.db),
          ];
        },
      };
    }) as unknown as Parameters<typeof tf.customGrad>[0]);
    return op(x, store.get(`${prefix}.weight`), store.get(`${prefix}.bias`)) as tf.Tensor2D;
  }
}
