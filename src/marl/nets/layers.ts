/** Small tensor building blocks shared by the agent network and the mixers. */
import * as tf from '@tensorflow/tfjs';
import type { Rng } from '../../util/rng.js';
import { uniformFanIn } from './init.js';
import { matMul } from './matmul.js';
import type { ParamStore } from './params.js';
import type { KernelLinearLayers } from './kernel-linear.js';

/** Register a Linear layer's `${prefix}.weight` `[nIn, nOut]` (maskable) and `${prefix}.bias` `[nOut]`. */
export function addLinear(params: ParamStore, prefix: string, nIn: number, nOut: number, rng: Rng): void {
  params.add(`${prefix}.weight`, [nIn, nOut], uniformFanIn(nIn * nOut, nIn, rng), true);
  params.add(`${prefix}.bias`, [nOut], uniformFanIn(nOut, nIn, rng), false);
}

/**
 * y = x·W + b for x `[R, nIn]` → `[R, nOut]`; on the WebAssembly kernels when the network's `kernels`
 * are given and active (`kernel-linear.ts`), else in tfjs.
 */
export function linear(
  params: ParamStore,
  prefix: string,
  x: tf.Tensor2D,
  kernels: KernelLinearLayers | null = null,
): tf.Tensor2D {
  const viaKernels = kernels?.apply(params, prefix, x) ?? null;
  if (viaKernels) return viaKernels;
  return tf.add(matMul(x, params.get(`${prefix}.weight`) as tf.Tensor2D), params.get(`${prefix}.bias`));
}
