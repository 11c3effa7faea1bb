// Native permute against its reference (src/kernels/ref/permute.ts): a copy,
// so they match bit for bit.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { permute } from '../../src/kernels/index.js';
import { Rng } from '../../src/index.js';
import { assertSameFloats, configLabel, nativeParity, nativeTest, randomFloats, requireNative, type NativeConfig } from '../helpers/native.js';

function permutations(n: number): number[][] {
  if (n === 0) return [[]];
  return permutations(n - 1).flatMap((p) => Array.from({ length: n }, (_, i) => [...p.slice(0, i), n - 1, ...p.slice(i)]));
}

// Every permutation of two rank-3 shapes, then attention-style and transposes,
// size-1 axes, empty tensors, rank 0, and sizes over the thread grain.
const CASES: [number[], number[]][] = [
  ...permutations(3).map((p): [number[], number[]] => [[3, 7, 33], p]),
  ...permutations(3).map((p): [number[], number[]] => [[33, 1, 17], p]),
  ...permutations(4).map((p): [number[], number[]] => [[2, 3, 5, 7], p]),
  [[33, 1023], [1, 0]],
  [[1023, 33], [1, 0]],
  [[1, 7, 1, 33], [3, 2, 1, 0]],
  [[0, 3], [1, 0]],
  [[], []],
  [[1], [0]],
  [[3, 300, 301], [2, 1, 0]],
  [[16, 48, 8, 16], [0, 2, 1, 3]],
  [[2, 70001], [1, 0]],
];

interface Case {
  readonly what: string;
  readonly x: Float32Array;
  readonly shape: Int32Array;
  readonly perm: Int32Array;
  readonly expected: Float32Array;
}

let cases: Case[] | undefined;
function getCases(): Case[] {
  if (cases) return cases;
  const rng = new Rng(23);
  cases = CASES.map(([shape, perm]) => {
    const n = shape.reduce((a, b) => a * b, 1);
    const x = randomFloats(n, rng);
    const expected = new Float32Array(n);
    permute.reference(x, Int32Array.from(shape), Int32Array.from(perm), expected);
    return { what: `[${shape}] by (${perm})`, x, shape: Int32Array.from(shape), perm: Int32Array.from(perm), expected };
  });
  return cases;
}

function runCases(cfg: NativeConfig): void {
  const native = requireNative(permute);
  for (const c of getCases()) {
    const out = new Float32Array(c.expected.length).fill(Number.NaN);
    native(c.x, c.shape, c.perm, out);
    assertSameFloats(out, c.expected, `permute ${c.what} ${configLabel(cfg)}`);
  }
}

nativeParity({ 'permute: native matches reference bit for bit': runCases });

test('permute: a 2×3 transpose worked out by hand', nativeTest(), () => {
  const native = requireNative(permute);
  const out = new Float32Array(6);
  native(Float32Array.from([1, 2, 3, 4, 5, 6]), Int32Array.from([2, 3]), Int32Array.from([1, 0]), out);
  assert.deepEqual(Array.from(out), [1, 4, 2, 5, 3, 6]);
});

test('permute: bad arguments raise errors naming the kernel and the argument', nativeTest(), () => {
  const native = requireNative(permute) as unknown as (...args: unknown[]) => void;
  const f = (n: number): Float32Array => new Float32Array(n);
  const i = (...v: number[]): Int32Array => Int32Array.from(v);
  assert.throws(() => native(f(6), i(2, 3), i(0, 0), f(6)), /permute: perm must name each axis 0..1 exactly once; perm\[1\] is 0/);
  assert.throws(() => native(f(6), i(2, 3), i(0, 2), f(6)), RangeError);
  assert.throws(() => native(f(6), i(2, 3), i(0), f(6)), /permute: perm has 1 entries but shape has rank 2/);
  assert.throws(() => native(f(6), i(2, 3), i(1, 0), f(5)), /permute: out holds 5 elements but the permuted shape needs 6/);
  assert.throws(() => native(f(5), i(2, 3), i(1, 0), f(6)), /permute: x holds 5 elements but the sizes given need 6/);
});
