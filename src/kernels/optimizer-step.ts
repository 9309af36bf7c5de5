/**
 * Adam and RMSprop updates on the WebAssembly kernels. Each parameter's moments live in kernel
 * memory; an update copies its weights and gradient in and the new weights out, one kernel call in
 * place of about a dozen tfjs ops per tensor. The kernels evaluate the rule in f32 one operation at a
 * time, in the order the tfjs-op optimizer (`src/marl/learner/optimizer.ts`) does, and WebAssembly's f32
 * arithmetic is IEEE's, so both give the same bits.
 */
import type { OptimizerConfig } from '../config/types.js';
import { KernelArena } from '@mast-toolkit/runtime/internal/kernels/kernels';

/** One parameter's buffers: `[padded]` floats each, the padding kept at zero. */
interface Slot {
  size: number;
  padded: number;
  w: number;
  g: number;
  mask: number;
  /** Adam: m, v; RMSprop: s. */
  moments: number[];
  /** The mask last written to `mask` (by identity: a new mask is a new array), so an unchanged one is not copied again. */
  maskWritten: Uint8Array | null;
  /** Whether `w` holds the weights an update returned (what a later update may start from). */
  updated: boolean;
}

/** The moment names of each rule, in the order {@link Slot.moments} holds them. */
export const MOMENT_NAMES: Record<OptimizerConfig['name'], readonly string[]> = { adam: ['m', 'v'], rmsprop: ['s'] };

/** Optimizer state and update for a set of parameters, by key. */
export class OptimizerKernel {
  private readonly arena = new KernelArena();
  private readonly slots = new Map<string, Slot>();

  /** @param sizes each parameter's number of values, by key */
  constructor(
    private readonly config: OptimizerConfig,
    sizes: Record<string, number>,
  ) {
    const a = this.arena;
    for (const [key, size] of Object.entries(sizes)) {
      const padded = Math.ceil(size / 4) * 4;
      const buffer = (): number => a.alloc(4 * padded);
      this.slots.set(key, {
        size,
        padded,
        w: buffer(),
        g: buffer(),
        mask: buffer(),
        moments: MOMENT_NAMES[config.name].map(buffer),
        maskWritten: null,
        updated: false,
      });
    }
  }

  private slot(key: string): Slot {
    const s = this.slots.get(key);
    if (!s) throw new RangeError(`OptimizerKernel: unknown parameter key '${key}'`);
    return s;
  }

  /**
   * One update of parameter `key`.
   * @param w its weights, or null for the ones this kernel returned from its last update of `key`
   *   (still in kernel memory: no copy in); @param g its gradient (before clipping), both `[size]`
   * @param mask 0/1 per weight, or null: the new weights are multiplied by it. Told apart by identity
   *   (the parameter store makes a new array for every new mask): do not change one in place.
   * @param step the update count, from 1 (Adam's bias correction)
   * @param scale the global-norm clipping factor (1 when the norm is within the bound)
   * @returns the new weights, a fresh array
   */
  update(
    key: string,
    w: Float32Array | null,
    g: Float32Array,
    mask: Uint8Array | null,
    step: number,
    scale: number,
  ): Float32Array {
    const s = this.slot(key);
    if ((w && w.length !== s.size) || g.length !== s.size || (mask && mask.length !== s.size)) {
      throw new RangeError(
        `OptimizerKernel.update: '${key}' has ${s.size} values, got weights ${w?.length}, gradient ${g.length}${mask ? `, mask ${mask.length}` : ''}`,
      );
    }
    const a = this.arena;
    const heap = a.heap;
    if (w) heap.set(w, s.w >> 2);
    else if (!s.updated)
      throw new RangeError(`OptimizerKernel.update: '${key}' has no weights of a last update; pass them`);
    heap.set(g, s.g >> 2);
    if (mask && mask !== s.maskWritten) {
      const m = a.f32(s.mask, s.size);
      for (let i = 0; i < s.size; i++) m[i] = mask[i] as number;
      s.maskWritten = mask;
    }
    // scalars cross into f32 parameters rounded to nearest, as tfjs rounds them into scalar tensors
    const { lr, eps, beta1, beta2, alpha } = this.config;
    const maskAt = mask ? s.mask : 0;
    if (this.config.name === 'adam') {
      const [m, v] = s.moments as [number, number];
      a.kernels.adam(
        s.w,
        s.g,
        m,
        v,
        maskAt,
        s.padded,
        scale,
        beta1,
        1 - beta1,
        beta2,
        1 - beta2,
        1 - beta1 ** step,
        1 - beta2 ** step,
        lr,
        eps,
      );
    } else {
      a.kernels.rmsprop(s.w, s.g, s.moments[0] as number, maskAt, s.padded, scale, alpha, 1 - alpha, lr, eps);
    }
    s.updated = true;
    return a.f32(s.w, s.size).slice();
  }

  /** Moment `index` (see {@link MOMENT_NAMES}) of parameter `key`, a view valid until the next update. */
  moment(key: string, index: number): Float32Array {
    const s = this.slot(key);
    const at = s.moments[index];
    if (at === undefined) throw new RangeError(`OptimizerKernel: ${this.config.name} has no moment ${index}`);
    return this.arena.f32(at, s.size);
  }

  /** Multiply every moment of `key` by 0 where `positions` is 1 (as the tfjs optimizer does, so a negative value becomes −0). */
  resetMoments(key: string, positions: Uint8Array): void {
    const s = this.slot(key);
    if (positions.length !== s.size)
      throw new RangeError(
        `OptimizerKernel.resetMoments: '${key}' has ${s.size} values, got ${positions.length} positions`,
      );
    for (let k = 0; k < s.moments.length; k++) {
      const m = this.moment(key, k);
      for (let i = 0; i < s.size; i++) if (positions[i]) m[i] = (m[i] as number) * 0;
    }
  }
}
