import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  FormatError, IoError, Rng, decodeSafetensors, encodeSafetensors, indexTensor, loadSafetensors, randn,
  readSafetensorsHeader, saveSafetensors, tensor, writeFileAtomic,
} from '../../src/index.js';

/** A safetensors file built by hand: header JSON text (unpadded) and raw data bytes. */
function handMade(header: string, data: number[] | Uint8Array = []): Uint8Array {
  const h = Buffer.from(header, 'utf8');
  const len = Buffer.alloc(8);
  len.writeUInt32LE(h.length, 0);
  return Buffer.concat([len, h, Buffer.from(data)]);
}

function le16(...words: number[]): number[] {
  return words.flatMap((w) => [w & 0xff, w >>> 8]);
}

function expectFormatError(bytes: Uint8Array, ...patterns: RegExp[]): void {
  assert.throws(() => decodeSafetensors(bytes, 'case.safetensors'), (err: unknown) => {
    assert.ok(err instanceof FormatError, `expected a FormatError, got ${String(err)}`);
    assert.match(err.message, /case\.safetensors/);
    for (const p of patterns) assert.match(err.message, p);
    return true;
  });
}

const tmp = (): string => mkdtempSync(join(tmpdir(), 'sk-st-'));

test('round trip through a file: F32 tensors, index tensors and metadata come back identical', () => {
  const dir = tmp();
  try {
    const rng = new Rng(1);
    const w = randn([7, 33], rng);
    const b = tensor([1.5, -2.25, 3]);
    const s = tensor([42], []);
    const pos = indexTensor(Uint8Array.of(0, 3, 1, 2, 7, 5), [3, 2]);
    const cols = indexTensor(Int32Array.of(-1, 2147483647, 5), [3]);
    const u16 = indexTensor(Uint16Array.of(65535, 1), [2]);
    const path = join(dir, 'm.safetensors');
    saveSafetensors(path, { 'fc.weight': w, 'fc.bias': b, step: s, 'fc.pos': pos, cols, u16 }, { metadata: { format: 'pt', note: 'é ✓' } });
    assert.deepEqual(readdirSync(dir), ['m.safetensors'], 'no temporary file is left behind');
    const back = loadSafetensors(path);
    assert.deepEqual(back.metadata, { format: 'pt', note: 'é ✓' });
    assert.deepEqual([...back.tensors.keys()].sort(), ['fc.bias', 'fc.weight', 'step']);
    assert.deepEqual(back.tensors.get('fc.weight')!.shape, [7, 33]);
    assert.deepEqual(back.tensors.get('fc.weight')!.data, w.data);
    assert.deepEqual(back.tensors.get('fc.bias')!.toArray(), [1.5, -2.25, 3]);
    assert.deepEqual(back.tensors.get('step')!.shape, []);
    assert.equal(back.indices.get('fc.pos')!.dtype, 'U8');
    assert.deepEqual(back.indices.get('fc.pos')!.shape, [3, 2]);
    assert.deepEqual([...back.indices.get('fc.pos')!.data], [0, 3, 1, 2, 7, 5]);
    assert.equal(back.indices.get('cols')!.dtype, 'I32');
    assert.deepEqual([...back.indices.get('cols')!.data], [-1, 2147483647, 5]);
    assert.deepEqual([...back.indices.get('u16')!.data], [65535, 1]);

    const header = readSafetensorsHeader(path);
    assert.equal(header.dataStart % 8, 0, 'header padded to 8 bytes');
    // Aligned layout: F32 tensors first (4 bytes each), then U16, then U8, each by name.
    assert.deepEqual(header.entries.map((e) => `${e.name}:${e.dtype}`), ['cols:I32', 'fc.bias:F32', 'fc.weight:F32', 'step:F32', 'u16:U16', 'fc.pos:U8']);
    for (const e of header.entries) assert.equal((header.dataStart + e.begin) % (e.dtype === 'U8' ? 1 : e.dtype === 'U16' ? 2 : 4), 0);
  } finally {
    rmSync(dir, { recursive: true });
  }
});

test('the written bytes follow the format exactly (checked against a header written by hand)', () => {
  const bytes = encodeSafetensors({ a: tensor([1, 2]) });
  const expectedHeader = '{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}';
  const padded = expectedHeader + ' '.repeat((8 - (expectedHeader.length % 8)) % 8);
  const expected = Buffer.concat([Buffer.from(handMade(padded)), Buffer.from(new Float32Array([1, 2]).buffer)]);
  assert.deepEqual(Buffer.from(bytes), expected);
});

