/**
 * Compressed sparse rows for the sparse engine: each row is one output unit with the inputs it
 * reads, so y[r, b] = Σ_k value[k]·x[col[k], b] over the row's stored entries. The work of a product
 * is batch × stored entries, whatever the dense size. The product itself is the `spmm` kernel in
 * `sparse-kernels.wat`. A nearly dense matrix is cheaper as a dense one: {@link packDense} lays it
 * out for the `dense` kernel.
 */

/**
 * A matrix of `rows` output units over `cols` inputs, zeros not stored. Columns strictly increase
 * within a row (canonical CSR; {@link csrFromEntries} sorts them): the kernels rely on it to spot
 * dense blocks from a row's first and last column.
 */
export interface CsrMatrix {
  rows: number;
  cols: number;
  rowStart: Int32Array; // [rows + 1]
  col: Int32Array; // [nnz]
  value: Float32Array; // [nnz]
}

/**
 * Build from entries (row, col, value) given in any order, each position at most once; zero values are dropped.
 * @param entry called for k in [0, count) and returns [row, col, value].
 */
export function csrFromEntries(
  rows: number,
  cols: number,
  count: number,
  entry: (k: number) => [number, number, number],
): CsrMatrix {
  const perRow = new Int32Array(rows + 1);
  const kept: Array<[number, number, number]> = [];
  for (let k = 0; k < count; k++) {
    const e = entry(k);
    if (e[2] === 0) continue;
    kept.push(e);
    perRow[e[0] + 1] = (perRow[e[0] + 1] as number) + 1;
  }
  for (let r = 0; r < rows; r++) perRow[r + 1] = (perRow[r + 1] as number) + (perRow[r] as number);
  const fill = perRow.slice(0, rows);
  const col = new Int32Array(kept.length);
  const value = new Float32Array(kept.length);
  kept.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  for (const [r, c, v] of kept) {
    const at = fill[r] as number;
    col[at] = c;
    value[at] = v;
    fill[r] = at + 1;
  }
  return { rows, cols, rowStart: perRow, col, value };
}

/** Stored entries. */
export function nnz(m: CsrMatrix): number {
  return m.value.length;
}

/** Stored entries over all positions (1 for a dense matrix; 0 for an empty one). */
export function density(m: CsrMatrix): number {
  return m.rows * m.cols === 0 ? 0 : nnz(m) / (m.rows * m.cols);
}

/** Output rows per block of {@link packDense}: one block is two v128 (8 rows) per input feature. */
export const DENSE_BLOCK_ROWS = 8;

/**
 * `m` as a dense matrix in the `dense` kernel's layout: blocks of eight output rows,
 * `[⌈rows/8⌉, cols, 8]` f32, so that the eight rows' weights for one input are adjacent; positions
 * not stored, and rows past the end, are zero.
 */
export function packDense(m: CsrMatrix): Float32Array {
  const blocks = Math.ceil(m.rows / DENSE_BLOCK_ROWS);
  const out = new Float32Array(blocks * m.cols * DENSE_BLOCK_ROWS);
  for (let r = 0; r < m.rows; r++) {
    const base = Math.floor(r / DENSE_BLOCK_ROWS) * m.cols * DENSE_BLOCK_ROWS + (r % DENSE_BLOCK_ROWS);
    for (let k = m.rowStart[r] as number; k < (m.rowStart[r + 1] as number); k++)
      out[base + (m.col[k] as number) * DENSE_BLOCK_ROWS] = m.value[k] as number;
  }
  return out;
}
