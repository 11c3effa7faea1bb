/**
 * CSR (compressed sparse row): the non-zeros of each row with their column
 * indices, rows delimited by rowPtr.
 * Shapes: W [O, K]; rowPtr [O + 1]; colIdx and values [nnz], columns rising
 * inside each row.
 *
 * dense → CSR → dense is exact: every value that is not 0 (NaN included) is
 * stored; a −0 comes back as +0.
 */
import { Tensor } from '../tensor/tensor.js';
import { ArgumentError, ShapeError, fmtShape } from '../util/errors.js';

export interface CSRSpec {
  readonly rows: number;
  readonly cols: number;
  readonly rowPtr: Int32Array;
  readonly colIdx: Int32Array;
  readonly values: Float32Array;
}

/**
 * A sparse [O, K] matrix in CSR form.
 *
 * @example
 * const c = CSRMatrix.fromDense(tensor([[0, 2, 0], [1, 0, 3]]));
 * c.rowPtr; // Int32Array [0, 1, 3]
 * c.colIdx; // Int32Array [1, 0, 2]
 * c.values; // Float32Array [2, 1, 3]
 */
export class CSRMatrix {
  readonly format = 'csr' as const;
  readonly rows: number;
  readonly cols: number;
  readonly rowPtr: Int32Array;
  readonly colIdx: Int32Array;
  readonly values: Float32Array;

  constructor(spec: CSRSpec) {
    const { rows, cols, rowPtr, colIdx, values } = spec;
    for (const [v, what] of [[rows, 'rows'], [cols, 'cols']] as const) {
      if (!Number.isInteger(v) || v < 1) throw new ArgumentError(`CSRMatrix: ${what} ${v} must be a positive integer`);
    }
    if (rowPtr.length !== rows + 1) throw new ShapeError(`CSRMatrix: rowPtr has ${rowPtr.length} entries, a ${rows}-row matrix needs ${rows + 1}`);
    if (colIdx.length !== values.length) throw new ShapeError(`CSRMatrix: ${colIdx.length} column indices for ${values.length} values; they must match`);
    if (rowPtr[0] !== 0 || rowPtr[rows] !== values.length) {
      throw new ArgumentError(`CSRMatrix: rowPtr must run from 0 to nnz = ${values.length}, got ${rowPtr[0]} to ${rowPtr[rows]}`);
    }
    for (let r = 0; r < rows; r++) {
      const a = rowPtr[r]!;
      const b = rowPtr[r + 1]!;
      if (b < a) throw new ArgumentError(`CSRMatrix: rowPtr falls from ${a} to ${b} at row ${r}; it must not decrease`);
      for (let s = a; s < b; s++) {
        const c = colIdx[s]!;
        if (c < 0 || c >= cols || (s > a && c <= colIdx[s - 1]!)) {
          throw new ArgumentError(`CSRMatrix: row ${r} has column ${c} after ${s > a ? colIdx[s - 1] : 'none'}; columns must rise strictly and lie in [0, ${cols})`);
        }
      }
    }
    this.rows = rows;
    this.cols = cols;
    this.rowPtr = rowPtr;
    this.colIdx = colIdx;
    this.values = values;
  }

  /**
   * The non-zeros of a dense [O, K] weight.
   *
   * @example
   * CSRMatrix.fromDense(mul(w, mask)).nnz; // number of kept weights
   */
  static fromDense(w: Tensor, name?: string): CSRMatrix {
    if (w.ndim !== 2) {
      throw new ShapeError(`CSRMatrix.fromDense${name === undefined ? '' : ` (${name})`}: expects a 2-D [out, in] weight, got ${fmtShape(w.shape)}`);
    }
    const [rows, cols] = w.shape as [number, number];
    const d = w.data;
    let nnz = 0;
    for (let i = 0; i < d.length; i++) if (d[i] !== 0) nnz++;
    const rowPtr = new Int32Array(rows + 1);
    const colIdx = new Int32Array(nnz);
    const values = new Float32Array(nnz);
    let s = 0;
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < cols; c++) {
        const v = d[r * cols + c]!;
        if (v !== 0) {
          colIdx[s] = c;
          values[s++] = v;
        }
      }
      rowPtr[r + 1] = s;
    }
    return new CSRMatrix({ rows, cols, rowPtr, colIdx, values });
  }

  get nnz(): number {
    return this.values.length;
  }

  /** Bytes of values, column indices and row pointers. */
  byteSize(): number {
    return this.values.byteLength + this.colIdx.byteLength + this.rowPtr.byteLength;
  }

  /** The dense [O, K] matrix. */
  toDense(): Tensor {
    const out = new Float32Array(this.rows * this.cols);
    for (let r = 0; r < this.rows; r++) {
      for (let s = this.rowPtr[r]!; s < this.rowPtr[r + 1]!; s++) out[r * this.cols + this.colIdx[s]!] = this.values[s]!;
    }
    return new Tensor(out, [this.rows, this.cols]);
  }
}