test('F16, BF16 and F64 decode to float32 (bit patterns worked out by hand)', () => {
  // F16: 1, -2, 65504 (largest), 2^-24 (smallest subnormal), 0x3555 = 1 + 341/1024 times 2^-2, +Inf, -0
  const f16 = [0x3c00, 0xc000, 0x7bff, 0x0001, 0x3555, 0x7c00, 0x8000];
  // BF16: 1, -3, 0x4049 = 3.140625, -Inf
  const bf16 = [0x3f80, 0xc040, 0x4049, 0xff80];
  const f64 = Buffer.alloc(16);
  f64.writeDoubleLE(0.1, 0);
  f64.writeDoubleLE(-1e300, 8);
  const header = JSON.stringify({
    h: { dtype: 'F16', shape: [7], data_offsets: [0, 14] },
    nan: { dtype: 'F16', shape: [1], data_offsets: [14, 16] },
    b: { dtype: 'BF16', shape: [2, 2], data_offsets: [16, 24] },
    d: { dtype: 'F64', shape: [2], data_offsets: [24, 40] },
  });
  const file = handMade(header, [...le16(...f16), ...le16(0x7e00), ...le16(...bf16), ...f64]);
  const { tensors } = decodeSafetensors(file);
  assert.deepEqual(tensors.get('h')!.toArray(), [1, -2, 65504, 2 ** -24, 0.333251953125, Infinity, -0]);
  assert.ok(Object.is(tensors.get('h')!.data[6], -0));
  assert.ok(Number.isNaN(tensors.get('nan')!.item()));
  assert.deepEqual(tensors.get('b')!.shape, [2, 2]);
  assert.deepEqual(tensors.get('b')!.toArray(), [1, -3, 3.140625, -Infinity]);
  assert.deepEqual(tensors.get('d')!.toArray(), [Math.fround(0.1), -Infinity]);
});

test('unaligned offsets (legal in the format) still decode', () => {
  const header = JSON.stringify({ u: { dtype: 'U8', shape: [1], data_offsets: [0, 1] }, f: { dtype: 'F32', shape: [1], data_offsets: [1, 5] } });
  const f = Buffer.alloc(4);
  f.writeFloatLE(-0.5, 0);
  const out = decodeSafetensors(handMade(header, [9, ...f]));
  assert.deepEqual(out.tensors.get('f')!.toArray(), [-0.5]);
  assert.deepEqual([...out.indices.get('u')!.data], [9]);
});

