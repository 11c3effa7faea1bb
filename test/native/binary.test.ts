// Native binary kernel against its reference (src/kernels/ref/binary.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BinaryOp, binary } from '../../src/kernels/index.js';
import { Rng } from '../../src/index.js';
import { assertNear, assertSameFloats, configLabel, nativeParity, nativeTest, randomFloats, requireNative, type NativeConfig } from '../helpers/native.js';

const OPS = Object.entries(BinaryOp) as [string, number][];

/** Row-major strides of `shape` seen from `outShape` (0 where broadcast), as the ops compute them. */
function stridesIn(shape: number[], outShape: number[]): Int32Array {
  const s = new Int32Array(outShape.length);
  let step = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    const o = i + outShape.length - shape.length;
    s[o] = shape[i] === 1 ? 0 : step;
    step *= shape[i]!;
  }
  return s;
}

function broadcast(a: number[], b: number[]): number[] {
  const n = Math.max(a.length, b.length);
  return Array.from({ length: n }, (_, i) => {
    const x = a[i - n + a.length] ?? 1;
    const y = b[i - n + b.length] ?? 1;
    return x === 1 ? y : x;
  });
}

const size = (s: number[]): number => s.reduce((p, d) => p * d, 1);

// [a shape, b shape]: same shape, scalars, row and column vectors, mixed ranks,
// empty, and sizes over the thread grain (2^15) with odd split points.
const CASES: [number[], number[]][] = [
  [[], []],
  [[1], [1]],
  [[3], [3]],
  [[7], []],
  [[], [33]],
  [[1023], [1023]],
  [[7, 33], [33]],
  [[33, 7], [33, 1]],
  [[1, 1023], [3, 1]],
  [[3, 1, 7], [33, 7]],
  [[2, 3, 1, 7], [1, 3, 33, 1]],
  [[7, 0, 3], [3]],
  [[33, 1023], [1023]],
  [[1023, 33], [1023, 1]],
  [[40001], []],
  [[3, 50021], [3, 50021]],
  [[7, 1, 1023], [1, 33, 1]],
];

interface Case {
  readonly what: string;
  readonly op: number;
  readonly args: [Float32Array, Float32Array, Int32Array, Int32Array, Int32Array];
  readonly expected: Float32Array;
}

function makeCase(what: string, op: number, a: Float32Array, b: Float32Array, shape: number[], as: Int32Array, bs: Int32Array): Case {
  const outShape = Int32Array.from(shape);
  const expected = new Float32Array(size(shape));
  binary.reference(op, a, b, expected, outShape, as, bs);
  return { what, op, args: [a, b, outShape, as, bs], expected };
}

// Inputs and reference results, made once and checked under every config.
let randomCases: Case[] | undefined;
function getRandomCases(): Case[] {
  if (randomCases) return randomCases;
  const rng = new Rng(7);
  randomCases = [];
  for (const [sa, sb] of CASES) {
    const shape = broadcast(sa, sb);
    for (const [name, op] of OPS) {
      // pow on a positive base, so that most results are finite
      const a = randomFloats(size(sa), rng, op === BinaryOp.pow ? 0.1 : -2, 2);
      const b = randomFloats(size(sb), rng, op === BinaryOp.div ? 0.5 : -2, 2);
      randomCases.push(makeCase(`${name} [${sa}] with [${sb}]`, op, a, b, shape, stridesIn(sa, shape), stridesIn(sb, shape)));
    }
  }
  return randomCases;
}

// Every pair of special values, as an outer product [S, 1] op [1, S].
function specialCases(): Case[] {
  const v = Float32Array.from([Number.NaN, Infinity, -Infinity, 0, -0, 1, -1, 0.5, -2.5, 3]);
  return OPS.map(([name, op]) => makeCase(`${name} on special values`, op, v, v, [v.length, v.length], Int32Array.from([1, 0]), Int32Array.from([0, 1])));
}

function runCases(cases: Case[], cfg: NativeConfig): void {
  const native = requireNative(binary);
  for (const c of cases) {
    const out = new Float32Array(c.expected.length).fill(Number.NaN);
    const [a, b, outShape, as, bs] = c.args;
    native(c.op, a, b, out, outShape, as, bs);
    const what = `${c.what} ${configLabel(cfg)}`;
    // Math.pow and C's pow may round the float64 result differently by one unit
    if (c.op === BinaryOp.pow) assertNear(out, c.expected, 2 ** -23, 0, what);
    else assertSameFloats(out, c.expected, what);
  }
}

