/**
 * The matrix products of the WebAssembly kernels (spmm, spmmT, sddmm, dense) against a float64
 * reference, on random shapes with odd sizes and remainders of every pass (16-, 8- and 4-lane
 * passes, odd entry counts per row, row counts not a multiple of the dense kernel's 8-row blocks,
 * batches not a multiple of its 4-row groups), in both builds: plain 128-bit SIMD and relaxed SIMD
 * (fused multiply-add). This file turns relaxed SIMD on in V8 before any kernel is compiled, so the
 * relaxed build is tested on Node 20 too, where it is otherwise behind a flag.
 *
 * Tolerance: a float32 sum of n products differs from the exact one by at most γₙ·Σ|wᵢxᵢ| with
 * γₙ = n·2⁻²⁴/(1 − n·2⁻²⁴) (rounding once or twice per term, in any order); each result is checked
 * against that bound (with n + 2 for the final additions), and the two builds against twice it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KernelArena, relaxedSimdSupported, type KernelVariant } from '@mast-toolkit/runtime/internal/kernels/kernels';
import { csrFromEntries, packDense, type CsrMatrix } from '@mast-toolkit/runtime/internal/kernels/csr';
import { Rng } from '../../src/util/rng.js';
import { VARIANTS } from './kernel-cases.js';

const U = 2 ** -24;
const gamma = (n: number): number => (n * U) / (1 - n * U);

/** A rows × cols matrix with about `density` of its positions stored (dense values kept for the reference). */
function randomMatrix(rng: Rng, rows: number, cols: number, density: number): { dense: Float64Array; m: CsrMatrix } {
  const dense = Float64Array.from({ length: rows * cols }, () =>
    rng.next() < density ? Math.fround(rng.uniform(-1, 1)) : 0,
  );
  return {
    dense,
    m: csrFromEntries(rows, cols, dense.length, (k) => [Math.floor(k / cols), k % cols, dense[k] as number]),
  };
}

const values = (rng: Rng, n: number): Float32Array => Float32Array.from({ length: n }, () => rng.uniform(-1, 1));

/** Checks `got` against Σ terms in float64, within γ(n + 2)·Σ|terms|. */
function near(got: number, terms: number[], what: string): void {
  const exact = terms.reduce((s, t) => s + t, 0);
  const bound = gamma(terms.length + 2) * terms.reduce((s, t) => s + Math.abs(t), 0);
  assert.ok(Math.abs(got - exact) <= bound, `${what}: ${got} vs ${exact} (bound ${bound})`);
}

const SHAPES: Array<[number, number]> = [
  [1, 1],
  [3, 5],
  [8, 8],
  [9, 7],
  [13, 21],
  [17, 40],
  [33, 3],
];
const LANES = [4, 8, 12, 16, 20, 28, 36];
/** Run every product on one random case in `variant`; the outputs as arrays. */
function runProducts(
  variant: KernelVariant,
  m: CsrMatrix,
  x: Float32Array,
  dy: Float32Array,
  lanes: number,
  batch: number,
) {
  const a = new KernelArena(variant);
  const { rows, cols } = m;
  const [rs, col, val, xAt, dyAt] = [a.put(m.rowStart), a.put(m.col), a.put(m.value), a.put(x), a.put(dy)];
  const [yAt, dAt, dxAt, gAt, wAt] = [
    a.alloc(4 * rows * lanes),
    a.alloc(4 * rows * lanes),
    a.alloc(4 * cols * lanes),
    a.alloc(4 * Math.max(1, m.value.length)),
    a.put(packDense(m)),
  ];
  a.f32(dAt, rows * lanes).fill(Number.NaN); // the dense kernel must write every lane, padded ones as 0
  a.f32(dxAt, cols * lanes).fill(0.5); // spmmT and sddmm accumulate onto what is there
  a.f32(gAt, m.value.length).fill(0.25);
  a.kernels.spmm(rs, col, val, rows, xAt, yAt, lanes);
  a.kernels.dense(wAt, rows, cols, xAt, dAt, batch, lanes);
  a.kernels.spmmT(rs, col, val, rows, dyAt, dxAt, lanes);
  a.kernels.sddmm(rs, col, rows, dyAt, xAt, gAt, lanes);
  return {
    spmm: a.f32(yAt, rows * lanes).slice(),
    dense: a.f32(dAt, rows * lanes).slice(),
    spmmT: a.f32(dxAt, cols * lanes).slice(),
    sddmm: a.f32(gAt, m.value.length).slice(),
  };
}

