// Native reduceMax and reduceMaxBackward against their references
// (src/kernels/ref/reduce-max.ts): selections, so they match bit for bit,
// positions included.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { reduceMax, reduceMaxBackward } from '../../src/kernels/index.js';
import { Rng } from '../../src/index.js';
import { assertSameFloats, configLabel, nativeParity, nativeTest, randomFloats, requireNative, type NativeConfig } from '../helpers/native.js';

// [outer, axisLen, inner]: last axis, first axis, middle axis, and sizes over the grain
const CASES: number[][] = [[1, 1, 1], [3, 7, 1], [1, 33, 7], [7, 3, 33], [33, 1023, 1], [1, 1023, 33], [5, 2, 70001], [70001, 3, 1]];

interface Case {
  readonly what: string;
  readonly dims: [number, number, number];
  readonly x: Float32Array;
  readonly g: Float32Array;
}

let cases: Case[] | undefined;
function getCases(): Case[] {
  if (cases) return cases;
  const rng = new Rng(43);
  cases = CASES.map(([o, a, i]) => {
    const x = randomFloats(o! * a! * i!, rng);
    // ties, NaN and −Infinity
    for (let k = 0; k < x.length; k += 7) x[k] = 0.75;
    for (let k = 3; k < x.length; k += 29) x[k] = Number.NaN;
    for (let k = 5; k < x.length; k += 31) x[k] = -Infinity;
    return { what: `[${o}, ${a}, ${i}]`, dims: [o!, a!, i!], x, g: randomFloats(o! * i!, rng) };
  });
  return cases;
}

function runCases(cfg: NativeConfig): void {
  const forward = requireNative(reduceMax);
  const backward = requireNative(reduceMaxBackward);
  for (const c of getCases()) {
    const what = `reduceMax ${c.what} ${configLabel(cfg)}`;
    const [o, a, i] = c.dims;
    const want = new Float32Array(o * i);
    const wantArg = new Int32Array(o * i);
    reduceMax.reference(o, a, i, c.x, want, wantArg);
    const out = new Float32Array(o * i).fill(42);
    const arg = new Int32Array(o * i).fill(42);
    forward(o, a, i, c.x, out, arg);
    assertSameFloats(out, want, `${what} out`);
    assert.deepEqual(arg, wantArg, `${what} arg`);
    const wantDx = new Float32Array(c.x.length);
    reduceMaxBackward.reference(o, a, i, c.g, wantArg, wantDx);
    const dx = new Float32Array(c.x.length).fill(42);
    backward(o, a, i, c.g, wantArg, dx);
    assertSameFloats(dx, wantDx, `${what} dx`);
  }
}

nativeParity({ 'reduceMax and reduceMaxBackward: native matches reference bit for bit': runCases });

test('reduceMax: first of ties, first NaN, worked out by hand', nativeTest(), () => {
  const forward = requireNative(reduceMax);
  const out = new Float32Array(3);
  const arg = new Int32Array(3);
  // three rows of four along the last axis
  forward(3, 4, 1, Float32Array.from([1, 5, 5, 2, 1, Number.NaN, 9, Number.NaN, -Infinity, -Infinity, -Infinity, -Infinity]), out, arg);
  assert.deepEqual([out[0], arg[0], arg[1], out[2], arg[2]], [5, 1, 1, -Infinity, 0]);
  assert.ok(Number.isNaN(out[1]));
});

test('reduceMax: bad arguments raise errors naming the kernel and the argument', nativeTest(), () => {
  const forward = requireNative(reduceMax) as unknown as (...args: unknown[]) => void;
  const backward = requireNative(reduceMaxBackward) as unknown as (...args: unknown[]) => void;
  const f = (n: number): Float32Array => new Float32Array(n);
  assert.throws(() => forward(2, 0, 3, f(0), f(6), new Int32Array(6)), /reduceMax: axisLen must be at least 1/);
  assert.throws(() => forward(2, 4, 3, f(23), f(6), new Int32Array(6)), /reduceMax: x holds 23 elements but the sizes given need 24/);
  assert.throws(() => backward(2, 4, 3, f(6), Int32Array.from([0, 1, 2, 3, 4, 0]), f(24)), /reduceMaxBackward: arg\[4\] is 4, outside \[0, 4\)/);
  assert.throws(() => backward(2, 4, 3, f(6), Int32Array.from([0, 1, 2, 3, -1, 0]), f(24)), RangeError);
});
