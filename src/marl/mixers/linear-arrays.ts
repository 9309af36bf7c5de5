/**
 * One linear layer of a parameter store on the CSR kernels, for the array update: plain arrays in
 * and out, its weights kept in kernel memory and refreshed by what changed since they were loaded
 * (`resident-weights.ts`). Unlike `kernel-linear.ts` there is no tfjs op around it: the caller runs
 * the backward pass itself.
 */
import { SparseLinearKernel } from '../../kernels/sparse-linear.js';
import type { ParamStore } from '../nets/params.js';
import { residentRefresh, type ResidentKey } from '../nets/resident-weights.js';

/** y = x·W + b for layer `prefix` (`prefix.weight` `[in, out]`, `prefix.bias` `[out]`) of a store. */
export class ArrayLinear {
  private readonly kernel: SparseLinearKernel;
  private loaded: ResidentKey | null = null;

  constructor(
    private readonly store: ParamStore,
    readonly prefix: string,
  ) {
    const [nIn, nOut] = store.shape(`${prefix}.weight`) as [number, number];
    this.kernel = new SparseLinearKernel(nIn, nOut);
  }

  /** Output width. */
  get outputs(): number {
    return this.kernel.outputs;
  }

  /**
   * y `[rows, out]` from x `[rows, in]`, keeping x for {@link backward}.
   * @param allPositions store every position (pruned weights are 0), so the backward gives the dense gradient
   * @param relu return relu(y), computed in the kernels
   */
  forward(x: Float32Array, rows: number, allPositions = false, relu = false): Float32Array {
    const w = this.store.get(`${this.prefix}.weight`);
    const b = this.store.get(`${this.prefix}.bias`);
    const mask = allPositions ? null : this.store.mask(`${this.prefix}.weight`);
    const now = { layout: [allPositions, mask], data: [w.dataId, b.dataId] };
    const refresh = residentRefresh(this.loaded, now);
    if (refresh !== 'none') {
      const [values, bias] = [w.dataSync() as Float32Array, b.dataSync() as Float32Array];
      if (refresh === 'values') this.kernel.loadValues(values, bias);
      else this.kernel.load(values, mask, bias);
      this.loaded = now;
    }
    return this.kernel.forwardLoaded(x, rows, relu);
  }

  /**
   * dx `[rows, in]`, dw `[in, out]` (zero where not stored) and db `[out]` from dy `[rows, out]`.
   * @param reluInput x was a ReLU's output: dx is its input's gradient (0 where x = 0)
   * @param wantDx false for a first layer (its input is the state): dx is skipped and returned empty
   */
  backward(
    dy: Float32Array,
    reluInput = false,
    wantDx = true,
  ): { dx: Float32Array; dw: Float32Array; db: Float32Array } {
    return this.kernel.backward(dy, reluInput, wantDx);
  }
}
