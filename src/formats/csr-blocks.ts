/**
 * The blocked layout of a CSR weight: a second, prepacked copy for inference
 * at batches above 4, made once when the weight stops changing.
 *
 * Why: the CSR forward multiplies each weight by a row of X's panel (64 batch
 * rows). Walked row after row over all of K, those panel rows come from L2
 * (192 KB at K = 768), about 4 lines a weight. Cut into K blocks of 128
 * columns they stay in L1 (32 KB), but then each row's run in a block has a
 * random length, and its loop's exit is a mispredicted branch per row and
 * block (the cursor walk of the plain kernel lost up to 40 % at 85 % for
 * that). Here, per block, rows are listed in order of their run's length, so
 * the exit is predicted, and the runs lie back to back in the order they are
 * read (columns and values copied; read through CSR's own arrays in that
 * order, the jumps cost more than the blocks saved).
 *
 * Layout: blocks of 128 columns; for block b, order and count [b·rows,
 * (b+1)·rows) list every row once (rows rising inside each count), and its
 * count entries (column, value) follow in colIdx and values, runs back to
 * back, block after block.
 *
 * The layout is a copy: after prepackCSR(w), w's values must not change, or
 * spmm would go on using the old ones. compress() prepacks only weights it
 * does not make trainable; call prepackCSR again after changing values by hand.
 *
 * @example
 * prepackCSR(w);            // w: CSRMatrix, about 5 or more weights a row in 128 columns
 * spmm(w, x, 256, y);       // the blocked kernel
 */
import { ArgumentError } from '../util/errors.js';
import type { CSRMatrix } from './csr.js';

/** Columns of one K block: 128 × 64 floats of panel rows are 32 KB, with room in L1 for the rest. */
export const CSR_BLOCK_COLS = 128;

/**
 * Stored weights a row holds in one block, on average, from which the
 * blocked layout pays: each row pays a tile load and store per block
 * (3072×768 at batch 256, 1 thread: equal at 97 % sparsity, 3.8 a block; 8 %
 * faster at 95 %, 22 % at 90 %, 23 % at 75 %; 57 % slower at 99 %).
 */
export const CSR_BLOCKED_MIN_WEIGHTS = 5;

/** See the file's comment. */
export interface CsrBlockedLayout {
  readonly blockCols: number;
  readonly order: Int32Array;
  readonly count: Int32Array;
  readonly colIdx: Int32Array;
  readonly values: Float32Array;
}

const layouts = new WeakMap<CSRMatrix, CsrBlockedLayout>();

/** Stored weights a row of w holds in one block, on average. */
function weightsPerBlock(w: CSRMatrix): number {
  return ((w.nnz / w.rows) * Math.min(CSR_BLOCK_COLS, w.cols)) / w.cols;
}

/** Whether w's rows are dense enough for the blocked layout to pay. */
export function csrBlocksPay(w: CSRMatrix): boolean {
  return weightsPerBlock(w) >= CSR_BLOCKED_MIN_WEIGHTS;
}

/**
 * Builds w's blocked layout and keeps it beside w (replacing an older one),
 * so that spmm runs batches above 4 on it. Throws where it would not pay
 * (csrBlocksPay). Costs one more copy of the entries (8 bytes each).
 */
export function prepackCSR(w: CSRMatrix): void {
  if (!csrBlocksPay(w)) {
    throw new ArgumentError(`prepackCSR: rows hold ${weightsPerBlock(w).toFixed(1)} weights in ${CSR_BLOCK_COLS} columns on average, fewer than the ${CSR_BLOCKED_MIN_WEIGHTS} the blocked layout needs to pay; leave this weight unpacked (spmm runs it as it is)`);
  }
  layouts.set(w, csrBlockedLayout(w));
}

/** Forgets w's prepacked layout (its values are about to change); spmm reads the CSR arrays again. */
export function dropPrepackedCSR(w: CSRMatrix): void {
  layouts.delete(w);
}

/** w's prepacked blocked layout, or undefined when prepackCSR has not been called on it. */
export function csrBlocks(w: CSRMatrix): CsrBlockedLayout | undefined {
  return layouts.get(w);
}

/** The layout spmm runs `batch` rows of w on: the prepacked one above batch 4 (below, the gather path reads each weight once anyway). */
export function csrBlocksFor(w: CSRMatrix, batch: number): CsrBlockedLayout | undefined {
  return batch > 4 ? layouts.get(w) : undefined;
}

/** The blocked layout of w (see the file's comment). */
export function csrBlockedLayout(w: CSRMatrix): CsrBlockedLayout {
  const { rows, cols, rowPtr } = w;
  const blocks = Math.ceil(cols / CSR_BLOCK_COLS);
  const order = new Int32Array(blocks * rows);
  const count = new Int32Array(blocks * rows);
  const colIdx = new Int32Array(w.nnz);
  const values = new Float32Array(w.nnz);
  const cur = rowPtr.slice(0, rows);
  const runs = new Int32Array(rows);
  let out = 0;
  for (let b = 0; b < blocks; b++) {
    const end = Math.min(cols, (b + 1) * CSR_BLOCK_COLS);
    let most = 0;
    for (let r = 0; r < rows; r++) {
      let s = cur[r]!;
      while (s < rowPtr[r + 1]! && w.colIdx[s]! < end) s++;
      runs[r] = s - cur[r]!;
      most = Math.max(most, runs[r]!);
    }
    // A counting sort by run length keeps rows rising inside each length.
    const at = new Int32Array(most + 2);
    for (let r = 0; r < rows; r++) at[runs[r]! + 1]!++;
    for (let c = 0; c <= most; c++) at[c + 1]! += at[c]!;
    for (let r = 0; r < rows; r++) order[b * rows + at[runs[r]!]!++] = r;
    for (let i = b * rows; i < (b + 1) * rows; i++) {
      const r = order[i]!;
      count[i] = runs[r]!;
      colIdx.set(w.colIdx.subarray(cur[r]!, cur[r]! + runs[r]!), out);
      values.set(w.values.subarray(cur[r]!, cur[r]! + runs[r]!), out);
      out += runs[r]!;
      cur[r]! += runs[r]!;
    }
  }
  return { blockCols: CSR_BLOCK_COLS, order, count, colIdx, values };
}
