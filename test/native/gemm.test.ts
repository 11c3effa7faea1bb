// Native GEMM against its reference (src/kernels/ref/gemm.ts) on every
// instruction set the CPU supports, with 2 and then 1 threads.
// M rows of C, N columns, K the reduction; op(A): [M, K], op(B): [K, N].
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gemm } from '../../src/kernels/index.js';
import { Rng } from '../../src/index.js';
import { configLabel, nativeParity, nativeTest, randomFloats, requireNative } from '../helpers/native.js';

type GemmFn = typeof gemm.reference;

interface Case {
  m: number;
  n: number;
  k: number;
  batch?: number;
  /** Extra elements at the end of every row of A, B and C (ld = width + pad). */
  pad?: number;
  /** Elements before the first one, so the arrays start unaligned. */
  offset?: number;
  /** Which batch strides are 0 (one matrix shared by every item; for c, items accumulate in turn). */
  shared?: 'a' | 'b' | 'c';
  /** alpha and a non-zero beta for the accumulating run (the other run is alpha = 1, beta = 0 on NaN). */
  alpha?: number;
  beta?: number;
  /** Transpose combinations as [transA, transB] (default all four). */
  trans?: [boolean, boolean][];
}

const ALL_TRANS: [boolean, boolean][] = [
  [false, false],
  [false, true],
  [true, false],
  [true, true],
];

// Sizes 1, 3, 7, 33 and 1023 (one large dimension at a time), the skinny
// path (M <= 4), K blocks (KC = 256), M blocks (MC up to 336), N blocks
// (NC = 4096), B packed in several chunks on its first use, the two-thread splits along M and along N (over 2^21
// multiply-adds) and the batch paths: items shared out whole, items split,
// shared operands and items accumulating into one C.
const CASES: Case[] = [
  { m: 1, n: 1, k: 1 },
  { m: 3, n: 7, k: 33, pad: 3, offset: 1 },
  { m: 7, n: 33, k: 3, alpha: 2, beta: -1 },
  { m: 33, n: 3, k: 7, pad: 5 },
  { m: 1023, n: 7, k: 3, offset: 3 },
  { m: 7, n: 1023, k: 3, pad: 1 },
  { m: 5, n: 3, k: 1023, alpha: -0.5, beta: 2 },
  { m: 1, n: 1023, k: 33, offset: 1 },
  { m: 4, n: 33, k: 1023, pad: 2 },
  { m: 2, n: 3, k: 7 },
  { m: 33, n: 33, k: 0, alpha: 3, beta: 0.25 },
  { m: 15, n: 4100, k: 3, trans: [[false, false], [true, true]] },
  { m: 1023, n: 33, k: 70, pad: 1 },
  { m: 70, n: 1023, k: 33, offset: 2 },
  { m: 3, n: 1023, k: 700, trans: [[false, false], [true, true]] },
  { m: 400, n: 40, k: 300, pad: 3, trans: [[false, true], [true, false]] },
  { m: 700, n: 300, k: 9, trans: [[false, false], [true, true]] },
  { m: 33, n: 33, k: 300, batch: 8 },
  { m: 7, n: 33, k: 33, batch: 3, shared: 'a', pad: 1 },
  { m: 33, n: 7, k: 33, batch: 4, shared: 'b' },
  { m: 100, n: 90, k: 110, batch: 3, shared: 'c', beta: 1, trans: [[false, false], [true, true]] },
  { m: 200, n: 200, k: 110, batch: 3, trans: [[true, false]] },
];

/** One problem laid out in buffers, ready for either implementation. */
interface Problem {
  args: (c: Float32Array, alpha: number, beta: number) => Parameters<GemmFn>;
  a: Float32Array;
  b: Float32Array;
  cLength: number;
}

function layout(cs: Case, ta: boolean, tb: boolean, rng: Rng): Problem {
  const { m, n, k } = cs;
  const batch = cs.batch ?? 1;
  const pad = cs.pad ?? 0;
  const off = cs.offset ?? 0;
  const lda = (ta ? m : k) + pad;
  const ldb = (tb ? k : n) + pad;
  const ldc = n + pad;
  const sizeA = (ta ? k : m) * lda;
  const sizeB = (tb ? n : k) * ldb;
  const sizeC = m * ldc;
  const strideA = cs.shared === 'a' ? 0 : sizeA;
  const strideB = cs.shared === 'b' ? 0 : sizeB;
  const strideC = cs.shared === 'c' ? 0 : sizeC;
  const itemsA = cs.shared === 'a' ? 1 : batch;
  const itemsB = cs.shared === 'b' ? 1 : batch;
  const a = randomFloats(off + itemsA * sizeA, rng).subarray(off);
  const b = randomFloats(off + itemsB * sizeB, rng).subarray(off);
  const cLength = (cs.shared === 'c' ? 1 : batch) * sizeC;
  return {
    a,
    b,
    cLength,
    args: (c, alpha, beta) => [batch, ta, tb, m, n, k, alpha, a, strideA, lda, b, strideB, ldb, beta, c, strideC, ldc],
  };
}

