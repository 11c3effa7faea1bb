/**
 * The rounding bound the sparse-kernel parity tests (test/native/spmm*.test.ts)
 * compare with: any order of summing `terms` fp32 products lands within
 * (terms + 4)·2^-24·Σ|w·x| of the exact sum, so a native kernel that sums in
 * its own order passes and one that drops or repeats a term fails.
 */
import assert from 'node:assert/strict';

/** Fails on the first element with |actual − expected| > (terms + 4)·2^-24·absSum (absSum: the sum of absolute products). */
export function assertWithinRounding(actual: Float32Array, expected: Float32Array, absSum: Float32Array, terms: number, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  const u = (terms + 4) * 2 ** -24;
  for (let i = 0; i < expected.length; i++) {
    const tol = u * absSum[i]! + 1e-30;
    if (!(Math.abs(actual[i]! - expected[i]!) <= tol)) assert.fail(`${what}[${i}]: ${actual[i]} vs reference ${expected[i]} (tolerance ${tol.toExponential(2)})`);
  }
}
