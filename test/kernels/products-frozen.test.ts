/**
 * Training's product kernels (spmm, spmmT, sddmm) give the same bits as they did before they were
 * reworked for speed (lane chunks, packed panels): `compute: kernels` (the default) and the shipped
 * demo rest on their exact floats, so a faster kernel must keep each output's summation order. The
 * old kernels are frozen in test/fixtures/products-e46ba9d.wat (main at e46ba9d) and compiled here
 * the way scripts/build-wasm.mjs compiles the real ones, in both builds: plain 128-bit SIMD and
 * relaxed SIMD (fused multiply-add; kernel-cases.ts turns it on in V8 before any kernel is compiled,
 * so it is tested on Node 20 too). Cases: odd sizes, densities 1 / 0.1 / 0.05, ragged rows (empty, full
 * and partial rows mixed), dense row runs that are not the whole width, and lane counts from 4 to
 * past the kernels' chunk and packing thresholds, with remainders of every pass.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import initWabt from 'wabt';
import { KernelArena, type KernelVariant } from '@mast-toolkit/runtime/internal/kernels/kernels';
import { csrFromEntries, type CsrMatrix } from '@mast-toolkit/runtime/internal/kernels/csr';
import { Rng } from '../../src/util/rng.js';
import { VARIANTS } from './kernel-cases.js';

/** The part of the WebAssembly JS API used here (the root's `lib` does not declare it; Node has it). */
declare namespace WebAssembly {
  class Module {
    constructor(bytes: Uint8Array);
  }
  class Memory {
    constructor(descriptor: { initial: number });
    readonly buffer: ArrayBuffer;
    grow(pages: number): number;
  }
  class Instance {
    constructor(module: Module, imports: Record<string, Record<string, unknown>>);
    readonly exports: Record<string, unknown>;
  }
}

const FROZEN = fileURLToPath(new URL('../../../test/fixtures/products-e46ba9d.wat', import.meta.url));
const REWRITE = new URL('../../../packages/runtime/scripts/relaxed-madd.mjs', import.meta.url).href;
interface Products {
  spmm(rowStart: number, col: number, val: number, rows: number, x: number, y: number, lanes: number): void;
  spmmT(rowStart: number, col: number, val: number, rows: number, x: number, y: number, lanes: number): void;
  sddmm(rowStart: number, col: number, rows: number, dy: number, x: number, g: number, lanes: number): void;
}

/** The frozen kernels compiled in `variant`'s build. */
async function frozenModule(variant: KernelVariant): Promise<WebAssembly.Module> {
  const { withoutRelaxedMadd } = (await import(REWRITE)) as { withoutRelaxedMadd: (text: string) => string };
  const wabt = await initWabt();
  const text = readFileSync(FROZEN, 'utf8');
  const parsed = wabt.parseWat(
    FROZEN,
    variant === 'simd' ? withoutRelaxedMadd(text) : text,
    variant === 'simd' ? { simd: true } : { simd: true, relaxed_simd: true },
  );
  parsed.validate();
  const bytes = parsed.toBinary({}).buffer;
  parsed.destroy();
  return new WebAssembly.Module(bytes);
}

/** What one case computes: y = W·x, dx (preloaded) += Wᵀ·dy, g (preloaded) += dy·xᵀ at W's entries. */
interface Outputs {
  spmm: Float32Array;
  spmmT: Float32Array;
  sddmm: Float32Array;
}

/** Where a case is laid out: an allocator, a copy-in and float views (an arena, or {@link layout}). */
interface Placement {
  alloc(bytes: number): number;
  put(v: Float32Array | Int32Array): number;
  f32(at: number, n: number): Float32Array;
}

/** A bump allocator over a memory, for laying out one case. */
function layout(memory: WebAssembly.Memory, start: number): Placement {
  let top = start;
  const alloc = (bytes: number): number => {
    const at = top;
    top += Math.ceil(bytes / 16) * 16 + 16;
    const short = top - memory.buffer.byteLength;
    if (short > 0) memory.grow(Math.ceil(short / 65536));
    return at;
  };
  const put = (v: Float32Array | Int32Array): number => {
    const at = alloc(v.byteLength);
    new Uint8Array(memory.buffer, at, v.byteLength).set(new Uint8Array(v.buffer, v.byteOffset, v.byteLength));
    return at;
  };
  const f32 = (at: number, n: number): Float32Array => new Float32Array(memory.buffer, at, n);
  return { alloc, put, f32 };
}

/**
 * Run the three products on one case with kernels `k`, laid out in `place` (the memory `k` works
 * on): the frozen kernels over {@link layout}, the current ones over their arena.
 */
