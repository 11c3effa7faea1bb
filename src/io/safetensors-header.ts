/**
 * The safetensors header: an 8-byte little-endian length N, then N bytes of
 * JSON mapping each tensor name to {dtype, shape, data_offsets: [begin, end]}
 * (offsets into the data section that follows) plus an optional
 * `__metadata__` map of strings. Parsing checks everything the format's
 * reference reader checks, so a truncated or malformed file is a FormatError
 * that names the file and the tensor, never a crash or a hang.
 *
 * @example
 * const h = readSafetensorsHeader('model.safetensors');
 * for (const e of h.entries) console.log(e.name, e.dtype, e.shape);
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { FormatError, fmtShape } from '../util/errors.js';
import { ioErrorFrom } from './io-error.js';

/** Bytes per element of every dtype the format defines. */
export const SAFETENSORS_DTYPE_BYTES = {
  F64: 8, F32: 4, F16: 2, BF16: 2, F8_E4M3: 1, F8_E5M2: 1,
  I64: 8, I32: 4, I16: 2, I8: 1, U64: 8, U32: 4, U16: 2, U8: 1, BOOL: 1,
} as const;

export type SafetensorsDtype = keyof typeof SAFETENSORS_DTYPE_BYTES;

/** One tensor as the header describes it; `begin`/`end` are byte offsets into the data section. */
export interface SafetensorsEntry {
  readonly name: string;
  readonly dtype: SafetensorsDtype;
  readonly shape: readonly number[];
  readonly begin: number;
  readonly end: number;
}

export interface SafetensorsHeader {
  /** The file (or a label for in-memory bytes), used in messages. */
  readonly source: string;
  /** Where the data section starts in the file: 8 + the header length. */
  readonly dataStart: number;
  /** Bytes in the data section. */
  readonly dataLength: number;
  /** Entries in the order of their data. */
  readonly entries: readonly SafetensorsEntry[];
  readonly metadata: Readonly<Record<string, string>>;
}

// The reference implementation's limit; a longer header is a corrupt length field.
const MAX_HEADER_BYTES = 100_000_000;
const CORRUPT = 'the file is corrupt or truncated: save it again or download it again';

function fail(source: string, what: string, fix = CORRUPT): FormatError {
  return new FormatError(`safetensors ${source}: ${what}; ${fix}`);
}

/** Reads the header length from the first 8 bytes and checks it against the file length. */
export function parseHeaderLength(first: Uint8Array, fileLength: number, source: string): number {
  if (fileLength < 8 || first.byteLength < 8) {
    throw fail(source, `the file has ${fileLength} bytes, fewer than the 8-byte header length every safetensors file starts with`);
  }
  const view = new DataView(first.buffer, first.byteOffset, 8);
  const low = view.getUint32(0, true);
  const high = view.getUint32(4, true);
  if (high !== 0 || low > MAX_HEADER_BYTES) {
    const n = high * 2 ** 32 + low;
    throw fail(source, `header length ${n} is over the format's limit of ${MAX_HEADER_BYTES} bytes (is this a safetensors file?)`);
  }
  if (low > fileLength - 8) {
    throw fail(source, `header length ${low} runs past the end of the file (${fileLength} bytes, so at most ${fileLength - 8} for the header)`);
  }
  return low;
}

/**
 * Parses and checks a header. `headerBytes` are the N bytes after the length
 * field; `fileLength` is the length of the whole file.
 */
export function parseSafetensorsHeader(headerBytes: Uint8Array, fileLength: number, source: string): SafetensorsHeader {
  const dataStart = 8 + headerBytes.byteLength;
  const dataLength = fileLength - dataStart;
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(headerBytes);
  } catch {
    throw fail(source, 'the header is not valid UTF-8');
  }
  if (!text.startsWith('{')) throw fail(source, `the header does not start with '{' (it starts with ${JSON.stringify(text.slice(0, 16))})`);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw fail(source, `the header is not valid JSON (${err instanceof Error ? err.message : String(err)})`);
  }
  if (!isRecord(json)) throw fail(source, 'the header is not a JSON object');

  let metadata: Record<string, string> = {};
  const entries: SafetensorsEntry[] = [];
  for (const [name, value] of Object.entries(json)) {
    if (name === '__metadata__') metadata = parseMetadata(value, source);
    else entries.push(parseEntry(name, value, dataLength, source));
  }
  checkLayout(entries, dataLength, source);
  return { source, dataStart, dataLength, entries, metadata };
}

