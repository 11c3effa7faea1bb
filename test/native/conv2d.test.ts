// Native fused convolution (conv2dForward, conv2dBackwardInput,
// conv2dBackwardWeight) against its reference (src/kernels/ref/conv2d.ts), on
// both native paths: stride 1 with padding below the kernel (padded planes,
// no im2col) and the rest (im2col chunks + GEMM). Sums run in another order
// than the reference's float64 ones, so results match within a tolerance that
// grows with the number of terms; across thread counts they match bit for bit.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { conv2dBackwardInput, conv2dBackwardWeight, conv2dForward } from '../../src/kernels/index.js';
import { Rng } from '../../src/index.js';
import { assertNear, assertSameFloats, configLabel, nativeParity, nativeTest, randomFloats, requireNative, type NativeConfig } from '../helpers/native.js';

// [b, c, h, w, o, kh, kw, sh, sw, ph, pw]
type Shape = [number, number, number, number, number, number, number, number, number, number, number];
type Sizes = [number, number, number, number, number, number, number, number, number, number, number, number, number];

const SHAPES: Shape[] = [
  [1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0], // everything 1
  [3, 2, 7, 5, 4, 3, 3, 1, 1, 1, 1], // odd H and W, padding 1
  [35, 1, 7, 7, 16, 3, 3, 1, 1, 1, 1], // one input channel; chunks of 3 images, the last one of 2
  [129, 4, 3, 3, 6, 3, 3, 1, 1, 1, 1], // chunks of 9, the last one of 3
  [3, 3, 9, 9, 13, 3, 3, 1, 1, 1, 1], // 13 outputs and K = 27: partial register tiles
  [4, 8, 6, 6, 16, 1, 1, 1, 1, 0, 0], // 1×1
  [1, 3, 33, 33, 7, 3, 3, 1, 1, 0, 0], // batch 1, padding 0
  [2, 4, 5, 5, 3, 5, 5, 1, 1, 2, 2], // 5×5
  [2, 3, 6, 5, 7, 2, 2, 1, 1, 1, 0], // even kernel, padding only along H
  [1, 2, 1, 1023, 3, 1, 7, 1, 1, 0, 3], // one long row
  [2, 2, 4, 4, 3, 3, 3, 1, 1, 3, 3], // padding past kernel − 1 (im2col path)
  [5, 16, 9, 9, 33, 3, 3, 2, 2, 1, 1], // stride 2
  [35, 2, 7, 7, 3, 3, 3, 2, 2, 1, 1], // stride 2, chunks of 3 images, the last one of 2
  [3, 8, 7, 7, 5, 1, 1, 2, 2, 0, 0], // 1×1 stride 2
  [2, 3, 5, 4, 7, 2, 3, 2, 1, 0, 1], // stride [2, 1], even kernel height
  [2, 40, 6, 6, 9, 3, 3, 2, 2, 1, 1], // K = 360: GEMM's K split in blocks
];

interface Case {
  readonly what: string;
  readonly sizes: Sizes;
  readonly x: Float32Array;
  readonly w: Float32Array;
  readonly bias: Float32Array;
  readonly dy: Float32Array;
  readonly want: { y: Float32Array; dx: Float32Array; dw: Float32Array };
  readonly terms: { y: number; dx: number; dw: number };
}

let cases: Case[] | undefined;
function getCases(): Case[] {
  if (cases) return cases;
  const rng = new Rng(31);
  cases = SHAPES.map(([b, c, h, w, o, kh, kw, sh, sw, ph, pw]) => {
    const oh = Math.floor((h + 2 * ph - kh) / sh) + 1;
    const ow = Math.floor((w + 2 * pw - kw) / sw) + 1;
    const sizes: Sizes = [b, c, h, w, o, kh, kw, sh, sw, ph, pw, oh, ow];
    const x = randomFloats(b * c * h * w, rng);
    const wt = randomFloats(o * c * kh * kw, rng);
    const bias = randomFloats(o, rng);
    const dy = randomFloats(b * o * oh * ow, rng);
    const want = { y: new Float32Array(dy.length), dx: new Float32Array(x.length), dw: new Float32Array(wt.length) };
    conv2dForward.reference(...sizes, x, wt, bias, want.y);
    conv2dBackwardInput.reference(...sizes, dy, wt, want.dx);
    conv2dBackwardWeight.reference(...sizes, x, dy, want.dw);
    const terms = { y: c * kh * kw + 1, dx: o * kh * kw, dw: b * oh * ow };
    return { what: `[${sizes}]`, sizes, x, w: wt, bias, dy, want, terms };
  });
  return cases;
}

// Each case's results with 2 threads, per instruction set, to compare the 1-thread run with.
const byThreads2 = new Map<string, Float32Array[]>();

