/**
 * The three products a sparse Linear needs, on plain arrays, dispatched on
 * the weight's layout to the registered kernels (native when built):
 *   forward          Y  = X·Wᵀ           spmm
 *   input gradient   dX = dY·W           spmmGradInput
 *   weight gradient  dW = dYᵀ·X at W's stored entries only   sddmm
 * Shapes: W [O, K]; X and dX [B, K]; Y and dY [B, O]; dValues like W.values.
 */
import {
  bsrSddmm,
  bsrSpmm,
  bsrSpmmTransposed,
  csrSddmm,
  csrSpmm,
  csrSpmmBlocked,
  nmSddmm,
  nmSpmm,
  nmSpmmBlocks,
  spmmTransposed,
} from '../kernels/index.js';
import { expandInto } from '../ops/broadcast.js';
import { Tensor } from '../tensor/tensor.js';
import { ShapeError } from '../util/errors.js';
import { csrBlocksFor } from './csr-blocks.js';
import { rowBlocksFor } from './nm-row-blocks.js';
import type { SparseMatrix } from './sparse-matrix.js';
import { transposeIndex } from './transpose-index.js';

function checkLength(a: Float32Array, need: number, what: string, op: string): void {
  if (a.length !== need) throw new ShapeError(`${op}: ${what} holds ${a.length} values, the shapes need ${need}`);
}

function checkBatch(batch: number, op: string): void {
  if (!Number.isInteger(batch) || batch < 0) throw new ShapeError(`${op}: batch ${batch} must be a whole number`);
}

/**
 * y [B, O] = x [B, K]·Wᵀ + bias [O] (none when null), added onto y when
 * `accumulate`. The N:M kernels start each output row from its bias; the
 * other formats write the bias rows first and add the product onto them.
 * An N:M weight prepacked for inference (prepackNM) runs batches up to 4 on
 * its row-block layout (rowBlocksFor says when), a CSR weight (prepackCSR)
 * batches above 4 on its blocked layout.
 *
 * @example
 * const y = new Float32Array(batch * w.rows);
 * spmm(w, x, batch, y); // w: NMPacked, CSRMatrix or BSRMatrix
 */
export function spmm(w: SparseMatrix, x: Float32Array, batch: number, y: Float32Array, accumulate = false, bias: Float32Array | null = null): void {
  checkBatch(batch, 'spmm');
  checkLength(x, batch * w.cols, `x [${batch}, ${w.cols}]`, 'spmm');
  checkLength(y, batch * w.rows, `y [${batch}, ${w.rows}]`, 'spmm');
  if (bias !== null) checkLength(bias, w.rows, `bias [${w.rows}]`, 'spmm');
  if (bias !== null && w.format !== 'nm') {
    if (accumulate) {
      for (let b = 0; b < batch; b++) {
        for (let o = 0; o < w.rows; o++) y[b * w.rows + o]! += bias[o]!;
      }
    } else {
      expandInto(new Tensor(bias, [w.rows]), [batch, w.rows], y);
    }
    accumulate = true;
  }
  switch (w.format) {
    case 'nm': {
      // A prepacked weight (prepackNM) runs small batches on its row-block layout.
      const blocks = rowBlocksFor(w, batch);
      if (blocks !== undefined) nmSpmmBlocks(batch, w.rows, w.cols, w.n, w.m, blocks, x, bias, y, accumulate);
      else nmSpmm(batch, w.rows, w.cols, w.n, w.m, w.values, w.positions, x, bias, y, accumulate);
      break;
    }
    case 'csr': {
      // A prepacked weight (prepackCSR) runs batches above 4 on its blocked layout.
      const bl = csrBlocksFor(w, batch);
      if (bl !== undefined) {
        csrSpmmBlocked(batch, w.rows, w.cols, w.rowPtr, w.colIdx, w.values, bl.blockCols, bl.order, bl.count, bl.colIdx, bl.values, x, y, accumulate);
      } else {
        csrSpmm(batch, w.rows, w.cols, w.rowPtr, w.colIdx, w.values, x, y, accumulate);
      }
      break;
    }
    case 'bsr':
      bsrSpmm(batch, w.rows, w.cols, w.blockRows, w.blockCols, w.rowPtr, w.colIdx, w.values, x, y, accumulate);
      break;
  }
}

/**
 * dx [B, K] = dy [B, O]·W (added onto dx when `accumulate`): backpropagation
 * through the sparse weight, reading it through its cached transpose index.
 *
 * @example
 * const dx = new Float32Array(batch * w.cols);
 * spmmGradInput(w, dy, batch, dx);
 */
export function spmmGradInput(w: SparseMatrix, dy: Float32Array, batch: number, dx: Float32Array, accumulate = false): void {
  checkBatch(batch, 'spmmGradInput');
  checkLength(dy, batch * w.rows, `dy [${batch}, ${w.rows}]`, 'spmmGradInput');
  checkLength(dx, batch * w.cols, `dx [${batch}, ${w.cols}]`, 'spmmGradInput');
  const t = transposeIndex(w);
  if (w.format === 'bsr') {
    bsrSpmmTransposed(batch, w.rows, w.cols, w.blockRows, w.blockCols, t.ptr, t.row, t.perm, w.values, dy, dx, accumulate);
  } else {
    spmmTransposed(batch, w.rows, w.cols, t.ptr, t.row, t.perm, w.values, dy, dx, accumulate);
  }
}

/**
 * The weight gradient at W's stored entries only (a sampled dense–dense
 * product): dValues = (dyᵀ·x) sampled where W stores a value, laid out like
 * W.values; added onto dValues when `accumulate`.
 *
 * @example
 * const g = new Float32Array(w.values.length);
 * sddmm(w, x, dy, batch, g);
 */
export function sddmm(w: SparseMatrix, x: Float32Array, dy: Float32Array, batch: number, dValues: Float32Array, accumulate = false): void {
  checkBatch(batch, 'sddmm');
  checkLength(x, batch * w.cols, `x [${batch}, ${w.cols}]`, 'sddmm');
  checkLength(dy, batch * w.rows, `dy [${batch}, ${w.rows}]`, 'sddmm');
  checkLength(dValues, w.values.length, 'dValues (like the weight values)', 'sddmm');
  switch (w.format) {
    case 'nm':
      nmSddmm(batch, w.rows, w.cols, w.n, w.m, w.positions, x, dy, dValues, accumulate);
      break;
    case 'csr':
      csrSddmm(batch, w.rows, w.cols, w.rowPtr, w.colIdx, x, dy, dValues, accumulate);
      break;
    case 'bsr':
      bsrSddmm(batch, w.rows, w.cols, w.blockRows, w.blockCols, w.rowPtr, w.colIdx, x, dy, dValues, accumulate);
      break;
  }
}
