/**
 * NMPacked: an N:M sparse matrix as its kept values plus, for each, its
 * position inside its group of M, in the fewest bits (log2 M: 2 bits for
 * M = 4, 3 for 8, 4 for 16, 5 for 32).
 * Shapes: W [O, K] with groups of M consecutive columns along K (the
 * reduction); values [O, K/M, N]; positions one bit stream per row.
 *
 * Layout choice: positions are bit-packed (not one byte each) because at
 * batch 1 a sparse product is bound by the bytes it reads, and 3-bit
 * positions make 1:8 move 4.4 bytes per kept weight instead of 5. Each row's
 * stream starts on a byte boundary so that threads and kernels can address a
 * row directly; the native kernels unpack eight positions per 64-bit load.
 *
 * Every group stores exactly N slots, sorted by position. A group with fewer
 * than N non-zeros fills its spare slots with the first zero positions (their
 * stored value is that zero), so dense → NMPacked → dense is exact.
 */
import { Tensor } from '../tensor/tensor.js';
import { ArgumentError, ShapeError, fmtShape } from '../util/errors.js';
import { packedBytes, readBits, writeBits } from './bit-pack.js';

/** Group sizes NMPacked supports: powers of two, so positions fill whole bit fields. */
export const NM_GROUP_SIZES: readonly number[] = [2, 4, 8, 16, 32, 64];

export interface NMPackedSpec {
  readonly rows: number;
  readonly cols: number;
  readonly n: number;
  readonly m: number;
  /** Kept values, [rows, cols/m, n]. */
  readonly values: Float32Array;
  /** Positions inside each group, log2(m) bits each, one byte-aligned stream per row. */
  readonly positions: Uint8Array;
}

/**
 * An N:M sparse [O, K] matrix in packed form.
 *
 * @example
 * const w = tensor([[0, 3, 0, -1], [2, 0, 0, 0]]);
 * const p = NMPacked.fromDense(w, { n: 1, m: 2 });
 * p.values;          // Float32Array [3, -1, 2, 0]
 * p.toDense();       // equals w
 */
export class NMPacked {
  readonly format = 'nm' as const;
  readonly rows: number;
  readonly cols: number;
  readonly n: number;
  readonly m: number;
  /** Bits per position: log2(m). */
  readonly bits: number;
  /** Bytes of one row's position stream. */
  readonly rowBytes: number;
  readonly values: Float32Array;
  readonly positions: Uint8Array;

  constructor(spec: NMPackedSpec) {
    const { rows, cols, n, m } = spec;
    checkGeometry(rows, cols, n, m, 'NMPacked');
    this.rows = rows;
    this.cols = cols;
    this.n = n;
    this.m = m;
    this.bits = Math.log2(m);
    this.rowBytes = packedBytes((cols / m) * n, this.bits);
    const slots = rows * (cols / m) * n;
    if (spec.values.length !== slots) {
      throw new ShapeError(`NMPacked: ${spec.values.length} values for a ${rows}×${cols} ${n}:${m} matrix, which keeps ${slots} ([${rows}, ${cols / m}, ${n}])`);
    }
    if (spec.positions.length !== rows * this.rowBytes) {
      throw new ShapeError(`NMPacked: ${spec.positions.length} position bytes for a ${rows}×${cols} ${n}:${m} matrix, which needs ${rows * this.rowBytes} (${this.rowBytes} per row)`);
    }
    this.values = spec.values;
    this.positions = spec.positions;
    this.#checkPositions();
  }

