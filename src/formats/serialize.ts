/**
 * Sparse matrices as named file entries (the layout of a compressed
 * safetensors file) and back. For a weight `fc1.weight`:
 *   nm   fc1.weight.values F32 [O, K/M·N], fc1.weight.positions U8 [O, rowBytes]
 *   csr  fc1.weight.values F32 [nnz], fc1.weight.row_ptr I32 [O + 1], fc1.weight.col_idx U16 (I32 when K > 65536) [nnz]
 *   bsr  fc1.weight.values F32 [blocks, bh, bw], .row_ptr I32 [O/bh + 1], .col_idx U16 or I32 [blocks]
 * and the metadata key `sparsekit.formats` maps each weight to its layout:
 * {"fc1.weight": {"format": "nm", "shape": [O, K], "n": 1, "m": 8}, …}.
 * A convolution weight [O, C, kh, kw] is stored as the matrix [O, kh·kw·C]
 * (columns ordered kernel position, then channel) with "convShape": [O, C, kh, kw].
 * This file knows no I/O: io/ writes and reads the entries.
 */
import { Tensor } from '../tensor/tensor.js';
import { ArgumentError, FormatError } from '../util/errors.js';
import { BSRMatrix } from './bsr.js';
import { CSRMatrix } from './csr.js';
import { NMPacked } from './nm-packed.js';
import type { SparseMatrix } from './sparse-matrix.js';

/** Metadata key holding the layout of every compressed weight (JSON). */
export const FORMATS_METADATA_KEY = 'sparsekit.formats';

/** Integer entries as a safetensors file holds them (structurally io's IndexTensor). */
export interface IndexEntry {
  readonly dtype: 'U8' | 'U16' | 'I32';
  readonly shape: readonly number[];
  readonly data: Uint8Array | Uint16Array | Int32Array;
}

/** How one compressed weight is described in the metadata. */
export interface StoredLayout {
  readonly format: SparseMatrix['format'];
  readonly shape: readonly [number, number];
  readonly n?: number;
  readonly m?: number;
  readonly blockRows?: number;
  readonly blockCols?: number;
  /** A convolution weight's shape [O, C, kh, kw]; `shape` is then [O, kh·kw·C]. */
  readonly convShape?: readonly [number, number, number, number];
}

/** The entries of one weight, and its metadata record. */
export interface EncodedMatrix {
  readonly tensors: Map<string, Tensor>;
  readonly indices: Map<string, IndexEntry>;
  readonly layout: StoredLayout;
}

function indexEntry(a: Int32Array, bound: number, shape: readonly number[]): IndexEntry {
  return bound <= 65536 ? { dtype: 'U16', shape, data: Uint16Array.from(a) } : { dtype: 'I32', shape, data: a };
}

/**
 * The file entries of a sparse weight named `name`; `convShape` marks the
 * matrix as a convolution weight [O, C, kh, kw] laid out [O, kh·kw·C].
 *
 * @example
 * const e = encodeMatrix('fc1.weight', NMPacked.fromDense(w, { n: 1, m: 8 }));
 * [...e.tensors.keys(), ...e.indices.keys()]; // ['fc1.weight.values', 'fc1.weight.positions']
 */
export function encodeMatrix(name: string, w: SparseMatrix, convShape?: readonly [number, number, number, number]): EncodedMatrix {
  const tensors = new Map<string, Tensor>();
  const indices = new Map<string, IndexEntry>();
  const shape: [number, number] = [w.rows, w.cols];
  if (convShape !== undefined) checkConvShape(shape, convShape, name, 'encodeMatrix', ArgumentError);
  const conv = convShape === undefined ? {} : { convShape };
  switch (w.format) {
    case 'nm':
      tensors.set(`${name}.values`, new Tensor(w.values, [w.rows, w.slotsPerRow]));
      indices.set(`${name}.positions`, { dtype: 'U8', shape: [w.rows, w.rowBytes], data: w.positions });
      return { tensors, indices, layout: { format: 'nm', shape, n: w.n, m: w.m, ...conv } };
    case 'csr':
      tensors.set(`${name}.values`, new Tensor(w.values, [w.nnz]));
      indices.set(`${name}.row_ptr`, { dtype: 'I32', shape: [w.rows + 1], data: w.rowPtr });
      indices.set(`${name}.col_idx`, indexEntry(w.colIdx, w.cols, [w.nnz]));
      return { tensors, indices, layout: { format: 'csr', shape, ...conv } };
    case 'bsr':
      tensors.set(`${name}.values`, new Tensor(w.values, [w.blocks, w.blockRows, w.blockCols]));
      indices.set(`${name}.row_ptr`, { dtype: 'I32', shape: [w.rows / w.blockRows + 1], data: w.rowPtr });
      indices.set(`${name}.col_idx`, indexEntry(w.colIdx, w.cols / w.blockCols, [w.blocks]));
      return { tensors, indices, layout: { format: 'bsr', shape, blockRows: w.blockRows, blockCols: w.blockCols, ...conv } };
  }
}

