// Native sumTo against its reference (sumToRef in src/kernels/ref/reduce-axes.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sumTo } from '../../src/kernels/index.js';
import { Rng } from '../../src/index.js';
import { assertNear, configLabel, nativeParity, nativeTest, randomFloats, requireNative, type NativeConfig } from '../helpers/native.js';

const size = (s: number[]): number => s.reduce((p, d) => p * d, 1);

/** Strides of the kept shape (1 along summed axes) in x's coordinates, as sumToShape computes them. */
function keptStrides(kept: number[]): Int32Array {
  const s = new Int32Array(kept.length);
  let step = 1;
  for (let i = kept.length - 1; i >= 0; i--) {
    s[i] = kept[i] === 1 ? 0 : step;
    step *= kept[i]!;
  }
  return s;
}

interface Case {
  readonly what: string;
  readonly x: Float32Array;
  readonly shape: Int32Array;
  readonly strides: Int32Array;
  readonly expected: Float32Array;
}

function makeCase(xShape: number[], strides: Int32Array, outLen: number, rng: Rng, what: string): Case {
  const x = randomFloats(size(xShape), rng);
  const shape = Int32Array.from(xShape);
  const expected = new Float32Array(outLen);
  sumTo.reference(x, shape, strides, expected);
  return { what, x, shape, strides, expected };
}

// [x shape, kept shape]: leading, trailing, middle and all axes; sizes over the
// thread grain (2^15) in both splitting modes (own accumulator slices when few
// terms meet in each output, per-thread accumulators when many do).
const KEPT: [number[], number[]][] = [
  [[1], [1]],
  [[3], [1]],
  [[7, 33], [1, 33]],
  [[7, 33], [7, 1]],
  [[7, 33], [1, 1]],
  [[1023], [1]],
  [[33, 1023], [1, 1023]],
  [[33, 1023], [33, 1]],
  [[3, 7, 33], [3, 1, 33]],
  [[3, 7, 33], [1, 7, 1]],
  [[2, 3, 7, 5], [1, 3, 1, 1]],
  [[7, 0], [7, 1]],
  [[2, 50021], [1, 50021]],
  [[50021, 3], [1, 3]],
  [[3, 40009], [3, 1]],
  [[1023, 67], [1023, 1]],
  [[7, 1023, 9], [7, 1, 9]],
  [[5, 7, 1023, 3], [1, 7, 1, 3]],
  [[70001], [1]],
  [[4, 4099, 5], [4, 1, 5]],
];

let cases: Case[] | undefined;
function getCases(): Case[] {
  if (cases) return cases;
  const rng = new Rng(11);
  cases = KEPT.map(([xs, kept]) => makeCase(xs, keptStrides(kept), size(kept), rng, `[${xs}] to [${kept}]`));
  // rank 0 copies; strides that transpose, overlap, or leave out entries past their reach
  cases.push(makeCase([], new Int32Array(0), 1, rng, 'rank 0'));
  cases.push(makeCase([33, 7], Int32Array.from([1, 33]), 231, rng, 'transposed out'));
  cases.push(makeCase([300, 301], Int32Array.from([1, 1]), 600, rng, 'anti-diagonals, 0 past the reach'));
  cases.push(makeCase([3, 33, 1023], Int32Array.from([0, 2048, 2]), 70000, rng, 'strided out over a gap'));
  return cases;
}

function runCases(cfg: NativeConfig): void {
  const native = requireNative(sumTo);
  for (const c of getCases()) {
    const out = new Float32Array(c.expected.length).fill(Number.NaN);
    native(c.x, c.shape, c.strides, out);
    // float64 sums in another order round to the same float within one unit
    assertNear(out, c.expected, 2 ** -23, 1e-12, `sumTo ${c.what} ${configLabel(cfg)}`);
  }
}

nativeParity({ 'sumTo: native matches reference over leading, trailing, middle and all axes': runCases });

test('sumTo: column and row sums worked out by hand', nativeTest(), () => {
  const native = requireNative(sumTo);
  const x = Float32Array.from([1, 2, 3, 4, 5, 6]);
  const cols = new Float32Array(3);
  native(x, Int32Array.from([2, 3]), Int32Array.from([0, 1]), cols);
  assert.deepEqual(Array.from(cols), [5, 7, 9]);
  const rows = new Float32Array(2);
  native(x, Int32Array.from([2, 3]), Int32Array.from([1, 0]), rows);
  assert.deepEqual(Array.from(rows), [6, 15]);
  // float64 accumulation: 2^24 + 1 + 1 - 2^24 is 2, where float32 would give 0
  const all = new Float32Array(1);
  native(Float32Array.from([2 ** 24, 1, 1, -(2 ** 24)]), Int32Array.from([4]), Int32Array.from([0]), all);
  assert.equal(all[0], 2);
});

test('sumTo: bad arguments raise errors naming the kernel and the argument', nativeTest(), () => {
  const native = requireNative(sumTo) as unknown as (...args: unknown[]) => void;
  const f = (n: number): Float32Array => new Float32Array(n);
  const i = (...v: number[]): Int32Array => Int32Array.from(v);
  const cases: [unknown[], RegExp][] = [
    [[f(6), i(2, 3), i(0, 1)], /sumTo: expects 4 arguments, got 3/],
    [[f(6), [2, 3], i(0, 1), f(3)], /sumTo: argument xShape must be an Int32Array/],
    [[f(6), i(2, 3), i(0, 1), new Float64Array(3)], /sumTo: argument out must be a Float32Array/],
    [[f(5), i(2, 3), i(0, 1), f(3)], /sumTo: x holds 5 elements but xShape needs 6/],
    [[f(6), i(2, 3), i(1), f(3)], /sumTo: outStrides has 1 entries but xShape has rank 2/],
    [[f(6), i(2, 3), i(0, -1), f(3)], /sumTo: outStrides\[1\] is -1/],
    [[f(6), i(2, 3), i(0, 1), f(2)], /sumTo: out holds 2 elements but the sizes given need 3/],
    [[f(1), i(), i(), f(0)], /sumTo: out holds 0 elements but the sizes given need 1/],
  ];
  for (const [args, message] of cases) assert.throws(() => native(...args), message);
  assert.throws(() => native(f(6), i(2, 3), i(0, 1), f(2)), RangeError);
});