function run(k: Products, place: Placement, m: CsrMatrix, x: Float32Array, dy: Float32Array, lanes: number): Outputs {
  const [rs, col, val, xAt, dyAt] = [
    place.put(m.rowStart),
    place.put(m.col),
    place.put(m.value),
    place.put(x),
    place.put(dy),
  ];
  const [yAt, dxAt, gAt] = [
    place.alloc(4 * m.rows * lanes),
    place.alloc(4 * m.cols * lanes),
    place.alloc(4 * Math.max(1, m.value.length)),
  ];
  place.f32(yAt, m.rows * lanes).fill(Number.NaN); // spmm writes every lane
  place.f32(dxAt, m.cols * lanes).fill(0.375); // spmmT and sddmm add onto what is there
  place.f32(gAt, m.value.length).fill(-0.625);
  k.spmm(rs, col, val, m.rows, xAt, yAt, lanes);
  k.spmmT(rs, col, val, m.rows, dyAt, dxAt, lanes);
  k.sddmm(rs, col, m.rows, dyAt, xAt, gAt, lanes);
  return {
    spmm: place.f32(yAt, m.rows * lanes).slice(),
    spmmT: place.f32(dxAt, m.cols * lanes).slice(),
    sddmm: place.f32(gAt, m.value.length).slice(),
  };
}

type Pattern = 'dense' | 'sparse' | 'ragged' | 'window';

/** A rows × cols matrix: dense, random at `density`, ragged rows, or every row one window of columns. */
function matrix(rng: Rng, rows: number, cols: number, pattern: Pattern, density: number): CsrMatrix {
  const kind = Array.from({ length: rows }, (_, r) => (r % 5 === 1 ? 'empty' : r % 5 === 3 ? 'full' : 'some'));
  const lo = Math.floor(cols / 4);
  const hi = Math.max(lo + 1, cols - 2);
  return csrFromEntries(rows, cols, rows * cols, (k) => {
    const [r, c] = [Math.floor(k / cols), k % cols];
    const keep =
      pattern === 'dense'
        ? true
        : pattern === 'window'
          ? c >= lo && c < hi
          : pattern === 'sparse'
            ? rng.next() < density
            : kind[r] === 'full' || (kind[r] === 'some' && rng.next() < density);
    return [r, c, keep ? rng.uniform(-1, 1) || 0.5 : 0];
  });
}

const CASES: Array<{ rows: number; cols: number; lanes: number }> = [
  { rows: 1, cols: 1, lanes: 4 },
  { rows: 3, cols: 5, lanes: 12 },
  { rows: 9, cols: 7, lanes: 20 },
  { rows: 13, cols: 21, lanes: 36 },
  { rows: 17, cols: 40, lanes: 164 },
  { rows: 11, cols: 64, lanes: 260 },
  { rows: 34, cols: 19, lanes: 652 },
  { rows: 21, cols: 33, lanes: 1284 },
  { rows: 8, cols: 120, lanes: 2052 },
  { rows: 37, cols: 70, lanes: 1540 },
  { rows: 19, cols: 23, lanes: 2180 },
  { rows: 7, cols: 9, lanes: 4100 },
];
const PATTERNS: Array<[Pattern, number]> = [
  ['dense', 1],
  ['sparse', 0.1],
  ['sparse', 0.05],
  ['ragged', 0.3],
  ['window', 1],
];

for (const variant of VARIANTS) {
  test(`spmm, spmmT and sddmm give the frozen kernels' bits (${variant} build)`, async () => {
    const frozen = new WebAssembly.Memory({ initial: 1 });
    const old = new WebAssembly.Instance(await frozenModule(variant), { env: { memory: frozen } })
      .exports as unknown as Products;
    const rng = new Rng(29);
    for (const { rows, cols, lanes } of CASES) {
      for (const [pattern, density] of PATTERNS) {
        const m = matrix(rng, rows, cols, pattern, density);
        const x = Float32Array.from({ length: cols * lanes }, () => rng.uniform(-1, 1));
        const dy = Float32Array.from({ length: rows * lanes }, () => rng.uniform(-1, 1));
        const arena = new KernelArena(variant);
        const got = run(arena.kernels, arena, m, x, dy, lanes);
        const want = run(old, layout(frozen, 16), m, x, dy, lanes);
        for (const kernel of ['spmm', 'spmmT', 'sddmm'] as const) {
          const [g, w] = [got[kernel], want[kernel]];
          assert.equal(g.length, w.length);
          for (let i = 0; i < w.length; i++)
            if (!Object.is(g[i], w[i]))
              assert.fail(
                `${kernel} ${rows}×${cols} ${pattern} ${density}, ${lanes} lanes, at ${i}: ${g[i]} vs frozen ${w[i]}`,
              );
        }
      }
    }
  });
}
