// Native where against its reference (src/kernels/ref/where.ts): a select,
// so they match bit for bit.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { where } from '../../src/kernels/index.js';
import { Rng } from '../../src/index.js';
import { assertSameFloats, configLabel, nativeParity, nativeTest, randomFloats, requireNative, type NativeConfig } from '../helpers/native.js';

/** Row-major strides of `shape` seen from `outShape` (0 where broadcast). */
function stridesIn(shape: number[], outShape: number[]): Int32Array {
  const s = new Int32Array(outShape.length);
  let step = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    s[i + outShape.length - shape.length] = shape[i] === 1 ? 0 : step;
    step *= shape[i]!;
  }
  return s;
}

const size = (s: number[]): number => s.reduce((p, d) => p * d, 1);

// [out shape, cond shape, a shape, b shape]: same shapes, a causal-mask-like
// [T, T] condition over [B, H, T, T] scores, scalars, and sizes over the grain
const CASES: number[][][] = [
  [[], [], [], []],
  [[7], [7], [7], [7]],
  [[3, 33], [3, 33], [3, 33], []],
  [[2, 3, 7, 7], [7, 7], [2, 3, 7, 7], []],
  [[33, 1023], [1, 1023], [33, 1], [33, 1023]],
  [[5, 0, 3], [3], [5, 1, 3], [3]],
  [[4, 8, 33, 33], [33, 33], [4, 8, 33, 33], [1]],
  [[70001], [70001], [70001], [70001]],
];

const CONDITIONS = [0, -0, Number.NaN, 1, -2.5, Infinity];

interface Case {
  readonly what: string;
  readonly args: [Float32Array, Float32Array, Float32Array, Int32Array, Int32Array, Int32Array, Int32Array];
  readonly expected: Float32Array;
}

let cases: Case[] | undefined;
function getCases(): Case[] {
  if (cases) return cases;
  const rng = new Rng(41);
  cases = CASES.map(([out, c, a, b]) => {
    // conditions 0, −0, NaN and nonzero values
    const cond = Float32Array.from({ length: size(c!) }, (_, i) => (rng.uniform(0, 1) < 0.3 ? 0 : CONDITIONS[i % CONDITIONS.length]!));
    const av = randomFloats(size(a!), rng);
    const bv = randomFloats(size(b!), rng);
    const args: Case['args'] = [cond, av, bv, Int32Array.from(out!), stridesIn(c!, out!), stridesIn(a!, out!), stridesIn(b!, out!)];
    const expected = new Float32Array(size(out!));
    where.reference(cond, av, bv, expected, ...(args.slice(3) as [Int32Array, Int32Array, Int32Array, Int32Array]));
    return { what: `out [${out}] cond [${c}] a [${a}] b [${b}]`, args, expected };
  });
  return cases;
}

function runCases(cfg: NativeConfig): void {
  const native = requireNative(where);
  for (const c of getCases()) {
    const out = new Float32Array(c.expected.length).fill(42);
    const [cond, a, b, shape, cs, as, bs] = c.args;
    native(cond, a, b, out, shape, cs, as, bs);
    assertSameFloats(out, c.expected, `where ${c.what} ${configLabel(cfg)}`);
  }
}

nativeParity({ 'where: native matches reference bit for bit': runCases });

test('where: NaN and −0 conditions worked out by hand', nativeTest(), () => {
  const native = requireNative(where);
  const out = new Float32Array(4);
  const one = Int32Array.from([1]);
  native(Float32Array.from([Number.NaN, -0, 0, 3]), Float32Array.from([1, 2, 3, 4]), Float32Array.from([-9]), out, Int32Array.from([4]), one, one, Int32Array.from([0]));
  assert.deepEqual(Array.from(out), [1, -9, -9, 4]);
});

test('where: bad arguments raise errors naming the kernel and the argument', nativeTest(), () => {
  const native = requireNative(where) as unknown as (...args: unknown[]) => void;
  const f = (n: number): Float32Array => new Float32Array(n);
  const i = (...v: number[]): Int32Array => Int32Array.from(v);
  assert.throws(() => native(f(3), f(3), f(2), f(3), i(3), i(1), i(1), i(1)), /where: b holds 2 elements but the sizes given need 3/);
  assert.throws(() => native(f(3), f(3), f(3), f(3), i(3), i(1, 1), i(1), i(1)), /where: condStrides has 2 entries but outShape has rank 1/);
  assert.throws(() => native(f(3), f(3), f(3), f(4), i(3), i(1), i(1), i(1)), /where: out holds 4 elements but outShape needs 3/);
  assert.throws(() => native(f(3), f(3), f(3), f(3), i(3), i(1), i(-1), i(1)), RangeError);
});
