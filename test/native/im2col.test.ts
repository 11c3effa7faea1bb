// Native im2col and col2im against their references (src/kernels/ref/im2col.ts).
// Both are copies and sums in the reference's order: they match bit for bit.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { col2im, im2col } from '../../src/kernels/index.js';
import { Rng } from '../../src/index.js';
import { assertSameFloats, configLabel, nativeParity, nativeTest, randomFloats, requireNative, type NativeConfig } from '../helpers/native.js';

// [b, c, h, w, kh, kw, sh, sw, ph, pw]
type Geometry = [number, number, number, number, number, number, number, number, number, number];

const GEOMETRIES: Geometry[] = [
  [1, 1, 1, 1, 1, 1, 1, 1, 0, 0],
  [1, 3, 7, 7, 1, 1, 1, 1, 0, 0],
  [2, 3, 7, 7, 3, 3, 1, 1, 1, 1],
  [1, 7, 33, 33, 3, 3, 2, 2, 1, 1],
  [3, 2, 7, 33, 2, 5, 1, 3, 0, 2],
  [1, 1, 3, 3, 5, 5, 1, 1, 2, 2],
  [2, 1, 7, 7, 2, 2, 3, 3, 3, 3],
  [1, 2, 1, 1023, 1, 7, 1, 1, 0, 3],
  [4, 33, 33, 33, 3, 3, 1, 1, 1, 1],
];

interface Case {
  readonly what: string;
  readonly args: number[];
  readonly x: Float32Array;
  readonly col: Float32Array;
  readonly wantCol: Float32Array;
  readonly wantX: Float32Array;
}

let cases: Case[] | undefined;
function getCases(): Case[] {
  if (cases) return cases;
  const rng = new Rng(21);
  cases = GEOMETRIES.map(([b, c, h, w, kh, kw, sh, sw, ph, pw]) => {
    const oh = Math.floor((h + 2 * ph - kh) / sh) + 1;
    const ow = Math.floor((w + 2 * pw - kw) / sw) + 1;
    const args = [b, c, h, w, kh, kw, sh, sw, ph, pw, oh, ow];
    const x = randomFloats(b * c * h * w, rng);
    const col = randomFloats(b * c * kh * kw * oh * ow, rng);
    const wantCol = new Float32Array(col.length);
    im2col.reference(b, c, h, w, kh, kw, sh, sw, ph, pw, oh, ow, x, wantCol);
    const wantX = new Float32Array(x.length);
    col2im.reference(b, c, h, w, kh, kw, sh, sw, ph, pw, oh, ow, col, wantX);
    return { what: `[${args}]`, args, x, col, wantCol, wantX };
  });
  return cases;
}

type Geometry12 = [number, number, number, number, number, number, number, number, number, number, number, number];

function runCases(cfg: NativeConfig): void {
  const toCol = requireNative(im2col);
  const toImage = requireNative(col2im);
  for (const c of getCases()) {
    const g = c.args as Geometry12;
    const col = new Float32Array(c.wantCol.length).fill(42);
    toCol(...g, c.x, col);
    assertSameFloats(col, c.wantCol, `im2col ${c.what} ${configLabel(cfg)}`);
    const x = new Float32Array(c.wantX.length).fill(42);
    toImage(...g, c.col, x);
    assertSameFloats(x, c.wantX, `col2im ${c.what} ${configLabel(cfg)}`);
  }
}

nativeParity({ 'im2col and col2im: native matches reference bit for bit': runCases });

test('im2col: a padded 2×2 image worked out by hand', nativeTest(), () => {
  const toCol = requireNative(im2col);
  const toImage = requireNative(col2im);
  // x = [[1, 2], [3, 4]], 2×2 kernel, padding 1, stride 1: 3×3 outputs; row (i=0, j=0) reads x[y−1, z−1]
  const col = new Float32Array(4 * 9);
  toCol(1, 1, 2, 2, 2, 2, 1, 1, 1, 1, 3, 3, Float32Array.from([1, 2, 3, 4]), col);
  assert.deepEqual(Array.from(col.subarray(0, 9)), [0, 0, 0, 0, 1, 2, 0, 3, 4]);
  assert.deepEqual(Array.from(col.subarray(27, 36)), [1, 2, 0, 3, 4, 0, 0, 0, 0]);
  // col2im of all ones counts how many windows read each pixel: 4 each
  const x = new Float32Array(4);
  toImage(1, 1, 2, 2, 2, 2, 1, 1, 1, 1, 3, 3, new Float32Array(36).fill(1), x);
  assert.deepEqual(Array.from(x), [4, 4, 4, 4]);
});

test('im2col: bad arguments raise errors naming the kernel and the argument', nativeTest(), () => {
  const toCol = requireNative(im2col) as unknown as (...args: unknown[]) => void;
  const toImage = requireNative(col2im) as unknown as (...args: unknown[]) => void;
  const f = (n: number): Float32Array => new Float32Array(n);
  assert.throws(() => toCol(1, 1, 2, 2, 2, 2, 0, 1, 0, 0, 1, 1, f(4), f(4)), /im2col: strides sh and sw must be at least 1/);
  assert.throws(() => toCol(1, 1, 2, 2, 2, 2, 1, 1, 0, 0, 1, 1, f(3), f(4)), /im2col: x holds 3 elements but the sizes given need 4/);
  assert.throws(() => toCol(1, 1, 2, 2, 2, 2, 1, 1, 0, 0, 1, 2, f(4), f(4)), /im2col: col holds 4 elements but the sizes given need 8/);
  assert.throws(() => toImage(1, 1, 2, 2, 2, 2, 1, 1, 0, 0, 1, 1, f(4), f(3)), /col2im: x holds 3 elements but the sizes given need 4/);
  assert.throws(() => toImage(1, -1, 2, 2, 2, 2, 1, 1, 0, 0, 1, 1, f(4), f(4)), /col2im: argument c must be a non-negative integer/);
  assert.throws(() => toCol(1, 1, 2, 2, 2, 2, 1, 1, 0, 0, 1, 1, f(4)), /im2col: expects 14 arguments, got 13/);
});
