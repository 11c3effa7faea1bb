// Native nmMask against its reference (src/kernels/ref/nm-mask.ts): a 0/1
// mask, so they match exactly, ties and NaN included.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nmMask } from '../../src/kernels/index.js';
import { Rng } from '../../src/index.js';
import { assertSameFloats, configLabel, nativeParity, nativeTest, randomFloats, requireNative, type NativeConfig } from '../helpers/native.js';

// [outer, dim, inner, n, m]: groups along the last axis, a middle axis and the first, m from 3 to 128 (above 64
// the kernel keeps a group's scores on the heap)
const CASES: number[][] = [
  [1, 4, 1, 2, 4], [3, 8, 1, 1, 8], [7, 16, 3, 3, 8], [1, 32, 33, 5, 8], [33, 8, 7, 7, 8], [5, 12, 1, 4, 4],
  [1023, 8, 1, 2, 4], [64, 64, 8, 4, 16], [2, 64, 1, 17, 64], [1, 3, 1, 3, 3], [3, 256, 2, 40, 128],
];

interface Case {
  readonly what: string;
  readonly w: Float32Array;
  readonly dims: [number, number, number, number, number];
  readonly expected: Float32Array;
}

let cases: Case[] | undefined;
function getCases(): Case[] {
  if (cases) return cases;
  const rng = new Rng(37);
  cases = CASES.map(([outer, dim, inner, n, m]) => {
    const w = randomFloats(outer! * dim! * inner!, rng);
    // ties (equal magnitudes of either sign), zeros and NaN
    for (let i = 0; i < w.length; i += 5) w[i] = i % 2 === 0 ? 0.25 : -0.25;
    for (let i = 3; i < w.length; i += 11) w[i] = Number.NaN;
    for (let i = 7; i < w.length; i += 13) w[i] = 0;
    const expected = new Float32Array(w.length);
    nmMask.reference(w, outer!, dim!, inner!, n!, m!, expected);
    return { what: `outer ${outer} dim ${dim} inner ${inner} ${n}:${m}`, w, dims: [outer!, dim!, inner!, n!, m!], expected };
  });
  return cases;
}

function runCases(cfg: NativeConfig): void {
  const native = requireNative(nmMask);
  for (const c of getCases()) {
    const out = new Float32Array(c.w.length).fill(42);
    native(c.w, ...c.dims, out);
    assertSameFloats(out, c.expected, `nmMask ${c.what} ${configLabel(cfg)}`);
  }
}

nativeParity({ 'nmMask: native matches reference exactly': runCases });

test('nmMask: 2:4 worked out by hand, ties to the lower index', nativeTest(), () => {
  const native = requireNative(nmMask);
  const out = new Float32Array(8);
  native(Float32Array.from([0.1, -3, 2, 0.5, 1, 1, -1, Number.NaN]), 1, 8, 1, 2, 4, out);
  assert.deepEqual(Array.from(out), [0, 1, 1, 0, 1, 1, 0, 0]);
});

test('nmMask: bad arguments raise errors naming the kernel and the argument', nativeTest(), () => {
  const native = requireNative(nmMask) as unknown as (...args: unknown[]) => void;
  const f = (n: number): Float32Array => new Float32Array(n);
  assert.throws(() => native(f(8), 1, 8, 1, 5, 4, f(8)), /nmMask: n = 5 must satisfy 1 <= n <= m = 4/);
  assert.throws(() => native(f(8), 1, 8, 1, 0, 4, f(8)), RangeError);
  assert.throws(() => native(f(6), 1, 6, 1, 2, 4, f(6)), /nmMask: m = 4 does not divide dim = 6/);
  assert.throws(() => native(f(8), 1, 8, 1, 2, 4, f(7)), /nmMask: out holds 7 elements but the sizes given need 8/);
});
