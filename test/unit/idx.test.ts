import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { ArgumentError, FormatError, decodeIdx, encodeIdx, readIdx } from '../../src/index.js';

// u8, 2 dims [2, 3]: magic 00 00 08 02, dims big-endian, then 6 bytes
const U8_2x3 = Uint8Array.of(0, 0, 0x08, 2, 0, 0, 0, 2, 0, 0, 0, 3, 0, 1, 2, 253, 254, 255);
// i16, 1 dim [3]: -2 (ff fe), 258 (01 02), 32767 (7f ff)
const I16_3 = Uint8Array.of(0, 0, 0x0b, 1, 0, 0, 0, 3, 0xff, 0xfe, 0x01, 0x02, 0x7f, 0xff);
// f32, 1 dim [2]: 1.0 (3f 80 00 00), -2.5 (c0 20 00 00)
const F32_2 = Uint8Array.of(0, 0, 0x0d, 1, 0, 0, 0, 2, 0x3f, 0x80, 0, 0, 0xc0, 0x20, 0, 0);
// f64 [1]: 0.5 (3f e0 00 ...); i32 [1]: -1; i8 [2]: -128, 127; a scalar (0 dims) u8 7
const F64_1 = Uint8Array.of(0, 0, 0x0e, 1, 0, 0, 0, 1, 0x3f, 0xe0, 0, 0, 0, 0, 0, 0);
const I32_1 = Uint8Array.of(0, 0, 0x0c, 1, 0, 0, 0, 1, 0xff, 0xff, 0xff, 0xff);
const I8_2 = Uint8Array.of(0, 0, 0x09, 1, 0, 0, 0, 2, 0x80, 0x7f);
const U8_SCALAR = Uint8Array.of(0, 0, 0x08, 0, 7);

function expectFormatError(bytes: Uint8Array, pattern: RegExp): void {
  assert.throws(() => decodeIdx(bytes, 'case-idx'), (e: unknown) => e instanceof FormatError && /IDX case-idx/.test(e.message) && pattern.test(e.message));
}

test('hand-made IDX files of every dtype decode to the values written by hand', () => {
  const u8 = decodeIdx(U8_2x3);
  assert.equal(u8.dtype, 'u8');
  assert.deepEqual(u8.shape, [2, 3]);
  assert.ok(u8.data instanceof Uint8Array);
  assert.deepEqual([...u8.data], [0, 1, 2, 253, 254, 255]);
  assert.deepEqual([...decodeIdx(I16_3).data], [-2, 258, 32767]);
  assert.deepEqual([...decodeIdx(F32_2).data], [1, -2.5]);
  assert.deepEqual([...decodeIdx(F64_1).data], [0.5]);
  assert.deepEqual([...decodeIdx(I32_1).data], [-1]);
  assert.deepEqual([...decodeIdx(I8_2).data], [-128, 127]);
  assert.deepEqual(decodeIdx(U8_SCALAR), { dtype: 'u8', shape: [], data: Uint8Array.of(7) });
});

test('gzipped files are detected by their magic bytes and read the same; readIdx reads both from disk', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sk-idx-'));
  try {
    writeFileSync(join(dir, 'a-idx2-ubyte'), U8_2x3);
    writeFileSync(join(dir, 'a-idx2-ubyte.gz'), gzipSync(U8_2x3));
    // the name does not matter: a gzipped file without .gz is still found out
    writeFileSync(join(dir, 'b'), gzipSync(I16_3));
    assert.deepEqual(readIdx(join(dir, 'a-idx2-ubyte.gz')), readIdx(join(dir, 'a-idx2-ubyte')));
    assert.deepEqual([...readIdx(join(dir, 'b')).data], [-2, 258, 32767]);
    assert.throws(() => readIdx(join(dir, 'missing')), (e: unknown) => e instanceof ArgumentError && e.message.includes(join(dir, 'missing')));
  } finally {
    rmSync(dir, { recursive: true });
  }
});

test('encodeIdx writes exactly the bytes of the hand-made files', () => {
  assert.deepEqual(encodeIdx({ dtype: 'u8', shape: [2, 3], data: Uint8Array.of(0, 1, 2, 253, 254, 255) }), U8_2x3);
  assert.deepEqual(encodeIdx({ dtype: 'i16', shape: [3], data: Int16Array.of(-2, 258, 32767) }), I16_3);
  assert.deepEqual(encodeIdx({ dtype: 'f32', shape: [2], data: Float32Array.of(1, -2.5) }), F32_2);
  assert.deepEqual(decodeIdx(encodeIdx({ dtype: 'f64', shape: [1], data: Float64Array.of(0.5) }, true)), decodeIdx(F64_1));
  assert.throws(() => encodeIdx({ dtype: 'i32', shape: [1], data: Uint8Array.of(1) }), /dtype i32 needs a Int32Array, got a Uint8Array/);
  assert.throws(() => encodeIdx({ dtype: 'u8', shape: [2], data: Uint8Array.of(1) }), /1 values for shape \[2\]/);
});

test('bad magic, unknown dtype, truncated or oversized data and damaged gzip are FormatErrors saying what is wrong', () => {
  expectFormatError(Uint8Array.of(0, 0), /only 2 bytes/);
  expectFormatError(Uint8Array.of(0x50, 0x4b, 3, 4, 0, 0), /bad magic number 0x504b0304/);
  expectFormatError(Uint8Array.of(0, 0, 0x0a, 1, 0, 0, 0, 1, 0), /unknown dtype byte 0x0a/);
  expectFormatError(U8_2x3.subarray(0, 10), /10 bytes cannot hold the 2 dimension sizes/);
  expectFormatError(U8_2x3.subarray(0, 17), /shape \[2, 3\] of u8 needs 18 bytes but there are only 17/);
  expectFormatError(I16_3.subarray(0, 13), /shape \[3\] of i16 needs 14 bytes but there are only 13/);
  expectFormatError(Uint8Array.from([...U8_2x3, 9]), /extra data at the end/);
  const gz = gzipSync(U8_2x3);
  expectFormatError(gz.subarray(0, gz.length - 6), /gzip stream is damaged/);
  const flipped = Uint8Array.from(gz);
  flipped[12] = flipped[12]! ^ 0xff;
  expectFormatError(flipped, /gzip stream is damaged|needs \d+ bytes|bad magic/);
  // A huge announced size on a tiny file must fail at once, not allocate.
  expectFormatError(Uint8Array.of(0, 0, 0x08, 2, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 1), /needs \d+ bytes but there are only 13/);
});

test('every truncation of a gzipped file fails cleanly', () => {
  const gz = gzipSync(Uint8Array.from([...I16_3]));
  for (let len = 0; len < gz.length; len++) assert.throws(() => decodeIdx(gz.subarray(0, len)), FormatError, `cut at ${len}`);
});
