// Native cross-entropy rows (forward and backward) against the reference
// (src/kernels/ref/cross-entropy.ts). The native exponential is within one
// unit in the last place of float64 exp; sums are float64 in another order.
// lse and losses match to 1e-6 relative plus 1e-6 absolute (values near 0);
// dlogits to 1e-6 relative plus 1e-6·max|g| (softmax − 1 cancels at the
// target).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { crossEntropyRows, crossEntropyRowsBackward } from '../../src/kernels/index.js';
import { Rng } from '../../src/index.js';
import { assertNear, configLabel, nativeParity, nativeTest, randomFloats, requireNative, type NativeConfig } from '../helpers/native.js';

interface Case {
  readonly what: string;
  readonly rows: number;
  readonly cols: number;
  readonly ignore: number;
  readonly smoothing: number;
  readonly logits: Float32Array;
  readonly targets: Int32Array;
  readonly gradRows: Float32Array;
}

const SHAPES: [number, number][] = [[1, 1], [3, 3], [7, 7], [33, 33], [3, 1023], [70, 1023], [1023, 7], [2, 50021]];

let cases: Case[] | undefined;
function getCases(): Case[] {
  if (cases) return cases;
  const rng = new Rng(13);
  cases = [];
  for (const [rows, cols] of SHAPES) {
    const logits = randomFloats(rows * cols, rng, -6, 6);
    const gradRows = randomFloats(rows, rng);
    for (const [ignore, smoothing] of [[-100, 0], [-100, 0.1], [0, 0.25]] as const) {
      // every fifth row ignored
      const targets = Int32Array.from({ length: rows }, (_, r) => (r % 5 === 4 ? ignore : rng.int(cols)));
      cases.push({ what: `[${rows}, ${cols}] ignore=${ignore} smoothing=${smoothing}`, rows, cols, ignore, smoothing, logits, targets, gradRows });
    }
  }
  // a large offset, a −∞ logit (NaN loss once smoothing weighs it, as the reference), NaN
  const cols = 5;
  const logits = Float32Array.from([1e4, 1e4 + 1, 1e4 - 3, 1e4, 1e4, 0, -Infinity, 1, 2, 3, 0, Number.NaN, 1, 2, 3]);
  const targets = Int32Array.from([1, 3, 0]);
  cases.push({ what: 'special rows', rows: 3, cols, ignore: -100, smoothing: 0, logits, targets, gradRows: Float32Array.from([1, 1, 1]) });
  cases.push({ what: 'special rows, smoothing', rows: 3, cols, ignore: -100, smoothing: 0.1, logits, targets, gradRows: Float32Array.from([1, 1, 1]) });
  return cases;
}

function runCases(cfg: NativeConfig): void {
  const forward = requireNative(crossEntropyRows);
  const backward = requireNative(crossEntropyRowsBackward);
  for (const c of getCases()) {
    const what = `crossEntropy ${c.what} ${configLabel(cfg)}`;
    const wantLse = new Float32Array(c.rows);
    const wantLoss = new Float32Array(c.rows);
    crossEntropyRows.reference(c.rows, c.cols, c.ignore, c.smoothing, c.logits, c.targets, wantLse, wantLoss);
    const lse = new Float32Array(c.rows).fill(42);
    const loss = new Float32Array(c.rows).fill(42);
    forward(c.rows, c.cols, c.ignore, c.smoothing, c.logits, c.targets, lse, loss);
    assertNear(lse, wantLse, 1e-6, 1e-6, `${what} lse`);
    assertNear(loss, wantLoss, 1e-6, 1e-6, `${what} losses`);

    const want = new Float32Array(c.rows * c.cols);
    crossEntropyRowsBackward.reference(c.rows, c.cols, c.ignore, c.smoothing, c.logits, c.targets, wantLse, c.gradRows, want);
    const got = new Float32Array(c.rows * c.cols).fill(42);
    backward(c.rows, c.cols, c.ignore, c.smoothing, c.logits, c.targets, wantLse, c.gradRows, got);
    assertNear(got, want, 1e-6, 1e-6, `${what} dlogits`);
  }
}

nativeParity({ 'crossEntropyRows and crossEntropyRowsBackward: native matches reference': runCases });

test('crossEntropyRows: a row worked out by hand', nativeTest(), () => {
  const forward = requireNative(crossEntropyRows);
  const backward = requireNative(crossEntropyRowsBackward);
  // logits (0, ln 3): lse = ln 4; target 1 gives loss ln 4 − ln 3; gradient softmax − onehot = (1/4, −1/4)
  const lse = new Float32Array(1);
  const loss = new Float32Array(1);
  const logits = Float32Array.from([0, Math.log(3)]);
  forward(1, 2, -100, 0, logits, Int32Array.from([1]), lse, loss);
  assertNear(Float32Array.from([lse[0]!, loss[0]!]), Float32Array.from([Math.log(4), Math.log(4 / 3)]), 1e-6, 0, 'lse, loss');
  const d = new Float32Array(2);
  backward(1, 2, -100, 0, logits, Int32Array.from([1]), lse, Float32Array.from([1]), d);
  assertNear(d, Float32Array.from([0.25, -0.25]), 1e-6, 1e-7, 'dlogits');
});

test('crossEntropyRows: bad arguments raise errors naming the kernel and the argument', nativeTest(), () => {
  const forward = requireNative(crossEntropyRows) as unknown as (...args: unknown[]) => void;
  const backward = requireNative(crossEntropyRowsBackward) as unknown as (...args: unknown[]) => void;
  const f = (n: number): Float32Array => new Float32Array(n);
  const i = (...v: number[]): Int32Array => Int32Array.from(v);
  assert.throws(() => forward(2, 3, -100, 0, f(6), i(0, 3), f(2), f(2)), /crossEntropyRows: targets\[1\] is 3, outside \[0, 3\) and not ignoreIndex -100/);
  assert.throws(() => forward(2, 3, -100, 0, f(6), i(0, -1), f(2), f(2)), RangeError);
  assert.throws(() => forward(2, 3, 0.5, 0, f(6), i(0, 1), f(2), f(2)), /crossEntropyRows: ignoreIndex must be a 32-bit integer/);
  assert.throws(() => forward(2, 3, -100, 0, f(6), i(0), f(2), f(2)), /crossEntropyRows: targets holds 1 elements but the sizes given need 2/);
  assert.throws(() => backward(2, 3, -100, 0, f(6), i(0, 1), f(2), f(2), f(5)), /crossEntropyRowsBackward: dlogits holds 5 elements but the sizes given need 6/);
  assert.throws(() => backward(2, 3, -100, 0, f(6), new Float32Array(2), f(2), f(2), f(6)), /crossEntropyRowsBackward: argument targets must be an Int32Array/);
});
