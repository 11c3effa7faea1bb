// `bench spmm` end to end on tiny cases: one result per case and op, fields
// that match the case, the speed-up read off the two times, and which N:M
// forwards ran on a prepacked layout (N:M row blocks, CSR blocks).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { benchSpmm, type SpmmBenchResult } from '../../src/cli/commands/bench-spmm.js';
import { nativeTest } from '../helpers/native.js';

test('bench spmm: one line per case, with times from the same run', nativeTest(), () => {
  const seen: SpmmBenchResult[] = [];
  const out = benchSpmm({
    cases: [
      { op: 'spmm', format: 'nm', n: 1, m: 8, sparsity: 0.875, rows: 16, cols: 64, batch: 5 },
      { op: 'spmm', format: 'nm', n: 1, m: 8, sparsity: 0.875, rows: 16, cols: 64, batch: 1 },
      { op: 'spmm', format: 'csr', sparsity: 0.7, rows: 16, cols: 64, batch: 5 },
      { op: 'spmm_transposed', format: 'csr', sparsity: 0.9, rows: 16, cols: 64, batch: 1 },
      { op: 'sddmm', format: 'bsr', block: 4, sparsity: 0.5, rows: 16, cols: 64, batch: 6 },
    ],
    threads: [1],
    minTimeMs: 1,
    onResult: (r) => seen.push(r),
  });
  assert.deepEqual(seen, out);
  assert.deepEqual(out.map((r) => [r.op, r.format, r.n, r.m, r.block, r.batch, r.threads, r.prepacked]), [
    ['spmm', 'nm', 1, 8, null, 5, 1, false],
    ['spmm', 'nm', 1, 8, null, 1, 1, true],
    ['spmm', 'csr', null, null, null, 5, 1, true],
    ['spmm_transposed', 'csr', null, null, null, 1, 1, false],
    ['sddmm', 'bsr', null, null, 4, 6, 1, false],
  ]);
  for (const r of out) {
    assert.ok(r.dense_ms > 0 && r.sparse_ms > 0, JSON.stringify(r));
    // The times are rounded to 3 decimals, the speed-up to 2, from the unrounded times:
    // it lies within what the printed times allow.
    const lo = Math.max(0, r.dense_ms - 5e-4) / (r.sparse_ms + 5e-4);
    const hi = (r.dense_ms + 5e-4) / Math.max(1e-9, r.sparse_ms - 5e-4);
    assert.ok(r.speedup >= lo - 0.005 && r.speedup <= hi + 0.005, JSON.stringify(r));
  }
});

test('bench spmm: --no-prepack runs on NMPacked and CSR themselves', nativeTest(), () => {
  const out = benchSpmm({
    cases: [
      { format: 'nm', n: 1, m: 8, sparsity: 0.875, rows: 16, cols: 64, batch: 1 },
      { format: 'csr', sparsity: 0.7, rows: 16, cols: 64, batch: 5 },
    ],
    threads: [1],
    minTimeMs: 1,
    prepack: false,
  });
  assert.deepEqual(out.map((r) => r.prepacked), [false, false]);
});
