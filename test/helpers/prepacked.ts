/**
 * The contract of a prepacked layout (prepackNM, prepackCSR): spmm runs on
 * it where it applies, and it is a copy, so values changed in place reach
 * spmm only through the weight's own arrays (where the layout does not
 * apply) or once the layout is dropped.
 */
import assert from 'node:assert/strict';
import { relErr } from './rel-err.js';

export interface PrepackedCase {
  /** The weight's values, changed in place by the check and restored after. */
  readonly values: Float32Array;
  /** The product before any change. */
  readonly want: Float32Array;
  /** spmm at a batch the layout serves, and at one it does not (its output). */
  readonly onLayout: () => Float32Array;
  readonly offLayout: () => Float32Array;
  readonly drop: () => void;
  readonly prepack: () => void;
}

export function assertPrepackedCopy(c: PrepackedCase, label: string): void {
  assert.ok(relErr(c.onLayout(), c.want) < 1e-6, `${label}: ${relErr(c.onLayout(), c.want)}`);
  const saved = new Float32Array(c.values);
  c.values.fill(0);
  try {
    assert.ok(relErr(c.onLayout(), c.want) < 1e-6, `${label}: the prepacked copy serves its batches`);
    assert.ok(c.offLayout().every((v) => v === 0), `${label}: other batches read the weight's own arrays`);
    c.drop();
    assert.ok(c.onLayout().every((v) => v === 0), `${label}: once dropped, the weight's own arrays`);
  } finally {
    c.values.set(saved);
    c.prepack();
  }
}
