/**
 * The column-major index of a sparse matrix's structure, which the input
 * gradient dX = dY·W reads W through (spmmTransposed, bsrSpmmTransposed):
 * for each column (block column for BSR), the rows holding a stored weight
 * and where its value sits in `values`. W's values are read in place, so the
 * index stays valid while they change; only the structure must stay fixed,
 * as it does when training with a fixed mask. Built once per matrix, in
 * O(nnz), and cached.
 * Shapes: W [O, K]; ptr [K + 1] (BSR: [K/bw + 1]); row and perm [nnz] (BSR: [blocks]).
 */
import type { SparseMatrix } from './sparse-matrix.js';

/** Columns of W as lists of (row, value slot), rows rising inside each column. */
export interface TransposeIndex {
  readonly ptr: Int32Array;
  readonly row: Int32Array;
  readonly perm: Int32Array;
}

const cache = new WeakMap<SparseMatrix, TransposeIndex>();

/**
 * The (cached) column-major index of w's structure.
 *
 * @example
 * const t = transposeIndex(csr);
 * // stored weights of column k: rows t.row[t.ptr[k] .. t.ptr[k+1]), values csr.values[t.perm[j]]
 */
export function transposeIndex(w: SparseMatrix): TransposeIndex {
  let t = cache.get(w);
  if (t === undefined) {
    t = build(w);
    cache.set(w, t);
  }
  return t;
}

function build(w: SparseMatrix): TransposeIndex {
  // Entries as (row, column, slot) in row-major order; a counting sort by column keeps rows rising.
  let cols: number;
  let count: number;
  let entry: (visit: (row: number, col: number, slot: number) => void) => void;
  switch (w.format) {
    case 'nm': {
      const spr = w.slotsPerRow;
      cols = w.cols;
      count = w.nnz;
      entry = (visit) => {
        for (let o = 0; o < w.rows; o++) for (let s = 0; s < spr; s++) visit(o, w.column(o, s), o * spr + s);
      };
      break;
    }
    case 'csr':
      cols = w.cols;
      count = w.nnz;
      entry = (visit) => {
        for (let o = 0; o < w.rows; o++) for (let s = w.rowPtr[o]!; s < w.rowPtr[o + 1]!; s++) visit(o, w.colIdx[s]!, s);
      };
      break;
    case 'bsr':
      cols = w.cols / w.blockCols;
      count = w.blocks;
      entry = (visit) => {
        for (let br = 0; br < w.rows / w.blockRows; br++) for (let s = w.rowPtr[br]!; s < w.rowPtr[br + 1]!; s++) visit(br, w.colIdx[s]!, s);
      };
      break;
  }
  const ptr = new Int32Array(cols + 1);
  entry((_r, c) => ptr[c + 1]!++);
  for (let c = 0; c < cols; c++) ptr[c + 1]! += ptr[c]!;
  const next = ptr.slice(0, cols);
  const row = new Int32Array(count);
  const perm = new Int32Array(count);
  entry((r, c, slot) => {
    const j = next[c]!++;
    row[j] = r;
    perm[j] = slot;
  });
  return { ptr, row, perm };
}
