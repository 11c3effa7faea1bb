// Native scalarOp and scalarOpBackward against their references
// (src/kernels/ref/scalar-op.ts). Add and mul are one float64 operation
// rounded once, so they match bit for bit; pow calls libm's pow where the
// reference calls Math.pow, which may round the float64 result differently
// by one unit: 2^-23 relative.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ScalarOp, scalarOp, scalarOpBackward } from '../../src/kernels/index.js';
import { Rng } from '../../src/index.js';
import { assertNear, assertSameFloats, configLabel, nativeParity, nativeTest, randomFloats, requireNative, type NativeConfig } from '../helpers/native.js';

const OPS = Object.entries(ScalarOp) as [string, number][];
const SCALARS = [0, 1, 2, 3, 0.5, -1, 0.1, 1e-3, -2.5, 1e30, Number.NaN, Infinity, -Infinity];
const SPECIALS = [0, -0, 1, -1, 0.5, -2, 3, 1e-40, 1e30, -1e30, Infinity, -Infinity, Number.NaN];

interface Case {
  readonly what: string;
  readonly op: number;
  readonly s: number;
  readonly x: Float32Array;
  readonly g: Float32Array;
}

let cases: Case[] | undefined;
function getCases(): Case[] {
  if (cases) return cases;
  const rng = new Rng(17);
  cases = [];
  for (const [name, op] of OPS) {
    for (const s of SCALARS) {
      // one size over the thread grain per op is enough for the threaded path
      for (const n of s === 0.1 ? [1, 3, 7, 33, 1023, 70001] : [1, 3, 7, 33, 1023]) {
        // pow on positive bases mostly, so that results are finite
        const x = randomFloats(n, rng, op === ScalarOp.pow ? 0 : -4, 4);
        cases.push({ what: `${name} s=${s} n=${n}`, op, s, x, g: randomFloats(n, rng) });
      }
      cases.push({ what: `${name} s=${s} on special values`, op, s, x: Float32Array.from(SPECIALS), g: new Float32Array(SPECIALS.length).fill(1) });
    }
  }
  return cases;
}

function runCases(cfg: NativeConfig): void {
  const forward = requireNative(scalarOp);
  const backward = requireNative(scalarOpBackward);
  for (const c of getCases()) {
    const what = `scalarOp ${c.what} ${configLabel(cfg)}`;
    const want = new Float32Array(c.x.length);
    scalarOp.reference(c.op, c.x, c.s, want);
    const got = new Float32Array(c.x.length).fill(42);
    forward(c.op, c.x, c.s, got);
    const wantDx = new Float32Array(c.x.length);
    scalarOpBackward.reference(c.op, c.x, c.s, c.g, wantDx);
    const dx = new Float32Array(c.x.length).fill(42);
    backward(c.op, c.x, c.s, c.g, dx);
    if (c.op === ScalarOp.pow) {
      assertNear(got, want, 2 ** -23, 0, `${what} forward`);
      assertNear(dx, wantDx, 2 ** -23, 0, `${what} backward`);
    } else {
      assertSameFloats(got, want, `${what} forward`);
      assertSameFloats(dx, wantDx, `${what} backward`);
    }
  }
}

nativeParity({ 'scalarOp and scalarOpBackward: native matches reference': runCases });

test('scalarOp: float64 arithmetic worked out by hand, in place', nativeTest(), () => {
  const forward = requireNative(scalarOp);
  // 1 + 2^-30 rounds back to 1 in float; 3·(1/3) in float64 then rounded is 1
  const x = Float32Array.from([1, 3]);
  forward(ScalarOp.add, x, 2 ** -30, x);
  assert.equal(x[0], 1);
  forward(ScalarOp.mul, Float32Array.from([3, 6]), 1 / 3, x);
  assert.deepEqual(Array.from(x), [1, 2]);
  forward(ScalarOp.pow, Float32Array.from([1, -1]), Infinity, x);
  assert.ok(Number.isNaN(x[0]) && Number.isNaN(x[1]), 'Math.pow(±1, Infinity) is NaN');
});

test('scalarOp: bad arguments raise errors naming the kernel and the argument', nativeTest(), () => {
  const forward = requireNative(scalarOp) as unknown as (...args: unknown[]) => void;
  const backward = requireNative(scalarOpBackward) as unknown as (...args: unknown[]) => void;
  const f = (n: number): Float32Array => new Float32Array(n);
  assert.throws(() => forward(3, f(2), 1, f(2)), /scalarOp: op 3 is not a ScalarOp code \(0 to 2\)/);
  assert.throws(() => forward(0, f(2), '1', f(2)), /scalarOp: argument s must be a number/);
  assert.throws(() => forward(0, f(1), 1, f(2)), /scalarOp: x holds 1 elements but the sizes given need 2/);
  assert.throws(() => backward(2, f(2), 1, f(1), f(2)), /scalarOpBackward: g holds 1 elements but the sizes given need 2/);
});
