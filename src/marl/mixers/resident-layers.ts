/**
 * The linear layers of a {@link HypernetKernel} kept in step with the parameter store they mirror
 * (the array update's QMIX mixer and WQMIX central critic): before a forward, each layer's weights
 * in kernel memory are refreshed by what changed since they were loaded (`resident-weights.ts`).
 */
import type { HypernetKernel } from '../../kernels/hypernet.js';
import type { ParamStore } from '../nets/params.js';
import { residentRefresh, type ResidentKey } from '../nets/resident-weights.js';

/** A store's layers `names[i]` (`name.weight` `[in, out]`, `name.bias` `[out]`) as the kernel's layer i. */
export class ResidentLayers {
  private readonly loaded: Array<ResidentKey | null>;

  constructor(
    private readonly store: ParamStore,
    private readonly names: readonly string[],
    private readonly kernel: HypernetKernel,
  ) {
    this.loaded = names.map(() => null);
  }

  /**
   * Bring each layer up to date: nothing when no tensor was assigned since, the values under an
   * unchanged mask, else the compressed rows anew.
   * @param allPositions store every position, pruned ones too (RigL's dense gradient)
   */
  sync(allPositions: boolean): void {
    this.names.forEach((name, i) => {
      const [w, b] = [this.store.get(`${name}.weight`), this.store.get(`${name}.bias`)];
      const mask = allPositions ? null : this.store.mask(`${name}.weight`);
      const now = { layout: [allPositions, mask], data: [w.dataId, b.dataId] };
      const refresh = residentRefresh(this.loaded[i] ?? null, now);
      if (refresh === 'none') return;
      const [values, bias] = [w.dataSync() as Float32Array, b.dataSync() as Float32Array];
      if (refresh === 'values') this.kernel.loadValues(i, values, bias);
      else this.kernel.load(i, values, mask, bias);
      this.loaded[i] = now;
    });
  }

  /** Per layer's backward result (in the kernel's order), its gradients keyed by parameter name. */
  gradients(layers: ReadonlyArray<{ dw: Float32Array; db: Float32Array }>): Record<string, Float32Array> {
    const grads: Record<string, Float32Array> = {};
    this.names.forEach((name, i) => {
      grads[`${name}.weight`] = layers[i]!.dw;
      grads[`${name}.bias`] = layers[i]!.db;
    });
    return grads;
  }
}
