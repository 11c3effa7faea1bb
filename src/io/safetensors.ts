/**
 * safetensors files: read F32, F16, BF16 and F64 as float32 Tensors and the
 * integer dtypes (I8, U8, I16, U16, I32, U32, BOOL) as index tensors; write
 * F32 tensors and index tensors, with an optional `__metadata__` string map.
 * Assumes a little-endian host (x86-64, arm64), as the format does.
 * Writes are atomic; the layout follows the reference writer (header padded
 * with spaces to 8 bytes, tensors ordered by element size then name, so each
 * one is aligned to its element size).
 *
 * @example
 * saveSafetensors('w.safetensors', { 'fc.weight': w, 'fc.mask_idx': indexTensor(pos, [8, 2]) }, { metadata: { step: '100' } });
 * const { tensors, indices, metadata } = loadSafetensors('w.safetensors');
 */
import { readFileSync } from 'node:fs';
import { Tensor } from '../tensor/tensor.js';
import { ArgumentError, FormatError, ShapeError, fmtShape } from '../util/errors.js';
import { sizeOf } from '../util/shape.js';
import { writeFileAtomic } from './atomic-write.js';
import { bf16ToF32, f16ToF32 } from './half.js';
import { ioErrorFrom } from './io-error.js';
import { SAFETENSORS_DTYPE_BYTES, parseHeaderLength, parseSafetensorsHeader, type SafetensorsEntry } from './safetensors-header.js';

export type IndexDtype = 'I8' | 'U8' | 'I16' | 'U16' | 'I32' | 'U32' | 'BOOL';
export type IndexArray = Int8Array | Uint8Array | Int16Array | Uint16Array | Int32Array | Uint32Array;

/** Integer data with a shape: sparse positions, CSR column indices, masks stored as bytes. */
export interface IndexTensor {
  readonly dtype: IndexDtype;
  readonly shape: readonly number[];
  readonly data: IndexArray;
}

/** What a file holds: float tensors, integer tensors and the metadata strings. */
export interface SafetensorsContent {
  readonly tensors: Map<string, Tensor>;
  readonly indices: Map<string, IndexTensor>;
  readonly metadata: Record<string, string>;
}

export type SafetensorsInput = ReadonlyMap<string, Tensor | IndexTensor> | Readonly<Record<string, Tensor | IndexTensor>>;

export interface SaveSafetensorsOptions {
  metadata?: Readonly<Record<string, string>>;
  /** Create missing parent folders (default false). */
  mkdir?: boolean;
}

type IndexArrayCtor = { new (buffer: ArrayBuffer): IndexArray; readonly BYTES_PER_ELEMENT: number };

const INDEX_ARRAYS: Record<IndexDtype, IndexArrayCtor> = {
  I8: Int8Array, U8: Uint8Array, I16: Int16Array, U16: Uint16Array, I32: Int32Array, U32: Uint32Array, BOOL: Uint8Array,
};

/**
 * An index tensor from a typed array and a shape; the dtype follows the array
 * type (a Uint8Array is U8 unless `bool` is set).
 *
 * @example
 * indexTensor(Uint8Array.of(0, 3, 1, 2), [2, 2]); // dtype U8
 */
export function indexTensor(data: IndexArray, shape: readonly number[], bool = false): IndexTensor {
  if (sizeOf(shape) !== data.length) {
    throw new ShapeError(`indexTensor: ${data.length} values do not fill shape ${fmtShape(shape)} (${sizeOf(shape)} needed)`);
  }
  return { dtype: bool ? 'BOOL' : dtypeOfArray(data), shape: [...shape], data };
}

/** Reads a safetensors file; see {@link decodeSafetensors}. */
export function loadSafetensors(path: string): SafetensorsContent {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (err) {
    throw ioErrorFrom(err, 'cannot read safetensors file', path);
  }
  return decodeSafetensors(bytes, path);
}

/** Decodes the bytes of a safetensors file; `source` names it in error messages. */
export function decodeSafetensors(bytes: Uint8Array, source = '<bytes>'): SafetensorsContent {
  const n = parseHeaderLength(bytes, bytes.byteLength, source);
  const header = parseSafetensorsHeader(bytes.subarray(8, 8 + n), bytes.byteLength, source);
  const tensors = new Map<string, Tensor>();
  const indices = new Map<string, IndexTensor>();
  const data = bytes.subarray(header.dataStart);
  for (const e of header.entries) {
    // A fresh buffer for each tensor: offsets in the file need not be aligned, and the
    // result must not keep the whole file alive. (Buffer#slice would share memory.)
    const raw = new ArrayBuffer(e.end - e.begin);
    new Uint8Array(raw).set(data.subarray(e.begin, e.end));
    if (isIndexDtype(e.dtype)) indices.set(e.name, { dtype: e.dtype, shape: e.shape, data: new INDEX_ARRAYS[e.dtype](raw) });
    else tensors.set(e.name, new Tensor(decodeFloat(e, raw, source), e.shape));
  }
  return { tensors, indices, metadata: { ...header.metadata } };
}

