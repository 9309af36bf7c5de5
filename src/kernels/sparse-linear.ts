/**
 * A masked linear layer, y = x·W + b, on the WebAssembly CSR kernels, forward and backward: the work
 * is proportional to the stored weights. The learner uses it for the mixer's hypernetwork layers,
 * whose rows are every (episode, step) of a batch. Plain typed arrays in and out, row-major; inside,
 * x is kept feature-major (`[in, lanes]`, lanes = rows padded to a multiple of 4) for the backward pass;
 * the work follows each batch's own rows, whatever room earlier, larger batches left.
 */
import { KernelArena } from '@mast-toolkit/runtime/internal/kernels/kernels';
import { allocArenaCsr, denseGradient, refreshArenaCsr, writeArenaCsr, type ArenaCsr } from './weights.js';

/** Buffers with room for up to `capacity` lanes, with the arena's marks around them. */
interface LaneBuffers {
  capacity: number;
  start: number;
  end: number;
  x: number; // [in, lanes]
  y: number; // [out, lanes]
  dx: number; // [in, lanes]
  staging: number; // row-major scratch, rows × max(in, out)
}

/** One layer's kernel state: its CSR (placed by {@link SparseLinearKernel.load}, or by every {@link SparseLinearKernel.forward}) and buffers. */
export class SparseLinearKernel {
  private readonly arena = new KernelArena();
  private readonly w: ArenaCsr;
  private readonly bias: number; // [out]
  private readonly biasGrad: number; // [out]
  private rows = 0;
  private lanes = 0; // of the last forward: rows padded to a multiple of 4
  private buffers: LaneBuffers | null = null;

  constructor(
    readonly inputs: number,
    readonly outputs: number,
  ) {
    const a = this.arena;
    this.w = allocArenaCsr(a, inputs, outputs);
    [this.bias, this.biasGrad] = [a.alloc(4 * outputs), a.alloc(4 * outputs)];
  }

  /** Bytes of kernel memory in use: the weights, their gradients and the lane buffers. */
  get memoryBytes(): number {
    return this.arena.mark;
  }

  /**
   * Buffers for `lanes` lanes, reused while they fit. A batch's rows (episodes × steps) grow as
   * episodes lengthen, so outgrown buffers are replaced by ones with 1.5× the room, and given back
   * to the arena when nothing was placed after them.
   */
  private buffersFor(lanes: number): LaneBuffers {
    const old = this.buffers;
    if (old && old.capacity >= lanes) return old;
    const a = this.arena;
    const capacity = old ? Math.max(lanes, Math.ceil((1.5 * old.capacity) / 4) * 4) : lanes;
    const [i, o] = [this.inputs, this.outputs];
    this.buffers = a.regrow(old, () => ({
      capacity,
      x: a.alloc(4 * i * capacity),
      y: a.alloc(4 * o * capacity),
      dx: a.alloc(4 * i * capacity),
      staging: a.alloc(4 * capacity * Math.max(i, o)),
    }));
    return this.buffers;
  }

  /**
   * y = x·W + b.
   * @param x `[rows, in]`; @param w `[in, out]`; @param mask `[in, out]` or null (all stored); @param b `[out]`
   * @returns y `[rows, out]`
   */
  forward(x: Float32Array, rows: number, w: Float32Array, mask: Uint8Array | null, b: Float32Array): Float32Array {
    this.load(w, mask, b);
    return this.forwardLoaded(x, rows);
  }

  /** Place `w` `[in, out]` as compressed rows (masked positions dropped) and `b` `[out]` for {@link forwardLoaded}. */
  load(w: Float32Array, mask: Uint8Array | null, b: Float32Array): void {
    writeArenaCsr(this.arena, this.w, w, mask); // one row per output unit
    this.arena.f32(this.bias, this.outputs).set(b);
  }

  /** New values for the weights placed by the last {@link load}, whose mask has not changed: work proportional to the stored weights. */
  loadValues(w: Float32Array, b: Float32Array): void {
    refreshArenaCsr(this.arena, this.w, w);
    this.arena.f32(this.bias, this.outputs).set(b);
  }

  /** {@link forward} with the weights of the last {@link load} or {@link loadValues}. */
  forwardLoaded(x: Float32Array, rows: number): Float32Array {
    const [nIn, nOut] = [this.inputs, this.outputs];
    if (x.length !== rows * nIn)
      throw new RangeError(`SparseLinearKernel.forward: x has ${x.length} values, expected ${rows}×${nIn}`);
    const lanes = Math.ceil(rows / 4) * 4;
    const buf = this.buffersFor(lanes);
    const a = this.arena;
    [this.rows, this.lanes] = [rows, lanes];
    // --- y = W·x + b, feature-major
    const kern = a.kernels;
    a.putFeatureMajor(x, rows, nIn, lanes, buf.staging, buf.x); // [in, lanes]
    kern.spmm(this.w.rowStart, this.w.col, this.w.val, nOut, buf.x, buf.y, lanes); // [out, lanes]
    kern.addBias(buf.y, this.bias, buf.y, nOut, lanes);
    return a.rowMajorView(buf.y, rows, nOut, lanes, buf.staging).slice();
  }

  /**
   * Gradients from ∂L/∂y of the last {@link forward}.
   * @param dy `[rows, out]`
   * @returns dx `[rows, in]`, dw `[in, out]` (zero at masked positions), db `[out]`
   */
  backward(dy: Float32Array): { dx: Float32Array; dw: Float32Array; db: Float32Array } {
    const buf = this.buffers;
    const [nIn, nOut, rows, lanes] = [this.inputs, this.outputs, this.rows, this.lanes];
    if (!buf || dy.length !== rows * nOut)
      throw new RangeError(
        `SparseLinearKernel.backward: dy has ${dy.length} values, expected ${rows}×${nOut} (after a forward)`,
      );
    const a = this.arena;
    const kern = a.kernels;
    a.zero(buf.y, nOut * lanes); // padded lanes of dy must be 0
    a.putFeatureMajor(dy, rows, nOut, lanes, buf.staging, buf.y); // dy [out, lanes]
    a.zero(this.w.grad, this.w.nnz);
    a.zero(this.biasGrad, nOut);
    a.zero(buf.dx, nIn * lanes);
    kern.sddmm(this.w.rowStart, this.w.col, nOut, buf.y, buf.x, this.w.grad, lanes);
    kern.rowSums(buf.y, this.biasGrad, nOut, lanes);
    kern.spmmT(this.w.rowStart, this.w.col, this.w.val, nOut, buf.y, buf.dx, lanes); // Wᵀ·dy [in, lanes]
    const dx = a.rowMajorView(buf.dx, rows, nIn, lanes, buf.staging).slice();
    return { dx, dw: denseGradient(a, this.w), db: a.f32(this.biasGrad, nOut).slice() };
  }
}
