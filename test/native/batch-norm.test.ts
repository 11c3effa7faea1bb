// Native batch normalisation (channel moments, forward, backward) against the
// references (src/kernels/ref/batch-norm.ts). Both compute in float64 and
// round once, so they differ only in summation order and FMA contraction:
// 1e-6 relative plus 1e-6·max(1, largest value) (for results near zero).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { batchNormBackward, batchNormForward, channelMoments } from '../../src/kernels/index.js';
import { Rng } from '../../src/index.js';
import { assertNear, configLabel, nativeParity, nativeTest, randomFloats, requireNative, type NativeConfig } from '../helpers/native.js';

// [n, c, s, offset of x]
const SHAPES: [number, number, number, number][] = [
  [1, 1, 1, 0], [2, 3, 7, 0], [3, 7, 33, 50], [1, 3, 1023, 0], [33, 7, 1, -3], [8, 16, 1023, 0], [2, 1, 70001, 1],
];

/** 1e-6 of the largest value, at least 1e-6 (FMA may leave 1e-14 where the reference cancels to exactly 0). */
function maxAbs(a: Float32Array): number {
  let m = 1;
  for (const v of a) m = Math.max(m, Math.abs(v));
  return m;
}

interface Case {
  readonly what: string;
  readonly dims: [number, number, number];
  readonly x: Float32Array;
  readonly dy: Float32Array;
  readonly w: Float32Array;
  readonly b: Float32Array;
}

let cases: Case[] | undefined;
function getCases(): Case[] {
  if (cases) return cases;
  const rng = new Rng(29);
  const none = new Float32Array(0);
  cases = [];
  for (const [n, c, s, offset] of SHAPES) {
    const x = randomFloats(n * c * s, rng, offset - 2, offset + 2);
    const dy = randomFloats(n * c * s, rng);
    const w = randomFloats(c, rng, 0.5, 1.5);
    const b = randomFloats(c, rng);
    for (const [name, ww, bb] of [['w+b', w, b], ['plain', none, none], ['w', w, none]] as const) {
      cases.push({ what: `[${n}, ${c}, ${s}] ${name}`, dims: [n, c, s], x, dy, w: ww, b: bb });
    }
  }
  return cases;
}

function runCases(cfg: NativeConfig): void {
  const moments = requireNative(channelMoments);
  const forward = requireNative(batchNormForward);
  const backward = requireNative(batchNormBackward);
  for (const c of getCases()) {
    const what = `batchNorm ${c.what} ${configLabel(cfg)}`;
    const [n, ch, s] = c.dims;
    const wantMean = new Float32Array(ch);
    const wantVar = new Float32Array(ch);
    channelMoments.reference(n, ch, s, c.x, wantMean, wantVar);
    const mean = new Float32Array(ch).fill(42);
    const variance = new Float32Array(ch).fill(42);
    moments(n, ch, s, c.x, mean, variance);
    assertNear(mean, wantMean, 1e-6, 1e-6 * maxAbs(wantMean), `${what} mean`);
    assertNear(variance, wantVar, 1e-6, 0, `${what} variance`);

    const rstd = wantVar.map((v) => 1 / Math.sqrt(v + 1e-5));
    const wantY = new Float32Array(c.x.length);
    batchNormForward.reference(n, ch, s, c.x, wantMean, rstd, c.w, c.b, wantY);
    const y = new Float32Array(c.x.length).fill(42);
    forward(n, ch, s, c.x, wantMean, rstd, c.w, c.b, y);
    assertNear(y, wantY, 1e-6, 1e-6 * maxAbs(wantY), `${what} y`);

    for (const batchStats of [true, false]) {
      const len = c.w.length > 0 ? ch : 0;
      const want = { dx: new Float32Array(c.x.length), dw: new Float32Array(len), db: new Float32Array(len) };
      batchNormBackward.reference(n, ch, s, batchStats, c.x, wantMean, rstd, c.w, c.dy, want.dx, want.dw, want.db);
      const got = { dx: new Float32Array(c.x.length).fill(42), dw: new Float32Array(len).fill(42), db: new Float32Array(len).fill(42) };
      backward(n, ch, s, batchStats, c.x, wantMean, rstd, c.w, c.dy, got.dx, got.dw, got.db);
      const label = `${what} batchStats=${batchStats}`;
      assertNear(got.dx, want.dx, 1e-6, 1e-6 * maxAbs(want.dx), `${label} dx`);
      assertNear(got.dw, want.dw, 1e-6, 1e-6 * maxAbs(want.dw), `${label} dweight`);
      assertNear(got.db, want.db, 1e-6, 1e-6 * maxAbs(want.db), `${label} dbias`);
    }
  }
}

nativeParity({ 'channelMoments, batchNormForward and batchNormBackward: native matches reference': runCases });

test('channelMoments and batchNormForward: one channel worked out by hand', nativeTest(), () => {
  const moments = requireNative(channelMoments);
  const forward = requireNative(batchNormForward);
  // n = 2 images of one channel with s = 2: values 1, 3, 5, 7: mean 4, variance (9 + 1 + 1 + 9)/4 = 5
  const x = Float32Array.from([1, 3, 5, 7]);
  const mean = new Float32Array(1);
  const variance = new Float32Array(1);
  moments(2, 1, 2, x, mean, variance);
  assert.deepEqual([mean[0], variance[0]], [4, 5]);
  // rstd 0.5, weight 2, bias 1: y = (x − 4)·0.5·2 + 1 = x − 3
  const y = new Float32Array(4);
  forward(2, 1, 2, x, mean, Float32Array.from([0.5]), Float32Array.from([2]), Float32Array.from([1]), y);
  assert.deepEqual(Array.from(y), [-2, 0, 2, 4]);
});

test('batchNorm kernels: bad arguments raise errors naming the kernel and the argument', nativeTest(), () => {
  const moments = requireNative(channelMoments) as unknown as (...args: unknown[]) => void;
  const forward = requireNative(batchNormForward) as unknown as (...args: unknown[]) => void;
  const backward = requireNative(batchNormBackward) as unknown as (...args: unknown[]) => void;
  const f = (n: number): Float32Array => new Float32Array(n);
  assert.throws(() => moments(2, 3, 4, f(23), f(3), f(3)), /channelMoments: x holds 23 elements but the sizes given need 24/);
  assert.throws(() => forward(2, 3, 4, f(24), f(3), f(3), f(2), f(0), f(24)), /batchNormForward: weight holds 2 elements; pass an empty array \(none\) or at least cols = 3/);
  assert.throws(() => backward(2, 3, 4, 1, f(24), f(3), f(3), f(0), f(24), f(24), f(0), f(0)), /batchNormBackward: argument batchStats must be a boolean/);
  assert.throws(() => backward(2, 3, 4, true, f(24), f(3), f(2), f(0), f(24), f(24), f(0), f(0)), RangeError);
});
