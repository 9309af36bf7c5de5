/**
 * Adam and RMSprop written over a {@link ParamStore}, with their moments as named variables. tfjs's
 * own optimizers keep moments private; sparse training needs to reset them at regrown positions and
 * checkpoints need to save them, so the toolkit owns this small piece.
 *
 * Update rules (PyTorch's, so pymarl's settings carry over):
 *   Adam:    m ← β1·m + (1−β1)·g;  v ← β2·v + (1−β2)·g²;  w ← w − lr·(m/(1−β1ᵗ)) / (√(v/(1−β2ᵗ)) + ε)
 *   RMSprop: s ← α·s + (1−α)·g²;   w ← w − lr·g / (√s + ε)
 * Gradients are clipped by their global norm first (pymarl `grad_norm_clip`).
 *
 * With `kernels` the update runs on the WebAssembly kernels (`src/kernels/optimizer-step.ts`), the
 * moments in kernel memory: the same bits as the tfjs ops, in one call per tensor instead of a dozen.
 */
import * as tf from '@tensorflow/tfjs';
import type { OptimizerConfig } from '../../config/types.js';
import { MOMENT_NAMES, OptimizerKernel } from '../../kernels/optimizer-step.js';
import type { ParamStore } from '../nets/params.js';

/** Saved optimizer state: step count and every moment tensor as plain arrays. */
export interface OptimizerState {
  step: number;
  moments: Record<string, Float32Array>;
}

/** An optimizer bound to one or more parameter stores. */
export class Optimizer {
  private step = 0;
  private readonly moments = new Map<string, tf.Variable>(); // the tfjs path's
  private readonly kernel: OptimizerKernel | null;
  private readonly targets = new Map<string, { store: ParamStore; name: string }>();
  /** Per key, the data the kernel step last assigned to its variable (see {@link kernelStep}). */
  private readonly assigned = new Map<string, object>();

  /**
   * @param stores parameter stores keyed by a prefix (e.g. `agent`, `mixer`) that keeps names unique.
   * @param options.kernels update on the WebAssembly kernels instead of tfjs ops (same results)
   */
  constructor(
    private readonly config: OptimizerConfig,
    stores: Record<string, ParamStore>,
    options: { kernels?: boolean } = {},
  ) {
    for (const [prefix, store] of Object.entries(stores)) {
      for (const name of store.names()) this.targets.set(`${prefix}/${name}`, { store, name });
    }
    const sizes = Object.fromEntries([...this.targets].map(([key, t]) => [key, t.store.get(t.name).size]));
    this.kernel = options.kernels ? new OptimizerKernel(config, sizes) : null;
    if (this.kernel) return;
    for (const [key, { store, name }] of this.targets) {
      for (const slot of MOMENT_NAMES[config.name])
        this.moments.set(`${key}/${slot}`, tf.variable(tf.zerosLike(store.get(name)), false));
    }
  }

  /** Keys (`prefix/name`) of the parameters this optimizer updates, in order. */
  keys(): string[] {
    return [...this.targets.keys()];
  }

  /** The variable behind a key. */
  variable(key: string): tf.Variable {
    const t = this.targets.get(key);
    if (!t) throw new RangeError(`Optimizer: unknown parameter key '${key}'`);
    return t.store.get(t.name);
  }

  /**
   * Clip `grads` (keyed like {@link keys}) by global norm, apply one update, and re-apply masks.
   * @returns the gradient norm before clipping.
   */
  apply(grads: Record<string, tf.Tensor>): number {
    this.step += 1;
    const { lr, eps, beta1, beta2, alpha } = this.config;
    const norm = tf.tidy(
      () => tf.sqrt(tf.addN(Object.values(grads).map((g) => tf.sum(tf.square(g))))).dataSync()[0] as number,
    );
    const scale = this.clipScale(norm);
    if (this.kernel) {
      this.kernelStep(this.kernel, scale, (key) => grads[key]?.dataSync() as Float32Array | undefined);
      return norm;
    }
    tf.tidy(() => {
      for (const [key, { store, name }] of this.targets) {
        const raw = grads[key];
        if (!raw) continue;
        const g = scale < 1 ? tf.mul(raw, scale) : raw;
        const w = store.get(name);
        if (this.config.name === 'adam') {
          const m = this.moments.get(`${key}/m`) as tf.Variable;
          const v = this.moments.get(`${key}/v`) as tf.Variable;
          m.assign(tf.add(tf.mul(m, beta1), tf.mul(g, 1 - beta1)));
          v.assign(tf.add(tf.mul(v, beta2), tf.mul(tf.square(g), 1 - beta2)));
          const mHat = tf.div(m, 1 - beta1 ** this.step);
          const vHat = tf.div(v, 1 - beta2 ** this.step);
          w.assign(tf.sub(w, tf.div(tf.mul(mHat, lr), tf.add(tf.sqrt(vHat), eps))));
        } else {
          const s = this.moments.get(`${key}/s`) as tf.Variable;
          s.assign(tf.add(tf.mul(s, alpha), tf.mul(tf.square(g), 1 - alpha)));
          w.assign(tf.sub(w, tf.div(tf.mul(g, lr), tf.add(tf.sqrt(s), eps))));
        }
        store.applyMask(name);
      }
    });
    return norm;
  }

