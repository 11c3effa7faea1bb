/**
 * IDX files, the MNIST format: two zero bytes, a dtype byte, the number of
 * dimensions, each dimension as a big-endian uint32, then the values in
 * big-endian row-major order. Files may be gzipped (detected by their first
 * two bytes, 1f 8b).
 *
 * @example
 * const images = readIdx('/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz');
 * images.dtype; // 'u8'
 * images.shape; // [10000, 28, 28]
 */
import { readFileSync } from 'node:fs';
import { gunzipSync, gzipSync } from 'node:zlib';
import { ArgumentError, FormatError, ShapeError, fmtShape } from '../util/errors.js';
import { sizeOf } from '../util/shape.js';

export type IdxDtype = 'u8' | 'i8' | 'i16' | 'i32' | 'f32' | 'f64';
export type IdxData = Uint8Array | Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;

export interface IdxArray {
  readonly dtype: IdxDtype;
  readonly shape: readonly number[];
  readonly data: IdxData;
}

interface DtypeInfo {
  code: number;
  bytes: number;
  make(n: number): IdxData;
  read(view: DataView, offset: number): number;
  write(view: DataView, offset: number, v: number): void;
}

const DTYPES: Record<IdxDtype, DtypeInfo> = {
  u8: { code: 0x08, bytes: 1, make: (n) => new Uint8Array(n), read: (v, o) => v.getUint8(o), write: (v, o, x) => v.setUint8(o, x) },
  i8: { code: 0x09, bytes: 1, make: (n) => new Int8Array(n), read: (v, o) => v.getInt8(o), write: (v, o, x) => v.setInt8(o, x) },
  i16: { code: 0x0b, bytes: 2, make: (n) => new Int16Array(n), read: (v, o) => v.getInt16(o), write: (v, o, x) => v.setInt16(o, x) },
  i32: { code: 0x0c, bytes: 4, make: (n) => new Int32Array(n), read: (v, o) => v.getInt32(o), write: (v, o, x) => v.setInt32(o, x) },
  f32: { code: 0x0d, bytes: 4, make: (n) => new Float32Array(n), read: (v, o) => v.getFloat32(o), write: (v, o, x) => v.setFloat32(o, x) },
  f64: { code: 0x0e, bytes: 8, make: (n) => new Float64Array(n), read: (v, o) => v.getFloat64(o), write: (v, o, x) => v.setFloat64(o, x) },
};

// Generous for any real IDX file, small enough that a corrupt gzip stream cannot exhaust memory.
const MAX_UNZIPPED_BYTES = 2 ** 31 - 1;

/** Reads an IDX file, raw or gzipped. */
export function readIdx(path: string): IdxArray {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new ArgumentError(`readIdx: cannot read ${path} (${reason}); check the path`);
  }
  return decodeIdx(bytes, path);
}

/** Decodes the bytes of an IDX file (gunzipping first when they start with 1f 8b); `source` names them in errors. */
export function decodeIdx(input: Uint8Array, source = '<bytes>'): IdxArray {
  const bytes = isGzip(input) ? gunzip(input, source) : input;
  const fail = (what: string): FormatError =>
    new FormatError(`IDX ${source}: ${what}; the file is corrupt, truncated or not an IDX (MNIST-format) file: download it again`);
  if (bytes.byteLength < 4) throw fail(`only ${bytes.byteLength} bytes, fewer than the 4-byte magic number`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes[0] !== 0 || bytes[1] !== 0) {
    throw fail(`bad magic number 0x${hex(view.getUint32(0))} (an IDX file starts with two zero bytes, a dtype byte and a dimension count)`);
  }
  const code = bytes[2]!;
  const entry = Object.entries(DTYPES).find(([, d]) => d.code === code);
  if (entry === undefined) throw fail(`unknown dtype byte 0x${code.toString(16).padStart(2, '0')} (known: 08 u8, 09 i8, 0b i16, 0c i32, 0d f32, 0e f64)`);
  const [name, info] = entry as [IdxDtype, DtypeInfo];
  const ndim = bytes[3]!;
  const headerBytes = 4 + 4 * ndim;
  if (bytes.byteLength < headerBytes) throw fail(`${bytes.byteLength} bytes cannot hold the ${ndim} dimension sizes the header announces`);
  const shape: number[] = [];
  for (let i = 0; i < ndim; i++) shape.push(view.getUint32(4 + 4 * i));
  const expected = headerBytes + sizeOf(shape) * info.bytes;
  if (bytes.byteLength < expected) {
    throw fail(`shape ${fmtShape(shape)} of ${name} needs ${expected} bytes but there are only ${bytes.byteLength}`);
  }
  if (bytes.byteLength > expected) throw fail(`shape ${fmtShape(shape)} of ${name} needs ${expected} bytes but there are ${bytes.byteLength} (extra data at the end)`);
  const n = sizeOf(shape);
  const data = info.make(n);
  // Single bytes have no byte order: copy them in one go (the common case, images and labels).
  if (info.bytes === 1) data.set(bytes.subarray(headerBytes, expected));
  else for (let i = 0; i < n; i++) data[i] = info.read(view, headerBytes + i * info.bytes);
  return { dtype: name, shape, data };
}

/**
 * The bytes of an IDX file for `array` (gzipped when `gzip` is set); the dtype
 * must match the typed array.
 *
 * @example
 * writeFileAtomic('labels-idx1-ubyte.gz', encodeIdx({ dtype: 'u8', shape: [3], data: Uint8Array.of(1, 2, 3) }, true));
 */
export function encodeIdx(array: IdxArray, gzip = false): Uint8Array {
  const info = DTYPES[array.dtype];
  if (info === undefined) throw new ArgumentError(`encodeIdx: unknown dtype ${String(array.dtype)} (use ${Object.keys(DTYPES).join(', ')})`);
  if (info.make(0).constructor !== array.data.constructor) {
    throw new ArgumentError(`encodeIdx: dtype ${array.dtype} needs a ${info.make(0).constructor.name}, got a ${array.data.constructor.name}`);
  }
  if (sizeOf(array.shape) !== array.data.length || array.shape.length > 255) {
    throw new ShapeError(`encodeIdx: ${array.data.length} values for shape ${fmtShape(array.shape)} (at most 255 dimensions)`);
  }
  const headerBytes = 4 + 4 * array.shape.length;
  const out = new Uint8Array(headerBytes + array.data.length * info.bytes);
  const view = new DataView(out.buffer);
  out[2] = info.code;
  out[3] = array.shape.length;
  array.shape.forEach((d, i) => view.setUint32(4 + 4 * i, d));
  for (let i = 0; i < array.data.length; i++) info.write(view, headerBytes + i * info.bytes, array.data[i]!);
  return gzip ? gzipSync(out, { level: 9 }) : out;
}

function isGzip(bytes: Uint8Array): boolean {
  return bytes.byteLength >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

function gunzip(bytes: Uint8Array, source: string): Uint8Array {
  try {
    return gunzipSync(bytes, { maxOutputLength: MAX_UNZIPPED_BYTES });
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new FormatError(`IDX ${source}: the gzip stream is damaged (${reason}); the file is corrupt or truncated: download it again`);
  }
}

function hex(n: number): string {
  return n.toString(16).padStart(8, '0');
}
