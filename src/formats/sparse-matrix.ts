/**
 * The sparse layouts as one type, and packing a dense weight into the one a
 * FormatSpec names.
 * Shapes: W [O, K] (O outputs, K inputs: the reduction).
 */
import type { Tensor } from '../tensor/tensor.js';
import { ArgumentError } from '../util/errors.js';
import { BSRMatrix } from './bsr.js';
import { CSRMatrix } from './csr.js';
import { NMPacked } from './nm-packed.js';

/** A weight matrix in one of the compressed layouts. */
export type SparseMatrix = NMPacked | CSRMatrix | BSRMatrix;

/** The layouts by name, as the CLI and files spell them. */
export type FormatName = SparseMatrix['format'];

export const FORMAT_NAMES: readonly FormatName[] = ['nm', 'csr', 'bsr'];

/** Which layout to pack into, with its parameters. */
export type FormatSpec =
  | { readonly format: 'nm'; readonly n: number; readonly m: number }
  | { readonly format: 'csr' }
  | { readonly format: 'bsr'; readonly blockRows: number; readonly blockCols: number };

/**
 * Packs a dense [O, K] weight into the layout `spec` names; `name` (the
 * weight's qualified name) appears in errors.
 *
 * @example
 * const w = packDense(fc.weight, { format: 'nm', n: 1, m: 8 }, 'fc.weight');
 * w.format; // 'nm'
 */
export function packDense(w: Tensor, spec: FormatSpec, name?: string): SparseMatrix {
  switch (spec.format) {
    case 'nm':
      return NMPacked.fromDense(w, spec, name);
    case 'csr':
      return CSRMatrix.fromDense(w, name);
    case 'bsr':
      return BSRMatrix.fromDense(w, spec, name);
    default:
      throw new ArgumentError(`packDense: unknown format ${JSON.stringify((spec as { format: unknown }).format)}; use one of ${FORMAT_NAMES.join(', ')}`);
  }
}

/** A short description such as `nm 1:8`, `csr` or `bsr 16x16`. */
export function describeFormat(w: SparseMatrix): string {
  switch (w.format) {
    case 'nm':
      return `nm ${w.n}:${w.m}`;
    case 'csr':
      return 'csr';
    case 'bsr':
      return `bsr ${w.blockRows}x${w.blockCols}`;
  }
}

/** The FormatSpec a matrix was packed with. */
export function formatSpecOf(w: SparseMatrix): FormatSpec {
  switch (w.format) {
    case 'nm':
      return { format: 'nm', n: w.n, m: w.m };
    case 'csr':
      return { format: 'csr' };
    case 'bsr':
      return { format: 'bsr', blockRows: w.blockRows, blockCols: w.blockCols };
  }
}
