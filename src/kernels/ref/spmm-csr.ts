/**
 * Reference CSR kernels and the transposed product, the specification of
 * the native ones.
 * Shapes: W [O, K] in CSR (rowPtr [O + 1], colIdx and values [nnz]);
 * X and dX [B, K]; Y and dY [B, O].
 * The transposed product reads W through a column-major index (tPtr [K + 1];
 * tRow and tPerm [nnz]: the row and the value slot of each stored weight,
 * column by column), so one kernel serves every element-sparse format
 * (NMPacked slots, CSR entries) without a copy of W.
 * The caller checks the sizes and that the indices lie inside the arrays.
 * Deliberately plain: sums in float64 in storage order, no threads.
 */

/** Y = X·Wᵀ (+ Y when accumulate): y[b, o] = Σ_{s in row o} values[s] · x[b, colIdx[s]]. */
export function csrSpmmRef(
  batch: number,
  rows: number,
  cols: number,
  rowPtr: Int32Array,
  colIdx: Int32Array,
  values: Float32Array,
  x: Float32Array,
  y: Float32Array,
  accumulate: boolean,
): void {
  for (let o = 0; o < rows; o++) {
    for (let b = 0; b < batch; b++) {
      let acc = accumulate ? y[b * rows + o]! : 0;
      for (let s = rowPtr[o]!; s < rowPtr[o + 1]!; s++) acc += values[s]! * x[b * cols + colIdx[s]!]!;
      y[b * rows + o] = acc;
    }
  }
}

/**
 * Y = X·Wᵀ (+ Y when accumulate) on the blocked layout of W
 * (src/formats/csr-blocks.ts): block by block (ceil(cols / blockCols) of
 * them), entry i of the block's [rows] adds to row order[i] the products of its
 * run of count[i] (column, value) pairs, the runs back to back in blockColIdx
 * and blockValues. A layout of W's entries gives csrSpmm's product; rowPtr,
 * colIdx and values are the native kernel's, to fall back on.
 */
export function csrSpmmBlockedRef(
  batch: number,
  rows: number,
  cols: number,
  _rowPtr: Int32Array,
  _colIdx: Int32Array,
  _values: Float32Array,
  blockCols: number,
  order: Int32Array,
  count: Int32Array,
  blockColIdx: Int32Array,
  blockValues: Float32Array,
  x: Float32Array,
  y: Float32Array,
  accumulate: boolean,
): void {
  const acc = new Float64Array(batch * rows);
  if (accumulate) acc.set(y.subarray(0, batch * rows));
  const entries = Math.ceil(cols / blockCols) * rows;
  let s = 0;
  for (let i = 0; i < entries; i++) {
    const o = order[i]!;
    for (let b = 0; b < batch; b++) {
      for (let j = s; j < s + count[i]!; j++) acc[b * rows + o]! += blockValues[j]! * x[b * cols + blockColIdx[j]!]!;
    }
    s += count[i]!;
  }
  y.set(acc);
}

/** dValues[s] = Σ_b dy[b, row(s)] · x[b, colIdx[s]] (+ dValues when accumulate): the weight gradient at the stored entries. */
export function csrSddmmRef(
  batch: number,
  rows: number,
  cols: number,
  rowPtr: Int32Array,
  colIdx: Int32Array,
  x: Float32Array,
  dy: Float32Array,
  dValues: Float32Array,
  accumulate: boolean,
): void {
  for (let o = 0; o < rows; o++) {
    for (let s = rowPtr[o]!; s < rowPtr[o + 1]!; s++) {
      let acc = accumulate ? dValues[s]! : 0;
      for (let b = 0; b < batch; b++) acc += dy[b * rows + o]! * x[b * cols + colIdx[s]!]!;
      dValues[s] = acc;
    }
  }
}

/**
 * dX = dY·W (+ dX when accumulate), the input gradient through a sparse W:
 * dx[b, k] = Σ_{j in column k} values[tPerm[j]] · dy[b, tRow[j]].
 */
export function spmmTransposedRef(
  batch: number,
  rows: number,
  cols: number,
  tPtr: Int32Array,
  tRow: Int32Array,
  tPerm: Int32Array,
  values: Float32Array,
  dy: Float32Array,
  dx: Float32Array,
  accumulate: boolean,
): void {
  for (let k = 0; k < cols; k++) {
    for (let b = 0; b < batch; b++) {
      let acc = accumulate ? dx[b * cols + k]! : 0;
      for (let j = tPtr[k]!; j < tPtr[k + 1]!; j++) acc += values[tPerm[j]!]! * dy[b * rows + tRow[j]!]!;
      dx[b * cols + k] = acc;
    }
  }
}
