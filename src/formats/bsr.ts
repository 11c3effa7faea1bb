/**
 * BSR (block sparse row): CSR over dense blocks of bh × bw weights; a block
 * is stored when any of its weights is non-zero.
 * Shapes: W [O, K] with bh | O and bw | K; rowPtr [O/bh + 1] over block rows;
 * colIdx [nnzb] block columns, rising inside each block row; values
 * [nnzb, bh, bw], each block row-major.
 *
 * dense → BSR → dense is exact (the zeros inside a stored block are stored).
 */
import { Tensor } from '../tensor/tensor.js';
import { ArgumentError, ShapeError, fmtShape } from '../util/errors.js';

/** Block sides BSR accepts (blocks from 1×1 up to 32×32; 4×4 and larger pay off). */
export const BSR_MAX_BLOCK = 32;

export interface BSRSpec {
  readonly rows: number;
  readonly cols: number;
  readonly blockRows: number;
  readonly blockCols: number;
  readonly rowPtr: Int32Array;
  readonly colIdx: Int32Array;
  readonly values: Float32Array;
}

/**
 * A block-sparse [O, K] matrix.
 *
 * @example
 * const b = BSRMatrix.fromDense(w, { blockRows: 4, blockCols: 4 }); // w: [8, 16]
 * b.rowPtr.length; // 3 block rows + 1
 * b.toDense();     // equals w
 */
export class BSRMatrix {
  readonly format = 'bsr' as const;
  readonly rows: number;
  readonly cols: number;
  /** Block height bh. */
  readonly blockRows: number;
  /** Block width bw. */
  readonly blockCols: number;
  readonly rowPtr: Int32Array;
  readonly colIdx: Int32Array;
  readonly values: Float32Array;

  constructor(spec: BSRSpec) {
    const { rows, cols, blockRows: bh, blockCols: bw, rowPtr, colIdx, values } = spec;
    checkBlocks(rows, cols, bh, bw, 'BSRMatrix');
    const brows = rows / bh;
    const bcols = cols / bw;
    if (rowPtr.length !== brows + 1) throw new ShapeError(`BSRMatrix: rowPtr has ${rowPtr.length} entries, ${brows} block rows need ${brows + 1}`);
    if (values.length !== colIdx.length * bh * bw) {
      throw new ShapeError(`BSRMatrix: ${values.length} values for ${colIdx.length} blocks of ${bh}×${bw} (${colIdx.length * bh * bw} needed)`);
    }
    if (rowPtr[0] !== 0 || rowPtr[brows] !== colIdx.length) {
      throw new ArgumentError(`BSRMatrix: rowPtr must run from 0 to the block count ${colIdx.length}, got ${rowPtr[0]} to ${rowPtr[brows]}`);
    }
    for (let r = 0; r < brows; r++) {
      const a = rowPtr[r]!;
      const b = rowPtr[r + 1]!;
      if (b < a) throw new ArgumentError(`BSRMatrix: rowPtr falls from ${a} to ${b} at block row ${r}; it must not decrease`);
      for (let s = a; s < b; s++) {
        const c = colIdx[s]!;
        if (c < 0 || c >= bcols || (s > a && c <= colIdx[s - 1]!)) {
          throw new ArgumentError(`BSRMatrix: block row ${r} has block column ${c} after ${s > a ? colIdx[s - 1] : 'none'}; block columns must rise strictly and lie in [0, ${bcols})`);
        }
      }
    }
    this.rows = rows;
    this.cols = cols;
    this.blockRows = bh;
    this.blockCols = bw;
    this.rowPtr = rowPtr;
    this.colIdx = colIdx;
    this.values = values;
  }