function runCases(cfg: NativeConfig): void {
  const forward = requireNative(conv2dForward);
  const input = requireNative(conv2dBackwardInput);
  const weight = requireNative(conv2dBackwardWeight);
  for (const c of getCases()) {
    const label = `${c.what} ${configLabel(cfg)}`;
    // Outputs start as NaN: every element must be written.
    const y = new Float32Array(c.want.y.length).fill(NaN);
    const yNoBias = new Float32Array(c.want.y.length).fill(NaN);
    const dx = new Float32Array(c.want.dx.length).fill(NaN);
    const dw = new Float32Array(c.want.dw.length).fill(NaN);
    forward(...c.sizes, c.x, c.w, c.bias, y);
    forward(...c.sizes, c.x, c.w, new Float32Array(0), yNoBias);
    input(...c.sizes, c.dy, c.w, dx);
    weight(...c.sizes, c.x, c.dy, dw);
    assertNear(y, c.want.y, 1e-5, 4e-7 * c.terms.y, `conv2dForward ${label}`);
    const o = c.sizes[4];
    const plane = c.sizes[11] * c.sizes[12];
    const wantNoBias = c.want.y.map((v, i) => v - c.bias[Math.floor(i / plane) % o]!);
    assertNear(yNoBias, wantNoBias, 1e-5, 4e-7 * c.terms.y, `conv2dForward without bias ${label}`);
    assertNear(dx, c.want.dx, 1e-5, 4e-7 * c.terms.dx, `conv2dBackwardInput ${label}`);
    assertNear(dw, c.want.dw, 1e-5, 4e-7 * c.terms.dw, `conv2dBackwardWeight ${label}`);
    const key = `${cfg.isa} ${c.what}`;
    if (cfg.threads === 2) byThreads2.set(key, [y, dx, dw]);
    const two = byThreads2.get(key);
    if (cfg.threads === 1 && two !== undefined) {
      assertSameFloats(y, two[0]!, `conv2dForward, 1 thread against 2, ${label}`);
      assertSameFloats(dx, two[1]!, `conv2dBackwardInput, 1 thread against 2, ${label}`);
      assertSameFloats(dw, two[2]!, `conv2dBackwardWeight, 1 thread against 2, ${label}`);
    }
  }
}

nativeParity({ 'conv2d kernels: native matches reference, and 1 thread matches 2 bit for bit': runCases });

test('conv2d kernels: a 3×3 image by hand', nativeTest(), () => {
  const forward = requireNative(conv2dForward);
  const weight = requireNative(conv2dBackwardWeight);
  const input = requireNative(conv2dBackwardInput);
  // x = 1..9 in a 3×3 image, an all-ones 3×3 kernel, padding 1: each output sums its neighbourhood.
  const x = Float32Array.from({ length: 9 }, (_, i) => i + 1);
  const sizes: Sizes = [1, 1, 3, 3, 1, 3, 3, 1, 1, 1, 1, 3, 3];
  const y = new Float32Array(9);
  forward(...sizes, x, new Float32Array(9).fill(1), Float32Array.of(0.5), y);
  assert.deepEqual(Array.from(y), [12.5, 21.5, 16.5, 27.5, 45.5, 33.5, 24.5, 39.5, 28.5]);
  // With dy all ones, dw[i, j] sums the pixels the tap reads: the centre tap reads all nine.
  const dw = new Float32Array(9);
  weight(...sizes, x, new Float32Array(9).fill(1), dw);
  assert.deepEqual(Array.from(dw), [12, 21, 16, 27, 45, 33, 24, 39, 28]);
  // and dx counts the windows that read each pixel: 4 at corners, 6 on edges, 9 in the middle.
  const dx = new Float32Array(9);
  input(...sizes, new Float32Array(9).fill(1), new Float32Array(9).fill(1), dx);
  assert.deepEqual(Array.from(dx), [4, 6, 4, 6, 9, 6, 4, 6, 4]);
});

test('conv2d kernels: bad arguments raise errors naming the kernel and the argument', nativeTest(), () => {
  const forward = requireNative(conv2dForward) as unknown as (...args: unknown[]) => void;
  const input = requireNative(conv2dBackwardInput) as unknown as (...args: unknown[]) => void;
  const weight = requireNative(conv2dBackwardWeight) as unknown as (...args: unknown[]) => void;
  const f = (n: number): Float32Array => new Float32Array(n);
  // b, c, h, w, o, kh, kw, sh, sw, ph, pw, oh, ow for a 1×2×4×4 input, 3 outputs, 3×3, padding 1
  const g = [1, 2, 4, 4, 3, 3, 3, 1, 1, 1, 1, 4, 4];
  assert.throws(() => forward(...g, f(32), f(54), f(0)), /conv2dForward: expects 17 arguments, got 16/);
  assert.throws(() => forward(...g, f(31), f(54), f(0), f(48)), /conv2dForward: x holds 31 elements but the sizes given need 32/);
  assert.throws(() => forward(...g, f(32), f(54), f(2), f(48)), /conv2dForward: bias holds 2 elements; pass an empty array \(none\) or at least cols = 3/);
  assert.throws(() => input(...g, f(48), f(53), f(32)), /conv2dBackwardInput: weight holds 53 elements but the sizes given need 54/);
  assert.throws(() => weight(...g, f(32), f(47), f(54)), /conv2dBackwardWeight: dy holds 47 elements but the sizes given need 48/);
  const bad = (i: number, v: number): number[] => g.map((s, j) => (j === i ? v : s));
  assert.throws(() => forward(...bad(11, 5), f(32), f(54), f(0), f(60)), /conv2dForward: output 5×4 does not match the 4×4 that the input, kernel, stride and padding give/);
  assert.throws(() => forward(...bad(7, 0), f(32), f(54), f(0), f(48)), /conv2dForward: strides sh and sw must be at least 1/);
  assert.throws(() => weight(...bad(5, 7), f(32), f(48), f(126)), /conv2dBackwardWeight: the 7×3 kernel is larger than the padded 6×6 input; pad more or use a smaller kernel/);
  assert.throws(() => forward(...bad(2, -1), f(32), f(54), f(0), f(48)), /conv2dForward: argument h must be a non-negative integer/);
  const shared = f(64);
  assert.throws(() => forward(...g, shared.subarray(0, 32), f(54), f(0), shared.subarray(16, 64)), /conv2dForward: y shares memory with x; write the result to a separate array/);
  assert.throws(() => input(...g, shared.subarray(0, 48), f(54), shared.subarray(32, 64)), /conv2dBackwardInput: dx shares memory with dy/);
});
