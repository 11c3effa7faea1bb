// Native unary kernels against their references (src/kernels/ref/unary.ts).
//
// Tolerances: exact ops (sqrt, abs, relu) and the gradients formed from y
// or in float64 (exp, log, sqrt, abs, relu, sigmoid, tanh) match bit for
// bit. The vectorised transcendentals (exp, log, tanh, sigmoid, silu and both
// GELUs) match to 1e-6 relative, plus 1e-38 absolute where results are
// denormal (1e-13 for the tanh GELU, whose reference 1 + tanh u cancels in
// float64 below x = −4, where the native x·σ(2u) does not); their gradients to 1e-6 relative plus 1e-6·|g| absolute (the
// GELU and SiLU derivatives cross zero, where any rounding is large relative
// to the result).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { UnaryOp, unary, unaryBackward } from '../../src/kernels/index.js';
import { Rng } from '../../src/index.js';
import { assertNear, assertSameFloats, configLabel, nativeParity, nativeTest, randomFloats, requireNative, type NativeConfig } from '../helpers/native.js';

const OPS = Object.entries(UnaryOp) as [string, number][];
const EXACT_FORWARD = new Set<number>([UnaryOp.sqrt, UnaryOp.abs, UnaryOp.relu]);
const EXACT_BACKWARD = new Set<number>([UnaryOp.exp, UnaryOp.log, UnaryOp.sqrt, UnaryOp.abs, UnaryOp.relu, UnaryOp.sigmoid, UnaryOp.tanh]);
const SIZES = [1, 3, 7, 33, 1023, 70001];

// Edges of every function: signed zeros, denormals, under- and overflow of
// exp, the far GELU tail, the tanh branch point, infinities and NaN.
const SPECIALS = [
  0, -0, 1e-40, -1e-40, 1e-30, 1e-5, -1e-5, 0.5, -0.5, 0.625, -0.625, 0.63, 1, -1, 2, -2.5, -0.7518, -1.2785, 5, -5,
  -13.2, 20, -20, 88.7, 88.8, -88.8, -87.5, -104, -110, 1e5, -1e5, 1e20, -1e20, 3e38, -3e38, Infinity, -Infinity, Number.NaN,
];

/** Inputs inside each function's interesting range (log and sqrt get mostly positive ones). */
function inputs(op: number, n: number, rng: Rng): Float32Array {
  if (op === UnaryOp.log || op === UnaryOp.sqrt) return Float32Array.from({ length: n }, (_, i) => (i % 9 === 0 ? -rng.uniform(0, 1) : Math.exp(rng.uniform(-20, 20))));
  if (op === UnaryOp.exp) return randomFloats(n, rng, -90, 90);
  return randomFloats(n, rng, -12, 12);
}

interface Case {
  readonly what: string;
  readonly op: number;
  readonly x: Float32Array;
  readonly y: Float32Array;
  readonly g: Float32Array;
  readonly dx: Float32Array;
}

function makeCase(what: string, op: number, x: Float32Array, g: Float32Array): Case {
  const y = new Float32Array(x.length);
  unary.reference(op, x, y);
  const dx = new Float32Array(x.length);
  unaryBackward.reference(op, x, y, g, dx);
  return { what, op, x, y, g, dx };
}

let cases: Case[] | undefined;
function getCases(): Case[] {
  if (cases) return cases;
  const rng = new Rng(3);
  cases = [];
  for (const [name, op] of OPS) {
    for (const n of SIZES) cases.push(makeCase(`${name} n=${n}`, op, inputs(op, n, rng), randomFloats(n, rng)));
    const x = Float32Array.from(SPECIALS);
    cases.push(makeCase(`${name} on special values`, op, x, new Float32Array(x.length).fill(1)));
  }
  return cases;
}

function runCases(cfg: NativeConfig): void {
  const forward = requireNative(unary);
  const backward = requireNative(unaryBackward);
  for (const c of getCases()) {
    const what = `${c.what} ${configLabel(cfg)}`;
    const y = new Float32Array(c.x.length).fill(42);
    forward(c.op, c.x, y);
    if (EXACT_FORWARD.has(c.op)) assertSameFloats(y, c.y, `${what} forward`);
    else assertNear(y, c.y, 1e-6, c.op === UnaryOp.geluTanh ? 1e-13 : 1e-38, `${what} forward`);
    const dx = new Float32Array(c.x.length).fill(42);
    backward(c.op, c.x, c.y, c.g, dx);
    if (EXACT_BACKWARD.has(c.op)) assertSameFloats(dx, c.dx, `${what} backward`);
    else assertNear(dx, c.dx, 1e-6, 1e-6, `${what} backward`);
  }
}

nativeParity({ 'unary and unaryBackward: native matches reference on every op': runCases });

test('unary: in place (out === x) and values worked out by hand', nativeTest(), () => {
  const forward = requireNative(unary);
  const x = Float32Array.from([-2, -0.5, 0, 3]);
  forward(UnaryOp.relu, x, x);
  assert.deepEqual(Array.from(x), [0, 0, 0, 3]);
  const y = new Float32Array(3);
  // tanh(ln 2) = (4 − 1)/(4 + 1) = 0.6; σ(ln 3) = 3/4; gelu(0) = 0
  forward(UnaryOp.tanh, Float32Array.from([Math.LN2, 0, 0]), y);
  assertNear(y.subarray(0, 1), Float32Array.from([0.6]), 1e-6, 0, 'tanh(ln 2)');
  forward(UnaryOp.sigmoid, Float32Array.from([Math.log(3), 0, 0]), y);
  assertNear(y, Float32Array.from([0.75, 0.5, 0.5]), 1e-6, 0, 'sigmoid');
});

test('unary: bad arguments raise errors naming the kernel and the argument', nativeTest(), () => {
  const forward = requireNative(unary) as unknown as (...args: unknown[]) => void;
  const backward = requireNative(unaryBackward) as unknown as (...args: unknown[]) => void;
  const f = (n: number): Float32Array => new Float32Array(n);
  assert.throws(() => forward(10, f(3), f(3)), /unary: op 10 is not a UnaryOp code \(0 to 9\)/);
  assert.throws(() => forward(0, f(3)), /unary: expects 3 arguments, got 2/);
  assert.throws(() => forward(0, f(2), f(3)), /unary: x holds 2 elements but the sizes given need 3/);
  assert.throws(() => forward(0, f(2), f(3)), RangeError);
  assert.throws(() => backward(5, f(3), f(3), f(1), f(3)), /unaryBackward: g holds 1 elements but the sizes given need 3/);
  assert.throws(() => backward(5, f(3), new Float64Array(3), f(3), f(3)), /unaryBackward: argument y must be a Float32Array/);
});
