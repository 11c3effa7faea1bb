// Native im2row and row2im against their references (src/kernels/ref/im2row.ts),
// bit for bit (copies, and sums in the reference's order), and the reference
// against im2col: the same patches, transposed, channels innermost.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { im2col, im2row, row2im } from '../../src/kernels/index.js';
import { Rng } from '../../src/index.js';
import { assertSameFloats, configLabel, nativeParity, nativeTest, randomFloats, requireNative, type NativeConfig } from '../helpers/native.js';

// [b, c, h, w, kh, kw, sh, sw, ph, pw]
type Geometry = [number, number, number, number, number, number, number, number, number, number];
type Geometry12 = [number, number, number, number, number, number, number, number, number, number, number, number];

const GEOMETRIES: Geometry[] = [
  [1, 1, 1, 1, 1, 1, 1, 1, 0, 0],
  [1, 3, 7, 7, 1, 1, 1, 1, 0, 0],
  [2, 3, 7, 7, 3, 3, 1, 1, 1, 1],
  [1, 7, 33, 33, 3, 3, 2, 2, 1, 1],
  [3, 2, 7, 33, 2, 5, 1, 3, 0, 2],
  [1, 1, 3, 3, 5, 5, 1, 1, 2, 2],
  [2, 1, 7, 7, 2, 2, 3, 3, 3, 3],
  [1, 2, 1, 1023, 1, 7, 1, 1, 0, 3],
  [4, 33, 33, 33, 3, 3, 1, 1, 1, 1], // more output rows than one thread's grain: rows straddle the split
  [5, 16, 9, 9, 3, 3, 1, 1, 1, 1],
];

function outSize(h: number, k: number, s: number, p: number): number {
  return Math.floor((h + 2 * p - k) / s) + 1;
}

interface Case {
  readonly what: string;
  readonly args: Geometry12;
  readonly x: Float32Array;
  readonly rows: Float32Array;
  readonly wantRows: Float32Array;
  readonly wantX: Float32Array;
}

let cases: Case[] | undefined;
function getCases(): Case[] {
  if (cases) return cases;
  const rng = new Rng(31);
  cases = GEOMETRIES.map(([b, c, h, w, kh, kw, sh, sw, ph, pw]) => {
    const args: Geometry12 = [b, c, h, w, kh, kw, sh, sw, ph, pw, outSize(h, kh, sh, ph), outSize(w, kw, sw, pw)];
    const n = b * args[10] * args[11] * kh * kw * c;
    const x = randomFloats(b * c * h * w, rng);
    const rows = randomFloats(n, rng);
    const wantRows = new Float32Array(n);
    im2row.reference(...args, x, wantRows);
    const wantX = new Float32Array(x.length);
    row2im.reference(...args, rows, wantX);
    return { what: `[${args}]`, args, x, rows, wantRows, wantX };
  });
  return cases;
}

function runCases(cfg: NativeConfig): void {
  const toRows = requireNative(im2row);
  const toImage = requireNative(row2im);
  for (const c of getCases()) {
    const rows = new Float32Array(c.wantRows.length).fill(42);
    toRows(...c.args, c.x, rows);
    assertSameFloats(rows, c.wantRows, `im2row ${c.what} ${configLabel(cfg)}`);
    const x = new Float32Array(c.wantX.length).fill(42);
    toImage(...c.args, c.rows, x);
    assertSameFloats(x, c.wantX, `row2im ${c.what} ${configLabel(cfg)}`);
  }
}

nativeParity({ 'im2row and row2im: native matches reference bit for bit': runCases });

test('im2row holds im2col\'s patches with channels innermost, and row2im is its adjoint', () => {
  for (const c of getCases()) {
    const [b, ch, , , kh, kw, , , , , oh, ow] = c.args;
    const p = kh * kw;
    const l = oh * ow;
    const col = new Float32Array(c.wantRows.length);
    im2col.reference(...c.args, c.x, col);
    // col[n, c·P + p, l] = rows[n, l, p·C + c]
    for (let n = 0; n < b; n++) {
      for (let q = 0; q < ch * p; q++) {
        for (let t = 0; t < l; t++) {
          const [cc, pp] = [Math.floor(q / p), q % p];
          assert.equal(c.wantRows[(n * l + t) * p * ch + pp * ch + cc], col[(n * ch * p + q) * l + t], `${c.what} n ${n} row ${q} pixel ${t}`);
        }
      }
    }
    // <im2row(x), r> = <x, row2im(r)>
    let lhs = 0;
    let rhs = 0;
    for (let i = 0; i < c.rows.length; i++) lhs += c.wantRows[i]! * c.rows[i]!;
    for (let i = 0; i < c.x.length; i++) rhs += c.x[i]! * c.wantX[i]!;
    assert.ok(Math.abs(lhs - rhs) <= 1e-4 * Math.max(1, Math.abs(lhs)), `${c.what}: ${lhs} vs ${rhs}`);
  }
});

test('im2row: bad arguments raise errors naming the kernel and the argument', nativeTest(), () => {
  const toRows = requireNative(im2row) as unknown as (...args: unknown[]) => void;
  const toImage = requireNative(row2im) as unknown as (...args: unknown[]) => void;
  const f = (n: number): Float32Array => new Float32Array(n);
  assert.throws(() => toRows(1, 1, 2, 2, 2, 2, 1, 0, 0, 0, 1, 1, f(4), f(4)), /im2row: strides sh and sw must be at least 1/);
  assert.throws(() => toRows(1, 1, 2, 2, 2, 2, 1, 1, 0, 0, 1, 1, f(3), f(4)), /im2row: x holds 3 elements but the sizes given need 4/);
  assert.throws(() => toRows(1, 1, 2, 2, 2, 2, 1, 1, 0, 0, 2, 1, f(4), f(4)), /im2row: rows holds 4 elements but the sizes given need 8/);
  assert.throws(() => toImage(1, 1, 2, 2, 2, 2, 1, 1, 0, 0, 1, 1, f(4), f(3)), /row2im: x holds 3 elements but the sizes given need 4/);
  assert.throws(() => toImage(1, 1, 2, 2, 2, 2, 1, 1, 0, 0, 1, 1, f(4)), /row2im: expects 14 arguments, got 13/);
});