test('malformed headers: each gives a FormatError naming the file, the tensor and the problem', () => {
  const ok = (extra: object = {}): string => JSON.stringify({ w: { dtype: 'F32', shape: [2], data_offsets: [0, 8] }, ...extra });
  const data8 = new Array(8).fill(0);
  // header length beyond the file
  const long = Buffer.from(handMade(ok(), data8));
  long.writeUInt32LE(5000, 0);
  expectFormatError(long, /header length 5000 runs past the end of the file/, /truncated/);
  const huge = Buffer.from(handMade(ok(), data8));
  huge.writeUInt32LE(1, 4);
  expectFormatError(huge, /over the format's limit/);
  expectFormatError(Uint8Array.of(1, 2, 3), /3 bytes, fewer than the 8-byte header length/);
  // not JSON, not an object, not UTF-8
  expectFormatError(handMade('{"w": {"dtype": "F32", '), /not valid JSON/);
  expectFormatError(handMade('[1, 2]'), /does not start with '\{'/);
  assert.equal(decodeSafetensors(handMade('{}   ')).tensors.size, 0, 'an empty header padded with spaces is valid');
  expectFormatError(handMade('{"x": 1}'), /tensor "x" is not described by a JSON object/);
  const badUtf8 = Buffer.from(handMade('{"ab":1}'));
  badUtf8[10] = 0xff;
  expectFormatError(badUtf8, /not valid UTF-8/);
  // unknown dtype
  expectFormatError(handMade(JSON.stringify({ w: { dtype: 'F17', shape: [2], data_offsets: [0, 8] } }), data8), /tensor "w" has unknown dtype "F17"/, /BF16/, /convert/);
  // a known dtype sparsekit does not read
  expectFormatError(handMade(JSON.stringify({ w: { dtype: 'I64', shape: [1], data_offsets: [0, 8] } }), data8), /tensor "w" has dtype I64/, /convert it/);
  // shape that does not match the bytes
  expectFormatError(handMade(JSON.stringify({ w: { dtype: 'F32', shape: [3], data_offsets: [0, 8] } }), data8), /tensor "w" of dtype F32 and shape \[3\] needs 12 bytes but its data_offsets \[0, 8\] hold 8/);
  expectFormatError(handMade(JSON.stringify({ w: { dtype: 'F32', shape: [-2], data_offsets: [0, 8] } }), data8), /tensor "w" has shape \[-2\]/);
  expectFormatError(handMade(JSON.stringify({ w: { dtype: 'F32', shape: [2], data_offsets: [0] } }), data8), /tensor "w" has data_offsets \[0\]/);
  // offsets out of order, overlapping, outside the data, leaving gaps or trailing bytes
  expectFormatError(handMade(JSON.stringify({ w: { dtype: 'F32', shape: [0], data_offsets: [8, 0] } }), data8), /tensor "w" has data_offsets \[8, 0\] out of order/);
  expectFormatError(
    handMade(ok({ v: { dtype: 'F32', shape: [2], data_offsets: [4, 12] } }), new Array(12).fill(0)),
    /tensor "v" \(bytes 4\.\.12\) overlaps tensor "w" \(bytes 0\.\.8\)/,
  );
  expectFormatError(handMade(ok({ v: { dtype: 'F32', shape: [1], data_offsets: [8, 12] } }), data8), /tensor "v" has data_offsets \[8, 12\] outside the data section, which has 8 bytes/);
  expectFormatError(handMade(ok({ v: { dtype: 'F32', shape: [1], data_offsets: [12, 16] } }), new Array(16).fill(0)), /bytes 8\.\.12 of the data section belong to no tensor/);
  expectFormatError(handMade(ok(), new Array(11).fill(0)), /3 trailing bytes/);
  // metadata must be strings
  expectFormatError(handMade(ok({ __metadata__: { step: 3 } }), data8), /__metadata__ key "step" holds a number/);
});

test('every truncation of a valid file is a FormatError, quickly (no crash, no hang)', () => {
  const full = encodeSafetensors({ a: randn([3, 5], new Rng(2)), idx: indexTensor(Int32Array.of(1, 2, 3), [3]) }, { k: 'v' });
  const started = Date.now();
  for (let len = 0; len < full.length; len++) {
    assert.throws(() => decodeSafetensors(full.subarray(0, len), `cut at ${len}`), FormatError, `cut at ${len}`);
  }
  assert.ok(Date.now() - started < 2000);
  // The same through the file reader and the header-only reader.
  const dir = tmp();
  try {
    const path = join(dir, 'cut.safetensors');
    writeFileSync(path, full.subarray(0, full.length - 4));
    assert.throws(() => loadSafetensors(path), /cut\.safetensors.*outside the data section.*truncated/s);
    assert.throws(() => readSafetensorsHeader(path), FormatError);
    writeFileSync(path, full.subarray(0, 20));
    assert.throws(() => readSafetensorsHeader(path), /header length \d+ runs past the end of the file \(20 bytes/);
  } finally {
    rmSync(dir, { recursive: true });
  }
});

test('readSafetensorsHeader lists names, dtypes, shapes and offsets without reading data', () => {
  const dir = tmp();
  try {
    const path = join(dir, 'h.safetensors');
    saveSafetensors(path, { b: tensor([[1, 2, 3]]), a: indexTensor(Uint8Array.of(1, 0), [2], true) }, { metadata: { who: 'test' } });
    const h = readSafetensorsHeader(path);
    assert.deepEqual(h.metadata, { who: 'test' });
    assert.deepEqual(h.entries.map((e) => [e.name, e.dtype, e.shape, e.begin, e.end]), [['b', 'F32', [1, 3], 0, 12], ['a', 'BOOL', [2], 12, 14]]);
    assert.equal(h.dataLength, 14);
    assert.equal(h.dataStart + h.dataLength, readFileSync(path).length);
  } finally {
    rmSync(dir, { recursive: true });
  }
});

test('missing files and bad arguments give clear errors', () => {
  assert.throws(() => loadSafetensors('/nonexistent/x.safetensors'), (e: unknown) => e instanceof IoError && /cannot read safetensors file \/nonexistent\/x\.safetensors.*check the path/.test(e.message));
  assert.throws(() => writeFileAtomic('/nonexistent/dir/x.json', '{}'), (e: unknown) => e instanceof IoError && e.code === 'ENOENT');
  assert.throws(() => encodeSafetensors({ __metadata__: tensor([1]) }), /cannot name a tensor/);
  assert.throws(() => encodeSafetensors({ a: tensor([1]) }, { n: 3 as unknown as string }), /metadata key "n" holds a number/);
  assert.throws(() => encodeSafetensors({ a: { dtype: 'I32', shape: [2], data: Uint8Array.of(1, 2) } }), /says dtype I32 but holds a Uint8Array/);
  assert.throws(() => indexTensor(Int32Array.of(1, 2, 3), [2, 2]), /3 values do not fill shape \[2, 2\]/);
});

test('writeFileAtomic replaces a file whole and can create folders', () => {
  const dir = tmp();
  try {
    const path = join(dir, 'sub', 'x.txt');
    writeFileAtomic(path, 'first', { mkdir: true });
    writeFileAtomic(path, [Buffer.from('sec'), Buffer.from('ond')]);
    assert.equal(readFileSync(path, 'utf8'), 'second');
    assert.deepEqual(readdirSync(join(dir, 'sub')), ['x.txt']);
  } finally {
    rmSync(dir, { recursive: true });
  }
});
