// Native embedding lookup and gradient against their references
// (src/kernels/ref/embedding.ts). Copies, and float additions in token order
// for every destination, so they match bit for bit, repeated ids included.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { embeddingBackward, embeddingForward } from '../../src/kernels/index.js';
import { Rng } from '../../src/index.js';
import { assertSameFloats, configLabel, nativeParity, nativeTest, randomFloats, requireNative, type NativeConfig } from '../helpers/native.js';

// [vocabulary, d, tokens]: small vocabularies repeat ids often
const CASES: number[][] = [[1, 1, 1], [3, 7, 33], [7, 33, 3], [33, 1023, 70], [1023, 3, 7], [5, 4099, 40], [50, 64, 7001]];

interface Case {
  readonly what: string;
  readonly v: number;
  readonly d: number;
  readonly ids: Int32Array;
  readonly weight: Float32Array;
  readonly dy: Float32Array;
  readonly start: Float32Array;
}

let cases: Case[] | undefined;
function getCases(): Case[] {
  if (cases) return cases;
  const rng = new Rng(47);
  cases = CASES.map(([v, d, n]) => ({
    what: `V ${v} D ${d} N ${n}`,
    v: v!,
    d: d!,
    ids: Int32Array.from({ length: n! }, () => rng.int(v!)),
    weight: randomFloats(v! * d!, rng),
    dy: randomFloats(n! * d!, rng),
    // the backward accumulates: start from nonzero values
    start: randomFloats(v! * d!, rng),
  }));
  return cases;
}

function runCases(cfg: NativeConfig): void {
  const forward = requireNative(embeddingForward);
  const backward = requireNative(embeddingBackward);
  for (const c of getCases()) {
    const what = `embedding ${c.what} ${configLabel(cfg)}`;
    const n = c.ids.length;
    const want = new Float32Array(n * c.d);
    embeddingForward.reference(n, c.d, c.weight, c.ids, want);
    const y = new Float32Array(n * c.d).fill(42);
    forward(n, c.d, c.weight, c.ids, y);
    assertSameFloats(y, want, `${what} forward`);
    const wantDw = c.start.slice();
    embeddingBackward.reference(n, c.d, c.ids, c.dy, wantDw);
    const dw = c.start.slice();
    backward(n, c.d, c.ids, c.dy, dw);
    assertSameFloats(dw, wantDw, `${what} backward`);
  }
}

nativeParity({ 'embeddingForward and embeddingBackward: native matches reference bit for bit': runCases });

test('embedding: repeated ids add up, worked out by hand', nativeTest(), () => {
  const backward = requireNative(embeddingBackward);
  const dw = new Float32Array(4);
  backward(3, 2, Int32Array.from([1, 0, 1]), Float32Array.from([1, 2, 3, 4, 5, 6]), dw);
  assert.deepEqual(Array.from(dw), [3, 4, 6, 8]);
});

test('embedding: bad arguments raise errors naming the kernel and the argument', nativeTest(), () => {
  const forward = requireNative(embeddingForward) as unknown as (...args: unknown[]) => void;
  const backward = requireNative(embeddingBackward) as unknown as (...args: unknown[]) => void;
  const f = (n: number): Float32Array => new Float32Array(n);
  assert.throws(() => forward(2, 3, f(6), Int32Array.from([0, 2]), f(6)), /embeddingForward: ids\[1\] is 2 but the weight has 2 rows; ids must lie in \[0, 2\)/);
  assert.throws(() => forward(2, 3, f(6), Int32Array.from([-1, 0]), f(6)), RangeError);
  assert.throws(() => forward(2, 3, f(6), Int32Array.from([0]), f(6)), /embeddingForward: ids holds 1 elements but the sizes given need 2/);
  assert.throws(() => backward(2, 3, Int32Array.from([0, 5]), f(6), f(6)), /embeddingBackward: ids\[1\] is 5 but the weight has 2 rows/);
});