/** A convShape [O, C, kh, kw] must be positive integers whose matrix is `shape` [O, C·kh·kw]. */
function checkConvShape(shape: readonly number[], conv: unknown, name: string, where: string, Err: new (message: string) => Error): void {
  const ok =
    Array.isArray(conv) &&
    conv.length === 4 &&
    conv.every((d) => Number.isInteger(d) && d > 0) &&
    conv[0] === shape[0] &&
    (conv[1] as number) * (conv[2] as number) * (conv[3] as number) === shape[1];
  if (!ok) {
    throw new Err(`${where}: convShape of "${name}" must be [O, C, kh, kw] with O = ${shape[0]} and C·kh·kw = ${shape[1]} (the stored matrix [${shape.join(', ')}]), got ${JSON.stringify(conv)}`);
  }
}

/** What a decoded file holds: float tensors, integer tensors and metadata (structurally io's SafetensorsContent). */
export interface StoredContent {
  readonly tensors: ReadonlyMap<string, Tensor>;
  readonly indices: ReadonlyMap<string, { readonly dtype: string; readonly shape: readonly number[]; readonly data: ArrayLike<number> }>;
  readonly metadata: Readonly<Record<string, string>>;
}

/** The layouts a file's metadata declares (empty for a file without compressed weights). */
export function storedLayouts(metadata: Readonly<Record<string, string>>, source = 'file'): Map<string, StoredLayout> {
  const text = metadata[FORMATS_METADATA_KEY];
  if (text === undefined) return new Map();
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new FormatError(`${source}: metadata key "${FORMATS_METADATA_KEY}" is not valid JSON; the file is corrupt or was not written by sparsekit export`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new FormatError(`${source}: metadata key "${FORMATS_METADATA_KEY}" must map weight names to layouts`);
  }
  const out = new Map<string, StoredLayout>();
  for (const [name, v] of Object.entries(parsed as Record<string, unknown>)) {
    const l = v as Partial<StoredLayout>;
    const okShape = Array.isArray(l.shape) && l.shape.length === 2 && l.shape.every((d) => Number.isInteger(d) && d > 0);
    if (!okShape || (l.format !== 'nm' && l.format !== 'csr' && l.format !== 'bsr')) {
      throw new FormatError(`${source}: layout of "${name}" in "${FORMATS_METADATA_KEY}" needs format nm, csr or bsr and a 2-D shape, got ${JSON.stringify(v)}`);
    }
    if (l.convShape !== undefined) checkConvShape(l.shape!, l.convShape, name, `${source}: "${FORMATS_METADATA_KEY}"`, FormatError);
    out.set(name, l as StoredLayout);
  }
  return out;
}

function need<T>(value: T | undefined, key: string, source: string): T {
  if (value === undefined) throw new FormatError(`${source}: entry "${key}" is missing; the file is truncated or was not written by sparsekit export`);
  return value;
}

function int32(a: ArrayLike<number>): Int32Array {
  return a instanceof Int32Array ? a : Int32Array.from(a);
}

/**
 * The sparse matrix stored under `name`; the constructors check every index,
 * so a corrupt file is a FormatError naming the entry.
 *
 * @example
 * const w = decodeMatrix(content, 'fc1.weight', storedLayouts(content.metadata).get('fc1.weight')!);
 */
export function decodeMatrix(content: StoredContent, name: string, layout: StoredLayout, source = 'file'): SparseMatrix {
  const [rows, cols] = layout.shape;
  const values = need(content.tensors.get(`${name}.values`), `${name}.values`, source).data;
  try {
    switch (layout.format) {
      case 'nm': {
        const pos = need(content.indices.get(`${name}.positions`), `${name}.positions`, source).data;
        const positions = pos instanceof Uint8Array ? pos : Uint8Array.from(pos);
        return new NMPacked({ rows, cols, n: layout.n ?? 0, m: layout.m ?? 0, values, positions });
      }
      case 'csr':
        return new CSRMatrix({
          rows,
          cols,
          values,
          rowPtr: int32(need(content.indices.get(`${name}.row_ptr`), `${name}.row_ptr`, source).data),
          colIdx: int32(need(content.indices.get(`${name}.col_idx`), `${name}.col_idx`, source).data),
        });
      case 'bsr':
        return new BSRMatrix({
          rows,
          cols,
          blockRows: layout.blockRows ?? 0,
          blockCols: layout.blockCols ?? 0,
          values,
          rowPtr: int32(need(content.indices.get(`${name}.row_ptr`), `${name}.row_ptr`, source).data),
          colIdx: int32(need(content.indices.get(`${name}.col_idx`), `${name}.col_idx`, source).data),
        });
    }
  } catch (e) {
    if (e instanceof FormatError) throw e;
    throw new FormatError(`${source}: compressed weight "${name}" is invalid: ${(e as Error).message}`);
  }
}