  /**
   * The blocks of a dense [O, K] weight that hold a non-zero. Throws an
   * ArgumentError when the block does not tile the matrix.
   *
   * @example
   * BSRMatrix.fromDense(w, { blockRows: 16, blockCols: 16 }, 'fc1.weight');
   */
  static fromDense(w: Tensor, block: { readonly blockRows: number; readonly blockCols: number }, name?: string): BSRMatrix {
    const where = name === undefined ? 'BSRMatrix.fromDense' : `BSRMatrix.fromDense (${name})`;
    if (w.ndim !== 2) throw new ShapeError(`${where}: expects a 2-D [out, in] weight, got ${fmtShape(w.shape)}`);
    const [rows, cols] = w.shape as [number, number];
    const { blockRows: bh, blockCols: bw } = block;
    checkBlocks(rows, cols, bh, bw, where);
    const brows = rows / bh;
    const bcols = cols / bw;
    const d = w.data;
    const keep = (br: number, bc: number): boolean => {
      for (let i = 0; i < bh; i++) {
        const row = (br * bh + i) * cols + bc * bw;
        for (let j = 0; j < bw; j++) if (d[row + j] !== 0) return true;
      }
      return false;
    };
    const rowPtr = new Int32Array(brows + 1);
    const cols0: number[] = [];
    for (let br = 0; br < brows; br++) {
      for (let bc = 0; bc < bcols; bc++) if (keep(br, bc)) cols0.push(bc);
      rowPtr[br + 1] = cols0.length;
    }
    const colIdx = Int32Array.from(cols0);
    const values = new Float32Array(colIdx.length * bh * bw);
    for (let br = 0; br < brows; br++) {
      for (let s = rowPtr[br]!; s < rowPtr[br + 1]!; s++) {
        const bc = colIdx[s]!;
        for (let i = 0; i < bh; i++) {
          const src = (br * bh + i) * cols + bc * bw;
          values.set(d.subarray(src, src + bw), (s * bh + i) * bw);
        }
      }
    }
    return new BSRMatrix({ rows, cols, blockRows: bh, blockCols: bw, rowPtr, colIdx, values });
  }

  /** Stored blocks. */
  get blocks(): number {
    return this.colIdx.length;
  }

  /** Stored values (blocks · bh · bw, zeros inside blocks included). */
  get nnz(): number {
    return this.values.length;
  }

  /** Bytes of values, block column indices and row pointers. */
  byteSize(): number {
    return this.values.byteLength + this.colIdx.byteLength + this.rowPtr.byteLength;
  }

  /** The dense [O, K] matrix. */
  toDense(): Tensor {
    const { rows, cols, blockRows: bh, blockCols: bw } = this;
    const out = new Float32Array(rows * cols);
    for (let br = 0; br < rows / bh; br++) {
      for (let s = this.rowPtr[br]!; s < this.rowPtr[br + 1]!; s++) {
        const bc = this.colIdx[s]!;
        for (let i = 0; i < bh; i++) {
          const dst = (br * bh + i) * cols + bc * bw;
          out.set(this.values.subarray((s * bh + i) * bw, (s * bh + i + 1) * bw), dst);
        }
      }
    }
    return new Tensor(out, [rows, cols]);
  }
}

function checkBlocks(rows: number, cols: number, bh: number, bw: number, where: string): void {
  for (const [v, what] of [[rows, 'rows'], [cols, 'cols']] as const) {
    if (!Number.isInteger(v) || v < 1) throw new ArgumentError(`${where}: ${what} ${v} must be a positive integer`);
  }
  for (const [v, what] of [[bh, 'blockRows'], [bw, 'blockCols']] as const) {
    if (!Number.isInteger(v) || v < 1 || v > BSR_MAX_BLOCK) {
      throw new ArgumentError(`${where}: ${what} ${v} must be an integer from 1 to ${BSR_MAX_BLOCK} (blocks of 4×4 to 32×32 are the useful range)`);
    }
  }
  if (rows % bh !== 0 || cols % bw !== 0) {
    throw new ArgumentError(
      `${where}: blocks of ${bh}×${bw} do not tile a ${rows}×${cols} matrix; choose a block height dividing ${rows} and a width dividing ${cols}`,
    );
  }
}
