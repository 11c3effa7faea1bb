// Native softmax and log-softmax (forward and backward) against their
// references (src/kernels/ref/softmax.ts).
//
// Tolerances: the native exponential is a vectorised polynomial within one
// unit in the last place of float64 exp rounded to float; sums are float64 in
// another order. Softmax matches to 1e-6 relative (plus 1e-38 absolute, as
// results that underflow to denormals keep fewer digits); log-softmax to 1e-6
// relative plus 1e-6 absolute (log Σ carries the sum's last-bit error); the
// backward passes to 1e-6 relative plus 1e-6 of the largest result (dy − dot
// cancels).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { softmaxRows, softmaxRowsBackward } from '../../src/kernels/index.js';
import { Rng } from '../../src/index.js';
import { assertNear, configLabel, nativeParity, nativeTest, randomFloats, requireNative, type NativeConfig } from '../helpers/native.js';

interface Case {
  readonly what: string;
  readonly rows: number;
  readonly cols: number;
  readonly x: Float32Array;
  readonly dy: Float32Array;
}

const SHAPES: [number, number][] = [
  [1, 1], [3, 1], [1, 3], [7, 7], [33, 33], [3, 1023], [2, 4099], [1023, 7], [70, 1023], [1, 70001],
];

function maxAbs(a: Float32Array): number {
  let m = 0;
  for (const v of a) if (Number.isFinite(v)) m = Math.max(m, Math.abs(v));
  return m;
}

let cases: Case[] | undefined;
function getCases(): Case[] {
  if (cases) return cases;
  const rng = new Rng(5);
  cases = SHAPES.map(([rows, cols]) => ({
    what: `[${rows}, ${cols}]`, rows, cols, x: randomFloats(rows * cols, rng, -8, 8), dy: randomFloats(rows * cols, rng),
  }));
  // Special rows: a large offset (x − max must not lose digits), a very wide
  // range (underflow to denormals and 0), -Infinity entries, an all -Infinity
  // row, NaN and +Infinity.
  const cols = 37;
  const rows = [
    Array.from({ length: cols }, (_, j) => 1e4 + j * 0.01),
    Array.from({ length: cols }, (_, j) => -j * 3.1),
    Array.from({ length: cols }, (_, j) => (j % 3 === 0 ? -Infinity : j * 0.1)),
    Array.from({ length: cols }, () => -Infinity),
    Array.from({ length: cols }, (_, j) => (j === 5 ? Number.NaN : j)),
    Array.from({ length: cols }, (_, j) => (j === 9 ? Infinity : j)),
  ];
  cases.push({ what: 'special rows', rows: rows.length, cols, x: Float32Array.from(rows.flat()), dy: randomFloats(rows.length * cols, rng) });
  return cases;
}

function runCases(cfg: NativeConfig): void {
  const forward = requireNative(softmaxRows);
  const backward = requireNative(softmaxRowsBackward);
  for (const c of getCases()) {
    const n = c.rows * c.cols;
    for (const log of [false, true]) {
      const what = `${log ? 'logSoftmax' : 'softmax'} ${c.what} ${configLabel(cfg)}`;
      const want = new Float32Array(n);
      softmaxRows.reference(c.rows, c.cols, log, c.x, want);
      const got = new Float32Array(n).fill(42);
      forward(c.rows, c.cols, log, c.x, got);
      assertNear(got, want, 1e-6, log ? 1e-6 : 1e-38, `${what} forward`);

      const wantDx = new Float32Array(n);
      softmaxRowsBackward.reference(c.rows, c.cols, log, want, c.dy, wantDx);
      const gotDx = new Float32Array(n).fill(42);
      backward(c.rows, c.cols, log, want, c.dy, gotDx);
      assertNear(gotDx, wantDx, 1e-6, 1e-6 * maxAbs(wantDx), `${what} backward`);
    }
  }
}

nativeParity({ 'softmaxRows and softmaxRowsBackward: native matches reference': runCases });

test('softmaxRows: values worked out by hand', nativeTest(), () => {
  const forward = requireNative(softmaxRows);
  // softmax(0, ln 3) = (1/4, 3/4); log-softmax(0, 0) = (−ln 2, −ln 2)
  const y = new Float32Array(2);
  forward(1, 2, false, Float32Array.from([0, Math.log(3)]), y);
  assertNear(y, Float32Array.from([0.25, 0.75]), 1e-6, 0, 'softmax(0, ln 3)');
  forward(1, 2, true, Float32Array.from([0, 0]), y);
  assertNear(y, Float32Array.from([-Math.LN2, -Math.LN2]), 1e-6, 0, 'logSoftmax(0, 0)');
});

test('softmaxRows: bad arguments raise errors naming the kernel and the argument', nativeTest(), () => {
  const forward = requireNative(softmaxRows) as unknown as (...args: unknown[]) => void;
  const backward = requireNative(softmaxRowsBackward) as unknown as (...args: unknown[]) => void;
  const f = (n: number): Float32Array => new Float32Array(n);
  assert.throws(() => forward(2, 3, false, f(6)), /softmaxRows: expects 5 arguments, got 4/);
  assert.throws(() => forward(2, 3, 0, f(6), f(6)), /softmaxRows: argument log must be a boolean/);
  assert.throws(() => forward(-2, 3, false, f(6), f(6)), /softmaxRows: argument rows must be a non-negative integer/);
  assert.throws(() => forward(2, 3, false, f(5), f(6)), /softmaxRows: x holds 5 elements but the sizes given need 6/);
  assert.throws(() => forward(2, 3, false, f(6), f(5)), RangeError);
  assert.throws(() => backward(2, 3, true, f(6), f(6), f(4)), /softmaxRowsBackward: dx holds 4 elements but the sizes given need 6/);
  assert.throws(() => backward(2, 3, true, f(6), new Int32Array(6), f(6)), /softmaxRowsBackward: argument dy must be a Float32Array/);
});
