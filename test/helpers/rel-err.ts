import assert from 'node:assert/strict';

/** Relative closeness of two outputs of the same length: max |a − e| / max |e|. */
export function relErr(a: Float32Array, e: Float32Array): number {
  assert.equal(a.length, e.length);
  let num = 0;
  let den = 0;
  for (let i = 0; i < a.length; i++) {
    num = Math.max(num, Math.abs(a[i]! - e[i]!));
    den = Math.max(den, Math.abs(e[i]!));
  }
  return num / den;
}