/** A fresh C of `length` elements after `off` unused ones: random values, or NaN everywhere. */
function freshC(length: number, off: number, fill: 'nan' | Float32Array): Float32Array {
  const c = new Float32Array(off + length).subarray(off);
  if (fill === 'nan') c.fill(Number.NaN);
  else c.set(fill);
  return c;
}

/**
 * Asserts native ≈ expected within fp32 rounding of a K-term sum:
 * |err| <= (K + 4)·2^-24 · (|alpha|·Σ|a||b| + |beta|·|c|) (+ a tiny floor).
 * The bound comes from the reference run on absolute values, so it holds for
 * any summation order; a wrong or missing term, or a touched padding element, fails.
 */
function assertWithinRounding(actual: Float32Array, expected: Float32Array, bound: Float32Array, k: number, what: string): void {
  const u = (k + 4) * 2 ** -24;
  for (let i = 0; i < expected.length; i++) {
    const e = expected[i]!;
    const x = actual[i]!;
    if (Number.isNaN(e)) {
      if (!Number.isNaN(x)) assert.fail(`${what}[${i}]: ${x} where the reference leaves NaN`);
      continue;
    }
    const tol = u * bound[i]! + 1e-30;
    if (!(Math.abs(x - e) <= tol)) assert.fail(`${what}[${i}]: ${x} vs reference ${e} (tolerance ${tol.toExponential(2)})`);
  }
}

const abs = (x: Float32Array): Float32Array => x.map(Math.abs);

/** One native call to make and what it must give. */
interface Check {
  what: string;
  args: (c: Float32Array) => Parameters<GemmFn>;
  fresh: () => Float32Array;
  expected: Float32Array;
  bound: Float32Array;
  terms: number;
}

let checks: Check[] | undefined;

/** Every case under each transpose combination and both alpha/beta runs, with the reference's answers (computed once). */
function parityChecks(): Check[] {
  if (checks !== undefined) return checks;
  checks = [];
  const rng = new Rng(11);
  for (const cs of CASES) {
    for (const [ta, tb] of cs.trans ?? ALL_TRANS) {
      const p = layout(cs, ta, tb, rng);
      const off = cs.offset ?? 0;
      const c0 = randomFloats(p.cLength, rng);
      // Σ|a||b| per element (summed over the items when they share C), via the reference on absolute values.
      const items = cs.shared === 'c' ? (cs.batch ?? 1) : 1;
      const absSum = new Float32Array(p.cLength);
      const absArgs = p.args(absSum, 1, items > 1 ? 1 : 0);
      absArgs[7] = abs(p.a);
      absArgs[10] = abs(p.b);
      gemm.reference(...absArgs);
      const runs: [number, number, 'nan' | Float32Array][] = [
        [1, 0, 'nan'],
        [cs.alpha ?? -0.75, cs.beta ?? 0.5, c0],
      ];
      for (const [al, be, fill] of runs) {
        const expected = freshC(p.cLength, off, fill);
        gemm.reference(...p.args(expected, al, be));
        checks.push({
          what: `${cs.batch ?? 1}×[${cs.m}, ${cs.n}, ${cs.k}] transA=${ta} transB=${tb} alpha=${al} beta=${be}`,
          args: (c) => p.args(c, al, be),
          fresh: () => freshC(p.cLength, off, fill),
          expected,
          bound: absSum.map((s, i) => Math.abs(al) * s + (fill === 'nan' ? 0 : Math.abs(be * fill[i]!))),
          terms: cs.k * items,
        });
      }
    }
  }
  return checks;
}