  /**
   * Packs a dense [O, K] weight whose every group of m columns holds at most n
   * non-zeros. Throws an ArgumentError naming the first group that holds more
   * (`name` says which weight), or when m does not divide K.
   *
   * @example
   * NMPacked.fromDense(mul(w, nmMask(w, { n: 2, m: 4 })), { n: 2, m: 4 }, 'fc1.weight');
   */
  static fromDense(w: Tensor, pattern: { readonly n: number; readonly m: number }, name?: string): NMPacked {
    const where = name === undefined ? 'NMPacked.fromDense' : `NMPacked.fromDense (${name})`;
    if (w.ndim !== 2) throw new ShapeError(`${where}: expects a 2-D [out, in] weight, got ${fmtShape(w.shape)}; reshape a conv kernel to [O, I·kh·kw] first`);
    const [rows, cols] = w.shape as [number, number];
    const { n, m } = pattern;
    checkGeometry(rows, cols, n, m, where);
    const groups = cols / m;
    const bits = Math.log2(m);
    const rowBytes = packedBytes(groups * n, bits);
    const values = new Float32Array(rows * groups * n);
    const positions = new Uint8Array(rows * rowBytes);
    const d = w.data;
    const kept = new Int32Array(n);
    for (let o = 0; o < rows; o++) {
      for (let g = 0; g < groups; g++) {
        const start = o * cols + g * m;
        let nz = 0;
        for (let j = 0; j < m; j++) if (d[start + j] !== 0) nz++;
        if (nz > n) {
          throw new ArgumentError(
            `${where}: row ${o}, group ${g} (columns ${g * m}–${g * m + m - 1}) holds ${nz} non-zeros, more than N = ${n} of ${n}:${m}; ` +
              `apply an N:M mask first (nmMask) or pack with a pattern that fits, such as ${nz}:${m}`,
          );
        }
        // Non-zeros first, then the first zeros as padding; stored in position order.
        let c = 0;
        let pad = n - nz;
        for (let j = 0; j < m; j++) {
          const isZero = d[start + j] === 0;
          if (!isZero || pad > 0) {
            if (isZero) pad--;
            kept[c++] = j;
          }
        }
        for (let s = 0; s < n; s++) {
          const slot = g * n + s;
          values[o * groups * n + slot] = d[start + kept[s]!]!;
          writeBits(positions, o * rowBytes, bits, slot, kept[s]!);
        }
      }
    }
    return new NMPacked({ rows, cols, n, m, values, positions });
  }

  /** Kept slots per row: (K / M)·N. */
  get slotsPerRow(): number {
    return (this.cols / this.m) * this.n;
  }

  /** Stored values (kept slots, padding included). */
  get nnz(): number {
    return this.values.length;
  }

  /** The column of kept slot `slot` of row `row`. */
  column(row: number, slot: number): number {
    return Math.floor(slot / this.n) * this.m + readBits(this.positions, row * this.rowBytes, this.bits, slot);
  }

  /** Bytes of values plus positions. */
  byteSize(): number {
    return this.values.byteLength + this.positions.byteLength;
  }

  /** The dense [O, K] matrix. */
  toDense(): Tensor {
    const out = new Float32Array(this.rows * this.cols);
    const spr = this.slotsPerRow;
    for (let o = 0; o < this.rows; o++) {
      for (let s = 0; s < spr; s++) out[o * this.cols + this.column(o, s)] = this.values[o * spr + s]!;
    }
    return new Tensor(out, [this.rows, this.cols]);
  }

  // Positions must rise strictly inside each group, or a slot would be counted twice.
  #checkPositions(): void {
    const spr = this.slotsPerRow;
    for (let o = 0; o < this.rows; o++) {
      let prev = -1;
      for (let s = 0; s < spr; s++) {
        const p = readBits(this.positions, o * this.rowBytes, this.bits, s);
        if (s % this.n !== 0 && p <= prev) {
          throw new ArgumentError(
            `NMPacked: row ${o}, group ${Math.floor(s / this.n)}: positions must rise strictly inside a group, got ${prev} then ${p}; the positions data is corrupt`,
          );
        }
        prev = p;
      }
    }
  }
}

function checkGeometry(rows: number, cols: number, n: number, m: number, where: string): void {
  for (const [v, what] of [[rows, 'rows'], [cols, 'cols']] as const) {
    if (!Number.isInteger(v) || v < 1) throw new ArgumentError(`${where}: ${what} ${v} must be a positive integer`);
  }
  if (!NM_GROUP_SIZES.includes(m)) {
    throw new ArgumentError(`${where}: M = ${m} is not supported; NMPacked needs M in ${NM_GROUP_SIZES.join(', ')} (positions take log2 M bits)`);
  }
  if (!Number.isInteger(n) || n < 1 || n >= m) {
    throw new ArgumentError(`${where}: N = ${n} must be an integer from 1 to M - 1 = ${m - 1} (N counts the kept weights of each group of ${m})`);
  }
  if (cols % m !== 0) {
    throw new ArgumentError(`${where}: M = ${m} does not divide the ${cols} columns of the weight; groups run along the input dimension, so choose an M that divides it`);
  }
}
