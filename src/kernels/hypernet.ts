/**
 * A mixer's hypernetworks on the WebAssembly CSR kernels in one piece of kernel memory, forward and
 * backward, for the array update (`compute: arrays`): every layer reads the states or another
 * layer's output where they already are, feature-major (`[features, lanes]`, lanes = rows padded to
 * a multiple of 4), so the states are copied in once per forward and nothing is copied between
 * layers. The caller reads the output layers' activations and writes their gradients through views
 * of kernel memory in the same layout (`src/marl/mixers/qmix-arrays.ts` does the mixing products
 * there). Weights are `[in, out]` row-major as the learner stores them, placed as CSR with one row
 * per output unit (masked positions dropped), so the work is proportional to the stored weights.
 * A caller may ask for scratch buffers of its own in the same layout and run kernels of its own on
 * all of these in place ({@link HypernetKernel.run}), as QMIX's mixing products do.
 */
import { KernelArena, type SparseKernels } from '@mast-toolkit/runtime/internal/kernels/kernels';
import { allocArenaCsr, denseGradient, refreshArenaCsr, writeArenaCsr, type ArenaCsr } from './weights.js';

/** One linear layer y = x·W + b of the graph. */
export interface HyperLayerSpec {
  inputs: number;
  outputs: number;
  /** The layer whose output is this layer's input (an earlier one), or null for the states. */
  from: number | null;
  /** Whether a ReLU follows (its output, not the product, is what later layers and the caller see). */
  relu: boolean;
}

/** A layer's weights and bias in kernel memory. */
interface Layer {
  spec: HyperLayerSpec;
  w: ArenaCsr;
  bias: number; // [out]
  biasGrad: number; // [out]
}

/** Activation buffers for up to `capacity` lanes, with the arena's marks around them. */
interface Buffers {
  capacity: number;
  start: number;
  end: number;
  states: number; // [S, lanes]
  staging: number; // row-major scratch, rows × S
  y: number[]; // per layer [out, lanes]
  dy: number[]; // per layer [out, lanes]
  scratch: number[]; // the caller's, [features, lanes] each
}

/** Byte offsets of a kernel's buffers at the last forward's lanes, for {@link HypernetKernel.run}. */
export interface HypernetBuffers {
  lanes: number;
  /** Per layer, its output `[out, lanes]`. */
  y: readonly number[];
  /** Per layer, ∂L/∂output `[out, lanes]` (written by the caller only inside a backward's fill). */
  dy: readonly number[];
  /** The caller's scratch buffers, `[features, lanes]` each. */
  scratch: readonly number[];
}

/** A graph of linear layers over the states, resident in one kernel arena. */
export class HypernetKernel {
  private readonly arena = new KernelArena();
  private readonly layers: Layer[];
  private readonly consumed: boolean[]; // whether a later layer reads this one's output
  private buffers: Buffers | null = null;
  private lanesNow = 0;

  /**
   * @param stateSize the states' width S; @param specs the layers, each reading the states or an earlier layer
   * @param scratch the caller's scratch buffers, by features (each `[features, lanes]`, resized with the activations)
   */
  constructor(
    readonly stateSize: number,
    specs: readonly HyperLayerSpec[],
    private readonly scratchFeatures: readonly number[] = [],
  ) {
    const a = this.arena;
    specs.forEach((s, i) => {
      const from = s.from === null ? null : specs[s.from];
      if (s.from !== null && (s.from >= i || from?.outputs !== s.inputs))
        throw new RangeError(`HypernetKernel: layer ${i} must read an earlier layer of width ${s.inputs}`);
      if (s.from === null && s.inputs !== stateSize)
        throw new RangeError(`HypernetKernel: layer ${i} reads the states (${stateSize}) but has ${s.inputs} inputs`);
    });
    this.layers = specs.map((spec) => ({
      spec,
      w: allocArenaCsr(a, spec.inputs, spec.outputs),
      bias: a.alloc(4 * spec.outputs),
      biasGrad: a.alloc(4 * spec.outputs),
    }));
    this.consumed = specs.map((_, i) => specs.some((s) => s.from === i));
  }

  /** Lanes of the last forward (rows rounded up to a multiple of 4): the stride of every view. */
  get lanes(): number {
    return this.lanesNow;
  }

  /** Place layer `index`'s weights `[in, out]` as CSR (masked positions dropped) and its bias `[out]`. */
  load(index: number, w: Float32Array, mask: Uint8Array | null, b: Float32Array): void {
    const layer = this.layer(index);
    writeArenaCsr(this.arena, layer.w, w, mask);
    this.arena.f32(layer.bias, layer.spec.outputs).set(b);
  }

  /** New values for layer `index`'s weights under the mask of its last {@link load}. */
  loadValues(index: number, w: Float32Array, b: Float32Array): void {
    const layer = this.layer(index);
    refreshArenaCsr(this.arena, layer.w, w);
    this.arena.f32(layer.bias, layer.spec.outputs).set(b);
  }

  private layer(index: number): Layer {
    const layer = this.layers[index];
    if (!layer) throw new RangeError(`HypernetKernel: no layer ${index}`);
    return layer;
  }

