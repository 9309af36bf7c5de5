/**
 * Compressed sparse rows for the sparse engine: each row is one output unit with the inputs it
 * reads, so y[r, b] = Σ_k value[k]·x[col[k], b] over the row's stored entries. The work of a product
 * is batch × stored entries, whatever the dense size.
 */

/** A matrix of `rows` output units over `cols` inputs, zeros not stored. */
export interface CsrMatrix {
  rows: number;
  cols: number;
  rowStart: Int32Array; // [rows + 1]
  col: Int32Array; // [nnz]
  value: Float32Array; // [nnz]
}

/**
 * Build from entries (row, col, value) given in any order; zero values are dropped.
 * @param entry called for k in [0, count) and returns [row, col, value].
 */
export function csrFromEntries(rows: number, cols: number, count: number, entry: (k: number) => [number, number, number]): CsrMatrix {
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

/**
 * outT[r, b] = Σ_k value[k]·xT[col[k], b] for every matrix row r and batch column b, in the
 * feature-major layout the sparse engine keeps activations in (`[features, batch]`, batch fastest).
 * The batch is taken four columns at a time with the sums in locals, so each stored weight is read
 * once per four multiply-adds (about 3× faster in V8 than a plain inner loop over the batch).
 */
export function csrMultiplyFm(m: CsrMatrix, xT: Float32Array, batch: number, outT: Float32Array): void {
  const { rows, rowStart, col, value } = m;
  let b0 = 0;
  for (; b0 + 4 <= batch; b0 += 4) {
    for (let r = 0; r < rows; r++) {
      let a0 = 0;
      let a1 = 0;
      let a2 = 0;
      let a3 = 0;
      const end = rowStart[r + 1] as number;
      for (let k = rowStart[r] as number; k < end; k++) {
        const w = value[k] as number;
        const x = (col[k] as number) * batch + b0;
        a0 += w * (xT[x] as number);
        a1 += w * (xT[x + 1] as number);
        a2 += w * (xT[x + 2] as number);
        a3 += w * (xT[x + 3] as number);
      }
      const o = r * batch + b0;
      outT[o] = a0;
      outT[o + 1] = a1;
      outT[o + 2] = a2;
      outT[o + 3] = a3;
    }
  }
  for (; b0 < batch; b0++) {
    for (let r = 0; r < rows; r++) {
      let a = 0;
      const end = rowStart[r + 1] as number;
      for (let k = rowStart[r] as number; k < end; k++) a += (value[k] as number) * (xT[(col[k] as number) * batch + b0] as number);
      outT[r * batch + b0] = a;
    }
  }
}
