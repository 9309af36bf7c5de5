/**
 * Weight matrices in kernel memory, for training: a learner's `[in, out]` matrix (y = x·W) as
 * compressed sparse rows with one row per output unit, masked positions dropped, with room for every
 * position so a new mask never needs new memory; and gradients at the stored entries, scattered back
 * to the dense layout the optimizer uses.
 */
import type { KernelArena } from '@mast-toolkit/runtime/internal/kernels/kernels';

/** A matrix's CSR in kernel memory (byte offsets) and where each stored entry sits in the dense layout. */
export interface ArenaCsr {
  inputs: number;
  outputs: number;
  rowStart: number; // [outputs + 1] i32
  col: number; // [in·out] i32, the first nnz used
  val: number; // [in·out] f32
  grad: number; // [in·out] f32, per stored entry
  nnz: number;
  positions: Int32Array; // dense index (i·out + o) of each stored entry
}

/** Reserve room for an `inputs × outputs` matrix. */
export function allocArenaCsr(arena: KernelArena, inputs: number, outputs: number): ArenaCsr {
  const size = inputs * outputs;
  return {
    inputs,
    outputs,
    rowStart: arena.alloc(4 * (outputs + 1)),
    col: arena.alloc(4 * size),
    val: arena.alloc(4 * size),
    grad: arena.alloc(4 * size),
    nnz: 0,
    positions: new Int32Array(size),
  };
}

/** Write `w` `[in, out]` into `m`, keeping the positions where `mask` is 1 (all of them without a mask). */
export function writeArenaCsr(arena: KernelArena, m: ArenaCsr, w: Float32Array, mask: Uint8Array | null): void {
  const size = m.inputs * m.outputs;
  const [rowStart, col, val] = [arena.i32(m.rowStart, m.outputs + 1), arena.i32(m.col, size), arena.f32(m.val, size)];
  let k = 0;
  for (let o = 0; o < m.outputs; o++) {
    rowStart[o] = k;
    for (let i = 0; i < m.inputs; i++) {
      const at = i * m.outputs + o;
      if (mask && mask[at] === 0) continue;
      col[k] = i;
      val[k] = w[at] as number;
      m.positions[k++] = at;
    }
  }
  rowStart[m.outputs] = k;
  m.nnz = k;
}

/**
 * Replace the values of `m`'s stored entries with `w` `[in, out]`, keeping which positions are stored
 * (what the last {@link writeArenaCsr} placed): for new weights under an unchanged mask, in time
 * proportional to the stored entries rather than the matrix.
 */
export function refreshArenaCsr(arena: KernelArena, m: ArenaCsr, w: Float32Array): void {
  if (w.length !== m.inputs * m.outputs)
    throw new RangeError(`refreshArenaCsr: ${w.length} weights for a ${m.inputs}×${m.outputs} matrix`);
  const val = arena.f32(m.val, m.nnz);
  const positions = m.positions;
  for (let k = 0; k < m.nnz; k++) val[k] = w[positions[k] as number] as number;
}

/**
 * The gradients at `m`'s stored entries as a dense `[in, out]` array (zero elsewhere): into `out`
 * (zeroed first) when given, else a new array.
 */
export function denseGradient(arena: KernelArena, m: ArenaCsr, out?: Float32Array): Float32Array {
  const size = m.inputs * m.outputs;
  if (out && out.length !== size)
    throw new RangeError(`denseGradient: out has ${out.length} values for a ${m.inputs}×${m.outputs} matrix`);
  const g = out ? out.fill(0) : new Float32Array(size);
  const values = arena.f32(m.grad, m.nnz);
  for (let e = 0; e < m.nnz; e++) g[m.positions[e] as number] = values[e] as number;
  return g;
}
