// Native 2-D max and average pooling against their references
// (src/kernels/ref/pool2d.ts). The native loops keep the reference's order,
// so results (and argmax) match bit for bit.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { avgPool2dBackward, avgPool2dForward, maxPool2dBackward, maxPool2dForward } from '../../src/kernels/index.js';
import { Rng } from '../../src/index.js';
import { assertSameFloats, configLabel, nativeParity, nativeTest, randomFloats, requireNative, type NativeConfig } from '../helpers/native.js';

// [planes, h, w, kh, kw, sh, sw, ph, pw]
const GEOMETRIES: number[][] = [
  [1, 1, 1, 1, 1, 1, 1, 0, 0],
  [3, 7, 7, 2, 2, 2, 2, 0, 0],
  [2, 7, 33, 3, 3, 1, 1, 1, 1],
  [7, 33, 33, 3, 3, 2, 2, 1, 1],
  [1, 3, 1023, 1, 7, 1, 3, 0, 3],
  [2, 5, 5, 5, 5, 1, 1, 2, 2],
  [64, 33, 33, 2, 2, 2, 2, 0, 0],
];

interface Case {
  readonly what: string;
  readonly geo: number[];
  readonly x: Float32Array;
  readonly dy: Float32Array;
}

let cases: Case[] | undefined;
function getCases(): Case[] {
  if (cases) return cases;
  const rng = new Rng(31);
  cases = GEOMETRIES.map(([planes, h, w, kh, kw, sh, sw, ph, pw]) => {
    const oh = Math.floor((h! + 2 * ph! - kh!) / sh!) + 1;
    const ow = Math.floor((w! + 2 * pw! - kw!) / sw!) + 1;
    const x = randomFloats(planes! * h! * w!, rng);
    // ties, NaN and −Infinity inside windows
    for (let i = 0; i < x.length; i += 37) x[i] = Number.NaN;
    for (let i = 5; i < x.length; i += 41) x[i] = -Infinity;
    for (let i = 9; i < x.length; i += 13) x[i] = 0.5;
    return { what: `[${planes}, ${h}, ${w}] k${kh}×${kw} s${sh}×${sw} p${ph}×${pw}`, geo: [planes!, h!, w!, kh!, kw!, sh!, sw!, ph!, pw!, oh, ow], x, dy: randomFloats(planes! * oh * ow, rng) };
  });
  return cases;
}

type Geo = [number, number, number, number, number, number, number, number, number, number, number];

function runCases(cfg: NativeConfig): void {
  const maxF = requireNative(maxPool2dForward);
  const maxB = requireNative(maxPool2dBackward);
  const avgF = requireNative(avgPool2dForward);
  const avgB = requireNative(avgPool2dBackward);
  for (const c of getCases()) {
    const what = `${c.what} ${configLabel(cfg)}`;
    const g = c.geo as Geo;
    const [planes, h, w, , , , , , , oh, ow] = g;
    const ny = planes * oh * ow;
    const nx = planes * h * w;
    const wantY = new Float32Array(ny);
    const wantArg = new Int32Array(ny);
    maxPool2dForward.reference(...g, c.x, wantY, wantArg);
    const y = new Float32Array(ny).fill(42);
    const arg = new Int32Array(ny).fill(42);
    maxF(...g, c.x, y, arg);
    assertSameFloats(y, wantY, `maxPool2d ${what} y`);
    assert.deepEqual(arg, wantArg, `maxPool2d ${what} argmax`);
    const wantDx = new Float32Array(nx);
    maxPool2dBackward.reference(planes, h, w, oh, ow, wantArg, c.dy, wantDx);
    const dx = new Float32Array(nx).fill(42);
    maxB(planes, h, w, oh, ow, wantArg, c.dy, dx);
    assertSameFloats(dx, wantDx, `maxPool2d ${what} dx`);

    for (const includePad of [true, false]) {
      const label = `avgPool2d ${what} countIncludePad=${includePad}`;
      const wantAvg = new Float32Array(ny);
      avgPool2dForward.reference(...g, includePad, c.x, wantAvg);
      const avg = new Float32Array(ny).fill(42);
      avgF(...g, includePad, c.x, avg);
      assertSameFloats(avg, wantAvg, `${label} y`);
      const wantAvgDx = new Float32Array(nx);
      avgPool2dBackward.reference(...g, includePad, c.dy, wantAvgDx);
      const avgDx = new Float32Array(nx).fill(42);
      avgB(...g, includePad, c.dy, avgDx);
      assertSameFloats(avgDx, wantAvgDx, `${label} dx`);
    }
  }
}

nativeParity({ 'max and average pooling: native matches reference bit for bit': runCases });

test('pooling: a 2×2 window worked out by hand', nativeTest(), () => {
  const maxF = requireNative(maxPool2dForward);
  const avgF = requireNative(avgPool2dForward);
  // x = [[1, 5], [3, 2]]: max 5 at flat index 1, mean 11/4
  const x = Float32Array.from([1, 5, 3, 2]);
  const y = new Float32Array(1);
  const arg = new Int32Array(1);
  maxF(1, 2, 2, 2, 2, 2, 2, 0, 0, 1, 1, x, y, arg);
  assert.deepEqual([y[0], arg[0]], [5, 1]);
  avgF(1, 2, 2, 2, 2, 2, 2, 0, 0, 1, 1, true, x, y);
  assert.equal(y[0], 2.75);
});

test('pooling: bad arguments raise errors naming the kernel and the argument', nativeTest(), () => {
  const maxF = requireNative(maxPool2dForward) as unknown as (...args: unknown[]) => void;
  const maxB = requireNative(maxPool2dBackward) as unknown as (...args: unknown[]) => void;
  const avgB = requireNative(avgPool2dBackward) as unknown as (...args: unknown[]) => void;
  const f = (n: number): Float32Array => new Float32Array(n);
  assert.throws(() => maxB(1, 2, 2, 1, 1, Int32Array.from([4]), f(1), f(4)), /maxPool2dBackward: argmax\[0\] is 4, outside \[-1, 4\)/);
  assert.throws(() => maxB(1, 2, 2, 1, 1, Int32Array.from([-2]), f(1), f(4)), RangeError);
  assert.throws(() => maxF(1, 2, 2, 2, 2, 2, 2, 0, 0, 1, 1, f(3), f(1), new Int32Array(1)), /maxPool2dForward: x holds 3 elements but the sizes given need 4/);
  assert.throws(() => maxF(1, 2, 2, 2, 2, 2, 2, 0, 0, 1, 1, f(4), f(1), f(1)), /maxPool2dForward: argument argmax must be an Int32Array/);
  assert.throws(() => avgB(1, 2, 2, 2, 2, 2, 2, 0, 0, 1, 1, 'yes', f(1), f(4)), /avgPool2dBackward: argument countIncludePad must be a boolean/);
});
