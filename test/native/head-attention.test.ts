// Native head attention (forward and backward) against its reference
// (src/kernels/ref/head-attention.ts), on awkward sizes, causal and not.
//
// Tolerances: the native kernel accumulates in float32 (the reference in
// float64) and its exponential is a vectorised polynomial, so results match
// to 2e-5 relative plus 2e-6 of the largest result.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { headAttention, headAttentionBackward } from '../../src/kernels/index.js';
import { Rng } from '../../src/index.js';
import { assertNear, configLabel, nativeParity, nativeTest, randomFloats, requireNative, type NativeConfig } from '../helpers/native.js';

// [batch, heads, t, s, d, dv]: batch 1, one head, T ≠ S, odd widths, one
// key, a vector-and-a-bit of keys (S = 17, 33), the ViT shape (50 tokens,
// 4 heads of 16), and many pairs so that threads split them unevenly.
const SHAPES: [number, number, number, number, number, number][] = [
  [1, 1, 1, 1, 1, 1], [1, 1, 3, 7, 5, 3], [2, 3, 7, 7, 1, 4], [1, 2, 33, 17, 7, 9], [3, 4, 50, 50, 16, 16],
  [7, 1, 5, 33, 3, 3], [2, 2, 17, 1, 4, 4], [33, 3, 3, 3, 2, 2],
];

function maxAbs(a: Float32Array): number {
  return a.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
}

function runCases(cfg: NativeConfig): void {
  const forward = requireNative(headAttention);
  const backward = requireNative(headAttentionBackward);
  const rng = new Rng(11);
  for (const [b, h, t, s, d, dv] of SHAPES) {
    for (const causal of [false, true]) {
      const what = `[b ${b}, h ${h}, t ${t}, s ${s}, d ${d}, dv ${dv}]${causal ? ' causal' : ''} ${configLabel(cfg)}`;
      const q = randomFloats(b * t * h * d, rng, -2, 2);
      const k = randomFloats(b * s * h * d, rng, -2, 2);
      const v = randomFloats(b * s * h * dv, rng);
      const dout = randomFloats(b * t * h * dv, rng);
      const scale = 1 / Math.sqrt(d);
      const want = new Float32Array(b * t * h * dv);
      const wantP = new Float32Array(b * h * t * s);
      headAttention.reference(b, h, t, s, d, dv, causal, scale, q, k, v, want, wantP);
      const got = new Float32Array(want.length).fill(42);
      const gotP = new Float32Array(wantP.length).fill(42);
      forward(b, h, t, s, d, dv, causal, scale, q, k, v, got, gotP);
      assertNear(gotP, wantP, 2e-5, 2e-7, `${what} probs`);
      assertNear(got, want, 2e-5, 2e-6 * maxAbs(want), `${what} out`);

      const grads = (impl: typeof backward): Float32Array[] => {
        const g = [new Float32Array(q.length), new Float32Array(k.length), new Float32Array(v.length)].map((a) => a.fill(42));
        impl(b, h, t, s, d, dv, causal, scale, q, k, v, wantP, dout, g[0]!, g[1]!, g[2]!);
        return g;
      };
      const wantG = grads(headAttentionBackward.reference);
      const gotG = grads(backward);
      ['dq', 'dk', 'dv'].forEach((name, i) => assertNear(gotG[i]!, wantG[i]!, 2e-5, 2e-6 * maxAbs(wantG[i]!), `${what} ${name}`));
    }
  }
}

nativeParity({ 'headAttention and headAttentionBackward: native matches reference': runCases });

test('headAttention: bad arguments raise errors naming the kernel and the argument', nativeTest(), () => {
  const forward = requireNative(headAttention) as unknown as (...args: unknown[]) => void;
  const f = (n: number): Float32Array => new Float32Array(n);
  assert.throws(() => forward(1, 1, 2, 2, 2, 2, false, 1, f(4), f(4), f(4), f(4)), /headAttention: expects 13 arguments, got 12/);
  assert.throws(() => forward(1, 1, 2, 2, 2, 2, 0, 1, f(4), f(4), f(4), f(4), f(4)), /headAttention: argument causal must be a boolean/);
  assert.throws(() => forward(1, 1, 2, 2, 2, 2, false, 1, f(3), f(4), f(4), f(4), f(4)), /headAttention: q holds 3 elements but the sizes given need 4/);
  assert.throws(() => forward(1, 1, 2, 2, 2, 2, false, 1, f(4), f(4), f(4), f(4), f(3)), /probs holds 3 elements/);
});
