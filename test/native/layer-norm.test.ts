// Native layer normalisation (forward and backward) against its reference
// (src/kernels/ref/layer-norm.ts). Both compute in float64 and round once,
// so they differ only in summation order: 1e-6 relative plus 1e-6 of the
// largest value (for results that pass near zero).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { layerNormBackward, layerNormForward } from '../../src/kernels/index.js';
import { Rng } from '../../src/index.js';
import { assertNear, configLabel, nativeParity, nativeTest, randomFloats, requireNative, type NativeConfig } from '../helpers/native.js';

interface Case {
  readonly what: string;
  readonly rows: number;
  readonly cols: number;
  readonly x: Float32Array;
  readonly w: Float32Array;
  readonly b: Float32Array;
  readonly dy: Float32Array;
}

// [rows, cols, offset of x]: an offset far from 0 checks that x − mean keeps its digits.
const SHAPES: [number, number, number][] = [
  [1, 1, 0], [3, 3, 0], [7, 7, 2], [1, 33, 0], [33, 1023, 100], [3, 4099, -50], [70, 1023, 0], [5000, 7, 3], [1023, 33, 0],
];

function maxAbs(a: Float32Array): number {
  let m = 0;
  for (const v of a) m = Math.max(m, Math.abs(v));
  return m;
}

let cases: Case[] | undefined;
function getCases(): Case[] {
  if (cases) return cases;
  const rng = new Rng(9);
  cases = [];
  for (const [rows, cols, offset] of SHAPES) {
    const x = randomFloats(rows * cols, rng, offset - 2, offset + 2);
    const dy = randomFloats(rows * cols, rng);
    const w = randomFloats(cols, rng, 0.5, 1.5);
    const b = randomFloats(cols, rng);
    // every affine combination: weight and bias, neither, weight only, bias only
    const affine: [string, Float32Array, Float32Array][] = [
      ['w+b', w, b], ['plain', new Float32Array(0), new Float32Array(0)], ['w', w, new Float32Array(0)], ['b', new Float32Array(0), b],
    ];
    for (const [name, ww, bb] of affine) cases.push({ what: `[${rows}, ${cols}] ${name}`, rows, cols, x, w: ww, b: bb, dy });
  }
  return cases;
}

function runCases(cfg: NativeConfig): void {
  const forward = requireNative(layerNormForward);
  const backward = requireNative(layerNormBackward);
  for (const c of getCases()) {
    const what = `layerNorm ${c.what} ${configLabel(cfg)}`;
    const n = c.rows * c.cols;
    const want = { y: new Float32Array(n), mean: new Float32Array(c.rows), rstd: new Float32Array(c.rows) };
    layerNormForward.reference(c.rows, c.cols, 1e-5, c.x, c.w, c.b, want.y, want.mean, want.rstd);
    const got = { y: new Float32Array(n).fill(42), mean: new Float32Array(c.rows).fill(42), rstd: new Float32Array(c.rows).fill(42) };
    forward(c.rows, c.cols, 1e-5, c.x, c.w, c.b, got.y, got.mean, got.rstd);
    assertNear(got.y, want.y, 1e-6, 1e-6 * maxAbs(want.y), `${what} y`);
    assertNear(got.mean, want.mean, 1e-6, 0, `${what} mean`);
    assertNear(got.rstd, want.rstd, 1e-6, 0, `${what} rstd`);

    // dweight and dbias only when the forward had them
    const dwLen = c.w.length > 0 ? c.cols : 0;
    const dbLen = c.b.length > 0 ? c.cols : 0;
    const wantDx = new Float32Array(n);
    const wantDw = new Float32Array(dwLen);
    const wantDb = new Float32Array(dbLen);
    layerNormBackward.reference(c.rows, c.cols, c.x, c.w, want.mean, want.rstd, c.dy, wantDx, wantDw, wantDb);
    const dx = new Float32Array(n).fill(42);
    const dw = new Float32Array(dwLen).fill(42);
    const db = new Float32Array(dbLen).fill(42);
    backward(c.rows, c.cols, c.x, c.w, want.mean, want.rstd, c.dy, dx, dw, db);
    assertNear(dx, wantDx, 1e-6, 1e-6 * maxAbs(wantDx), `${what} dx`);
    assertNear(dw, wantDw, 1e-6, 1e-6 * maxAbs(wantDw), `${what} dweight`);
    assertNear(db, wantDb, 1e-6, 1e-6 * maxAbs(wantDb), `${what} dbias`);
  }
}

nativeParity({ 'layerNormForward and layerNormBackward: native matches reference': runCases });

test('layerNormForward: a row worked out by hand', nativeTest(), () => {
  const forward = requireNative(layerNormForward);
  // x = (1, 3): mean 2, variance 1, so x̂ = (−1, 1) (eps 0); then ·(2, 3) + (0.5, 0.5)
  const y = new Float32Array(2);
  const mean = new Float32Array(1);
  const rstd = new Float32Array(1);
  forward(1, 2, 0, Float32Array.from([1, 3]), Float32Array.from([2, 3]), Float32Array.from([0.5, 0.5]), y, mean, rstd);
  assert.deepEqual([...y, mean[0], rstd[0]], [-1.5, 3.5, 2, 1]);
});

test('layerNorm kernels: bad arguments raise errors naming the kernel and the argument', nativeTest(), () => {
  const forward = requireNative(layerNormForward) as unknown as (...args: unknown[]) => void;
  const backward = requireNative(layerNormBackward) as unknown as (...args: unknown[]) => void;
  const f = (n: number): Float32Array => new Float32Array(n);
  assert.throws(() => forward(2, 3, 1e-5, f(6), f(2), f(0), f(6), f(2), f(2)), /layerNormForward: weight holds 2 elements; pass an empty array \(none\) or at least cols = 3/);
  assert.throws(() => forward(2, 3, 1e-5, f(6), f(3), f(3), f(6), f(1), f(2)), /layerNormForward: mean holds 1 elements but the sizes given need 2/);
  assert.throws(() => forward(2, 3, '1e-5', f(6), f(3), f(3), f(6), f(2), f(2)), /layerNormForward: argument eps must be a number/);
  assert.throws(() => backward(2, 3, f(6), f(0), f(2), f(2), f(5), f(6), f(0), f(0)), /layerNormBackward: dy holds 5 elements but the sizes given need 6/);
  assert.throws(() => backward(2, 3, f(6), f(0), f(2), f(2), f(6), f(6), f(1), f(0)), RangeError);
});
