/**
 * Named trainable tensors with their masks. Every weight matrix may carry a 0/1 mask (biases never
 * do); masks travel with the weights through target syncs, checkpoints and snapshots, and the store
 * re-applies them after every change so pruned weights stay exactly zero.
 */
import * as tf from '@tensorflow/tfjs';
import { ShapeError } from '@mast-toolkit/runtime/internal/util/errors';

/** Plain-array form of one parameter, used by checkpoints and snapshots. */
export interface ParamArrays {
  shape: number[];
  values: Float32Array;
  mask?: Uint8Array;
}

function sameMask(a: Uint8Array | null, b: Uint8Array | null): boolean {
  if (a === null || b === null) return a === b;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

interface Entry {
  variable: tf.Variable;
  shape: number[];
  /** Whether this tensor is a weight matrix that can be masked. */
  maskable: boolean;
  mask: Uint8Array | null;
  maskTensor: tf.Tensor | null;
}

/** An ordered collection of named tf.Variables with optional masks. */
export class ParamStore {
  private readonly entries = new Map<string, Entry>();

  /** Add a parameter with initial values; `maskable` marks weight matrices (not biases). */
  add(name: string, shape: number[], values: Float32Array, maskable: boolean): tf.Variable {
    if (this.entries.has(name)) throw new RangeError(`ParamStore: duplicate parameter '${name}'`);
    const size = shape.reduce((a, b) => a * b, 1);
    if (values.length !== size)
      throw new ShapeError(`ParamStore: '${name}' has ${values.length} values for shape [${shape}]`);
    const variable = tf.variable(tf.tensor(values, shape, 'float32'), true, undefined, 'float32');
    this.entries.set(name, { variable, shape, maskable, mask: null, maskTensor: null });
    return variable;
  }

  private entry(name: string): Entry {
    const e = this.entries.get(name);
    if (!e) throw new RangeError(`ParamStore: no parameter '${name}'; have ${[...this.entries.keys()].join(', ')}`);
    return e;
  }

  /** The variable named `name`. */
  get(name: string): tf.Variable {
    return this.entry(name).variable;
  }

  /** Parameter names in insertion order. */
  names(): string[] {
    return [...this.entries.keys()];
  }

  /** Names of weight matrices that can carry masks. */
  maskableNames(): string[] {
    return this.names().filter((n) => this.entry(n).maskable);
  }

  /** Shape of a parameter. */
  shape(name: string): number[] {
    return this.entry(name).shape;
  }

  /** All variables, in insertion order. */
  variables(): tf.Variable[] {
    return [...this.entries.values()].map((e) => e.variable);
  }

  /** The mask of `name` (null when dense). */
  mask(name: string): Uint8Array | null {
    return this.entry(name).mask;
  }

  /** The mask of `name` as a float tensor (null when dense); owned by the store. */
  maskTensor(name: string): tf.Tensor | null {
    return this.entry(name).maskTensor;
  }

  /** Set (or clear, with null) the mask of a weight matrix and zero its pruned weights. */
  setMask(name: string, mask: Uint8Array | null): void {
    const e = this.entry(name);
    if (mask && !e.maskable) throw new RangeError(`ParamStore: '${name}' is not a weight matrix and cannot be masked`);
    if (mask && mask.length !== e.variable.size)
      throw new ShapeError(`ParamStore: mask for '${name}' has ${mask.length} entries, expected ${e.variable.size}`);
    e.maskTensor?.dispose();
    e.mask = mask ? new Uint8Array(mask) : null;
    e.maskTensor = mask ? tf.keep(tf.tensor(Float32Array.from(mask), e.shape, 'float32')) : null;
    this.applyMask(name);
  }

  /** Zero the pruned weights of `name`. */
  applyMask(name: string): void {
    const e = this.entry(name);
    if (e.maskTensor) tf.tidy(() => e.variable.assign(tf.mul(e.variable, e.maskTensor as tf.Tensor)));
  }

  /** Zero the pruned weights of every masked parameter. */
  applyMasks(): void {
    for (const name of this.entries.keys()) this.applyMask(name);
  }

  /** Multiply the values of `name` by `factor` (e.g. to rescale a sparse layer's initialisation). */
  scale(name: string, factor: number): void {
    const v = this.entry(name).variable;
    tf.tidy(() => v.assign(tf.mul(v, factor)));
  }

  /** Copy values and masks from a store with the same layout (target-network sync). */
  copyFrom(other: ParamStore): void {
    for (const [name, e] of this.entries) {
      const src = other.entry(name);
      if (!sameMask(src.mask, e.mask)) this.setMask(name, src.mask);
      e.variable.assign(src.variable);
    }
  }

  /** Download every parameter as plain arrays. */
  toArrays(): Record<string, ParamArrays> {
    const out: Record<string, ParamArrays> = {};
    for (const [name, e] of this.entries) {
      out[name] = {
        shape: [...e.shape],
        values: e.variable.dataSync() as Float32Array,
        ...(e.mask ? { mask: new Uint8Array(e.mask) } : {}),
      };
    }
    return out;
  }

  /** Load values (and masks) saved by {@link toArrays}; every parameter must be present with its shape. */
  loadArrays(arrays: Record<string, ParamArrays>, what: string): void {
    for (const [name, e] of this.entries) {
      const a = arrays[name];
      if (!a) throw new ShapeError(`${what}: missing parameter '${name}'`);
      if (a.values.length !== e.variable.size || a.shape.some((d, i) => d !== e.shape[i])) {
        throw new ShapeError(`${what}: parameter '${name}' has shape [${a.shape}], expected [${e.shape}]`);
      }
      e.variable.assign(tf.tensor(a.values, e.shape, 'float32'));
      this.setMask(name, a.mask ?? null);
    }
  }

  /** Release every variable and mask tensor. */
  dispose(): void {
    for (const e of this.entries.values()) {
      e.variable.dispose();
      e.maskTensor?.dispose();
    }
    this.entries.clear();
  }
}