  /**
   * {@link apply} on plain-array gradients (the array update; needs the kernel optimizer): clip by
   * the global norm, one update per parameter on the kernels, the new weights written back to the
   * parameter stores' variables.
   * @returns the gradient norm before clipping.
   */
  applyArrays(grads: Record<string, Float32Array>): number {
    const kernel = this.kernel;
    if (!kernel) throw new Error('Optimizer.applyArrays needs the kernel optimizer ({ kernels: true })');
    this.step += 1;
    let sumSq = 0;
    for (const g of Object.values(grads))
      for (let i = 0; i < g.length; i++) sumSq += (g[i] as number) * (g[i] as number);
    const norm = Math.fround(Math.sqrt(sumSq));
    this.kernelStep(kernel, this.clipScale(norm), (key) => grads[key]);
    return norm;
  }

  /** The factor clipping a gradient of global norm `norm` to `gradClip`. */
  private clipScale(norm: number): number {
    return Math.min(1, this.config.gradClip / (norm + 1e-6));
  }

  /**
   * One step on the kernels for every parameter `gradient` has a gradient for (keyed like
   * {@link keys}), scaled by `scale`; the new weights are assigned to the stores' variables, which
   * stay the truth: a variable still holding the data this step assigned last time (tfjs gives
   * assigned data a new `dataId`) starts from the kernel's own copy of those weights, the same
   * values, without reading them back out of tfjs; one assigned since by anything else (a restore,
   * a mask update, a copy of weights) is read.
   */
  private kernelStep(
    kernel: OptimizerKernel,
    scale: number,
    gradient: (key: string) => Float32Array | undefined,
  ): void {
    for (const [key, { store, name }] of this.targets) {
      const g = gradient(key);
      if (!g) continue;
      const w = store.get(name);
      const resident = this.assigned.get(key) === w.dataId;
      const next = kernel.update(
        key,
        resident ? null : (w.dataSync() as Float32Array),
        g,
        store.mask(name),
        this.step,
        scale,
      );
      tf.tidy(() => w.assign(tf.tensor(next, w.shape, 'float32')));
      this.assigned.set(key, w.dataId);
    }
  }

  /** Zero every moment of parameter `key` where `positions` is 1 (regrown or dropped weights). */
  resetMoments(key: string, positions: Uint8Array): void {
    if (this.kernel) return this.kernel.resetMoments(key, positions);
    tf.tidy(() => {
      const keep = tf.tensor(
        Float32Array.from(positions, (p) => (p ? 0 : 1)),
        this.variable(key).shape,
      );
      for (const [slotKey, m] of this.moments) if (slotKey.startsWith(`${key}/`)) m.assign(tf.mul(m, keep));
    });
  }

  /** The step count and moments, for checkpoints. */
  getState(): OptimizerState {
    const moments: Record<string, Float32Array> = {};
    for (const [k, m] of this.moments) moments[k] = m.dataSync() as Float32Array;
    const kernel = this.kernel;
    if (kernel) {
      for (const key of this.targets.keys())
        MOMENT_NAMES[this.config.name].forEach(
          (slot, i) => (moments[`${key}/${slot}`] = kernel.moment(key, i).slice()),
        );
    }
    return { step: this.step, moments };
  }

  /** Restore state saved by {@link getState}. */
  setState(state: OptimizerState, what: string): void {
    const saved = (k: string, size: number): Float32Array => {
      const values = state.moments[k];
      if (!values || values.length !== size)
        throw new RangeError(`${what}: optimizer moment '${k}' is missing or has the wrong size`);
      return values;
    };
    for (const [k, m] of this.moments) m.assign(tf.tensor(saved(k, m.size), m.shape, 'float32'));
    const kernel = this.kernel;
    if (kernel) {
      for (const key of this.targets.keys()) {
        MOMENT_NAMES[this.config.name].forEach((slot, i) => {
          const m = kernel.moment(key, i);
          m.set(saved(`${key}/${slot}`, m.length));
        });
      }
    }
    this.step = state.step;
  }

  /** Release the moment variables. */
  dispose(): void {
    for (const m of this.moments.values()) m.dispose();
    this.moments.clear();
  }
}