/**
 * Reads only the header of a safetensors file (names, dtypes, shapes,
 * offsets, metadata), checked against the file's length; the tensor data is
 * not read.
 */
export function readSafetensorsHeader(path: string): SafetensorsHeader {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (err) {
    throw ioErrorFrom(err, 'cannot open safetensors file', path);
  }
  try {
    const fileLength = fstatSync(fd).size;
    const first = readExactly(fd, 0, Math.min(8, fileLength), path);
    const n = parseHeaderLength(first, fileLength, path);
    return parseSafetensorsHeader(readExactly(fd, 8, n, path), fileLength, path);
  } finally {
    closeSync(fd);
  }
}

function readExactly(fd: number, position: number, length: number, path: string): Uint8Array {
  const out = new Uint8Array(length);
  let done = 0;
  try {
    while (done < length) {
      const got = readSync(fd, out, done, length - done, position + done);
      // The file shrank under us: stop rather than loop forever.
      if (got === 0) throw fail(path, `the file ended after ${position + done} bytes while reading the header`);
      done += got;
    }
  } catch (err) {
    if (err instanceof FormatError) throw err;
    throw ioErrorFrom(err, 'cannot read safetensors file', path);
  }
  return out;
}

function parseMetadata(value: unknown, source: string): Record<string, string> {
  if (!isRecord(value)) throw fail(source, '__metadata__ is not a JSON object of strings');
  const out: Record<string, string> = {};
  for (const [key, v] of Object.entries(value)) {
    if (typeof v !== 'string') throw fail(source, `__metadata__ key "${key}" holds a ${typeof v}, but metadata values must be strings`);
    out[key] = v;
  }
  return out;
}

function parseEntry(name: string, value: unknown, dataLength: number, source: string): SafetensorsEntry {
  const where = `tensor "${name}"`;
  if (!isRecord(value)) throw fail(source, `${where} is not described by a JSON object`);
  const { dtype, shape, data_offsets: offsets } = value;
  if (typeof dtype !== 'string' || !(dtype in SAFETENSORS_DTYPE_BYTES)) {
    throw fail(
      source,
      `${where} has unknown dtype ${JSON.stringify(dtype)} (known: ${Object.keys(SAFETENSORS_DTYPE_BYTES).join(', ')})`,
      'convert the tensor to one of these dtypes before saving',
    );
  }
  if (!Array.isArray(shape) || !shape.every(isCount)) {
    throw fail(source, `${where} has shape ${JSON.stringify(shape)}, not a list of non-negative integers`);
  }
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isCount)) {
    throw fail(source, `${where} has data_offsets ${JSON.stringify(offsets)}, not [begin, end] as non-negative integers`);
  }
  const [begin, end] = offsets as [number, number];
  if (begin > end) throw fail(source, `${where} has data_offsets [${begin}, ${end}] out of order (begin must not exceed end)`);
  if (end > dataLength) {
    throw fail(source, `${where} has data_offsets [${begin}, ${end}] outside the data section, which has ${dataLength} bytes`);
  }
  const typed = dtype as SafetensorsDtype;
  let bytes = SAFETENSORS_DTYPE_BYTES[typed];
  for (const d of shape as number[]) bytes *= d;
  if (bytes !== end - begin) {
    throw fail(source, `${where} of dtype ${typed} and shape ${fmtShape(shape as number[])} needs ${bytes} bytes but its data_offsets [${begin}, ${end}] hold ${end - begin}`);
  }
  return { name, dtype: typed, shape: shape as number[], begin, end };
}

/** Tensors must tile the data section exactly: no overlap, no gap, nothing left over. */
function checkLayout(entries: SafetensorsEntry[], dataLength: number, source: string): void {
  entries.sort((a, b) => a.begin - b.begin || a.end - b.end);
  let expected = 0;
  let previous: SafetensorsEntry | null = null;
  for (const e of entries) {
    if (e.begin < expected) {
      throw fail(source, `tensor "${e.name}" (bytes ${e.begin}..${e.end}) overlaps tensor "${previous!.name}" (bytes ${previous!.begin}..${previous!.end})`);
    }
    if (e.begin > expected) throw fail(source, `bytes ${expected}..${e.begin} of the data section belong to no tensor (before tensor "${e.name}")`);
    expected = e.end;
    previous = e;
  }
  if (expected !== dataLength) {
    throw fail(source, `the tensors cover ${expected} bytes but the data section has ${dataLength}: ${dataLength - expected} trailing bytes belong to no tensor`);
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isCount(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
}
