/**
 * Adam and RMSprop written over a {@link ParamStore}, with their moments as named variables. tfjs's
 * own optimizers keep moments private; sparse training needs to reset them at regrown positions and
 * checkpoints need to save them, so the toolkit owns this small piece.
 *
 * Update rules (PyTorch's, so pymarl's settings carry over):
 *   Adam:    m ← β1·m + (1−β1)·g;  v ← β2·v + (1−β2)·g²;  w ← w − lr·(m/(1−β1ᵗ)) / (√(v/(1−β2ᵗ)) + ε)
 *   RMSprop: s ← α·s + (1−α)·g²;   w ← w − lr·g / (√s + ε)
 * Gradients are clipped by their global norm first (pymarl `grad_norm_clip`).
 */
import * as tf from '@tensorflow/tfjs';
import type { OptimizerConfig } from '../config/types.js';
import type { ParamStore } from './params.js';

/** Saved optimizer state: step count and every moment tensor as plain arrays. */
export interface OptimizerState {
  step: number;
  moments: Record<string, Float32Array>;
}

/** An optimizer bound to one or more parameter stores. */
export class Optimizer {
  private step = 0;
  private readonly moments = new Map<string, tf.Variable>();
  private readonly targets = new Map<string, { store: ParamStore; name: string }>();

  /**
   * @param stores parameter stores keyed by a prefix (e.g. `agent`, `mixer`) that keeps names unique.
   */
  constructor(private readonly config: OptimizerConfig, stores: Record<string, ParamStore>) {
    const slots = config.name === 'adam' ? ['m', 'v'] : ['s'];
    for (const [prefix, store] of Object.entries(stores)) {
      for (const name of store.names()) {
        const key = `${prefix}/${name}`;
        this.targets.set(key, { store, name });
        for (const slot of slots) this.moments.set(`${key}/${slot}`, tf.variable(tf.zerosLike(store.get(name)), false));
      }
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
    const { lr, eps, beta1, beta2, alpha, gradClip } = this.config;
    const norm = tf.tidy(() => tf.sqrt(tf.addN(Object.values(grads).map((g) => tf.sum(tf.square(g))))).dataSync()[0] as number);
    const scale = Math.min(1, gradClip / (norm + 1e-6));
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

  /** Zero every moment of parameter `key` where `positions` is 1 (regrown or dropped weights). */
  resetMoments(key: string, positions: Uint8Array): void {
    tf.tidy(() => {
      const keep = tf.tensor(Float32Array.from(positions, (p) => (p ? 0 : 1)), this.variable(key).shape);
      for (const [slotKey, m] of this.moments) if (slotKey.startsWith(`${key}/`)) m.assign(tf.mul(m, keep));
    });
  }

  /** The step count and moments, for checkpoints. */
  getState(): OptimizerState {
    const moments: Record<string, Float32Array> = {};
    for (const [k, m] of this.moments) moments[k] = m.dataSync() as Float32Array;
    return { step: this.step, moments };
  }

  /** Restore state saved by {@link getState}. */
  setState(state: OptimizerState, what: string): void {
    for (const [k, m] of this.moments) {
      const saved = state.moments[k];
      if (!saved || saved.length !== m.size) throw new RangeError(`${what}: optimizer moment '${k}' is missing or has the wrong size`);
      m.assign(tf.tensor(saved, m.shape, 'float32'));
    }
    this.step = state.step;
  }

  /** Release the moment variables. */
  dispose(): void {
    for (const m of this.moments.values()) m.dispose();
    this.moments.clear();
  }
}