/** Writes tensors (as F32) and index tensors to `path` atomically. */
export function saveSafetensors(path: string, entries: SafetensorsInput, opts: SaveSafetensorsOptions = {}): void {
  writeFileAtomic(path, encodeChunks(entries, opts.metadata ?? {}, path), { mkdir: opts.mkdir ?? false });
}

/** The bytes of a safetensors file holding `entries` and `metadata`. */
export function encodeSafetensors(entries: SafetensorsInput, metadata: Readonly<Record<string, string>> = {}): Uint8Array {
  return Buffer.concat(encodeChunks(entries, metadata, '<bytes>'));
}

function encodeChunks(entries: SafetensorsInput, metadata: Readonly<Record<string, string>>, target: string): Uint8Array[] {
  const list = entries instanceof Map ? [...entries] : Object.entries(entries as Record<string, Tensor | IndexTensor>);
  const items = list.map(([name, value]) => toItem(name, value, target));
  items.sort((a, b) => b.elementBytes - a.elementBytes || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));

  const header: Record<string, unknown> = {};
  const meta: Record<string, string> = {};
  for (const [key, value] of Object.entries(metadata)) {
    if (typeof value !== 'string') {
      throw new ArgumentError(`saveSafetensors ${target}: metadata key "${key}" holds a ${typeof value}; metadata values must be strings (use JSON.stringify)`);
    }
    meta[key] = value;
  }
  if (Object.keys(meta).length > 0) header['__metadata__'] = meta;
  let offset = 0;
  for (const item of items) {
    header[item.name] = { dtype: item.dtype, shape: item.shape, data_offsets: [offset, offset + item.bytes.byteLength] };
    offset += item.bytes.byteLength;
  }
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - (Buffer.byteLength(json, 'utf8') % 8)) % 8);
  const headerBytes = Buffer.from(json, 'utf8');
  const length = new Uint8Array(8);
  new DataView(length.buffer).setUint32(0, headerBytes.byteLength, true);
  return [length, headerBytes, ...items.map((i) => i.bytes)];
}

interface Item {
  name: string;
  dtype: string;
  shape: readonly number[];
  elementBytes: number;
  bytes: Uint8Array;
}

function toItem(name: string, value: Tensor | IndexTensor, target: string): Item {
  if (name === '' || name === '__metadata__') {
    throw new ArgumentError(`saveSafetensors ${target}: "${name}" cannot name a tensor; choose another name`);
  }
  if (value instanceof Tensor) {
    return { name, dtype: 'F32', shape: value.shape, elementBytes: 4, bytes: bytesOf(value.data) };
  }
  const expected = value.dtype === 'BOOL' ? 'U8' : value.dtype;
  if (!(value.dtype in INDEX_ARRAYS) || dtypeOfArray(value.data) !== expected) {
    throw new ArgumentError(`saveSafetensors ${target}: tensor "${name}" says dtype ${String(value.dtype)} but holds a ${value.data.constructor.name}; build it with indexTensor()`);
  }
  if (sizeOf(value.shape) !== value.data.length) {
    throw new ShapeError(`saveSafetensors ${target}: tensor "${name}" has ${value.data.length} values for shape ${fmtShape(value.shape)}`);
  }
  return { name, dtype: value.dtype, shape: value.shape, elementBytes: value.data.BYTES_PER_ELEMENT, bytes: bytesOf(value.data) };
}

function bytesOf(a: Float32Array | IndexArray): Uint8Array {
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}

function dtypeOfArray(a: IndexArray): Exclude<IndexDtype, 'BOOL'> {
  if (a instanceof Int8Array) return 'I8';
  if (a instanceof Uint8Array) return 'U8';
  if (a instanceof Int16Array) return 'I16';
  if (a instanceof Uint16Array) return 'U16';
  if (a instanceof Int32Array) return 'I32';
  return 'U32';
}

function isIndexDtype(d: string): d is IndexDtype {
  return d in INDEX_ARRAYS;
}

function decodeFloat(e: SafetensorsEntry, raw: ArrayBuffer, source: string): Float32Array {
  switch (e.dtype) {
    case 'F32':
      return new Float32Array(raw);
    case 'F16':
      return f16ToF32(new Uint16Array(raw));
    case 'BF16':
      return bf16ToF32(new Uint16Array(raw));
    case 'F64':
      return Float32Array.from(new Float64Array(raw));
    default:
      throw new FormatError(
        `safetensors ${source}: tensor "${e.name}" has dtype ${e.dtype} (${SAFETENSORS_DTYPE_BYTES[e.dtype]} bytes per element), which sparsekit does not read; ` +
          'convert it to F32, F16, BF16 or I32 before saving (for example tensor.to(torch.float32) or .to(torch.int32))',
      );
  }
}
