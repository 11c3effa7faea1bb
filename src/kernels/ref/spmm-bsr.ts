/**
 * Reference block-sparse (BSR) kernels, the specification of the native ones.
 * Shapes: W [O, K] in bh × bw blocks: rowPtr [O/bh + 1] over block rows,
 * colIdx [nnzb] block columns, values [nnzb, bh, bw]; X and dX [B, K];
 * Y and dY [B, O]. The transposed product reads W through a block-column
 * index (tPtr [K/bw + 1]; tRow and tPerm [nnzb]: block row and block slot,
 * block column by block column).
 * The caller checks the sizes and that the indices lie inside the arrays.
 * Deliberately plain: sums in float64 in storage order, no threads.
 */

/** Y = X·Wᵀ (+ Y when accumulate) over the stored blocks. */
export function bsrSpmmRef(
  batch: number,
  rows: number,
  cols: number,
  bh: number,
  bw: number,
  rowPtr: Int32Array,
  colIdx: Int32Array,
  values: Float32Array,
  x: Float32Array,
  y: Float32Array,
  accumulate: boolean,
): void {
  for (let br = 0; br < rows / bh; br++) {
    for (let i = 0; i < bh; i++) {
      const o = br * bh + i;
      for (let b = 0; b < batch; b++) {
        let acc = accumulate ? y[b * rows + o]! : 0;
        for (let s = rowPtr[br]!; s < rowPtr[br + 1]!; s++) {
          const k0 = colIdx[s]! * bw;
          for (let j = 0; j < bw; j++) acc += values[(s * bh + i) * bw + j]! * x[b * cols + k0 + j]!;
        }
        y[b * rows + o] = acc;
      }
    }
  }
}

/** dValues[s, i, j] = Σ_b dy[b, row] · x[b, col] at every stored block entry (+ dValues when accumulate). */
export function bsrSddmmRef(
  batch: number,
  rows: number,
  cols: number,
  bh: number,
  bw: number,
  rowPtr: Int32Array,
  colIdx: Int32Array,
  x: Float32Array,
  dy: Float32Array,
  dValues: Float32Array,
  accumulate: boolean,
): void {
  for (let br = 0; br < rows / bh; br++) {
    for (let s = rowPtr[br]!; s < rowPtr[br + 1]!; s++) {
      for (let i = 0; i < bh; i++) {
        for (let j = 0; j < bw; j++) {
          const e = (s * bh + i) * bw + j;
          let acc = accumulate ? dValues[e]! : 0;
          for (let b = 0; b < batch; b++) acc += dy[b * rows + br * bh + i]! * x[b * cols + colIdx[s]! * bw + j]!;
          dValues[e] = acc;
        }
      }
    }
  }
}

/** dX = dY·W (+ dX when accumulate), reading each stored block transposed. */
export function bsrSpmmTransposedRef(
  batch: number,
  rows: number,
  cols: number,
  bh: number,
  bw: number,
  tPtr: Int32Array,
  tRow: Int32Array,
  tPerm: Int32Array,
  values: Float32Array,
  dy: Float32Array,
  dx: Float32Array,
  accumulate: boolean,
): void {
  for (let bc = 0; bc < cols / bw; bc++) {
    for (let j = 0; j < bw; j++) {
      const k = bc * bw + j;
      for (let b = 0; b < batch; b++) {
        let acc = accumulate ? dx[b * cols + k]! : 0;
        for (let t = tPtr[bc]!; t < tPtr[bc + 1]!; t++) {
          const s = tPerm[t]!;
          const o0 = tRow[t]! * bh;
          for (let i = 0; i < bh; i++) acc += values[(s * bh + i) * bw + j]! * dy[b * rows + o0 + i]!;
        }
        dx[b * cols + k] = acc;
      }
    }
  }
}