test('spmm, dense, spmmT and sddmm agree with a float64 reference within the float32 summation bound, over odd shapes, lane remainders and partial batches, in every build this runtime has', () => {
  const rng = new Rng(11);
  let cases = 0;
  for (const variant of VARIANTS) {
    for (const [rows, cols] of SHAPES) {
      for (const lanes of LANES) {
        for (const density of [1, 0.45, 0.1]) {
          const { dense: w, m } = randomMatrix(rng, rows, cols, density);
          const [x, dy] = [values(rng, cols * lanes), values(rng, rows * lanes)];
          const batch = Math.max(1, lanes - (cases % 4)); // 0–3 padded lanes
          const out = runProducts(variant, m, x, dy, lanes, batch);
          const tag = `${variant} ${rows}×${cols} density ${density} lanes ${lanes}`;
          for (let r = 0; r < rows; r++) {
            for (let l = 0; l < lanes; l++) {
              const terms = Array.from(
                { length: cols },
                (_, c) => (w[r * cols + c] as number) * (x[c * lanes + l] as number),
              );
              near(out.spmm[r * lanes + l] as number, terms, `${tag}: spmm y[${r}, ${l}]`);
              if (l < batch) near(out.dense[r * lanes + l] as number, terms, `${tag}: dense y[${r}, ${l}]`);
              else assert.equal(out.dense[r * lanes + l], 0, `${tag}: dense leaves padded lane ${l} of row ${r} at 0`);
            }
          }
          for (let c = 0; c < cols; c++) {
            for (let l = 0; l < lanes; l++) {
              const terms = [
                0.5,
                ...Array.from({ length: rows }, (_, r) => (w[r * cols + c] as number) * (dy[r * lanes + l] as number)),
              ];
              near(out.spmmT[c * lanes + l] as number, terms, `${tag}: spmmT dx[${c}, ${l}]`);
            }
          }
          for (let r = 0; r < rows; r++) {
            for (let k = m.rowStart[r] as number; k < (m.rowStart[r + 1] as number); k++) {
              const terms = [
                0.25,
                ...Array.from(
                  { length: lanes },
                  (_, l) => (dy[r * lanes + l] as number) * (x[(m.col[k] as number) * lanes + l] as number),
                ),
              ];
              near(out.sddmm[k] as number, terms, `${tag}: sddmm g[${k}]`);
            }
          }
          cases++;
        }
      }
    }
  }
  assert.equal(cases, VARIANTS.length * SHAPES.length * LANES.length * 3);
});

test(
  "the relaxed-SIMD build gives the plain-SIMD build's products within twice the summation bound (skipped where the runtime has no relaxed SIMD even with the flag)",
  { skip: !relaxedSimdSupported() && 'no relaxed SIMD in this runtime' },
  () => {
    const rng = new Rng(12);
    for (const [rows, cols] of [
      [24, 64],
      [9, 37],
    ] as const) {
      for (const lanes of [8, 20]) {
        const { m } = randomMatrix(rng, rows, cols, 0.6);
        const [x, dy] = [values(rng, cols * lanes), values(rng, rows * lanes)];
        const [plain, relaxed] = (['simd', 'relaxed-simd'] as const).map((v) =>
          runProducts(v, m, x, dy, lanes, lanes - 3),
        ) as [ReturnType<typeof runProducts>, ReturnType<typeof runProducts>];
        for (const kernel of ['spmm', 'dense', 'spmmT', 'sddmm'] as const) {
          const n = kernel === 'sddmm' ? lanes : Math.max(rows, cols);
          plain[kernel].forEach((v, i) => {
            // |a − b| ≤ 2γ(n + 2)·Σ|terms| ≤ 2γ(n + 2)·n here, every |term| < 1
            assert.ok(
              Math.abs(v - (relaxed[kernel][i] as number)) <= 2 * gamma(n + 2) * (n + 1),
              `${kernel}[${i}] ${rows}×${cols} lanes ${lanes}: ${v} vs ${relaxed[kernel][i]}`,
            );
          });
        }
      }
    }
  },
);

test('KernelArena runs the build it is asked for, relaxed SIMD by default where the runtime has it', () => {
  assert.equal(new KernelArena('simd').variant, 'simd');
  assert.equal(new KernelArena().variant, relaxedSimdSupported() ? 'relaxed-simd' : 'simd');
});

