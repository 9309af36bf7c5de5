/**
 * What the kernel tests share: the kernel builds to check (relaxed SIMD turned on in V8 first, so
 * Node 20 tests its build too) and random sparse matrices.
 */
import { setFlagsFromString } from 'node:v8';
import { relaxedSimdSupported, type KernelVariant } from '@mast-toolkit/runtime/internal/kernels/kernels';
import { csrFromEntries, type CsrMatrix } from '@mast-toolkit/runtime/internal/kernels/csr';
import type { Rng } from '../../src/util/rng.js';

setFlagsFromString('--experimental-wasm-relaxed-simd'); // before the first check of relaxedSimdSupported

/** Every kernel build this runtime runs: plain SIMD, and relaxed SIMD where V8 validates it. */
export const VARIANTS: KernelVariant[] = relaxedSimdSupported() ? ['simd', 'relaxed-simd'] : ['simd'];

/** A `rows × cols` matrix keeping each position with probability `density`, its values in [−1, 1). */
export function randomCsr(rng: Rng, rows: number, cols: number, density: number): CsrMatrix {
  return csrFromEntries(rows, cols, rows * cols, (i) => [
    Math.floor(i / cols),
    i % cols,
    rng.next() < density ? rng.uniform(-1, 1) : 0,
  ]);
}