  /** Buffers for `lanes` lanes, reused while they fit; outgrown ones are replaced by 1.5× the room. */
  private buffersFor(lanes: number): Buffers {
    const old = this.buffers;
    if (old && old.capacity >= lanes) return old;
    const a = this.arena;
    const capacity = old ? Math.max(lanes, Math.ceil((1.5 * old.capacity) / 4) * 4) : lanes;
    this.buffers = a.regrow(old, () => ({
      capacity,
      states: a.alloc(4 * this.stateSize * capacity),
      staging: a.alloc(4 * this.stateSize * capacity),
      y: this.layers.map((l) => a.alloc(4 * l.spec.outputs * capacity)),
      dy: this.layers.map((l) => a.alloc(4 * l.spec.outputs * capacity)),
      scratch: this.scratchFeatures.map((f) => a.alloc(4 * f * capacity)),
    }));
    return this.buffers;
  }

  /** Every layer's output for the states `[rows, S]` (row-major); read them with {@link output}. */
  forward(states: Float32Array, rows: number): void {
    const s = this.stateSize;
    if (states.length !== rows * s)
      throw new RangeError(`HypernetKernel.forward: states have ${states.length} values, expected ${rows}×${s}`);
    const lanes = Math.ceil(rows / 4) * 4;
    const buf = this.buffersFor(lanes);
    const a = this.arena;
    const k = a.kernels;
    this.lanesNow = lanes;
    a.putFeatureMajor(states, rows, s, lanes, buf.staging, buf.states); // [S, lanes]
    if (lanes > rows) for (let f = 0; f < s; f++) a.zero(buf.states + 4 * (f * lanes + rows), lanes - rows); // padded lanes 0
    this.layers.forEach(({ spec, w, bias }, i) => {
      const [x, y] = [spec.from === null ? buf.states : (buf.y[spec.from] as number), buf.y[i] as number];
      k.spmmBias(w.rowStart, w.col, w.val, spec.outputs, x, y, lanes, bias, spec.relu ? 1 : 0); // [out, lanes]
    });
  }

  /** Layer `index`'s output of the last forward, `[out, lanes]` (a view, valid until the next forward). */
  output(index: number): Float32Array {
    const buf = this.buffers;
    if (!buf) throw new Error('HypernetKernel.output needs a forward first');
    return this.arena.f32(buf.y[index] as number, this.layer(index).spec.outputs * this.lanesNow);
  }

  /** Layer `index`'s ∂L/∂output buffer, `[out, lanes]` (a view; written by the caller inside a backward's fill). */
  gradient(index: number): Float32Array {
    const buf = this.buffers;
    if (!buf) throw new Error('HypernetKernel.gradient needs a forward first');
    return this.arena.f32(buf.dy[index] as number, this.layer(index).spec.outputs * this.lanesNow);
  }

  /** Scratch buffer `index` (see the constructor), `[features, lanes]` at the last forward's lanes (a view). */
  scratch(index: number): Float32Array {
    const buf = this.buffers;
    const features = this.scratchFeatures[index];
    if (!buf || features === undefined)
      throw new RangeError(`HypernetKernel.scratch: no buffer ${index} (or no forward yet)`);
    return this.arena.f32(buf.scratch[index] as number, features * this.lanesNow);
  }

  /** Run `fn` on the arena's kernels with the byte offsets of the buffers (valid after a forward). */
  run<T>(fn: (kernels: SparseKernels, at: HypernetBuffers) => T): T {
    const buf = this.buffers;
    if (!buf) throw new Error('HypernetKernel.run needs a forward first');
    return fn(this.arena.kernels, { lanes: this.lanesNow, y: buf.y, dy: buf.dy, scratch: buf.scratch });
  }

  /**
   * Gradients of every layer from the last forward. Every layer's ∂L/∂output is zeroed, then
   * `fill(index, dy)` is called for each layer no other layer reads, to write ∂L/∂output into `dy`
   * `[out, lanes]` (padded lanes must stay 0; it may also write those layers' gradients through
   * {@link run}); a layer followed by a ReLU gets the gradient of the ReLU's output.
   * @returns per layer: dw `[in, out]` (zero at positions not stored) and db `[out]`
   */
  backward(fill: (index: number, dy: Float32Array) => void): Array<{ dw: Float32Array; db: Float32Array }> {
    const buf = this.buffers;
    if (!buf) throw new Error('HypernetKernel.backward needs a forward first');
    const a = this.arena;
    const k = a.kernels;
    const lanes = this.lanesNow;
    this.layers.forEach(({ spec }, i) => a.zero(buf.dy[i] as number, spec.outputs * lanes));
    this.layers.forEach(({ spec }, i) => {
      if (!this.consumed[i]) fill(i, a.f32(buf.dy[i] as number, spec.outputs * lanes));
    });
    for (let i = this.layers.length - 1; i >= 0; i--) {
      const { spec, w, biasGrad } = this.layers[i] as Layer;
      const [dy, y] = [buf.dy[i] as number, buf.y[i] as number];
      if (spec.relu) k.reluBackward(dy, y, dy, spec.outputs * lanes); // through the ReLU: dy where y > 0
      const x = spec.from === null ? buf.states : (buf.y[spec.from] as number);
      a.zero(w.grad, w.nnz);
      a.zero(biasGrad, spec.outputs);
      k.sddmm(w.rowStart, w.col, spec.outputs, dy, x, w.grad, lanes);
      k.rowSums(dy, biasGrad, spec.outputs, lanes);
      if (spec.from !== null) k.spmmT(w.rowStart, w.col, w.val, spec.outputs, dy, buf.dy[spec.from] as number, lanes); // += Wᵀ·dy
    }
    return this.layers.map(({ spec, w, biasGrad }) => ({
      dw: denseGradient(a, w),
      db: a.f32(biasGrad, spec.outputs).slice(),
    }));
  }
}