test('packDense lays a CSR matrix out in blocks of eight rows, [⌈rows/8⌉, cols, 8], unstored positions and rows past the end zero', () => {
  const m = csrFromEntries(
    10,
    3,
    3,
    (k) =>
      [
        [0, 0, 1],
        [7, 2, 2],
        [9, 1, 3],
      ][k] as [number, number, number],
  );
  const p = packDense(m);
  assert.equal(p.length, 2 * 3 * 8);
  assert.equal(p[0 * 8 + 0], 1); // row 0, col 0
  assert.equal(p[2 * 8 + 7], 2); // row 7, col 2
  assert.equal(p[3 * 8 + 1 * 8 + 1], 3); // block 1, col 1, row 9 = 8 + 1
  assert.equal(
    p.reduce((s, v) => s + (v !== 0 ? 1 : 0), 0),
    3,
  );
});

test('blocks of four rows that each store their own run of consecutive columns (block-structured, with a ragged tail) run four rows at a time and still match the reference; a matrix dense except in one block runs row by row and matches too', () => {
  const rng = new Rng(15);
  const blockRun = (r: number, c: number): boolean =>
    r < 4 ? c >= 2 && c < 6 : r < 8 ? c < 3 : r < 12 ? c >= 1 : (r + c) % 3 === 0;
  const holeInOne = (r: number, c: number): boolean => !(r === 5 && c === 1);
  for (const [name, stored] of [
    ['block runs', blockRun],
    ['one hole', holeInOne],
  ] as const) {
    const [rows, cols] = [14, 7];
    const dense = Float64Array.from({ length: rows * cols }, (_, k) =>
      stored(Math.floor(k / cols), k % cols) ? Math.fround(rng.uniform(-1, 1)) : 0,
    );
    const m = csrFromEntries(rows, cols, dense.length, (k) => [Math.floor(k / cols), k % cols, dense[k] as number]);
    for (const variant of VARIANTS) {
      for (const lanes of [4, 12]) {
        const [x, dy] = [values(rng, cols * lanes), values(rng, rows * lanes)];
        const out = runProducts(variant, m, x, dy, lanes, lanes);
        for (let r = 0; r < rows; r++) {
          for (let l = 0; l < lanes; l++)
            near(
              out.spmm[r * lanes + l] as number,
              Array.from({ length: cols }, (_, c) => (dense[r * cols + c] as number) * (x[c * lanes + l] as number)),
              `${name} ${variant}: spmm y[${r}, ${l}]`,
            );
        }
        for (let c = 0; c < cols; c++) {
          for (let l = 0; l < lanes; l++)
            near(
              out.spmmT[c * lanes + l] as number,
              [
                0.5,
                ...Array.from(
                  { length: rows },
                  (_, r) => (dense[r * cols + c] as number) * (dy[r * lanes + l] as number),
                ),
              ],
              `${name} ${variant}: spmmT dx[${c}, ${l}]`,
            );
        }
        for (let r = 0; r < rows; r++) {
          for (let k = m.rowStart[r] as number; k < (m.rowStart[r + 1] as number); k++) {
            near(
              out.sddmm[k] as number,
              [
                0.25,
                ...Array.from(
                  { length: lanes },
                  (_, l) => (dy[r * lanes + l] as number) * (x[(m.col[k] as number) * lanes + l] as number),
                ),
              ],
              `${name} ${variant}: sddmm g[${k}]`,
            );
          }
        }
      }
    }
  }
});

test('toFeatureMajor and toRowMajor move every value to its place (4 × 4 tiles, 32-feature chunks, edges) and leave padded lanes alone', () => {
  const rng = new Rng(16);
  for (const [rows, features] of [
    [1, 1],
    [3, 5],
    [4, 4],
    [7, 9],
    [13, 37],
    [40, 70],
    [9, 216],
  ] as const) {
    const lanes = Math.ceil(rows / 4) * 4 + (rows % 2) * 4; // sometimes a whole padded vector more
    const a = new KernelArena();
    const src = values(rng, rows * features);
    const [s, fm, back] = [a.put(src), a.alloc(4 * features * lanes), a.alloc(4 * rows * features)];
    a.f32(fm, features * lanes).fill(7);
    a.kernels.toFeatureMajor(s, fm, rows, features, lanes);
    const got = a.f32(fm, features * lanes);
    for (let f = 0; f < features; f++) {
      for (let l = 0; l < lanes; l++)
        assert.equal(
          got[f * lanes + l],
          l < rows ? src[l * features + f] : 7,
          `${rows}×${features}, lanes ${lanes}: [${f}, ${l}]`,
        );
    }
    a.kernels.toRowMajor(fm, back, rows, features, lanes);
    assert.deepEqual(a.f32(back, rows * features), src, `${rows}×${features} back`);
  }
});
