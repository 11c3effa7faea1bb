import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../src/index.js';
import { gemm } from '../../src/kernels/index.js';
import { nativeTest, requireBinding } from '../helpers/native.js';

// Growing the pool after parallel work once made new workers rerun the finished job.
test('thread pool: shrink and grow between parallel jobs, results stay right', nativeTest(), () => {
  const binding = requireBinding();
  const before = binding.getThreads();
  const rng = new Rng(5);
  const m = 192;
  const a = Float32Array.from({ length: m * m }, () => rng.uniform(-1, 1));
  const expected = new Float32Array(m * m);
  gemm.reference(1, false, false, m, m, m, 1, a, 0, m, a, 0, m, 0, expected, 0, m);
  try {
    for (const threads of [2, 1, 2, 3, 1, 4]) {
      binding.setThreads(threads);
      const c = new Float32Array(m * m);
      gemm.native!(1, false, false, m, m, m, 1, a, 0, m, a, 0, m, 0, c, 0, m);
      for (let i = 0; i < c.length; i++) assert.ok(Math.abs(c[i]! - expected[i]!) <= 1e-3 * (1 + Math.abs(expected[i]!)), `threads ${threads}, element ${i}`);
    }
  } finally {
    binding.setThreads(before);
  }
});