nativeParity({
  'binary: native matches reference on every op, shape and broadcast pattern': (cfg) => runCases(getRandomCases(), cfg),
  'binary: special values (NaN, ±Infinity, ±0, ±1) follow the reference, Math.pow included': (cfg) => runCases(specialCases(), cfg),
  // Tensor.backward accumulates gradients with the output aliasing the first input.
  'binary: the output may be the first input (in-place a += b)': (cfg) => {
    const native = requireNative(binary);
    const rng = new Rng(9);
    for (const n of [1, 7, 33, 1023, 70001]) {
      const a = randomFloats(n, rng);
      const b = randomFloats(n, rng);
      const want = new Float32Array(n);
      binary.reference(BinaryOp.add, a, b, want, Int32Array.of(n), Int32Array.of(1), Int32Array.of(1));
      native(BinaryOp.add, a, b, a, Int32Array.of(n), Int32Array.of(1), Int32Array.of(1));
      assertSameFloats(a, want, `in-place add of ${n} ${configLabel(cfg)}`);
    }
  },
});

test('binary: Math.pow semantics where C differs, worked out by hand', nativeTest(), () => {
  const native = requireNative(binary);
  // JS gives 1 ** NaN = NaN and (-1) ** Infinity = NaN, where C's pow gives 1
  const out = new Float32Array(3);
  native(BinaryOp.pow, Float32Array.from([1, -1, 2]), Float32Array.from([Number.NaN, Infinity, -2]), out, Int32Array.from([3]), Int32Array.from([1]), Int32Array.from([1]));
  assert.ok(Number.isNaN(out[0]) && Number.isNaN(out[1]), `pow(1, NaN), pow(-1, Infinity) gave ${out[0]}, ${out[1]}`);
  assert.equal(out[2], 0.25);
});


test('binary: a row vector over a matrix, worked out by hand', nativeTest(), () => {
  const native = requireNative(binary);
  const out = new Float32Array(6);
  native(BinaryOp.sub, Float32Array.from([1, 2, 3, 4, 5, 6]), Float32Array.from([1, 10, 100]), out, Int32Array.from([2, 3]), Int32Array.from([3, 1]), Int32Array.from([0, 1]));
  assert.deepEqual(Array.from(out), [0, -8, -97, 3, -5, -94]);
});

test('binary: bad arguments raise errors naming the kernel and the argument', nativeTest(), () => {
  const native = requireNative(binary) as unknown as (...args: unknown[]) => void;
  const f = (n: number): Float32Array => new Float32Array(n);
  const i = (...v: number[]): Int32Array => Int32Array.from(v);
  const cases: [unknown[], RegExp][] = [
    [[0, f(3), f(3), f(3), i(3), i(1)], /binary: expects 7 arguments, got 6/],
    [[0, [1, 2, 3], f(3), f(3), i(3), i(1), i(1)], /binary: argument a must be a Float32Array/],
    [[0, f(3), f(3), f(3), f(1), i(1), i(1)], /binary: argument outShape must be an Int32Array/],
    [[7, f(3), f(3), f(3), i(3), i(1), i(1)], /binary: op 7 is not a BinaryOp code/],
    [[1.5, f(3), f(3), f(3), i(3), i(1), i(1)], /binary: argument op must be a non-negative integer/],
    [[0, f(3), f(3), f(3), i(3), i(1, 1), i(1)], /binary: aStrides has 2 entries but outShape has rank 1/],
    [[0, f(3), f(3), f(3), i(-3), i(1), i(1)], /binary: outShape\[0\] is -3/],
    [[0, f(3), f(3), f(3), i(3), i(1), i(-1)], /binary: bStrides\[0\] is -1/],
    [[0, f(3), f(3), f(4), i(3), i(1), i(1)], /binary: out holds 4 elements but outShape needs 3/],
    [[0, f(6), f(2), f(6), i(2, 3), i(3, 1), i(0, 1)], /binary: b holds 2 elements but the sizes given need 3/],
    [[0, f(5), f(3), f(6), i(2, 3), i(3, 1), i(0, 1)], /binary: a holds 5 elements but the sizes given need 6/],
  ];
  for (const [args, message] of cases) assert.throws(() => native(...args), message);
  assert.throws(() => native(0, f(6), f(2), f(6), i(2, 3), i(3, 1), i(0, 1)), RangeError);
});