nativeParity({
  'gemm: native matches reference on odd shapes, transposes, alpha/beta, strides and batches': (cfg) => {
    const native = requireNative(gemm);
    for (const ch of parityChecks()) {
      const out = ch.fresh();
      native(...ch.args(out));
      assertWithinRounding(out, ch.expected, ch.bound, ch.terms, `${ch.what} ${configLabel(cfg)}`);
    }
  },
  'gemm: native computes a worked 2×2 example': (cfg) => {
    const native = requireNative(gemm);
    // A = [[1, 2], [3, 4]], B = [[5, 6], [7, 8]]: A·B = [[19, 22], [43, 50]];
    // with alpha = 2, beta = -1 over C = 1: [[37, 43], [85, 99]].
    const aRows = Float32Array.of(1, 2, 3, 4);
    const aCols = Float32Array.of(1, 3, 2, 4);
    const bRows = Float32Array.of(5, 6, 7, 8);
    const bCols = Float32Array.of(5, 7, 6, 8);
    for (const [ta, tb] of ALL_TRANS) {
      const c = Float32Array.of(1, 1, 1, 1);
      native(1, ta, tb, 2, 2, 2, 2, ta ? aCols : aRows, 0, 2, tb ? bCols : bRows, 0, 2, -1, c, 0, 2);
      assert.deepEqual(Array.from(c), [37, 43, 85, 99], `transA=${ta} transB=${tb} ${configLabel(cfg)}`);
    }
  },
});

test('gemm: native rejects bad arguments with errors naming gemm', nativeTest(), () => {
  const native = requireNative(gemm);
  const a = new Float32Array(6); // [2, 3]
  const b = new Float32Array(12); // [3, 4]
  const c = new Float32Array(8); // [2, 4]
  native(1, false, false, 2, 4, 3, 1, a, 0, 3, b, 0, 4, 0, c, 0, 4);
  const call = (over: Partial<Record<number, unknown>>): void => {
    const args: unknown[] = [1, false, false, 2, 4, 3, 1, a, 0, 3, b, 0, 4, 0, c, 0, 4];
    for (const [i, v] of Object.entries(over)) args[Number(i)] = v;
    (native as (...xs: unknown[]) => void)(...args);
  };
  const rangeError = (re: RegExp) => (e: unknown): boolean => e instanceof RangeError && /^gemm: /.test(e.message) && re.test(e.message);
  const typeError = (re: RegExp) => (e: unknown): boolean => e instanceof TypeError && /^gemm: /.test(e.message) && re.test(e.message);
  assert.throws(() => call({ 7: new Float32Array(5) }), rangeError(/a .*holds 5 elements .* need 6/));
  assert.throws(() => call({ 10: new Float32Array(11) }), rangeError(/b .*holds 11 elements .* need 12/));
  assert.throws(() => call({ 14: new Float32Array(7) }), rangeError(/c .*holds 7 elements .* need 8/));
  assert.throws(() => call({ 0: 2, 8: 6 }), rangeError(/a .*holds 6 elements .* need 12/));
  assert.throws(() => call({ 1: true }), rangeError(/a \(\[k, m\].*holds 6 elements .* need 8/));
  assert.throws(() => call({ 9: 4 }), rangeError(/a .*need 7/));
  assert.throws(() => call({ 16: 3 }), rangeError(/ldc 3 is less than n 4/));
  assert.throws(() => call({ 14: a.subarray(0, 6), 4: 3, 16: 3 }), rangeError(/c shares memory with a/));
  assert.throws(() => call({ 8: 1e300 }), typeError(/strideA must be a non-negative integer/));
  assert.throws(() => call({ 0: 4096, 8: 2 ** 52 }), rangeError(/overflow/));
  assert.throws(() => call({ 3: -1 }), typeError(/m must be a non-negative integer/));
  assert.throws(() => call({ 3: 1.5 }), typeError(/m must be a non-negative integer/));
  assert.throws(() => call({ 7: new Float64Array(6) }), typeError(/a must be a Float32Array/));
  assert.throws(() => call({ 1: 0 }), typeError(/transA must be a boolean/));
  assert.throws(() => call({ 6: '1' }), typeError(/alpha must be a number/));
  assert.throws(() => (native as (...xs: unknown[]) => void)(1, false), typeError(/expects 17 arguments, got 2/));
  // Empty problems touch nothing, so empty arrays are fine.
  native(1, false, false, 0, 4, 3, 1, new Float32Array(0), 0, 3, new Float32Array(0), 0, 4, 0, new Float32Array(0), 0, 4);
  native(0, false, false, 2, 4, 3, 1, new Float32Array(0), 0, 3, new Float32Array(0), 0, 4, 0, new Float32Array(0), 0, 4);
});
